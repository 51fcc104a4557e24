package audit

import (
	"log/slog"
	"strings"
)

// Recorder writes the audited sessions and refused keys of the SSH server
// to a Log; reads (apps, status, logs, …) are not audited.
type Recorder struct {
	Log *Log
	Err *slog.Logger // where a failed write is reported
}

// Audited commands: true when the first word after the command is an app.
var audited = map[string]bool{
	"git-receive-pack": true, "apps:create": true, "apps:destroy": true,
	"start": true, "stop": true, "restart": true, "rebuild": true, "rollback": true,
	"deploy:image": true, "deploy:archive": true, "deploy:git": true,
	"config:get": true, "config:set": true, "config:unset": true,
	"settings:set": true, "builder:set": true,
	"access:add": true, "access:remove": true, "deploy-keys:add": true, "deploy-keys:remove": true,
	"keys:add": false, "keys:remove": false, "users:add": false, "users:remove": false,
}

// argsDropped are commands whose words may carry a credential (a Git URL
// with a token, a registry ref): only the app is kept.
var argsDropped = map[string]bool{"deploy:git": true, "deploy:image": true}

// Session writes an authenticated SSH session that is audited — a push, or
// a command that changes something (config:get only with --reveal) — as
// it ended: who, from where, the client's words (command) and its status.
func (r Recorder) Session(user, remote string, command []string, status int) {
	if len(command) == 0 {
		return
	}
	action, words := command[0], command[1:]
	appFirst, ok := audited[action]
	if !ok || (action == "config:get" && !hasFlag(words, "--reveal")) {
		return
	}
	if action == "git-receive-pack" {
		action = "push"
	}
	e := Entry{Actor: user, Remote: remote, Action: action, OK: status == 0}
	if appFirst && len(words) > 0 && !strings.HasPrefix(words[0], "-") {
		e.App, words = appName(words[0]), words[1:]
	}
	if !argsDropped[action] {
		e.Args = names(action, words)
	}
	r.write(e)
}

// KeyRefused writes a refused key: who tried, from where (a client may
// offer several keys, so one login can write several lines).
func (r Recorder) KeyRefused(remote, fingerprint string) {
	r.write(Entry{Remote: remote, Action: "auth:refused", Detail: fingerprint})
}

func (r Recorder) write(e Entry) {
	if err := r.Log.Write(e); err != nil && r.Err != nil {
		r.Err.Error("audit log write", "action", e.Action, "err", err)
	}
}

// names keeps what a command's words name: flags by name (their values
// dropped), config:set's KEY=VALUE as KEY (and no other word of it),
// other words as they are.
func names(action string, words []string) []string {
	var out []string
	for _, w := range words {
		switch {
		case strings.HasPrefix(w, "-"):
			w, _, _ = strings.Cut(w, "=")
		case action == "config:set":
			name, _, isPair := strings.Cut(w, "=")
			if !isPair {
				continue // a stray word may be a value: never kept
			}
			w = name
		}
		out = append(out, w)
	}
	return out
}

// appName turns git's path ('/my-bot.git', 'my-bot') into the app's name.
func appName(path string) string {
	path = strings.Trim(path, "'\"")
	path = strings.TrimPrefix(path, "/")
	return strings.TrimSuffix(path, ".git")
}

func hasFlag(words []string, flag string) bool {
	for _, w := range words {
		if w == flag {
			return true
		}
	}
	return false
}
