package audit

import (
	"log/slog"
	"maps"
	"net"
	"slices"
	"strings"
	"time"
	"unicode"

	botnames "github.com/botrunner/botrunner/names"
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
	if action == "git" && len(words) > 0 { // "git receive-pack 'app'", as older clients send it
		action, words = "git-"+words[0], words[1:]
	}
	appFirst, ok := audited[action]
	if !ok || (action == "config:get" && !slices.Contains(words, "--reveal")) {
		return
	}
	if action == "git-receive-pack" {
		action = "push"
	}
	e := Entry{Actor: user, Remote: remote, Action: action, OK: status == 0}
	if appFirst && len(words) > 0 {
		// Only an app's name is an app: `config:set BOT_TOKEN=…` with the
		// app left out must not put the value there.
		if app := botnames.AppOfRepoPath(strings.Trim(words[0], `'"`)); botnames.ValidApp(app) == nil {
			e.App, words = app, words[1:]
		}
	}
	if !argsDropped[action] {
		e.Args = names(action, words)
	}
	r.write(e)
}

// KeyRefused writes a refused key: who tried, from where. One line per
// remote host a minute (refusedEvery): anyone may offer keys without end,
// and an unlimited record would rotate every other entry out of the log.
func (r Recorder) KeyRefused(remote, fingerprint string) {
	if r.Log.admitRefusal(remote, time.Now()) {
		r.write(Entry{Remote: remote, Action: "auth:refused", Detail: fingerprint})
	}
}

// refusedEvery is how often one remote host's refused keys are written.
const refusedEvery = time.Minute

// admitRefusal says whether a refused key from remote is written now.
func (l *Log) admitRefusal(remote string, now time.Time) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.refused == nil || len(l.refused) > 4096 {
		maps.DeleteFunc(l.refused, func(_ string, at time.Time) bool { return now.Sub(at) >= refusedEvery })
		if l.refused == nil {
			l.refused = map[string]time.Time{}
		}
	}
	if at, ok := l.refused[host]; ok && now.Sub(at) < refusedEvery {
		return false
	}
	l.refused[host] = now
	return true
}

func (r Recorder) write(e Entry) {
	if err := r.Log.Write(e); err != nil && r.Err != nil {
		r.Err.Error("audit log write", "action", e.Action, "err", err)
	}
}

// names keeps what a command's words name: flags by name (their values
// dropped), config:set's KEY=VALUE as KEY and its --no-restart (no other
// word of it: a stray word may be a value), other words as they are.
// Words with control characters are kept quoted, so that reading the log
// in a terminal runs no escape sequence a client sent.
func names(action string, words []string) []string {
	var out []string
	for _, w := range words {
		switch {
		case action == "config:set" && w != "--no-restart":
			name, _, isPair := strings.Cut(w, "=")
			if !isPair || strings.HasPrefix(w, "-") {
				continue
			}
			w = name
		case strings.HasPrefix(w, "-"):
			w, _, _ = strings.Cut(w, "=")
		}
		if strings.IndexFunc(w, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
			w = botnames.Quote(w)
		}
		out = append(out, w)
	}
	return out
}
