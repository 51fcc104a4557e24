package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/receive"
)

// pushInProcess runs sendPack against the real receive-pack of package
// receive, connected by pipes: the same bytes as over ssh.
func pushInProcess(t *testing.T, repos *receive.Repos, app string, plan pushPlan) (pushResult, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	clientIn, serverOut := io.Pipe()
	serverIn, clientOut := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := repos.ReceivePack(ctx, receive.Session{App: app, Pusher: "tester", Stderr: io.Discard}, serverIn, serverOut)
		_ = serverOut.CloseWithError(err)
		_ = serverIn.Close()
		done <- err
	}()
	res, err := sendPack(ctx, clientIn, clientOut, plan)
	_, _ = io.Copy(io.Discard, clientIn)
	require.NoError(t, <-done, "receive-pack")
	return res, err
}

var testSig = object.Signature{Name: "Tester", Email: "t@example.invalid", When: time.Unix(1700000000, 0)}

// planOf pushes files as one commit; parents records the parent it got.
func planOf(files []treeFile, branch string, progress io.Writer, parents *[]plumbing.Hash) pushPlan {
	return pushPlan{Branch: branch, Progress: progress, Agent: "botctl/test",
		Commit: func(parent plumbing.Hash) (builtCommit, error) {
			*parents = append(*parents, parent)
			return buildCommit(files, parent, testSig, "test push")
		}}
}

func newRepos(t *testing.T, pipeline receive.Pipeline) (*receive.Repos, string) {
	t.Helper()
	root := t.TempDir()
	repos, err := receive.NewRepos(root, receive.Options{Pipeline: pipeline, Keepalive: time.Hour})
	require.NoError(t, err)
	return repos, root
}

func TestSendPackNewAndFastForward(t *testing.T) {
	repos, root := newRepos(t, nil)
	require.NoError(t, repos.Create("my-bot"))
	var parents []plumbing.Hash
	var progress bytes.Buffer
	v1 := []treeFile{{Path: "bot.py", Mode: filemode.Regular, Data: []byte("print(1)\n")},
		{Path: "lib/util.py", Mode: filemode.Executable, Data: []byte("x = 1\n")},
		{Path: "link.py", Mode: filemode.Symlink, Data: []byte("bot.py")}}
	res, err := pushInProcess(t, repos, "my-bot", planOf(v1, "", &progress, &parents))
	require.NoError(t, err)
	assert.Equal(t, plumbing.Main, res.Ref)
	assert.True(t, res.Old.IsZero())
	assert.Equal(t, 6, res.Objects) // 3 blobs, 2 trees, 1 commit
	assert.Contains(t, progress.String(), "pushing 6 objects (")
	head, err := repos.Head("my-bot", plumbing.Main)
	require.NoError(t, err)
	assert.Equal(t, res.New, head)

	v2 := []treeFile{{Path: "bot.py", Mode: filemode.Regular, Data: []byte("print(2)\n")}}
	res2, err := pushInProcess(t, repos, "my-bot", planOf(v2, "", io.Discard, &parents))
	require.NoError(t, err)
	assert.Equal(t, []plumbing.Hash{plumbing.ZeroHash, res.New}, parents, "the second commit builds on the advertised tip")
	assert.Equal(t, res.New, res2.Old)

	repo, err := git.PlainOpen(filepath.Join(root, "my-bot.git"))
	require.NoError(t, err)
	c, err := repo.CommitObject(res2.New)
	require.NoError(t, err)
	assert.Equal(t, []plumbing.Hash{res.New}, c.ParentHashes)
	assert.Equal(t, "test push", c.Message)
	first, err := repo.CommitObject(res.New)
	require.NoError(t, err)
	tree, err := first.Tree()
	require.NoError(t, err)
	want := map[string]filemode.FileMode{"bot.py": filemode.Regular, "lib/util.py": filemode.Executable, "link.py": filemode.Symlink}
	got := map[string]filemode.FileMode{}
	require.NoError(t, tree.Files().ForEach(func(f *object.File) error { got[f.Name] = f.Mode; return nil }))
	assert.Equal(t, want, got)
	link, err := tree.File("link.py")
	require.NoError(t, err)
	target, _ := link.Contents()
	assert.Equal(t, "bot.py", target)
}

