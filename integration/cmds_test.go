package integration

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// commands are the few things a story needs that no shell tool does
// portably; everything else in a story is git, ssh and botctl.
var commands = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"randfile":    cmdRandfile,
	"waitfor":     cmdWaitfor,
	"killwhen":    cmdKillwhen,
	"gitd":        cmdGitd,
	"followuntil": cmdFollowUntil,
	// hand-made packs and gitd's health from /proc (cmds_rawpack_test.go)
	"rawpush": cmdRawpush, "gitdcheck": cmdGitdcheck,
	// deploy stories (docker_test.go)
	"tgsay":  cmdTgsay,
	"tgsent": cmdTgsent,
	// Telegram-aware stories (cmds_telegram_test.go)
	"tgwebhook": cmdTgwebhook, "tgpoll": cmdTgpoll, "tgwaitfor": cmdTgwaitfor, "ptb13": cmdPtb13,
	// deploy:archive and deploy:git stories (cmds_archive_test.go)
	"mktar": cmdMktar, "gitdaemon": cmdGitDaemon, "gitdwith": cmdGitdWith,
	// image-mode stories (cmds_registry_test.go)
	"registry": cmdRegistry,
	// swarm stories (cmds_swarm_test.go)
	"swarmsvc": cmdSwarmsvc, "pushed": cmdPushed,
	// client-matrix stories (cmds_matrix_test.go)
	"samerefs": cmdSamerefs, "gogit": cmdGogit, "jgit": cmdJgit,
	// the bot network story (cmds_network_test.go)
	"netlab": cmdNetlab, "botaddr": cmdBotaddr,
	// build isolation stories (cmds_secret_test.go)
	"secretserver": cmdSecretServer,
	// gitd as a service (cmds_service_test.go)
	"gitdimage": cmdGitdImage, "composeenv": cmdComposeEnv, "healthy": cmdHealthy,
	"freeport": cmdFreeport, "metrics": cmdMetrics,
}

