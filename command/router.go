package command

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/botwatch"
	"github.com/botrunner/botrunner/build"
	"github.com/botrunner/botrunner/deploy"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/internal/logging"
	"github.com/botrunner/botrunner/logstore"
	"github.com/botrunner/botrunner/names"
	"github.com/botrunner/botrunner/receive"
	"github.com/botrunner/botrunner/store"
	"github.com/botrunner/botrunner/telegram"
)

// Env is one command invocation: who runs it, its words and its streams.
type Env struct {
	Ctx      context.Context
	Identity auth.Identity
	// Command is the command name, the first word of the command line
	// ("apps:create"). When it is empty, Args[0] is taken as the name, so a
	// caller may also pass the whole split command line in Args.
	Command string
	Args    []string // the words after the command name
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
}

// Repos is the slice of the repository store the commands need.
// receive.Repos satisfies it.
type Repos interface {
	Create(app string) error
	Delete(app string) error
	// DeleteAfter runs first under the app's push lock, then deletes.
	DeleteAfter(ctx context.Context, app string, first func() error) error
	// Head and PushServerCommit serve deploy:archive and deploy:git: a
	// commit made here goes in as a push of it would.
	Head(app string, ref plumbing.ReferenceName) (plumbing.Hash, error)
	PushServerCommit(ctx context.Context, s receive.Session, c receive.ServerCommit, progress io.Writer) (receive.Result, error)
}

// Deps are the parts the commands work with.
type Deps struct {
	Store   *store.Store
	Auth    *auth.Authorizer
	Repos   Repos
	Intake  IntakeOptions // deploy:archive and deploy:git limits and allowed Git hosts
	Version string
	Log     *slog.Logger
	// RemoteURL, if set, returns the git URL of an app (for example
	// "ssh://git@bots.example.com:2222/my-bot"), which apps:create and
	// apps:info then show. The router cannot know the public host name.
	RemoteURL func(app string) string
	// Logs keeps the bots' logs; nil on a server that only hosts git.
	Logs LogReader
	// Bots runs the apps' bots; nil on a server that only hosts git
	// (GITD_RUNTIME=none).
	Bots Bots
	// Telegram checks tokens on config:set and clears webhooks; nil = no
	// checks (tests of other commands).
	Telegram *telegram.Client
	// Watch knows of 409 conflicts seen in bots' output; nil = none known.
	Watch Watch
	// Notify sends notices (notify:test); nil = none are sent.
	Notify Notifier
	// Audit is the audit log `audit` reads; nil: none kept.
	Audit AuditReader
	// Gateway: the server runs the Bot API gateway (GITD_TELEGRAM_GATEWAY);
	// without it, settings:set telegram=gateway is refused.
	Gateway bool
}

// Watch is what status needs of botwatch.Watcher.
type Watch interface {
	ConflictOf(app string) (botwatch.Conflict, bool)
	Polling(app store.App) string // "" when the app is not behind the gateway
}

// LogReader reads apps' logs (logstore.Store).
type LogReader interface {
	Tail(app string, q logstore.Query) ([]logstore.Line, error)
	Follow(ctx context.Context, app string, q logstore.Query) (<-chan logstore.Line, error)
	Build(app string, release int) ([]byte, error)
	LastBuild(app string) (int, []byte, error)
}

// Bots is what commands need of the side that runs bots (deploy.Engine).
// Actions stream their steps to out.
type Bots interface {
	AppStatus(ctx context.Context, app store.App) (deploy.Status, error)
	Destroy(ctx context.Context, app string) error // stop and remove its containers and images
	Stop(ctx context.Context, app store.App, by string, out io.Writer) error
	Start(ctx context.Context, app store.App, by string, out io.Writer) error
	Restart(ctx context.Context, app store.App, by string, out io.Writer) error
	Rebuild(ctx context.Context, app store.App, by string, out io.Writer) error
	Rollback(ctx context.Context, app store.App, target int, codeOnly bool, by string, out io.Writer) error
	// DeployImage pulls ref (creds: a registry login, nil = the stored one
	// for ref's registry, else none) and releases it like a push.
	DeployImage(ctx context.Context, app store.App, ref string, creds *build.Credentials, by string, out io.Writer) error
	Reconfigure(ctx context.Context, app store.App, change, by string, out io.Writer) error
}

