package cli

import (
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStartSimpleNewApp(t *testing.T) {
	srv := newFakeServer(t)
	dir := botDir(t, map[string]string{"bot.py": "import handlers", "handlers.py": "h = 1", "requirements.txt": "requests\n"})
	res := srv.run(t, dir, "", map[string]string{"TOKEN": "123:abc"}, remoteFlag, "start", "my-bot",
		"--simple", "bot.py", "handlers.py", "requirements.txt", "-r", "aiogram>=3.0,<4", "-e", "GREETING=hi there", "-e", "TOKEN")
	require.Equal(t, 0, res.code, res.stderr)
	assert.Equal(t, []string{
		"settings --json my-bot",
		"apps:create my-bot",
		"config:set my-bot 'GREETING=hi there' TOKEN=123:abc --no-restart",
		"git-receive-pack 'my-bot'",
		"status my-bot",
	}, res.log, "vars before the push, the app made for them, the status after")
	assert.Equal(t, "state  running\n", res.stdout)
	assert.Contains(t, res.stderr, "-----> requirements.txt: added aiogram>=3.0,<4 from -r\n")
	assert.Contains(t, res.stderr, "-----> created my-bot (botctl removes it again if this deploy is refused)\n")
	assert.Contains(t, res.stderr, "pushing 5 objects (")
	assert.Equal(t, map[string]string{"bot.py": "import handlers", "handlers.py": "h = 1",
		"requirements.txt": "requests\naiogram>=3.0,<4\n"}, srv.files(t, "my-bot", plumbing.Main))
}

func TestStartSimplePushCreates(t *testing.T) {
	srv := newFakeServer(t)
	dir := botDir(t, map[string]string{"bot.py": "print(1)"})
	res := srv.run(t, dir, "", nil, remoteFlag, "start", "my-bot", "--simple", "bot.py")
	require.Equal(t, 0, res.code, res.stderr)
	assert.Equal(t, []string{"settings --json my-bot", "git-receive-pack 'my-bot'", "status my-bot"}, res.log,
		"with nothing to store first, the push creates the app (and the server takes it back if refused)")

	// The next deploy builds on the first: a fast-forward.
	first, err := srv.repos(t).Head("my-bot", plumbing.Main)
	require.NoError(t, err)
	res = srv.run(t, dir, "", nil, remoteFlag, "start", "-a", "my-bot", "--simple", "bot.py")
	require.Equal(t, 0, res.code, res.stderr)
	second, err := srv.repos(t).Head("my-bot", plumbing.Main)
	require.NoError(t, err)
	assert.NotEqual(t, first, second)
}

func TestStartSimpleEntrypointAndBranch(t *testing.T) {
	srv := newFakeServer(t)
	require.NoError(t, srv.repos(t).Create("my-bot"))
	dir := botDir(t, map[string]string{"echo.py": "print(1)", "lib.py": ""})
	res := srv.run(t, dir, "", map[string]string{"FAKE_GITD_BRANCH": "live"}, remoteFlag, "start", "my-bot", "--simple", "echo.py", "lib.py")
	require.Equal(t, 0, res.code, res.stderr)
	assert.Equal(t, []string{"settings --json my-bot", "settings:set my-bot entrypoint=echo.py",
		"git-receive-pack 'my-bot'", "status my-bot"}, res.log, "no bot.py: the first listed .py runs")
	assert.Contains(t, srv.files(t, "my-bot", "refs/heads/live"), "echo.py", "the app's deploy branch is pushed")
}

func TestStartWithDeployKey(t *testing.T) {
	srv := newFakeServer(t)
	require.NoError(t, srv.repos(t).Create("my-bot"))
	dir := botDir(t, map[string]string{"bot.py": "print(1)"})
	res := srv.run(t, dir, "", map[string]string{"FAKE_GITD_FORBIDDEN": "1"}, remoteFlag, "start", "my-bot", "--simple", "bot.py")
	require.Equal(t, 0, res.code, res.stderr)
	assert.Equal(t, []string{"settings --json my-bot", "git-receive-pack 'my-bot'", "status my-bot"}, res.log,
		"a key that may only push still deploys, to the default branch")
	assert.Contains(t, srv.files(t, "my-bot", plumbing.Main), "bot.py")
}

func TestStartRefusedTakesTheAppBack(t *testing.T) {
	srv := newFakeServer(t)
	dir := botDir(t, map[string]string{"bot.py": "print("})
	res := srv.run(t, dir, "", map[string]string{"FAKE_GITD_FAIL": "1"}, remoteFlag, "start", "my-bot", "--simple", "bot.py", "-e", "A=1")
	assert.Equal(t, 1, res.code)
	assert.Equal(t, []string{"settings --json my-bot", "apps:create my-bot", "config:set my-bot A=1 --no-restart",
		"git-receive-pack 'my-bot'", "apps:destroy my-bot --confirm my-bot"}, res.log)
	assert.Contains(t, res.stderr, "remote: building...\n")
	assert.Contains(t, res.stderr, "-----> removed my-bot again: the deploy was refused\n")
	assert.Contains(t, res.stderr, "botctl: deploy refused (build failed)\nhint: the remote: lines above say why")
	assert.False(t, srv.repos(t).Exists("my-bot"))
	assert.Empty(t, res.stdout, "no status after a refused deploy")

	// An app that was there before stays, vars and all; botctl says so.
	require.NoError(t, srv.repos(t).Create("old-bot"))
	res = srv.run(t, dir, "", map[string]string{"FAKE_GITD_FAIL": "1"}, remoteFlag, "start", "old-bot", "--simple", "bot.py", "-e", "A=1")
	assert.Equal(t, 1, res.code)
	assert.NotContains(t, res.log, "apps:destroy old-bot --confirm old-bot")
	assert.Contains(t, res.stderr, "the -e vars stay set on old-bot")
	assert.True(t, srv.repos(t).Exists("old-bot"))
}

func TestStartCustom(t *testing.T) {
	srv := newFakeServer(t)
	dir := botDir(t, map[string]string{"app/Dockerfile": "FROM x", "app/bot.py": "b", "app/.gitignore": "*.log\n", "app/x.log": "l"})
	res := srv.run(t, dir, "", nil, remoteFlag, "start", "my-bot", "--custom", "app")
	require.Equal(t, 0, res.code, res.stderr)
	assert.Equal(t, map[string]string{"Dockerfile": "FROM x", "bot.py": "b", ".gitignore": "*.log\n"},
		srv.files(t, "my-bot", plumbing.Main))
	assert.Contains(t, res.stderr, "-----> 3 files, 13 B\n")
}

func TestStartImage(t *testing.T) {
	srv := newFakeServer(t)
	res := srv.run(t, t.TempDir(), "s3cret\n", nil, remoteFlag, "start", "my-bot", "--image", "127.0.0.1:5000/bot:1",
		"--username", "me", "--password-stdin", "-e", "A=1")
	require.Equal(t, 0, res.code, res.stderr)
	assert.Equal(t, []string{"settings --json my-bot", "apps:create my-bot", "config:set my-bot A=1 --no-restart",
		"deploy:image my-bot 127.0.0.1:5000/bot:1 --username me --password-stdin", `stdin: "s3cret\n"`, "status my-bot"}, res.log)

	res = srv.run(t, t.TempDir(), "", map[string]string{"FAKE_GITD_FAIL": "1"}, remoteFlag, "start", "new-bot", "--image", "bot:1")
	assert.Equal(t, 1, res.code)
	assert.Equal(t, []string{"settings --json new-bot", "apps:create new-bot", "deploy:image new-bot bot:1", `stdin: ""`,
		"apps:destroy new-bot --confirm new-bot"}, res.log)
	assert.Contains(t, res.stderr, "error: pull failed\n")
	assert.False(t, srv.repos(t).Exists("new-bot"))
}

func TestStartPlainStillStarts(t *testing.T) {
	srv := newFakeServer(t)
	res := srv.run(t, t.TempDir(), "", nil, remoteFlag, "start", "my-bot")
	require.Equal(t, 0, res.code, res.stderr)
	assert.Equal(t, []string{"start my-bot"}, res.log)
}

func TestStartLocalErrors(t *testing.T) {
	srv := newFakeServer(t)
	dir := botDir(t, map[string]string{"bot.py": "b"})
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no server", []string{"start", "my-bot", "--simple", "bot.py"}, 1,
			"botctl: which server? no --remote given and not inside a git repository\nhint: botctl start needs no repo, only the server: pass --remote ssh://git@HOST:PORT"},
		{"no app", []string{remoteFlag, "start", "--simple", "bot.py"}, 1, "botctl: no app given: botctl start APP --simple FILE..."},
		{"bad app", []string{remoteFlag, "start", "My_Bot", "--custom", "."}, 1, "botctl: invalid app name \"My_Bot\""},
		{"no files", []string{remoteFlag, "start", "my-bot", "--simple"}, 2, "botctl: --simple: needs at least one file"},
		{"two modes", []string{remoteFlag, "start", "my-bot", "--simple", "bot.py", "--image", "x"}, 2, "botctl: --simple and --image can't be used together"},
		{"flags without a mode", []string{remoteFlag, "start", "my-bot", "-e", "A=1"}, 2, "botctl: -e, -r, --entrypoint and --username go with"},
		{"-r with an image", []string{remoteFlag, "start", "my-bot", "--image", "x", "-r", "y"}, 2, "botctl: -r and --entrypoint go with --simple or --custom"},
		{"bad var", []string{remoteFlag, "start", "my-bot", "--simple", "bot.py", "-e", "A-B=1"}, 1, "botctl: -e: \"A-B\" is not a config var name"},
		{"unset var", []string{remoteFlag, "start", "my-bot", "--simple", "bot.py", "-e", "NOPE"}, 1, "botctl: -e NOPE: $NOPE is not set here"},
		{"bad entrypoint", []string{remoteFlag, "start", "my-bot", "--simple", "bot.py", "--entrypoint", "x.py"}, 1, "botctl: --entrypoint x.py is not one of the .py files"},
		{"path outside", []string{remoteFlag, "start", "my-bot", "--simple", "../bot.py"}, 1, "botctl: ../bot.py leaves the current directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := srv.run(t, dir, "", nil, tt.args...)
			assert.Equal(t, tt.code, res.code)
			assert.Contains(t, res.stderr, tt.stderr)
			if tt.name != "bad entrypoint" { // that one needs the app's setting first
				assert.Nil(t, res.log, "nothing reaches the server")
			}
		})
	}
}
