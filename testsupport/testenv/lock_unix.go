//go:build unix

package testenv

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// lockDir is /var/tmp when there is one: unlike os.TempDir it does not move
// when a test sets TMPDIR, so every process on the machine finds the lock.
func lockDir() string {
	if fi, err := os.Stat("/var/tmp"); err == nil && fi.IsDir() {
		return "/var/tmp"
	}
	return os.TempDir()
}

// lockFile takes an exclusive flock on lockDir()/name.lock, waiting until
// it is free or ctx ends. The kernel drops the lock if the process dies.
func lockFile(ctx context.Context, name string) (unlock func(), err error) {
	path := filepath.Join(lockDir(), name+".lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDONLY, 0o666)
	if err != nil {
		return nil, err
	}
	logged := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { _ = f.Close() }, nil // closing releases the lock
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, err
		}
		if !logged {
			Logger.Info("waiting for another process building the same image", "lock", path)
			logged = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}
