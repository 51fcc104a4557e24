package server

import (
	"errors"

	"github.com/botrunner/botrunner/hint"
)

// ErrServerClosed is returned by Serve after Shutdown or Close.
var ErrServerClosed = errors.New("server: closed")

var (
	errPTY = hint.New("PTY_REFUSED", "git does not run over a terminal (it would corrupt the pack)",
		"run git without `ssh -t`; git never asks for one")
	errBadGitArgs = hint.New("BAD_GIT_ARGS", "git commands take exactly one repository path",
		"use a remote like ssh://git@HOST:PORT/my-bot")
	errInternal    = hint.ErrInternal
	errKeyMismatch = hint.New("AUTH_FAILED", "the session's key is not the key that authenticated",
		"reconnect")
)

// Host key errors: gitd does not start with any of them.
var (
	ErrHostKeyMissing = hint.New("HOST_KEY_MISSING", "host key file does not exist",
		"make it with `ssh-keygen -t ed25519 -N '' -f FILE`, or leave --host-key unset: gitd then makes its keys in the data dir")
	ErrHostKeyInvalid = hint.New("HOST_KEY_INVALID", "host key file cannot be read",
		"pass an unencrypted private key file as ssh-keygen writes it (OpenSSH or PEM format)")
	ErrHostKeyDuplicate = hint.New("HOST_KEY_DUPLICATE", "two host keys of one type",
		"pass at most one key of each type (ed25519, rsa, ecdsa): a server offers one per type")
)

// ErrProbe is a failed health probe (Probe).
var ErrProbe = hint.New("HEALTH_PROBE_FAILED", "gitd does not answer on its SSH port",
	"look at gitd's log; `gitd healthcheck` probes the address of --listen (GITD_LISTEN)")
