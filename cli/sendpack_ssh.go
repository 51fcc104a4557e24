package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// pushSSH pushes plan (its Progress is botctl's stderr) to app through the user's ssh, exactly as `git push`
// would reach the server: the same ssh words, host, port and alias as every
// other botctl command, with git's remote command `git-receive-pack '<app>'`.
//
// When the exchange breaks because ssh or the server gave up (the server
// refused the app, say), ssh's non-zero status comes back as *ExitError:
// the reason is already on stderr.
func (r *runner) pushSSH(app string, plan pushPlan) (pushResult, error) {
	t, err := r.target()
	if err != nil {
		return pushResult{}, err
	}
	argv, err := sshArgv(r.sys.Getenv, t, nil)
	if err != nil {
		return pushResult{}, err
	}
	// One word, quoted as git quotes it; app names need no escaping.
	argv = append(argv, "git-receive-pack '"+app+"'")
	r.log.Debug("run ssh", "argv", argv)
	cmd := exec.CommandContext(r.ctx, argv[0], argv[1:]...)
	// ssh's stderr and the progress both go to botctl's stderr, from two
	// goroutines: one lock keeps their lines whole.
	errw := &syncWriter{w: r.sys.Stderr}
	cmd.Stderr, plan.Progress = errw, errw
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return pushResult{}, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return pushResult{}, err
	}
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
			return pushResult{}, ErrSSHNotFound.With(fmt.Sprintf("ssh client %q not found", argv[0]), err)
		}
		return pushResult{}, fmt.Errorf("start %s: %w", argv[0], err)
	}
	stop := relaySignals(cmd.Process)
	defer stop()
	res, perr := sendPack(r.ctx, stdout, stdin, plan)
	_ = stdin.Close()
	_, _ = io.Copy(io.Discard, stdout) // let ssh finish writing before Wait closes the pipe
	return res, pushOutcome(perr, exitStatus(cmd.Wait()))
}

// pushOutcome picks the error the user should see. The server's refusal
// wins (it names the reason); a broken exchange with a failed ssh is ssh's
// status, since ssh or the server printed why.
func pushOutcome(protoErr, sshErr error) error {
	if errors.Is(protoErr, ErrDeployRefused) {
		return protoErr
	}
	var ee *ExitError
	if protoErr != nil && errors.As(sshErr, &ee) {
		return sshErr
	}
	if protoErr != nil {
		return protoErr
	}
	return sshErr
}

// syncWriter serialises writes to w. It is deliberately not an
// io.ReaderFrom: exec would otherwise hand w's ReadFrom the pipe, which
// holds the writer across reads.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