// killwhen GLOB PROGRAM ARGS... runs a program in a process group of its own,
// waits (90 s at most: a build may come first) until a path matching GLOB
// exists, then kills the whole group with
// SIGKILL, as a closed laptop or a killed terminal would: git, its
// pack-objects and its ssh all die, not just git.
func cmdKillwhen(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 || neg {
		ts.Fatalf("usage: killwhen glob program args...")
	}
	cmd := exec.Command(args[1], args[2:]...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = scriptEnv(ts)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	ts.Check(cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	pattern := ts.MkAbs(args[0])
	deadline := time.Now().Add(90 * time.Second) // a build may come first
	for time.Now().Before(deadline) {
		if m, _ := filepath.Glob(pattern); len(m) > 0 {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
			return
		}
		select {
		case err := <-exited:
			ts.Fatalf("%s ended (%v) before %s appeared", args[1], err, args[0])
		case <-time.After(10 * time.Millisecond):
		}
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	ts.Fatalf("waited 90s for %s", args[0])
}

// randfile PATH BYTES [SEED] writes deterministic incompressible bytes.
func cmdRandfile(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 || neg {
		ts.Fatalf("usage: randfile path bytes [seed]")
	}
	n, err := strconv.ParseInt(args[1], 10, 64)
	ts.Check(err)
	seed := uint64(1)
	if len(args) > 2 {
		seed, err = strconv.ParseUint(args[2], 10, 64)
		ts.Check(err)
	}
	f, err := os.Create(ts.MkAbs(args[0]))
	ts.Check(err)
	defer f.Close()
	_, err = io.CopyN(f, randReader{rand.NewPCG(seed, seed)}, n)
	ts.Check(err)
}

type randReader struct{ src *rand.PCG }

func (r randReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r.src.Uint64())
	}
	return len(p), nil
}

// waitfor GLOB waits up to 20 s until a path matching GLOB exists;
// "! waitfor GLOB" waits until none does. It waits for a state and asserts
// no timing.
func cmdWaitfor(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: [!] waitfor glob")
	}
	pattern := ts.MkAbs(args[0])
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		m, err := filepath.Glob(pattern)
		ts.Check(err)
		if (len(m) > 0) != neg {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	ts.Fatalf("waited 20s for %s (negated: %v)", args[0], neg)
}

// slowProxyMain is an ssh ProxyCommand that forwards stdin/stdout to
// 127.0.0.1:PORT, sending at most RATE bytes per second to the server, so a
// story can catch a push while its pack is still on the wire.
// Usage: slowproxy PORT RATE
func slowProxyMain() int {
	if len(os.Args) != 3 {
		return fatalf("usage: slowproxy port bytes-per-second")
	}
	rate, err := strconv.Atoi(os.Args[2])
	if err != nil || rate <= 0 {
		return fatalf("slowproxy: bad rate %q", os.Args[2])
	}
	c, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", os.Args[1]))
	if err != nil {
		return fatalf("slowproxy: %v", err)
	}
	go func() { _, _ = io.Copy(os.Stdout, c); os.Exit(0) }()
	buf := make([]byte, max(rate/10, 1))
	for {
		n, err := os.Stdin.Read(buf)
		if n > 0 {
			if _, werr := c.Write(buf[:n]); werr != nil {
				return 0
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			_ = c.(*net.TCPConn).CloseWrite()
			select {}
		}
	}
}

// scriptEnv is the environment a script's exec would give a program: the
// variables setup sets, as the script now has them.
func scriptEnv(ts *testscript.TestScript) []string {
	var env []string
	for _, k := range []string{"HOME", "PATH", "SSHCONFIG", "GIT_SSH_COMMAND", "BOTCTL_SSH", "GITD_PORT", "APP",
		"GIT_CONFIG_NOSYSTEM", "GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"} {
		env = append(env, k+"="+ts.Getenv(k))
	}
	return env
}

// gitd kill9|restart [KEY=VALUE...]: kills the story's gitd with SIGKILL
// (as a crash or the OOM killer would), or starts it again with the same
// data, port and settings, plus the given variables for this start only
// (GITD_TEST_HOLD=POINT:APP stops it at a point of a deploy: testhold).
func cmdGitd(ts *testscript.TestScript, neg bool, args []string) {
	p, _ := ts.Value(gitdKey).(*gitdProc)
	if len(args) < 1 || neg || p == nil {
		ts.Fatalf("usage: gitd kill9|stop|restart [KEY=VALUE...]")
	}
	switch args[0] {
	case "kill9":
		p.stop(syscall.SIGKILL)
	case "stop":
		p.stop(syscall.SIGTERM)
	case "restart":
		environ, _ := ts.Value(gitdEnvKey).([]string)
		environ = append(slices.Clone(environ), args[1:]...)
		ts.Check(p.start(ts.Getenv("WORK"), ts.Getenv("GITD_PORT"), ts.Getenv("ADMIN_KEY"), environ))
	default:
		ts.Fatalf("usage: gitd kill9|stop|restart [KEY=VALUE...]")
	}
}

// followuntil N REGEXP PROGRAM ARGS...: runs a program that streams (logs
// -f), waits (60 s at most) until N lines of its output match REGEXP, then
// ends it and prints all it wrote to stdout.
func cmdFollowUntil(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 3 || neg {
		ts.Fatalf("usage: followuntil n regexp program args...")
	}
	n, err := strconv.Atoi(args[0])
	ts.Check(err)
	re, err := regexp.Compile(args[1])
	ts.Check(err)
	cmd := exec.Command(args[2], args[3:]...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = scriptEnv(ts)
	out, err := cmd.StdoutPipe()
	ts.Check(err)
	ts.Check(cmd.Start())
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	seen, deadline := 0, time.After(60*time.Second)
	for seen < n {
		select {
		case l, ok := <-lines:
			if !ok {
				ts.Fatalf("%s ended after %d matching lines, want %d", args[2], seen, n)
			}
			fmt.Fprintln(ts.Stdout(), l)
			if re.MatchString(l) {
				seen++
			}
		case <-deadline:
			ts.Fatalf("waited 60s for %d lines matching %s, saw %d", n, args[1], seen)
		}
	}
}
