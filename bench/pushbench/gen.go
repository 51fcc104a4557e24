package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The three repos a push benchmark pushes (and the fetch part clones,
// with the refs repo of gen_refs.go). Every byte and every commit comes
// from fixed seeds and fixed dates, so each run pushes the same objects (the
// head hashes are printed to show it).
const (
	seedSmall = 0x5eed0001
	seedMany  = 0x5eed0002
	seedBig   = 0x5eed0003

	manyFiles = 2000
	manyBytes = 9_000_000 // about 9 MB of text over the 2,000 files
	bigBytes  = 100 << 20 // 100 MiB of ChaCha8 output
)

// repoNames is the order repos are generated, pushed and printed in.
var repoNames = []string{"small", "many", "big"}

func genMain(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	out := fs.String("out", "", "directory to create the repos in (must not exist or be empty)")
	bigFiles := fs.Int("big-files", 1, "split the 100 MiB of random data into this many files")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("gen: -out is required")
	}
	if *bigFiles < 1 || *bigFiles > 100 {
		return fmt.Errorf("gen: -big-files must be 1..100")
	}
	gens := map[string]func(string) error{
		"small": genSmall,
		"many":  genMany,
		"big":   func(dir string) error { return genBig(dir, *bigFiles) },
	}
	gens[refsRepo] = genRefs
	for _, name := range append(slices.Clone(repoNames), refsRepo) {
		if err := genRepo(filepath.Join(*out, name), name, gens[name]); err != nil {
			return err
		}
	}
	return nil
}

// genRepo makes the repo name in dir with gen, packs it and prints what
// it holds.
func genRepo(dir, name string, gen func(string) error) error {
	start := time.Now()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	g := &gitRepo{dir: dir}
	if err := g.run("init", "-q", "-b", "main"); err != nil {
		return err
	}
	if err := g.run("config", "gc.auto", "0"); err != nil {
		return err
	}
	if err := gen(dir); err != nil {
		return fmt.Errorf("gen %s: %w", name, err)
	}
	// Pack the source once, so every push reuses the stored deltas and
	// compressed data: the client's cost is then the same small part of
	// every push, and the servers' work is what differs.
	if err := g.run("repack", "-adq"); err != nil {
		return err
	}
	info, err := describe(dir)
	if err != nil {
		return err
	}
	fmt.Printf("  %-5s %s  (generated in %.1fs)\n", name, info, time.Since(start).Seconds())
	return nil
}

// repoInfo is what the report says about a source repo.
type repoInfo struct {
	Files     int
	TreeBytes int64
	Objects   int
	PackBytes int64
	Head      string
	BigFiles  int
}

func (i repoInfo) String() string {
	return fmt.Sprintf("%5d files %9s in tree, %5d objects, pack %9s, head %s",
		i.Files, mib(i.TreeBytes), i.Objects, mib(i.PackBytes), i.Head[:12])
}

func mib(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// describe reads a generated repo back: files and bytes in HEAD's tree,
// objects and bytes in its pack, head commit.
func describe(dir string) (repoInfo, error) {
	g := &gitRepo{dir: dir}
	var info repoInfo
	head, err := g.output("rev-parse", "HEAD")
	if err != nil {
		return info, err
	}
	info.Head = strings.TrimSpace(head)
	tree, err := g.output("ls-tree", "-r", "-l", "HEAD")
	if err != nil {
		return info, err
	}
	info.addTree(tree)
	counts, err := g.output("count-objects", "-v")
	if err != nil {
		return info, err
	}
	info.addCounts(counts)
	return info, nil
}

// addTree counts the files and bytes of `git ls-tree -r -l` output.
func (info *repoInfo) addTree(tree string) {
	for _, line := range strings.Split(strings.TrimSpace(tree), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		n, _ := strconv.ParseInt(f[3], 10, 64)
		info.Files++
		info.TreeBytes += n
		if n >= 1<<20 {
			info.BigFiles++
		}
	}
}

// addCounts reads the packed objects and bytes of `git count-objects -v`.
func (info *repoInfo) addCounts(counts string) {
	for _, line := range strings.Split(counts, "\n") {
		k, v, _ := strings.Cut(line, ": ")
		n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		switch k {
		case "in-pack":
			info.Objects = int(n)
		case "size-pack":
			info.PackBytes = n << 10
		}
	}
}
