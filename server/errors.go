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
	errBadGitArgs = hint.New("BAD_REQUEST", "git commands take exactly one repository path",
		"use a remote like ssh://git@HOST:PORT/my-bot")
	errInternal = hint.New("INTERNAL", "internal error",
		"try again; if it persists, the server's admin can find the cause in gitd's log")
	errKeyMismatch = hint.New("AUTH_FAILED", "the session's key is not the key that authenticated",
		"reconnect")
)
