package main

import (
	"fmt"
	"runtime"
)

// rounds runs the warm-up rounds, then the measured ones, and prints the
// table. In each round each side deploys release 1 (cold) and release 2
// (warm) to an app of its own and cleans up before the other side starts.
func (b *imageBench) rounds(prefix string, warmup, runs int) error {
	if err := b.rawLogin(); err != nil {
		return err
	}
	res := map[string]map[string][]dsample{}
	for _, k := range imageKinds {
		res[k] = map[string][]dsample{}
	}
	load0 := loadAvg()
	for i := -warmup; i < runs; i++ {
		tag, label := roundTag(i)
		for _, side := range turns(i, "gitd", "raw") {
			app := fmt.Sprintf("%s-%c%s", prefix, side[0], tag)
			if err := b.sideRound(label, side, app, res, i >= 0, i == 0); err != nil {
				return fmt.Errorf("%s, %s: %w", label, side, err)
			}
		}
		if i == 0 && len(b.views) == 2 {
			printViewCompare(b.views["gitd"], b.views["raw"])
		}
	}
	fmt.Println()
	printImageTable(res, b.check)
	fmt.Printf("load average: %s at the start, %s at the end (%d cores; other tenants of the engine count too)\n",
		load0, loadAvg(), runtime.NumCPU())
	return nil
}

// sideRound deploys release 1 then release 2 to app on one side, adds the
// samples to res if measured, keeps release 2's container view if view,
// and removes the app's containers and images again.
func (b *imageBench) sideRound(label, side, app string, res map[string]map[string][]dsample, measured, view bool) (err error) {
	defer func() {
		if cerr := b.cleanSide(side, app); err == nil {
			err = cerr
		}
	}()
	if side == "gitd" {
		if out, err := sshTo(b.sshBase, b.gitdAddr, "git", "apps:create", app).CombinedOutput(); err != nil {
			return fmt.Errorf("apps:create %s: %v: %s", app, err, out)
		}
	}
	for n, kind := range imageKinds {
		var s dsample
		if side == "gitd" {
			s, err = b.gitdImageDeploy(app, n+1)
		} else {
			s, err = b.rawImageDeploy(app, n+1)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", kind, err)
		}
		if measured {
			res[kind][side] = append(res[kind][side], s)
		}
		printImageSample(label, side, kind, s, b.check)
	}
	if view {
		if b.views[side], err = inspectView(b.cli, containerName(app, 2)); err != nil {
			fmt.Printf("  (cannot inspect %s's container: %v)\n", side, err)
			delete(b.views, side)
		}
	}
	return nil
}

// cleanSide removes what a side's round made (untimed): gitd's app through
// apps:destroy (containers, release images), the raw containers and pulled
// refs by hand. Then neither image may be left on the engine.
func (b *imageBench) cleanSide(side, app string) error {
	if side == "gitd" {
		if out, err := sshTo(b.sshBase, b.gitdAddr, "git", "apps:destroy", app, "--confirm", app).CombinedOutput(); err != nil {
			return fmt.Errorf("apps:destroy %s: %v: %s", app, err, out)
		}
	} else {
		_, _ = dockerOut("rm", "-f", containerName(app, 1), containerName(app, 2))
		removeImages(b.refs[:]...)
	}
	return b.checkGone()
}
