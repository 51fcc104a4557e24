package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/botrunner/botrunner/names"
)

// The server commands a one-shot deploy runs around its push.

// remoteRun runs one server command over ssh with the given streams. Only
// the command's name is logged: -e values are secrets.
func (r *runner) remoteRun(in io.Reader, out, errw io.Writer, words ...string) error {
	t, err := r.target()
	if err != nil {
		return err
	}
	argv, err := sshArgv(r.sys.Getenv, t, words)
	if err != nil {
		return err
	}
	r.log.Debug("run ssh", "command", words[0])
	return runSSH(r.ctx, argv, stdio{in: in, out: out, err: errw})
}

// appSettings is the part of `settings --json` a deploy needs.
type appSettings struct {
	DeployBranch string `json:"deploy_branch"`
	Entrypoint   string `json:"entrypoint"`
}

// lookupApp asks the server for the app's settings; exists is false when
// the server says APP_NOT_FOUND (which is also the answer for an app the
// user may not see: the push will then say so).
func (r *runner) lookupApp(app string) (s appSettings, exists bool, err error) {
	var out, errb bytes.Buffer
	err = r.remoteRun(strings.NewReader(""), &out, &errb, "settings", "--json", app)
	if err == nil {
		if jerr := json.Unmarshal(out.Bytes(), &s); jerr != nil {
			return s, false, ErrPushProtocol.With(fmt.Sprintf("read `settings %s --json`: %v", app, jerr), jerr)
		}
		return s, true, nil
	}
	var e struct {
		Code string `json:"code"`
	}
	var ee *ExitError
	if errors.As(err, &ee) && json.Unmarshal(errb.Bytes(), &e) == nil {
		switch e.Code {
		case "APP_NOT_FOUND":
			return s, false, nil
		case "FORBIDDEN":
			// A deploy key may push but not read settings: push to the
			// server's default branch and let the push answer.
			return s, true, nil
		}
	}
	_, _ = r.sys.Stderr.Write(errb.Bytes()) // ssh's or the server's own words
	return s, false, err
}

// createApp creates app before the push, for the settings and config vars
// that need it to exist.
func (r *runner) createApp(app string) error {
	if err := r.remoteRun(strings.NewReader(""), io.Discard, r.sys.Stderr, "apps:create", app); err != nil {
		return err
	}
	fmt.Fprintf(r.sys.Stderr, "-----> created %s (botctl removes it again if this deploy is refused)\n", app)
	return nil
}

// destroyApp takes back an app botctl created, so that a refused first
// deploy leaves nothing behind.
func (r *runner) destroyApp(app string) {
	err := r.remoteRun(strings.NewReader(""), io.Discard, r.sys.Stderr, "apps:destroy", app, "--confirm", app)
	if err != nil {
		fmt.Fprintf(r.sys.Stderr, "botctl: could not remove %s again; remove it with `botctl apps:destroy %s --confirm %s`\n", app, app, app)
		return
	}
	fmt.Fprintf(r.sys.Stderr, "-----> removed %s again: the deploy was refused\n", app)
}

// setVars stores config vars without a restart: the deploy that follows
// starts the bot with them.
func (r *runner) setVars(app string, vars []string) error {
	words := append(append([]string{"config:set", app}, vars...), "--no-restart")
	return r.remoteRun(strings.NewReader(""), r.sys.Stderr, r.sys.Stderr, words...)
}

// setEntrypoint changes the app's entrypoint setting.
func (r *runner) setEntrypoint(app, entrypoint string) error {
	err := r.remoteRun(strings.NewReader(""), io.Discard, r.sys.Stderr, "settings:set", app, "entrypoint="+entrypoint)
	if err == nil {
		fmt.Fprintf(r.sys.Stderr, "-----> entrypoint of %s set to %s\n", app, entrypoint)
	}
	return err
}

// configVars reads -e NAME=value, and -e NAME as the value of $NAME in
// botctl's environment (so a token need not be typed on the command line).
func configVars(getenv func(string) string, env []string) ([]string, error) {
	out := make([]string, 0, len(env))
	for _, e := range env {
		name, value, ok := strings.Cut(e, "=")
		if names.ValidConfig(name) != nil {
			// Not echoed whole: the value may be a secret.
			return nil, ErrBadVar.With(fmt.Sprintf("-e: %q is not a config var name", name), nil)
		}
		if !ok {
			value = getenv(name)
			if value == "" {
				return nil, ErrBadVar.With(fmt.Sprintf("-e %s: $%s is not set here", name, name), nil)
			}
		}
		out = append(out, name+"="+value)
	}
	return out, nil
}
