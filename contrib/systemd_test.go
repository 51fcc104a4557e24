package contrib

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/botrunner/botrunner/testsupport/testenv/ci"
)

// TestSystemdUnit has systemd read the unit: `verify` finds no error (it
// needs ExecStart to exist, so the unit's copy runs this test binary), and
// the offline security review scores its exposure at 2.0 or less (of 10).
func TestSystemdUnit(t *testing.T) {
	ci.NeedTools(t, "systemd-analyze")
	unit, err := os.ReadFile("systemd/gitd.service")
	if err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(unit), "ExecStart=/usr/local/bin/gitd\n") {
		t.Fatal("the unit's ExecStart is not /usr/local/bin/gitd")
	}
	path := filepath.Join(t.TempDir(), "gitd.service")
	text := strings.Replace(string(unit), "ExecStart=/usr/local/bin/gitd", "ExecStart="+self, 1)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("systemd-analyze", "verify", path).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
	out, err = exec.Command("systemd-analyze", "security", "--offline=true", "--threshold=20", path).CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze security: exposure over 2.0 (%v)\n%s", err, tail(string(out)))
	}
}

func tail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-30):], "\n")
}
