package cli

import (
	"fmt"
	"io"
	"os"
)

// KeyInput is the --key-file flag of the commands that send a public key
// (the server reads it from stdin).
type KeyInput struct {
	KeyFile string `name:"key-file" short:"k" type:"path" placeholder:"PATH" help:"Public key file to send, e.g. ~/.ssh/id_ed25519.pub (default: read the key from stdin)."`
}

// open returns what to send as the command's stdin and a func to close it.
// Reading from a terminal gets a note on stderr, since a silent wait for a
// paste looks like a hang.
func (k KeyInput) open(r *runner) (io.Reader, func(), error) {
	if k.KeyFile == "" {
		if isTerminal(r.sys.Stdin) {
			fmt.Fprintln(r.sys.Stderr, "botctl: paste the public key, then press Ctrl-D (or pass --key-file PATH)")
		}
		return r.sys.Stdin, func() {}, nil
	}
	f, err := os.Open(k.KeyFile)
	if err != nil {
		return nil, nil, ErrKeyFile.With(fmt.Sprintf("cannot read key file: %v", err), err)
	}
	return f, func() { _ = f.Close() }, nil
}

func isTerminal(in io.Reader) bool {
	f, ok := in.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	// /dev/null is a character device too, and a script's `</dev/null`
	// must not get the note.
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(st, null)
}

// forwardKey runs command with the key from k as stdin.
func (r *runner) forwardKey(k KeyInput, command string, args ...string) error {
	in, closeIn, err := k.open(r)
	if err != nil {
		return err
	}
	defer closeIn()
	return r.forwardIn(in, command, args...)
}
