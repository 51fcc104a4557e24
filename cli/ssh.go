package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/botrunner/botrunner/shellwords"
)

// sshEnv lists, in order, the variables that name the ssh client. GIT_SSH_COMMAND
// is honoured so that a setup that already works for `git push bots` works
// for botctl too.
var sshEnv = []string{"BOTCTL_SSH", "GIT_SSH_COMMAND"}

// sshProgram returns the ssh client and its leading words: the first set
// variable of sshEnv split into words (never run through a shell), else ssh.
func sshProgram(getenv func(string) string) ([]string, error) {
	for _, name := range sshEnv {
		v := getenv(name)
		if strings.TrimSpace(v) == "" {
			continue
		}
		words, err := shellwords.Split(v)
		if err != nil {
			return nil, ErrSSHCommand.With(fmt.Sprintf("$%s: %v", name, err), err)
		}
		return words, nil
	}
	return []string{"ssh"}, nil
}

// sshArgv builds `<ssh words> -T [-p PORT] DEST -- <quoted words>`. -T
// because no server command needs a terminal (and a PTY would turn \n into
// \r\n). "--" ends ssh's options, which OpenSSH parses again after the host,
// so a passed-through word like "-v" reaches the server instead of ssh.
func sshArgv(getenv func(string) string, t Target, words []string) ([]string, error) {
	argv, err := sshProgram(getenv)
	if err != nil {
		return nil, err
	}
	argv = append(argv, "-T")
	if t.Port != "" {
		argv = append(argv, "-p", t.Port)
	}
	argv = append(argv, t.Dest, "--")
	return append(argv, shellwords.QuoteAll(words)...), nil
}

// stdio is where ssh's standard streams go.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// runSSH runs argv with the streams passed straight through. It returns nil
// on status 0, *ExitError for any other status, and a hint error when the
// client cannot be started.
func runSSH(ctx context.Context, argv []string, s stdio) error {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = s.in, s.out, s.err
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
			return ErrSSHNotFound.With(fmt.Sprintf("ssh client %q not found", argv[0]), err)
		}
		return fmt.Errorf("start %s: %w", argv[0], err)
	}
	stop := relaySignals(cmd.Process)
	defer stop()
	return exitStatus(cmd.Wait())
}

// relaySignals hands SIGINT, SIGTERM and SIGHUP to ssh instead of letting
// them kill botctl first: ssh then closes the session cleanly and botctl
// reports ssh's status. (Ignoring them instead would be inherited by ssh.)
func relaySignals(p *os.Process) (stop func()) {
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case sig := <-ch:
				_ = p.Signal(sig)
			case <-done:
				return
			}
		}
	}()
	return func() { signal.Stop(ch); close(done) }
}

// exitStatus maps Wait's error to botctl's: a status passes through, and a
// death by signal N becomes 128+N, as a shell reports it.
func exitStatus(err error) error {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return err
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return &ExitError{Code: 128 + int(ws.Signal())}
	}
	return &ExitError{Code: ee.ExitCode()}
}
