package testenv

import "errors"

var (
	// ErrNoDocker: no Docker Engine answered.
	ErrNoDocker = errors.New("no Docker Engine reachable")
	// ErrNoMirror: the apt sources name no Debian archive to debootstrap from.
	ErrNoMirror = errors.New("no Debian mirror in the apt sources (set " + mirrorEnv + ")")
	// ErrNoSource: the Go sources of a fake server are not on disk, so it
	// can't be built (testenv runs from its module's source tree).
	ErrNoSource = errors.New("testenv source tree not found")
)
