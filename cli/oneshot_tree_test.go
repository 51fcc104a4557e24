package cli

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/build"
)

// writeTree makes files (path -> content) under dir; a path ending in "*"
// is made executable (without the star).
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		mode := os.FileMode(0o644)
		if p[len(p)-1] == '*' {
			p, mode = p[:len(p)-1], 0o755
		}
		full := filepath.Join(dir, filepath.FromSlash(p))
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, []byte(content), mode))
	}
}

// listing is a snapshot as path -> mode letter + content, for comparing.
func listing(s *snapshot) map[string]string {
	out := map[string]string{}
	for _, f := range s.Files {
		letter := map[filemode.FileMode]string{filemode.Regular: "f ", filemode.Executable: "x ", filemode.Symlink: "l "}[f.Mode]
		out[f.Path] = letter + string(f.Data)
	}
	return out
}

func TestSimpleSnapshot(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"bot.py": "print(1)", "lib/util.py": "u", "run.sh*": "#!/bin/sh", "sub/x": ""})
	require.NoError(t, os.Symlink("bot.py", filepath.Join(dir, "alias.py")))
	outside := filepath.Join(t.TempDir(), "abs.py")
	writeTree(t, filepath.Dir(outside), map[string]string{"abs.py": "x"})
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o600))

	s, err := simpleSnapshot(dir, []string{"bot.py", "./lib/util.py", "run.sh", "bot.py", "alias.py"})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"bot.py": "f print(1)", "lib/util.py": "f u", "run.sh": "x #!/bin/sh",
		"alias.py": "f print(1)"}, listing(s), "symlinks named on the command line are read through")

	refused := []struct{ name, msg string }{
		{outside, "is an absolute path"},
		{"../bot.py", "leaves the current directory"},
		{"lib/../../x.py", "leaves the current directory"},
		{"sub", "is a directory (use --custom sub"},
		{".", "is a directory"},
		{".git/config", "inside .git"},
		{"missing.py", "cannot read missing.py: no such file or directory"},
		{"fifo", "is not a regular file"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			_, err := simpleSnapshot(dir, []string{"bot.py", tt.name})
			require.ErrorIs(t, err, ErrBadFile)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
	_, err = simpleSnapshot(dir, nil)
	require.ErrorIs(t, err, ErrUsage)
}

func TestCustomSnapshot(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Dockerfile": "FROM x", "bot.py": "b", "bin/run*": "r",
		".gitignore": "*.log\n/secret.env\nbuild/\n", "app.log": "l", "secret.env": "TOKEN=1",
		"build/out.bin": "o", "sub/.gitignore": "local.txt\n", "sub/local.txt": "l", "sub/kept.txt": "k",
		".git/config": "[core]", "sub/secret.env": "kept: the rule is anchored at the root",
	})
	require.NoError(t, os.Symlink("../bot.py", filepath.Join(dir, "sub", "link.py")))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "empty"), 0o755))
	s, err := customSnapshot(dir)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{
		"Dockerfile": "f FROM x", "bot.py": "f b", "bin/run": "x r", ".gitignore": "f *.log\n/secret.env\nbuild/\n",
		"sub/.gitignore": "f local.txt\n", "sub/kept.txt": "f k", "sub/link.py": "l ../bot.py",
		"sub/secret.env": "f kept: the rule is anchored at the root",
	}, listing(s))

	// A root given through a symlink is read as the directory it names.
	alias := filepath.Join(t.TempDir(), "alias")
	require.NoError(t, os.Symlink(dir, alias))
	s2, err := customSnapshot(alias)
	require.NoError(t, err)
	assert.Equal(t, listing(s), listing(s2))
}

func TestCustomSnapshotRefused(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		is    error
		msg   string
	}{
		{"link out", func(t *testing.T, dir string) {
			require.NoError(t, os.Symlink("../../etc/passwd", filepath.Join(dir, "sub", "p")))
		}, ErrBadLink, "symlink sub/p -> ../../etc/passwd points outside the directory"},
		{"absolute link", func(t *testing.T, dir string) {
			require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(dir, "p")))
		}, ErrBadLink, "symlink p -> /etc/passwd points outside"},
		{"link to the parent", func(t *testing.T, dir string) {
			require.NoError(t, os.Symlink("..", filepath.Join(dir, "up")))
		}, ErrBadLink, "points outside"},
		{"fifo", func(t *testing.T, dir string) {
			require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "sub", "pipe"), 0o600))
		}, ErrBadFile, "sub/pipe is a special file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, map[string]string{"bot.py": "b", "sub/x.py": "x"})
			tt.setup(t, dir)
			_, err := customSnapshot(dir)
			require.ErrorIs(t, err, tt.is)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
	file := filepath.Join(t.TempDir(), "bot.py")
	writeTree(t, filepath.Dir(file), map[string]string{"bot.py": ""})
	_, err := customSnapshot(file)
	require.ErrorIs(t, err, ErrBadFile)
	assert.Contains(t, err.Error(), "is not a directory")
}

