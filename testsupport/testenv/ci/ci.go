// Package ci holds the one rule for tests that need something the machine
// may lack (a tool, an engine): outside CI they skip, in CI they fail,
// because there a missing part is a broken machine and a skipped test
// proves nothing.
package ci

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// On reports whether the tests run in CI: CI set to any true value
// (true, 1, yes, on, in any case), as CI systems set it.
func On() bool {
	v := strings.TrimSpace(os.Getenv("CI"))
	if b, err := strconv.ParseBool(v); err == nil {
		return b
	}
	switch strings.ToLower(v) {
	case "yes", "y", "on":
		return true
	}
	return false
}

// Missing skips t (or fails it in CI) because of what, which says what is
// missing and why: "git: not on PATH".
func Missing(t testing.TB, what string) {
	t.Helper()
	if On() {
		t.Fatalf("CI must have it: %s", what)
	}
	t.Skipf("skipping: %s", what)
}

// NeedTools calls Missing for the first of names that is not on PATH.
func NeedTools(t testing.TB, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			Missing(t, n+": "+err.Error())
		}
	}
}