func TestSendPackDeployBranch(t *testing.T) {
	repos, _ := newRepos(t, nil)
	require.NoError(t, repos.Create("my-bot"))
	files := []treeFile{{Path: "bot.py", Mode: filemode.Regular, Data: []byte("print(1)\n")}}
	var parents []plumbing.Hash
	res, err := pushInProcess(t, repos, "my-bot", planOf(files, "live", io.Discard, &parents))
	require.NoError(t, err)
	assert.Equal(t, plumbing.ReferenceName("refs/heads/live"), res.Ref)

	// A repo with master and no main: the server deploys master, so does botctl.
	require.NoError(t, repos.Create("old-bot"))
	_, err = pushInProcess(t, repos, "old-bot", planOf(files, "master", io.Discard, &parents))
	require.NoError(t, err)
	res, err = pushInProcess(t, repos, "old-bot", planOf(files, "", io.Discard, &parents))
	require.NoError(t, err)
	assert.Equal(t, plumbing.Master, res.Ref)
	assert.False(t, res.Old.IsZero())
}

func TestSendPackRefused(t *testing.T) {
	failing := receive.PipelineFunc(func(ctx context.Context, p *receive.Push) error {
		fmt.Fprint(p.Progress, "building...\nstep 1\rstep 2\n")
		return errors.New("build failed\nthe details")
	})
	repos, _ := newRepos(t, failing)
	require.NoError(t, repos.Create("my-bot"))
	var progress bytes.Buffer
	var parents []plumbing.Hash
	files := []treeFile{{Path: "bot.py", Mode: filemode.Regular, Data: []byte("print(\n")}}
	_, err := pushInProcess(t, repos, "my-bot", planOf(files, "", &progress, &parents))
	require.ErrorIs(t, err, ErrDeployRefused)
	assert.Equal(t, "deploy refused (build failed)", err.Error())
	assert.Contains(t, progress.String(), "remote: building...\nremote: step 1\rremote: step 2\n")
	head, err := repos.Head("my-bot", plumbing.Main)
	require.NoError(t, err)
	assert.True(t, head.IsZero(), "a refused push moves no ref")
}

func TestSendPackNoServer(t *testing.T) {
	_, err := sendPack(context.Background(), bytes.NewReader(nil), nopWriteCloser{io.Discard}, pushPlan{})
	require.ErrorIs(t, err, ErrPushProtocol)
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

func TestRemoteLines(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		want   string
	}{
		{"lines", []string{"a\nb\n"}, "remote: a\nremote: b\n"},
		{"split line", []string{"-----> buil", "ding v1\n"}, "remote: -----> building v1\n"},
		{"progress meter", []string{"10%\r20%\r", "done\n"}, "remote: 10%\rremote: 20%\rremote: done\n"},
		{"unterminated", []string{"last words"}, "remote: last words\n"},
		{"empty line", []string{"\n"}, "remote: \n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			p := &remoteLines{w: &b}
			for _, w := range tt.writes {
				n, err := p.Write([]byte(w))
				require.NoError(t, err)
				assert.Equal(t, len(w), n)
			}
			p.end()
			assert.Equal(t, tt.want, b.String())
		})
	}
}

func TestBuildCommit(t *testing.T) {
	files := []treeFile{{Path: "a.py", Mode: filemode.Regular}, {Path: "a/x.py", Mode: filemode.Regular},
		{Path: "a0", Mode: filemode.Regular}}
	c, err := buildCommit(files, plumbing.ZeroHash, testSig, "m")
	require.NoError(t, err)
	commit, err := object.GetCommit(c.Store, c.Hash)
	require.NoError(t, err)
	assert.Equal(t, "m", commit.Message)
	tree, err := commit.Tree()
	require.NoError(t, err)
	var names []string
	for _, e := range tree.Entries {
		names = append(names, e.Name)
	}
	assert.Equal(t, []string{"a.py", "a", "a0"}, names, "a directory sorts as \"a/\"")

	for _, clash := range [][]treeFile{
		{{Path: "a/x.py", Mode: filemode.Regular}, {Path: "a", Mode: filemode.Regular}},
		{{Path: "a", Mode: filemode.Symlink, Data: []byte("b")}, {Path: "a/x.py", Mode: filemode.Regular}},
	} {
		_, err := buildCommit(clash, plumbing.ZeroHash, testSig, "m")
		require.ErrorIs(t, err, ErrBadFile)
		assert.Equal(t, clash[1].Path+" is both a file and a directory", err.Error())
	}
}
