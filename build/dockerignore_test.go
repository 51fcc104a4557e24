package build

import (
	"bytes"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIgnored(t *testing.T) {
	tests := []struct {
		patterns string
		path     string
		want     bool
	}{
		{"*.log", "a.log", true},
		{"*.log", "dir/a.log", false}, // "*" does not cross "/"
		{"**/*.log", "dir/sub/a.log", true},
		{"**/*.log", "a.log", true},
		{"dir", "dir/sub/file", true}, // a parent matches
		{"dir/", "dir/file", true},    // cleaned to "dir"
		{"/dir", "dir/file", true},    // leading "/" is the root
		{"./dir", "dir/file", true},
		{"dir/*", "dir/file", true},
		{"dir/*", "dir", false},
		{"d?r", "dir", true},
		{"d?r", "d/r", false},
		{"[a-c].txt", "b.txt", true},
		{"[a-c].txt", "d.txt", false},
		{`\*.txt`, "*.txt", true},
		{`\*.txt`, "a.txt", false},
		{"a.b", "axb", false}, // "." is literal
		{"venv/**", "venv/lib/x.py", true},
		{"**", "anything/at/all", true},
		{"docs/**/*.md", "docs/a/b/c.md", true},
		{"docs/**/*.md", "docs/c.md", true},
		{"*.log\n!keep.log", "keep.log", false},
		{"*.log\n!keep.log", "other.log", true},
		{"!keep.log\n*.log", "keep.log", true}, // the last match wins
		{"docs\n!docs/README.md", "docs/README.md", false},
		{"docs\n!docs/README.md", "docs/other.md", true},
		{"# comment\n  spaced.txt  \n\n", "spaced.txt", true},
		{"# comment", "# comment", false},
		// Docker's rules where they differ from .gitignore's (docs.docker.com,
		// "dockerignore files"), now applied by Docker's own code.
		{"dir/", "dir", true},                       // trailing "/" is cleaned away: a file named dir goes too
		{"/a/../secret", "secret", true},            // patterns are cleaned before matching
		{"node_modules", "sub/node_modules", false}, // no match at any depth without "**"
		{"**/node_modules", "node_modules/x", true},
		{"**/node_modules", "a/b/node_modules/x", true},
		{"a/**/b", "a/b", true},
		{"a/**/b", "a/x/y/b", true},
		{"docs\n!docs/*.md", "docs/a.md", false}, // an exception with a wildcard inside an excluded dir
		{"docs\n!docs/*.md", "docs/a.txt", true},
		{"*.md\n!README*.md\nREADME-secret.md", "README-secret.md", true},
		{"*.md\n!README*.md\nREADME-secret.md", "README.md", false},
		{"  # not a comment", "# not a comment", true}, // "#" starts a comment only in column one
		{"\xEF\xBB\xBFsecret", "secret", true},         // a UTF-8 BOM is not part of the first pattern
		{`\!keep`, "!keep", true},                      // an escaped "!" is a file name
		{"!keep", "keep", false},                       // an exception with nothing before it
	}
	for _, tc := range tests {
		ig, err := parseIgnore([]byte(tc.patterns))
		require.NoError(t, err, tc.patterns)
		assert.Equal(t, tc.want, ig.ignored(tc.path), "patterns %q path %q", tc.patterns, tc.path)
	}
}

func TestIgnoreErrors(t *testing.T) {
	for _, bad := range []string{"!", "ok\n[z-", "! "} {
		_, err := parseIgnore([]byte(bad))
		assert.ErrorIs(t, err, ErrBadDockerignore, "%q", bad)
	}
}

func TestDescend(t *testing.T) {
	ig, err := parseIgnore([]byte("docs\nvendor\n!docs/keep/x.md\n!**/y.md"))
	require.NoError(t, err)
	assert.True(t, ig.descend("docs"))
	assert.True(t, ig.descend("docs/keep"))
	assert.False(t, ig.descend("vendor"), "wildcard exceptions do not reach into ignored directories (as in the Docker CLI)")
	noExc, err := parseIgnore([]byte("docs"))
	require.NoError(t, err)
	assert.False(t, noExc.descend("docs"))
}

func TestContextTar(t *testing.T) {
	dir := writeTree(t, map[string]string{
		".git/config":           "[core]",
		".git/objects/x":        "x",
		"sub/.git":              "gitdir: elsewhere", // a submodule's link is history too
		".dockerignore":         "*.log\n!keep.log\n**/__pycache__\ndocs\n!docs/README.md\nsecret/\n.dockerignore",
		"bot.py":                "print(1)",
		"run.sh":                "#!/bin/sh",
		"a.log":                 "x",
		"keep.log":              "kept",
		"pkg/__init__.py":       "",
		"pkg/__pycache__/x.pyc": "",
		"pkg/deep/mod.py":       "",
		"docs/README.md":        "readme",
		"docs/internal.md":      "no",
		"secret/token":          "no",
		"link.py":               "->bot.py",
		"escape":                "->/etc/passwd",
		"dirlink":               "->/etc",
		"empty/":                "",
		".botrunner.Dockerfile": "user's own, shadowed",
	})
	require.NoError(t, os.Chmod(dir+"/run.sh", 0o700))
	require.NoError(t, os.Chmod(dir+"/bot.py", 0o600))
	tr, err := openTree(dir)
	require.NoError(t, err)
	defer tr.Close()

	var buf bytes.Buffer
	spec := contextSpec{
		generated: map[string][]byte{".botrunner.Dockerfile": []byte("FROM x\n")},
		keep:      map[string]bool{ignoreFile: true},
	}
	size, err := writeContext(&buf, tr.root, tr.ig, spec, 1<<20)
	require.NoError(t, err)
	assert.Equal(t, int64(buf.Len()), size)
	got := readTar(t, &buf)
	assert.Equal(t, []string{
		".botrunner.Dockerfile", ".dockerignore", "bot.py", "dirlink", "docs/README.md", "empty/", "escape",
		"keep.log", "link.py", "pkg/", "pkg/__init__.py", "pkg/deep/", "pkg/deep/mod.py", "run.sh", "sub/",
	}, names(got))
	assert.Equal(t, "FROM x\n", got[".botrunner.Dockerfile"].Content, "generated files shadow the tree's")
	assert.Equal(t, tarEntry{Type: '2', Mode: 0o777, Link: "bot.py"}, got["link.py"])
	assert.Equal(t, "/etc/passwd", got["escape"].Link, "symlinks are stored, never followed")
	assert.Equal(t, byte('2'), got["dirlink"].Type)
	assert.Equal(t, tarEntry{Type: '0', Mode: 0o644, Content: "print(1)"}, got["bot.py"], "modes and owners as git knows them")
	assert.Equal(t, int64(0o755), got["run.sh"].Mode)
	assert.Equal(t, int64(0o755), got["pkg/"].Mode)
}

func TestContextTooLarge(t *testing.T) {
	dir := writeTree(t, map[string]string{"bot.py": string(bytes.Repeat([]byte("x"), 64<<10))})
	tr, err := openTree(dir)
	require.NoError(t, err)
	defer tr.Close()
	_, err = writeContext(&bytes.Buffer{}, tr.root, tr.ig, contextSpec{}, 32<<10)
	require.ErrorIs(t, err, ErrContextTooLarge)
	assert.Equal(t, "build context is larger than 32.0 KiB", err.Error())
}

func TestHumanBytes(t *testing.T) {
	assert.Equal(t, "512 B", humanBytes(512))
	assert.Equal(t, "1.5 KiB", humanBytes(1536))
	assert.Equal(t, "200.0 MiB", humanBytes(200<<20))
}

// TestContextDockerRules: a tree whose .dockerignore uses Docker's tricky
// rules gets the context the Docker CLI would send: Dockerfile and
// .dockerignore always (the engine drops them again), exceptions spelled
// inside an ignored directory rescued (without the directory's own entry,
// as the CLI's tar), wildcard ones not.
func TestContextDockerRules(t *testing.T) {
	dir := writeTree(t, map[string]string{
		".dockerignore": "# the build needs none of this\nDockerfile\n/.dockerignore\n**/*.pyc\nbuild/\n" +
			"!build/keep.txt\nconfig\n!config/*.example\ncache\n!**/wanted\n",
		"Dockerfile":                     "FROM x",
		"app.py":                         "",
		"app.pyc":                        "",
		"pkg/mod.pyc":                    "",
		"pkg/mod.py":                     "",
		"build/out.bin":                  "",
		"build/keep.txt":                 "",
		"config/prod.env":                "TOKEN=x",
		"config/app.example":             "TOKEN=",
		"cache/wanted":                   "",
		"# the build needs none of this": "",
	})
	tr, err := openTree(dir)
	require.NoError(t, err)
	defer tr.Close()
	var buf bytes.Buffer
	spec := contextSpec{keep: map[string]bool{"Dockerfile": true, ignoreFile: true}}
	_, err = writeContext(&buf, tr.root, tr.ig, spec, 1<<20)
	require.NoError(t, err)
	assert.Equal(t, []string{
		"# the build needs none of this", ".dockerignore", "Dockerfile", "app.py", "build/keep.txt", "config/app.example",
		"pkg/", "pkg/mod.py",
	}, names(readTar(t, &buf)))
}
