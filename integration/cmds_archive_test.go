package integration

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"net"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// Harness commands of the deploy:archive and deploy:git stories.

// mktar KIND OUT [PATH] writes a hostile tar.gz that GNU tar would not
// make as asked:
//
//	dotdot  OUT       ../../../escaped-dotdot.txt
//	abs     OUT PATH  a file at the absolute PATH
//	symlink OUT DIR   a link "escape" to the absolute DIR, then escape/pwned.txt
func cmdMktar(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: mktar dotdot|abs|symlink out [path]")
	}
	arg := func() string {
		if len(args) != 3 {
			ts.Fatalf("mktar %s needs a path", args[0])
		}
		return args[2]
	}
	var entries []tar.Header
	switch args[0] {
	case "dotdot":
		entries = []tar.Header{{Name: "bot.py"}, {Name: "../../../escaped-dotdot.txt"}}
	case "abs":
		entries = []tar.Header{{Name: "bot.py"}, {Name: arg()}}
	case "symlink":
		entries = []tar.Header{{Name: "bot.py"}, {Name: "escape", Typeflag: tar.TypeSymlink, Linkname: arg()},
			{Name: "escape/pwned.txt"}}
	default:
		ts.Fatalf("mktar: unknown kind %q", args[0])
	}
	f, err := os.Create(ts.MkAbs(args[1]))
	ts.Check(err)
	defer f.Close()
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	for _, h := range entries {
		body := "print('escaped')\n"
		if h.Typeflag == 0 {
			h.Typeflag, h.Mode, h.Size = tar.TypeReg, 0o644, int64(len(body))
		} else {
			body = ""
		}
		ts.Check(tw.WriteHeader(&h))
		_, err := tw.Write([]byte(body))
		ts.Check(err)
	}
	ts.Check(tw.Close())
	ts.Check(zw.Close())
}

// gitdaemon DIR serves the bare repos under DIR with `git daemon` on
// 127.0.0.1 and a free port, which it puts in $GITDAEMON_PORT; the daemon
// stops when the story ends.
func cmdGitDaemon(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: gitdaemon dir")
	}
	port, err := freePort()
	ts.Check(err)
	cmd := exec.Command("git", "daemon", "--export-all", "--reuseaddr", "--informative-errors",
		"--base-path="+ts.MkAbs(args[0]), "--listen=127.0.0.1", "--port="+port, ts.MkAbs(args[0]))
	cmd.Env = scriptEnv(ts)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	ts.Check(cmd.Start())
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	ts.Defer(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
			_ = c.Close()
			ts.Setenv("GITDAEMON_PORT", port)
			return
		}
		select {
		case <-exited:
			ts.Fatalf("git daemon exited")
		case <-time.After(20 * time.Millisecond):
		}
	}
	ts.Fatalf("git daemon did not listen on 127.0.0.1:%s", port)
}

// gitdwith KEY=VALUE... restarts the story's gitd (same data and port)
// with these settings added to the ones it started with: for values known
// only during the story, such as a port.
func cmdGitdWith(ts *testscript.TestScript, neg bool, args []string) {
	p, _ := ts.Value(gitdKey).(*gitdProc)
	if neg || p == nil {
		ts.Fatalf("usage: gitdwith KEY=VALUE...")
	}
	environ, _ := ts.Value(gitdEnvKey).([]string)
	environ = append(append([]string{}, environ...), args...)
	p.stop(syscall.SIGTERM)
	ts.Check(p.start(ts.Getenv("WORK"), ts.Getenv("GITD_PORT"), ts.Getenv("ADMIN_KEY"), environ))
	fmt.Fprintf(ts.Stdout(), "gitd restarted with %v\n", args)
}
