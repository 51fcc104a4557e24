package build

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name       string
		files      map[string]string
		settings   Settings
		wantName   string
		wantDetail string
		wantCode   string // hint code of the expected error
		wantMsg    string // substring of the error message
	}{
		{name: "dockerfile", files: map[string]string{"Dockerfile": "FROM x"},
			wantName: "dockerfile", wantDetail: "Dockerfile"},
		{name: "dockerfile wins over all", files: map[string]string{
			"Dockerfile": "FROM x", "Procfile": "worker: python bot.py", "bot.py": ""},
			wantName: "dockerfile", wantDetail: "Dockerfile"},
		{name: "Dockerfile directory is no Dockerfile", files: map[string]string{"Dockerfile/": "", "bot.py": ""},
			wantName: "simple", wantDetail: "bot.py"},
		{name: "procfile before python", files: map[string]string{"Procfile": "worker: x", "bot.py": ""},
			wantName: "buildpack", wantDetail: "Procfile, worker process"},
		{name: "procfile worker over web", files: map[string]string{"Procfile": "web: a\nworker: b\n"},
			wantName: "buildpack", wantDetail: "Procfile, worker process"},
		{name: "project.toml and Procfile", files: map[string]string{"project.toml": "", "Procfile": "web: x"},
			wantName: "buildpack", wantDetail: "project.toml, Procfile, web process"},
		{name: "project.toml alone", files: map[string]string{"project.toml": ""},
			wantName: "buildpack", wantDetail: "project.toml"},
		{name: "empty Procfile", files: map[string]string{"Procfile": ""},
			wantCode: "INVALID_PROCFILE", wantMsg: "lists no process"},
		{name: "Procfile without worker or web", files: map[string]string{"Procfile": "a: x\nb: y\n"},
			wantCode: "INVALID_PROCFILE", wantMsg: "it lists a, b but no worker or web process"},
		{name: "Procfile symlink", files: map[string]string{"Procfile": "->other", "other": "worker: x"},
			wantCode: "INVALID_PROCFILE", wantMsg: "not a regular file"},
		{name: "bot.py", files: map[string]string{"bot.py": "", "util.py": ""},
			wantName: "simple", wantDetail: "bot.py"},
		{name: "entrypoint order", files: map[string]string{"app.py": "", "main.py": "", "__main__.py": ""},
			wantName: "simple", wantDetail: "main.py"},
		{name: "__main__.py", files: map[string]string{"__main__.py": ""},
			wantName: "simple", wantDetail: "__main__.py"},
		{name: "requirements", files: map[string]string{"bot.py": "", "requirements.txt": "aiogram"},
			wantName: "simple", wantDetail: "bot.py, requirements.txt"},
		{name: "ignored requirements", files: map[string]string{
			"bot.py": "", "requirements.txt": "", ".dockerignore": "requirements.txt"},
			wantName: "simple", wantDetail: "bot.py"},
		{name: "ignored bot.py is skipped", files: map[string]string{
			"bot.py": "", "app.py": "", ".dockerignore": "bot.py"},
			wantName: "simple", wantDetail: "app.py"},
		{name: "python files elsewhere do not count", files: map[string]string{"src/bot.py": "", "README.md": ""},
			wantCode: "NO_BUILD_STRATEGY"},
		{name: "none", files: map[string]string{"README.md": "hi"},
			wantCode: "NO_BUILD_STRATEGY", wantMsg: "no way to build"},

		{name: "forced simple over Dockerfile", files: map[string]string{"Dockerfile": "FROM x", "bot.py": ""},
			settings: Settings{Strategy: "simple"}, wantName: "simple", wantDetail: "bot.py"},
		{name: "forced dockerfile missing", files: map[string]string{"bot.py": ""},
			settings: Settings{Strategy: "dockerfile"}, wantCode: "NO_BUILD_STRATEGY", wantMsg: `strategy is "dockerfile"`},
		{name: "forced buildpack", files: map[string]string{"Procfile": "worker: x", "Dockerfile": ""},
			settings: Settings{Strategy: "buildpack"}, wantName: "buildpack", wantDetail: "Procfile, worker process"},
		{name: "forced buildpack missing", files: map[string]string{"Dockerfile": ""},
			settings: Settings{Strategy: "buildpack"}, wantCode: "NO_BUILD_STRATEGY", wantMsg: "no Procfile or project.toml"},
		{name: "forced unknown", files: map[string]string{"bot.py": ""},
			settings: Settings{Strategy: "heroku"}, wantCode: "UNKNOWN_STRATEGY", wantMsg: `"heroku"`},
		{name: "forced image", files: map[string]string{"bot.py": ""},
			settings: Settings{Strategy: "image"}, wantCode: "UNKNOWN_STRATEGY", wantMsg: `"image" is not a build strategy`},

		{name: "entrypoint setting", files: map[string]string{"src/run.py": "", "bot.py": ""},
			settings: Settings{Entrypoint: "src/run.py"}, wantName: "simple", wantDetail: "src/run.py"},
		{name: "entrypoint setting ./", files: map[string]string{"run.py": ""},
			settings: Settings{Entrypoint: "./run.py"}, wantName: "simple", wantDetail: "run.py"},
		{name: "entrypoint does not apply to Dockerfile", files: map[string]string{"Dockerfile": ""},
			settings: Settings{Entrypoint: "nope.py"}, wantName: "dockerfile", wantDetail: "Dockerfile"},
		{name: "entrypoint missing", files: map[string]string{"bot.py": ""},
			settings: Settings{Entrypoint: "run.py"}, wantCode: "INVALID_ENTRYPOINT", wantMsg: "does not exist"},
		{name: "entrypoint parent", files: map[string]string{"bot.py": ""},
			settings: Settings{Entrypoint: "../x.py"}, wantCode: "INVALID_ENTRYPOINT", wantMsg: "no .."},
		{name: "entrypoint inner parent", files: map[string]string{"bot.py": ""},
			settings: Settings{Entrypoint: "src/../../x.py"}, wantCode: "INVALID_ENTRYPOINT", wantMsg: "no .."},
		{name: "entrypoint absolute", files: map[string]string{"bot.py": ""},
			settings: Settings{Entrypoint: "/etc/x.py"}, wantCode: "INVALID_ENTRYPOINT", wantMsg: "relative"},
		{name: "entrypoint not python", files: map[string]string{"run.sh": ""},
			settings: Settings{Entrypoint: "run.sh"}, wantCode: "INVALID_ENTRYPOINT", wantMsg: ".py"},
		{name: "entrypoint newline", files: map[string]string{"bot.py": ""},
			settings: Settings{Entrypoint: "a\nb.py"}, wantCode: "INVALID_ENTRYPOINT", wantMsg: "control"},
		{name: "entrypoint symlink", files: map[string]string{"run.py": "->/etc/passwd"},
			settings: Settings{Entrypoint: "run.py"}, wantCode: "INVALID_ENTRYPOINT", wantMsg: "regular file"},
		{name: "entrypoint directory", files: map[string]string{"pkg.py/x": ""},
			settings: Settings{Entrypoint: "pkg.py"}, wantCode: "INVALID_ENTRYPOINT", wantMsg: "regular file"},
		{name: "entrypoint ignored", files: map[string]string{"run.py": "", ".dockerignore": "*.py"},
			settings: Settings{Entrypoint: "run.py"}, wantCode: "INVALID_ENTRYPOINT", wantMsg: ".dockerignore"},
		{name: "bad dockerignore", files: map[string]string{"bot.py": "", ".dockerignore": "[x"},
			wantCode: "INVALID_DOCKERIGNORE", wantMsg: `pattern "[x"`},
	}
	b := New(&fakeEngine{}, Options{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTree(t, tc.files)
			name, detail, err := b.Detect(dir, tc.settings)
			assert.Equal(t, tc.wantName, name)
			assert.Equal(t, tc.wantDetail, detail)
			if tc.wantCode == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tc.wantCode, hint.CodeOf(err), "error: %v", err)
			assert.Contains(t, err.Error(), tc.wantMsg)
			assert.NotEmpty(t, hint.TipOf(err))
		})
	}
}

