package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/receive"
	"github.com/botrunner/botrunner/shellwords"
)

// fakeGitd stands in for ssh + the server in the one-shot tests (TestMain
// runs it when BOTCTL_TEST_FAKE_GITD=1): it appends each command line to
// $FAKE_GITD_LOG and answers the few commands a deploy runs, with a real
// receive-pack (package receive) over repos in $FAKE_GITD_ROOT.
// $FAKE_GITD_FAIL=1 makes deploys fail; $FAKE_GITD_BRANCH is the deploy
// branch setting; $FAKE_GITD_FORBIDDEN=1 answers settings as to a deploy key.
func fakeGitd() int {
	args := os.Args[1:]
	words := args[slices.Index(args, "--")+1:]
	line := strings.Join(words, " ")
	logf, err := os.OpenFile(os.Getenv("FAKE_GITD_LOG"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return 99
	}
	defer logf.Close()
	fmt.Fprintln(logf, line)
	repos, err := receive.NewRepos(os.Getenv("FAKE_GITD_ROOT"), receive.Options{Pipeline: fakePipeline()})
	if err != nil {
		return 99
	}
	fields := strings.Fields(strings.ReplaceAll(line, "'", ""))
	app := fields[len(fields)-1]
	switch fields[0] {
	case "git-receive-pack":
		_ = repos.Create(app) // a first push creates the app
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := repos.ReceivePack(ctx, receive.Session{App: app, Pusher: "t", Stderr: os.Stderr}, os.Stdin, os.Stdout); err != nil {
			return 1
		}
	case "settings":
		if os.Getenv("FAKE_GITD_FORBIDDEN") == "1" {
			fmt.Fprintln(os.Stderr, `{"error": "deploy keys may only deploy", "code": "FORBIDDEN", "hint": ""}`)
			return 1
		}
		if !repos.Exists(app) {
			fmt.Fprintln(os.Stderr, `{"error": "app not found", "code": "APP_NOT_FOUND", "hint": "run apps"}`)
			return 1
		}
		fmt.Printf(`{"app": %q, "deploy_branch": %q, "entrypoint": ""}`+"\n", app, os.Getenv("FAKE_GITD_BRANCH"))
	case "apps:create":
		_ = repos.Create(fields[1])
	case "apps:destroy":
		_ = repos.Delete(fields[1])
	case "deploy:image":
		stdin, _ := io.ReadAll(os.Stdin)
		fmt.Fprintf(logf, "stdin: %q\n", stdin)
		if os.Getenv("FAKE_GITD_FAIL") == "1" {
			fmt.Fprintln(os.Stderr, "error: pull failed")
			return 1
		}
	case "status":
		fmt.Println("state  running")
	}
	return 0
}

func fakePipeline() receive.Pipeline {
	if os.Getenv("FAKE_GITD_FAIL") != "1" {
		return nil
	}
	return receive.PipelineFunc(func(ctx context.Context, p *receive.Push) error {
		fmt.Fprint(p.Progress, "building...\n")
		return errors.New("build failed")
	})
}

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
	self, err := os.Executable()
	require.NoError(t, err)
	_ = os.Remove(f.log)
	t.Setenv("BOTCTL_TEST_FAKE_GITD", "1")
	t.Setenv("FAKE_GITD_ROOT", f.root)
	t.Setenv("FAKE_GITD_LOG", f.log)
	own := map[string]string{"BOTCTL_SSH": shellwords.Quote(self) + " fake-gitd", "USER": "tester"}
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
