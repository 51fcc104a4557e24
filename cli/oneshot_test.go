package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/receive"
	"github.com/botrunner/botrunner/shellwords"
)

// gitdRun is one botctl run against fakeGitd.
type gitdRun struct {
	code           int
	stdout, stderr string
	log            []string // the command lines the server got, in order
}

// fakeServer is a fakeGitd's state: its repos and the log.
type fakeServer struct {
	root, log string
}

func newFakeServer(t *testing.T) *fakeServer {
	dir := t.TempDir()
	return &fakeServer{root: filepath.Join(dir, "repos"), log: filepath.Join(dir, "log")}
}

// run runs botctl in dir against the fake server; env adds to botctl's
// own environment (Getenv) and to the fake's.
func (f *fakeServer) run(t *testing.T, dir, stdin string, env map[string]string, args ...string) gitdRun {
	t.Helper()
	_ = os.Remove(f.log)
	t.Setenv("FAKE_GITD_ROOT", f.root)
	t.Setenv("FAKE_GITD_LOG", f.log)
	own := map[string]string{"BOTCTL_SSH": shellwords.Quote(fake(t, "fakegitd")) + " fake-gitd", "USER": "tester"}
	for k, v := range env {
		own[k] = v
		t.Setenv(k, v)
	}
	var out, errb bytes.Buffer
	sys := System{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Dir: dir, Version: "botctl test",
		Getenv: envOf(own)}
	res := gitdRun{code: Main(context.Background(), args, sys), stdout: out.String(), stderr: errb.String()}
	if b, err := os.ReadFile(f.log); err == nil {
		res.log = strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	}
	return res
}

func (f *fakeServer) repos(t *testing.T) *receive.Repos {
	r, err := receive.NewRepos(f.root, receive.Options{})
	require.NoError(t, err)
	return r
}

// files lists the files of ref's commit in app's repo, with contents.
func (f *fakeServer) files(t *testing.T, app string, ref plumbing.ReferenceName) map[string]string {
	t.Helper()
	r := f.repos(t)
	head, err := r.Head(app, ref)
	require.NoError(t, err)
	require.False(t, head.IsZero(), "%s has no %s", app, ref)
	tree, err := r.Tree(app, head.String())
	require.NoError(t, err)
	out := map[string]string{}
	for _, e := range tree.Entries {
		if f, err := tree.File(e.Name); err == nil {
			out[e.Name], _ = f.Contents()
		}
	}
	return out
}

const remoteFlag = "--remote=ssh://git@gitd.test:2222"

func botDir(t *testing.T, files map[string]string) string {
	dir := t.TempDir()
	writeTree(t, dir, files)
	return dir
}
