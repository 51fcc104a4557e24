package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// binDir holds the gitd and botctl built once for the whole run.
var binDir string

// examplesDir is examples/bots, which stories push as users would.
var examplesDir, _ = filepath.Abs("../examples/bots")

func TestMain(m *testing.M) {
	os.Exit(testscript.RunMain(m, map[string]func() int{
		"slowproxy": slowProxyMain,
	}))
}

func TestScripts(t *testing.T) {
	requireTools(t, "git", "ssh", "go")
	binDir = buildBinaries(t)
	prepareDocker(t)
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata",
		Setup:               setup,
		Cmds:                commands,
		Condition:           condition,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
	})
}

// requireTools skips when a client tool is missing, except in CI, where a
// missing tool is a broken machine and must fail.
func requireTools(t *testing.T, names ...string) {
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s not found on PATH (CI must have it): %v", n, err)
			}
			t.Skipf("%s not found on PATH: %v", n, err)
		}
	}
}

func buildBinaries(t *testing.T) string {
	dir := t.TempDir()
	for _, name := range []string{"gitd", "botctl"} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, name), "../cmd/"+name)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", name, err, out)
		}
	}
	return dir
}

func fatalf(format string, args ...any) int {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	return 1
}