func TestNoStrategyHintListsTheWays(t *testing.T) {
	_, _, err := New(&fakeEngine{}, Options{}).Detect(writeTree(t, map[string]string{"x.txt": ""}), Settings{})
	require.ErrorIs(t, err, ErrNoStrategy)
	tip := hint.TipOf(err)
	for _, want := range []string{"Dockerfile", "Procfile", "project.toml", "bot.py", "main.py", "app.py", "__main__.py", "entrypoint"} {
		assert.Contains(t, tip, want)
	}
}

func TestBuildpackDetectNames(t *testing.T) {
	name, detail, err := New(&fakeEngine{}, Options{}).Detect(
		writeTree(t, map[string]string{"Procfile": "web: python web.py\nworker: python -u bot.py\n"}), Settings{})
	require.NoError(t, err)
	assert.Equal(t, "buildpack", name)
	assert.Equal(t, "Procfile, worker process", detail)
}

func TestStrategies(t *testing.T) {
	assert.Equal(t, []string{"dockerfile", "buildpack", "simple"}, Strategies())
	for _, n := range append(Strategies(), "") {
		assert.NoError(t, ValidStrategy(n))
	}
	assert.ErrorIs(t, ValidStrategy("nixpacks"), ErrUnknownStrategy)
	assert.ErrorIs(t, ValidStrategy("image"), ErrUnknownStrategy)
	assert.Contains(t, hint.TipOf(ValidStrategy("image")), "deploy:image")
}
