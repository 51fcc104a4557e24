package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/botrunner/botrunner/testsupport/testenv/ci"
)

// binDir holds the gitd and botctl built once for the whole run.
var binDir string

// examplesDir is examples/bots, which stories push as users would.
var examplesDir, _ = filepath.Abs("../examples/bots")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"slowproxy": func() { os.Exit(slowProxyMain()) },
	})
}

func TestScripts(t *testing.T) {
	ci.NeedTools(t, "git", "ssh", "go")
	binDir = buildBinaries(t)
	prepareDocker(t)
	// After every story (cleanups run once the parallel stories are over).
	t.Cleanup(cleanupSwarm)
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata",
		Setup:               setup,
		Cmds:                commands,
		Condition:           condition,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
	})
}

// storyVersion is the version the stories' binaries are built with, so a
// story can check the exact version a command reports.
const storyVersion = "v0.0.0-story"

// buildBinaries builds gitd with the testhold tag: GITD_TEST_HOLD can then
// stop it at a point of a deploy for crash stories (package testhold).
func buildBinaries(t *testing.T) string {
	dir := t.TempDir()
	for _, name := range []string{"gitd", "botctl"} {
		cmd := exec.Command("go", "build", "-tags", "testhold", "-ldflags", "-X main.version="+storyVersion,
			"-o", filepath.Join(dir, name), "../cmd/"+name)
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
