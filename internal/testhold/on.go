//go:build testhold

package testhold

import "os"

// At blocks forever when GITD_TEST_HOLD is POINT:APP, after creating
// GITD_TEST_HOLD_FILE to say it got there.
func At(point, app string) {
	if os.Getenv("GITD_TEST_HOLD") != point+":"+app {
		return
	}
	if f := os.Getenv("GITD_TEST_HOLD_FILE"); f != "" {
		_ = os.WriteFile(f, []byte(point+"\n"), 0o600)
	}
	select {}
}
