// Command fakessh stands in for ssh in botctl's tests, as a small program
// that starts in milliseconds (the race-built test binary takes over a
// second): it writes its argv as one JSON line, then its stdin, to stdout;
// says "from server" on stderr; and exits with $FAKE_SSH_EXIT (or dies by
// SIGKILL when that is "kill").
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"syscall"
)

func main() {
	_ = json.NewEncoder(os.Stdout).Encode(os.Args[1:])
	_, _ = io.Copy(os.Stdout, os.Stdin)
	fmt.Fprintln(os.Stderr, "from server")
	if os.Getenv("FAKE_SSH_EXIT") == "kill" {
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
	}
	code, _ := strconv.Atoi(os.Getenv("FAKE_SSH_EXIT"))
	os.Exit(code)
}
