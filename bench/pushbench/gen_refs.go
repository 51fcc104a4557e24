package main

import (
	"bufio"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// The refs repo, for the fetch part's mirror clone: a linear history of
// refsCommits small commits with 500 branches (main and 499 feature
// branches) and 3,000 tags (half lightweight, half annotated) on it,
// 3,500 refs in all.
const (
	seedRefs      = 0x5eed0004
	refsRepo      = "refs"
	refsCommits   = 1000
	refsFiles     = 50
	refsBranches  = 500 // main included
	refsTags      = 3000
	refsTotalRefs = refsBranches + refsTags
)

// genRefs writes the refs repo into the (initialised) work tree dir with
// `git fast-import`: one stream, fixed dates, so the same objects every
// run, and main checked out at the end.
func genRefs(dir string) error {
	g := &gitRepo{dir: dir}
	cmd := g.cmd(0, "fast-import", "--quiet", "--done")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	w := bufio.NewWriter(stdin)
	writeRefsStream(w, newTexter(seedRefs))
	if err := w.Flush(); err != nil {
		return err
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("git fast-import: %v: %s", err, stderr.String())
	}
	return g.run("reset", "-q", "--hard", "main")
}

// writeRefsStream writes the refs repo as a fast-import stream: the
// commits (marks 1..refsCommits), then the branches and tags on them.
func writeRefsStream(w io.Writer, t *texter) {
	const base = 1704110400 // 2024-01-01T12:00:00Z
	for i := 1; i <= refsCommits; i++ {
		fmt.Fprintf(w, "commit refs/heads/main\nmark :%d\ncommitter bench <bench@example.invalid> %d +0000\n", i, base+i*60)
		writeData(w, fmt.Sprintf("change %d: %s\n", i, t.phrase(6)))
		if i > 1 {
			fmt.Fprintf(w, "from :%d\n", i-1)
		}
		fmt.Fprintf(w, "M 100644 inline src/%s_%02d.py\n", "mod", i%refsFiles)
		writeData(w, t.code(1500))
		fmt.Fprintln(w)
	}
	// Branch k and tag k sit on commits spread over the history.
	for k := 1; k < refsBranches; k++ {
		fmt.Fprintf(w, "reset refs/heads/feature/%03d\nfrom :%d\n\n", k, 1+(k*2)%refsCommits)
	}
	for k := 0; k < refsTags; k++ {
		at := 1 + (k*7)%refsCommits
		if k%2 == 0 {
			fmt.Fprintf(w, "reset refs/tags/light-%04d\nfrom :%d\n\n", k, at)
			continue
		}
		fmt.Fprintf(w, "tag annot-%04d\nfrom :%d\ntagger bench <bench@example.invalid> %d +0000\n", k, at, base+at*60)
		writeData(w, fmt.Sprintf("release %d\n", k))
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "done")
}

// writeData writes a fast-import data block holding s.
func writeData(w io.Writer, s string) {
	fmt.Fprintf(w, "data %d\n%s", len(s), s)
}

// refsOf lists every ref of a repo as "<hash> <name>" lines, sorted (git
// for-each-ref's order), so two repos' refs compare as strings.
func refsOf(gitDir string) (string, error) {
	out, err := exec.Command("git", "--git-dir", gitDir, "for-each-ref", "--format=%(objectname) %(refname)").Output()
	if err != nil {
		return "", fmt.Errorf("for-each-ref %s: %v", gitDir, err)
	}
	return string(out), nil
}