// Router runs commands. It is safe for concurrent use.
type Router struct {
	d      Deps
	log    *slog.Logger
	cmds   []*command
	byName map[string]*command // names and aliases
}

// NewRouter returns a Router over d. A nil d.Log discards logs.
func NewRouter(d Deps) *Router {
	r := &Router{d: d, log: logging.Component(d.Log, "command"), cmds: commands(), byName: map[string]*command{}}
	for _, c := range r.cmds {
		r.byName[c.name] = c
		for _, a := range c.aliases {
			r.byName[a] = c
		}
	}
	return r
}

// Run runs the command in env and returns its exit status: 0 on success, 1
// when the command failed, 2 when the command line was wrong. Errors go to
// env.Stderr as "error: ..." and "hint: ..." lines, or as one JSON object
// when the arguments include --json.
func (r *Router) Run(env Env) int {
	env = withDefaults(env)
	name, args := env.Command, env.Args
	if name == "" && len(args) > 0 {
		name, args = args[0], args[1:]
	}
	if name == "" {
		name = "help" // a bare `ssh host` has nothing to run; show what there is
	}
	asJSON, err := r.dispatch(env, name, args)
	if err == nil {
		return 0
	}
	if hint.Of(err) == nil {
		r.log.Error("command failed", "command", name, "identity", env.Identity.String(), "err", err)
	}
	return WriteError(env.Stderr, err, asJSON)
}

// dispatch runs one command and reports whether its errors should be JSON:
// guessed from the words until the arguments are parsed, then exact.
func (r *Router) dispatch(env Env, name string, args []string) (bool, error) {
	asJSON := wantsJSON(args)
	cmd, err := r.lookup(name)
	if err != nil {
		return asJSON, err
	}
	if err := cmd.allowed(env.Identity); err != nil {
		return asJSON, err
	}
	p, err := parseArgs(cmd, args)
	if err != nil {
		return asJSON, err
	}
	c := &call{Router: r, env: env, cmd: cmd, p: p, json: p.bools["json"]}
	if p.help {
		return c.json, showUsage(c, cmd)
	}
	return c.json, cmd.run(c)
}

// lookup finds a command by name or alias, or says which one was meant.
func (r *Router) lookup(name string) (*command, error) {
	if c, ok := r.byName[name]; ok {
		return c, nil
	}
	tip := "run `help` for the list"
	if s := suggest(r.cmds, name); s != "" {
		tip = fmt.Sprintf("did you mean `%s`? %s", s, tip)
	}
	return nil, hint.Errorf(ErrUnknownCommand.Code, tip, "unknown command %s", names.Quote(name))
}

// wantsJSON reports whether args seem to ask for JSON. It is read before
// parsing so that even a usage error comes back as JSON to a script that
// asked for it; the last --json wins, as in the parser.
func wantsJSON(args []string) bool {
	want := false
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "--json" {
			want = true
		} else if v, ok := strings.CutPrefix(a, "--json="); ok {
			want, _ = strconv.ParseBool(v)
		}
	}
	return want
}

func withDefaults(env Env) Env {
	if env.Ctx == nil {
		env.Ctx = context.Background()
	}
	if env.Stdin == nil {
		env.Stdin = strings.NewReader("")
	}
	if env.Stdout == nil {
		env.Stdout = io.Discard
	}
	if env.Stderr == nil {
		env.Stderr = io.Discard
	}
	return env
}

// errDeployKey is the answer to a deploy key running anything but the few
// commands that only describe the server or the key itself.
func errDeployKey(id auth.Identity) error {
	return &hint.Error{
		Code: auth.ErrForbidden.Code,
		Msg:  "deploy keys may only deploy",
		Tip:  fmt.Sprintf("a deploy key can only `git push` and deploy:image, deploy:archive, deploy:git to %s; run other commands with your own key", id.DeployApp),
		Err:  auth.ErrForbidden,
	}
}
