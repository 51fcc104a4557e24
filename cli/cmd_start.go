package cli

import (
	"errors"

	"github.com/alecthomas/kong"

	"github.com/botrunner/botrunner/names"
)

// StartCmd starts an app's bot again (`start [APP]`), or, with --simple,
// --custom or --image, deploys in one go without any git repo.
type StartCmd struct {
	AppFlag `embed:""`
	Name    string `arg:"" optional:"" name:"app" help:"App name (default: -a, else the remote's app)."`

	Simple fileList `xor:"mode" placeholder:"FILE..." help:"Deploy these files (all the words up to the next flag), each at its relative path."`
	Custom string   `xor:"mode" placeholder:"DIR" help:"Deploy a directory as a commit of its tree (.git and .gitignore'd paths left out)."`
	Image  string   `xor:"mode" placeholder:"REF" help:"Deploy a prebuilt image: the server pulls REF (deploy:image)."`

	Entrypoint   string   `placeholder:"FILE.py" help:"The .py file to run (--simple/--custom; default: bot.py, main.py, app.py or __main__.py, else the first listed .py)."`
	Requirements []string `name:"requirement" short:"r" sep:"none" placeholder:"REQ" help:"A requirements.txt line (repeatable; merged into a listed requirements.txt)."`
	Env          []string `name:"env" short:"e" sep:"none" placeholder:"NAME[=VALUE]" help:"Config var set before the deploy, without a restart (repeatable; NAME alone takes $NAME from here)."`

	Username      string `placeholder:"USER" help:"--image: registry user."`
	PasswordStdin bool   `help:"--image: read the registry password from stdin."`
}

// Help is the detail under `botctl start --help`.
func (c *StartCmd) Help() string {
	return `Forms:
  botctl start [APP]                         start a stopped bot again
  botctl start APP --simple FILE... [--entrypoint FILE.py] [-r REQ]... [-e NAME=VALUE]...
  botctl start APP --custom DIR [-e NAME=VALUE]...
  botctl start APP --image REF [--username USER --password-stdin] [-e NAME=VALUE]...

The deploy forms need no git repo: botctl makes a commit in memory and pushes
it over ssh, as git push would (the server comes from --remote, $BOTCTL_REMOTE
or the "bots" remote). The server's remote: lines stream back, then the app's
status. -e vars are set first; if botctl had to create the app for them and
the deploy is refused, it removes the app again.`
}

func (c *StartCmd) Run(r *runner) error {
	switch {
	case len(c.Simple) > 0:
		return c.runSimple(r)
	case c.Custom != "":
		return c.runCustom(r)
	case c.Image != "":
		return c.runImage(r)
	}
	if len(c.Env) > 0 || len(c.Requirements) > 0 || c.Entrypoint != "" || c.Username != "" || c.PasswordStdin {
		return usageError("start", "-e, -r, --entrypoint and --username go with --simple, --custom or --image")
	}
	return r.forwardApp("start", c.AppFlag, []string{c.Name}, 0)
}

// oneShotApp resolves the app of a deploy form whose words are `[APP]`.
func (c *StartCmd) oneShotApp(r *runner) (string, error) {
	app, _, err := r.resolveApp("start", c.AppFlag, []string{c.Name}, 0)
	return checkApp(app, err)
}

// checkApp says why there is no app, and refuses an invalid name before
// any work is done.
func checkApp(app string, err error) (string, error) {
	if errors.Is(err, ErrNoRepo) || errors.Is(err, ErrNoApp) {
		return "", ErrNoApp.With("no app given: botctl start APP --simple FILE... (or --custom DIR, --image REF)", err)
	}
	if err != nil {
		return "", err
	}
	if err := names.ValidApp(app); err != nil {
		return "", ErrBadAppName.With(err.Error(), err)
	}
	return app, nil
}

// fileList is --simple's value: every word after the flag up to the next
// flag, so that `--simple bot.py handlers.py` reads as the seed's CLI did
// (kong's own slices take one value per flag).
type fileList []string

func (f *fileList) Decode(ctx *kong.DecodeContext) error {
	first := ctx.Scan.Pop()
	if first.IsEOL() || !first.IsValue() {
		return errors.New("needs at least one file, e.g. --simple bot.py handlers.py")
	}
	*f = append(*f, first.String())
	for _, t := range ctx.Scan.PopWhile(func(t kong.Token) bool { return t.IsValue() }) {
		*f = append(*f, t.String())
	}
	return nil
}