func TestLinkStaysInside(t *testing.T) {
	tests := []struct {
		rel, target string
		want        bool
	}{
		{"a", "b", true}, {"d/a", "../b", true}, {"d/a", "../../b", false}, {"a", ".", true},
		{"a", "..", false}, {"a", "/b", false}, {"d/e/a", "../../x/../y", true}, {"a", "", false},
		{"a", "..foo", true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, linkStaysInside(tt.rel, tt.target), "%s -> %s", tt.rel, tt.target)
	}
}

func TestAddRequirements(t *testing.T) {
	tests := []struct {
		name     string
		existing string // "" = no requirements.txt listed
		reqs     []string
		want     string
		note     string
	}{
		{"new file", "", []string{"aiogram>=3.0", "requests"}, "aiogram>=3.0\nrequests\n", "requirements.txt from -r: aiogram>=3.0, requests"},
		{"merged", "requests\naiohttp", []string{"requests", "aiogram>=3.0,<4"}, "requests\naiohttp\naiogram>=3.0,<4\n", "requirements.txt: added aiogram>=3.0,<4 from -r"},
		{"all there", "requests\n", []string{" requests "}, "requests\n", ""},
		{"none", "x\n", nil, "x\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &snapshot{Files: []treeFile{{Path: "bot.py", Mode: filemode.Regular}}}
			if tt.existing != "" {
				s.Files = append(s.Files, treeFile{Path: "requirements.txt", Mode: filemode.Regular, Data: []byte(tt.existing)})
			}
			require.NoError(t, s.addRequirements(tt.reqs))
			i := s.find("requirements.txt")
			require.GreaterOrEqual(t, i, 0)
			assert.Equal(t, tt.want, string(s.Files[i].Data))
			if tt.note == "" {
				assert.Empty(t, s.Notes)
			} else {
				assert.Equal(t, []string{tt.note}, s.Notes)
			}
		})
	}
	for _, bad := range []string{"", "  ", "a\nb"} {
		err := (&snapshot{}).addRequirements([]string{bad})
		require.ErrorIs(t, err, ErrBadRequirement, "%q", bad)
	}
}

func TestDecideEntrypoint(t *testing.T) {
	tests := []struct {
		name        string
		files       []string
		flag, first string
		current     string
		want        entrypointChoice
		wantErr     error
	}{
		{"detected, no setting", []string{"bot.py", "x.py"}, "", "bot.py", "", entrypointChoice{}, nil},
		{"flag is the detected one", []string{"bot.py", "x.py"}, "bot.py", "bot.py", "", entrypointChoice{Value: "bot.py"}, nil},
		{"flag beats an earlier default", []string{"bot.py", "main.py"}, "main.py", "", "", entrypointChoice{Value: "main.py", Set: true}, nil},
		{"flag equals the setting", []string{"run.py"}, "./run.py", "run.py", "run.py", entrypointChoice{Value: "run.py"}, nil},
		{"flag changes the setting", []string{"bot.py"}, "bot.py", "bot.py", "old.py", entrypointChoice{Value: "bot.py", Set: true}, nil},
		{"first listed .py when nothing is detected", []string{"echo.py", "lib.py"}, "", "echo.py", "", entrypointChoice{Value: "echo.py", Set: true}, nil},
		{"setting still in the tree", []string{"echo.py"}, "", "echo.py", "echo.py", entrypointChoice{}, nil},
		{"Dockerfile needs none", []string{"Dockerfile", "echo.py"}, "", "", "", entrypointChoice{}, nil},
		{"flag not deployed", []string{"bot.py"}, "other.py", "", "", entrypointChoice{}, ErrBadEntrypointFlag},
		{"flag not python", []string{"bot.py", "run.sh"}, "run.sh", "", "", entrypointChoice{}, ErrBadEntrypointFlag},
		{"flag outside", []string{"bot.py"}, "../bot.py", "", "", entrypointChoice{}, ErrBadFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &snapshot{}
			for _, f := range tt.files {
				s.Files = append(s.Files, treeFile{Path: f, Mode: filemode.Regular})
			}
			got, err := s.decideEntrypoint(tt.flag, tt.first, tt.current)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			if !got.Set && tt.want.Value == "" {
				got.Value = "" // the detected one, not needed
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// botctl keeps its own copy of the entrypoint list so that it does not link
// the build package; this keeps them equal.
func TestEntrypointsMatchTheServer(t *testing.T) {
	assert.Equal(t, build.Entrypoints, entrypoints)
}
