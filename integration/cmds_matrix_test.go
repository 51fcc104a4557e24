package integration

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"github.com/rogpeppe/go-internal/testscript"
	gossh "golang.org/x/crypto/ssh"

	"github.com/botrunner/botrunner/testsupport/testenv/ci"
)

// Commands of the client-matrix stories (matrix_*.txtar): every client's
// result is compared, by git itself, with a local bare repository that
// stock git was given the same operations.

// clientFiles are what each matrix client needs installed (Debian
// packages python3-dulwich, python3-pygit2, jgit-cli).
var clientFiles = map[string]string{
	"dulwich": "/usr/lib/python3/dist-packages/dulwich",
	"pygit2":  "/usr/lib/python3/dist-packages/pygit2",
	"jgit":    "/usr/bin/jgit",
}

// haveClient is the condition [client:NAME]: whether the client is
// installed. In CI a missing client is an error, not a skip.
func haveClient(name string) (bool, error) {
	path, ok := clientFiles[name]
	if !ok {
		return false, fmt.Errorf("unknown client %q", name)
	}
	if _, err := os.Stat(path); err != nil {
		if ci.On() {
			return false, fmt.Errorf("client %s: %w (CI installs it: .ci/run)", name, err)
		}
		return false, nil
	}
	return true, nil
}

// samerefs APP BARE mirror-clones the app from gitd and checks that its
// `git for-each-ref` equals BARE's and that `git fsck --full --strict` finds
// nothing wrong in the fresh clone.
func cmdSamerefs(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 || neg {
		ts.Fatalf("usage: samerefs app bare")
	}
	dir, err := os.MkdirTemp(ts.MkAbs("."), "samerefs-")
	ts.Check(err)
	defer os.RemoveAll(dir)
	runGit(ts, "", "clone", "-q", "--mirror", "ssh://bots/"+args[0], dir)
	got := runGit(ts, dir, "for-each-ref")
	want := runGit(ts, ts.MkAbs(args[1]), "for-each-ref")
	if got != want {
		ts.Fatalf("refs differ\nonly on gitd:\n%s\nonly on the local bare:\n%s", onlyIn(got, want), onlyIn(want, got))
	}
	runGit(ts, dir, "fsck", "--full", "--strict", "--no-dangling")
}

// onlyIn is a's lines that b does not have, 20 at most.
func onlyIn(a, b string) string {
	have := map[string]bool{}
	for _, l := range strings.Split(b, "\n") {
		have[l] = true
	}
	var out []string
	for _, l := range strings.Split(a, "\n") {
		if !have[l] && len(out) < 20 {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func runGit(ts *testscript.TestScript, dir string, args ...string) string {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = scriptEnv(ts)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		ts.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// gogit is go-git's own client, against the story's gitd as the admin:
//
//	gogit push DIR APP [-f] REFSPEC...   (a refspec ":refs/heads/x" deletes)
//	gogit clone APP DIR [DEPTH]
//	gogit fetch DIR APP
func cmdGogit(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 3 {
		ts.Fatalf("usage: gogit push|clone|fetch ...")
	}
	auth, err := gitssh.NewPublicKeysFromFile("git", filepath.Join(ts.Getenv("HOME"), ".ssh", "bots"), "")
	ts.Check(err)
	auth.HostKeyCallback = gossh.InsecureIgnoreHostKey()
	url := func(app string) string { return "ssh://git@127.0.0.1:" + ts.Getenv("GITD_PORT") + "/" + app }
	switch args[0] {
	case "push":
		err = gogitPush(ts.MkAbs(args[1]), url(args[2]), auth, args[3:])
	case "clone":
		depth := 0
		if len(args) > 3 {
			depth, err = strconv.Atoi(args[3])
			ts.Check(err)
		}
		_, err = git.PlainClone(ts.MkAbs(args[2]), false, &git.CloneOptions{URL: url(args[1]), Auth: auth, Depth: depth})
	case "fetch":
		err = gogitFetch(ts.MkAbs(args[1]), url(args[2]), auth)
	default:
		ts.Fatalf("usage: gogit push|clone|fetch ...")
	}
	if errors.Is(err, git.NoErrAlreadyUpToDate) {
		err = nil
	}
	if neg {
		if err == nil {
			ts.Fatalf("gogit %s succeeded", args[0])
		}
		ts.Logf("gogit: %v", err)
		return
	}
	ts.Check(err)
}

func gogitPush(dir, url string, auth *gitssh.PublicKeys, specs []string) error {
	r, err := git.PlainOpen(dir)
	if err != nil {
		return err
	}
	force := len(specs) > 0 && specs[0] == "-f"
	if force {
		specs = specs[1:]
	}
	var refspecs []config.RefSpec
	for _, s := range specs {
		refspecs = append(refspecs, config.RefSpec(s))
	}
	remote := git.NewRemote(r.Storer, &config.RemoteConfig{Name: "gitd", URLs: []string{url}})
	return remote.Push(&git.PushOptions{RemoteName: "gitd", Auth: auth, RefSpecs: refspecs, Force: force})
}

func gogitFetch(dir, url string, auth *gitssh.PublicKeys) error {
	r, err := git.PlainOpen(dir)
	if err != nil {
		return err
	}
	remote := git.NewRemote(r.Storer, &config.RemoteConfig{Name: "origin", URLs: []string{url}})
	return remote.Fetch(&git.FetchOptions{RemoteName: "origin", Auth: auth,
		RefSpecs: []config.RefSpec{"+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"}})
}

// jgit ARGS... runs JGit's command line (Debian's jgit-cli). Debian's
// launcher starts with only the pgm jar on its classpath; JGit's own jars
// and its dependencies are added here. It fails the story when JGit's exit
// status is not what the story expects.
func cmdJgit(ts *testscript.TestScript, neg bool, args []string) {
	const dir = "/usr/share/java/"
	jars := []string{"org.eclipse.jgit.jar", "org.eclipse.jgit.lfs.jar", "org.eclipse.jgit.http.apache.jar",
		"org.eclipse.jgit.archive.jar", "jsch.jar", "jzlib.jar", "args4j.jar", "slf4j-api.jar", "slf4j-nop.jar",
		"javaewah.jar", "httpclient.jar", "httpcore.jar", "commons-logging.jar"}
	cp := ""
	for _, j := range jars {
		cp += ":" + dir + j
	}
	cmd := exec.Command("/usr/bin/jgit", args...)
	cmd.Dir = ts.MkAbs(".")
	// Java takes its home from the password database, not $HOME: JGit
	// must read the story's ~/.ssh.
	cmd.Env = append(scriptEnv(ts), "JGIT_CLASSPATH="+cp[1:], "JAVA_TOOL_OPTIONS=-Duser.home="+ts.Getenv("HOME"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	ts.Stdout().Write(stdout.Bytes())
	ts.Stderr().Write(stderr.Bytes())
	if neg != (err != nil) {
		ts.Fatalf("jgit %s: %v", strings.Join(args, " "), err)
	}
}
