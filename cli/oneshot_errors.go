package cli

import (
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/names"
)

// Errors of `botctl start` deploys (--simple, --custom, --image).
var (
	ErrBadFile = hint.New("BAD_FILE", "cannot deploy this file",
		"list files by relative paths inside the current directory (bot.py lib/util.py), or deploy a directory with --custom DIR")
	ErrBadLink = hint.New("LINK_OUTSIDE", "symlink points outside the directory",
		"the server refuses links that leave the tree: copy the file in, or make the link relative and inside")
	ErrBadRequirement = hint.New("BAD_REQUIREMENT", "invalid -r requirement",
		`give one requirement per -r, as in requirements.txt: -r "aiogram>=3.0" -r requests`)
	ErrBadEntrypointFlag = hint.New("BAD_ENTRYPOINT", "invalid --entrypoint",
		"name one of the .py files you deploy, by its path in the tree: --entrypoint bot.py")
	ErrBadVar = hint.New("BAD_CONFIG_VAR", "invalid -e config var",
		"write -e NAME=value, or -e NAME to take the value from your environment")
	ErrBadAppName = names.ErrInvalidApp.Reword(
		"app names are 3-40 lowercase letters, digits and dashes, starting with a letter: botctl start my-bot --simple bot.py",
		"invalid app name")
	ErrNoServer = hint.New("NO_SERVER", "which server? not inside a git repository with a `bots` remote",
		"botctl start needs no repo, only the server: pass --remote ssh://git@HOST:PORT (or an ~/.ssh/config alias: --remote ssh://bots), or set BOTCTL_REMOTE")
	ErrDeployRefused = hint.New("DEPLOY_REFUSED", "deploy refused",
		"the remote: lines above say why; fix it and run the same botctl start again")
	ErrPushProtocol = hint.New("PUSH_FAILED", "push failed",
		"check that the server is a botrunner server and reachable: botctl --remote ... whoami")
)
