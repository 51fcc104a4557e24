package secrets

import (
	"errors"

	"github.com/botrunner/botrunner/hint"
)

var (
	// ErrKeyFileMode: the key file may be read or written by group or others.
	ErrKeyFileMode = hint.New("INSECURE_KEY_FILE", "the secret key file is readable by others",
		"make it private: chmod 600 <the key file>")
	// ErrKeyFileInvalid: the key file is not a regular file of KeySize bytes.
	ErrKeyFileInvalid = hint.New("INVALID_KEY_FILE", "the secret key file is not a valid key",
		"restore the key file from a backup; a new key cannot read secrets sealed with the old one")

	// ErrOpen: a sealed value failed authentication: another key sealed it,
	// or it was changed or cut.
	ErrOpen = errors.New("secrets: cannot open sealed value (wrong key or corrupted data)")
	// ErrVersion: a sealed value in a format this build does not know.
	ErrVersion = errors.New("secrets: unknown sealed format version")
)
