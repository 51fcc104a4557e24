package cli

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/botrunner/botrunner/bytesize"
	"github.com/botrunner/botrunner/names"
)

// The deploy forms of `botctl start`. Everything local (files, paths,
// names) is checked before the server is asked anything; then, in order:
// look the app up, create it if -e or --entrypoint need it to exist, set
// the vars and the setting, push (or deploy:image), print the status.

func (c *StartCmd) runSimple(r *runner) error {
	app, err := c.oneShotApp(r)
	if err != nil {
		return err
	}
	files := []string(c.Simple)
	snap, err := simpleSnapshot(r.sys.Dir, files)
	if err != nil {
		return err
	}
	msg := "botctl start --simple " + strings.Join(files, " ")
	return c.deploySnapshot(r, app, snap, firstPy(files), msg)
}

func (c *StartCmd) runCustom(r *runner) error {
	app, err := c.oneShotApp(r)
	if err != nil {
		return err
	}
	dir := c.Custom
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(r.sys.Dir, dir)
	}
	snap, err := customSnapshot(dir)
	if err != nil {
		return err
	}
	return c.deploySnapshot(r, app, snap, "", "botctl start --custom "+filepath.Base(dir))
}

// deploySnapshot pushes snap as a new commit on the app's deploy branch.
func (c *StartCmd) deploySnapshot(r *runner, app string, snap *snapshot, firstPy, msg string) error {
	if c.Username != "" || c.PasswordStdin {
		return usageError("start", "--username and --password-stdin go with --image")
	}
	vars, err := c.prepareSnapshot(r, snap)
	if err != nil {
		return err
	}
	settings, exists, err := r.lookupApp(app)
	if err != nil {
		return err
	}
	choice, err := snap.decideEntrypoint(c.Entrypoint, firstPy, settings.Entrypoint)
	if err != nil {
		return err
	}
	for _, n := range snap.Notes {
		fmt.Fprintf(r.sys.Stderr, "-----> %s\n", n)
	}
	fmt.Fprintf(r.sys.Stderr, "-----> %s, %s\n", names.Count(len(snap.Files), "file"), bytesize.Format(snap.size()))
	prep := func() error {
		if choice.Set {
			return r.setEntrypoint(app, choice.Value)
		}
		return nil
	}
	return c.deploy(r, app, exists, vars, choice.Set, prep, func() error {
		_, err := r.pushSSH(app, pushPlan{Branch: settings.DeployBranch, Agent: agent(r.sys.Version),
			Commit: func(parent plumbing.Hash) (builtCommit, error) {
				return buildCommit(snap.Files, parent, signature(r.sys.Getenv), msg)
			}})
		return err
	})
}

// prepareSnapshot does the local part: -e vars, -r lines, the server.
func (c *StartCmd) prepareSnapshot(r *runner, snap *snapshot) ([]string, error) {
	vars, err := configVars(r.sys.Getenv, c.Env)
	if err != nil {
		return nil, err
	}
	if err := snap.addRequirements(c.Requirements); err != nil {
		return nil, err
	}
	if len(snap.Files) == 0 {
		return nil, ErrBadFile.With("nothing to deploy: no files", nil)
	}
	return vars, checkServer(r)
}

// deploy runs the server side of every deploy form: create the app when
// something must be stored before the deploy, set vars, prep, run the
// deploy, and take a created app back when the deploy is refused. An app
// that the push itself creates is taken back by the server.
func (c *StartCmd) deploy(r *runner, app string, exists bool, vars []string, needApp bool,
	prep, run func() error) error {
	created := false
	if !exists && (len(vars) > 0 || needApp) {
		if err := r.createApp(app); err != nil {
			return err
		}
		created = true
	}
	err := func() error {
		if len(vars) > 0 {
			if err := r.setVars(app, vars); err != nil {
				return err
			}
		}
		if err := prep(); err != nil {
			return err
		}
		return run()
	}()
	if err != nil {
		if created {
			r.destroyApp(app)
		} else if len(vars) > 0 && exists {
			fmt.Fprintf(r.sys.Stderr, "botctl: the -e vars stay set on %s; they apply at its next deploy or restart\n", app)
		}
		return err
	}
	return r.forward("status", app)
}

// checkServer makes sure the server is known before anything is sent, with
// a hint made for a directory that is no git repo.
func checkServer(r *runner) error {
	_, err := r.target()
	if errors.Is(err, ErrNoRepo) {
		return ErrNoServer.With("which server? no --remote given and not inside a git repository", err)
	}
	return err
}

func (c *StartCmd) runImage(r *runner) error {
	app, err := c.oneShotApp(r)
	if err != nil {
		return err
	}
	if len(c.Requirements) > 0 || c.Entrypoint != "" {
		return usageError("start", "-r and --entrypoint go with --simple or --custom, not --image")
	}
	vars, err := configVars(r.sys.Getenv, c.Env)
	if err != nil {
		return err
	}
	if err := checkServer(r); err != nil {
		return err
	}
	// The app is made first when missing, whether or not deploy:image
	// would make it: then a refused first deploy can take it back.
	_, exists, err := r.lookupApp(app)
	if err != nil {
		return err
	}
	words := []string{"deploy:image", app, c.Image}
	if c.Username != "" {
		words = append(words, "--username", c.Username)
	}
	if c.PasswordStdin {
		words = append(words, "--password-stdin")
	}
	// Without --password-stdin the server reads nothing: botctl's stdin
	// (maybe a terminal) is not handed over.
	var in io.Reader = strings.NewReader("")
	if c.PasswordStdin {
		in = r.sys.Stdin
	}
	return c.deploy(r, app, exists, vars, true, func() error { return nil }, func() error {
		return r.remoteRun(in, r.sys.Stderr, r.sys.Stderr, words...)
	})
}

// signature is the commit's author: the user's git identity variables when
// set, else their login name.
func signature(getenv func(string) string) object.Signature {
	name, email := getenv("GIT_AUTHOR_NAME"), getenv("GIT_AUTHOR_EMAIL")
	if name == "" {
		name = getenv("USER")
	}
	if name == "" {
		name = "botctl"
	}
	if email == "" {
		email = "botctl@localhost"
	}
	return object.Signature{Name: name, Email: email, When: time.Now()}
}

// agent is botctl's agent= capability: "botctl/<version>", no spaces.
func agent(version string) string {
	v := strings.TrimPrefix(version, "botctl ")
	return "botctl/" + strings.Join(strings.Fields(v), "-")
}
