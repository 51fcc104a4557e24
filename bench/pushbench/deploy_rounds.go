package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// rounds runs the warm-up rounds, then the measured ones, and prints the
// table.
func (b *deployBench) rounds(prefix string, warmup, runs int) error {
	res := map[string]map[string][]dsample{}
	for _, k := range kinds {
		res[k] = map[string][]dsample{}
	}
	load0 := loadAvg()
	compared := false
	for i := -warmup; i < runs; i++ {
		tag, label := roundTag(i)
		// The two sides take turns deploy by deploy (A first, B first, A
		// redeploy, B redeploy), so each pair runs close in time, and who
		// goes first alternates by round: neither always builds into the
		// other's leftovers (page cache, dirty layers, a busy engine).
		sides := turns(i, "gitd", "raw")
		apps := map[string]string{}
		for _, side := range sides {
			apps[side] = fmt.Sprintf("%s-%c%s", prefix, side[0], tag)
		}
		if err := b.round(label, sides, apps, res, i >= 0); err != nil {
			return err
		}
		if !compared && i >= 0 {
			compared = true
			b.compare(apps["gitd"], apps["raw"])
		}
		b.removeContainers(apps)
	}
	fmt.Println()
	printDeployTable(res, runs, b.check)
	fmt.Printf("load average: %s at the start, %s at the end (%d cores; other tenants of the engine count too)\n",
		load0, loadAvg(), runtime.NumCPU())
	return nil
}

// round deploys each side's app of one round, first deploy then redeploy,
// and adds the samples to res if measured.
func (b *deployBench) round(label string, sides []string, apps map[string]string,
	res map[string]map[string][]dsample, measured bool) error {
	for n, kind := range kinds {
		for _, side := range sides {
			var s dsample
			var err error
			if side == "gitd" {
				s, err = b.gitdStep(apps[side], n+1)
			} else {
				s, err = b.rawStep(apps[side], n+1)
			}
			if err != nil {
				b.removeContainers(apps)
				return fmt.Errorf("%s, %s, %s: %w", label, side, kind, err)
			}
			if measured {
				res[kind][side] = append(res[kind][side], s)
			}
			printSample(label, side, kind, s, b.check)
		}
	}
	return nil
}

// gitdStep deploys release n of app through gitd: n = 1 pushes the bot to
// a new app (first deploy), n = 2 a commit changing one line (redeploy).
func (b *deployBench) gitdStep(app string, n int) (dsample, error) {
	dir := filepath.Join(b.work, "gitd", app)
	if err := b.writeBot(dir, app, n); err != nil {
		return dsample{}, err
	}
	g := &gitRepo{dir: dir}
	if n == 1 {
		if err := g.run("init", "-q", "-b", "main"); err != nil {
			return dsample{}, err
		}
	}
	if err := g.commitAll(fmt.Sprintf("v%d", n), n); err != nil {
		return dsample{}, err
	}
	return b.gitdDeploy(app, n, dir)
}

// rawStep does the same by hand.
func (b *deployBench) rawStep(app string, n int) (dsample, error) {
	dir := filepath.Join(b.work, "raw", app)
	if err := b.writeBot(dir, app, n); err != nil {
		return dsample{}, err
	}
	return b.rawDeploy(app, n, dir)
}

// writeBot writes release n of app's code into dir: the bot as it is, with
// the app's name in handlers.py's GREETING line (and, for n = 1, in a
// comment of requirements.txt, so each app's deps layer is its own).
func (b *deployBench) writeBot(dir, app string, n int) error {
	for name, data := range b.files {
		switch name {
		case editFile:
			data = editLine.ReplaceAll(data, []byte(fmt.Sprintf("GREETING = %q",
				fmt.Sprintf("Hello from a multi-file bot! (%s, release %d)", app, n))))
		case "requirements.txt":
			data = append(bytes.Clone(data), fmt.Sprintf("# pushbench deploy: %s\n", app)...)
		}
		if err := writeFileAll(filepath.Join(dir, filepath.FromSlash(name)), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// removeContainers removes the bot containers of a round's apps (untimed).
// Images stay until bench/run.sh removes them all at the end: one may be
// the cache parent of a build that is still to come.
func (b *deployBench) removeContainers(apps map[string]string) {
	for _, app := range apps {
		out, _ := exec.Command("docker", "ps", "-aq", "--filter", "name=botrunner-"+app+"-v").Output()
		if ids := strings.Fields(string(out)); len(ids) > 0 {
			if out, err := exec.Command("docker", append([]string{"rm", "-f"}, ids...)...).CombinedOutput(); err != nil {
				fmt.Fprintf(os.Stderr, "pushbench: remove containers of %s: %v: %s\n", app, err, out)
			}
		}
	}
}
