package command

import (
	"fmt"
	"io"
	"time"

	"github.com/botrunner/botrunner/deploy"
	"github.com/botrunner/botrunner/intake"
	"github.com/botrunner/botrunner/receive"
	"github.com/botrunner/botrunner/store"
)

// IntakeOptions bound deploy:archive and deploy:git.
type IntakeOptions struct {
	MaxPushSize   int64         // GITD_MAX_PUSH_SIZE; <= 0 means receive's default
	GitAllowHosts []string      // GITD_GIT_ALLOW_HOSTS; empty = deploy:git fetches from nowhere
	GitTimeout    time.Duration // a whole deploy:git fetch; 0 = intake's default
}

// Limits are the archive and fetch limits that follow from the push size.
func (o IntakeOptions) Limits() intake.Limits {
	if o.MaxPushSize <= 0 {
		return intake.LimitsFor(receive.DefaultMaxPushSize)
	}
	return intake.LimitsFor(o.MaxPushSize)
}

// progress is where a deploy's steps go: stdout, or stderr with --json
// (which then prints the result).
func (c *call) progress() io.Writer {
	if c.json {
		return c.env.Stderr
	}
	return c.env.Stdout
}

// deployResult is what deploy:archive and deploy:git print last.
type deployResult struct {
	App     string `json:"app"`
	Ref     string `json:"ref"`
	Commit  string `json:"commit"`
	State   string `json:"state,omitempty"`
	Release int    `json:"release,omitempty"`
}

// deployTree commits tree on top of the app's deploy branch and pushes the
// commit through receive exactly as a git push of it would go: checks,
// lock, pipeline, then the branch moves (only if nobody pushed meanwhile).
func (c *call) deployTree(app store.App, tree *intake.Tree, msg string) error {
	refs := deploy.RefReaderFunc(c.d.Repos.Head)
	ref := deploy.DeployBranch(app.Name, app.Settings, refs)
	parent, err := c.d.Repos.Head(app.Name, ref)
	if err != nil {
		return fmt.Errorf("read %s: %w", ref.Short(), err)
	}
	who := c.id().String()
	commit, err := tree.Commit(parent, who, msg, time.Now())
	if err != nil {
		return err
	}
	out := c.progress()
	sc := receive.ServerCommit{Ref: ref, Parent: parent, Commit: commit, Objects: tree.Objects}
	if _, err := c.d.Repos.PushServerCommit(c.env.Ctx, receive.Session{App: app.Name, Pusher: who, Stderr: out}, sc, out); err != nil {
		return err
	}
	c.log.Info(c.cmd.name, "app", app.Name, "by", who, "commit", commit.String()[:7])
	res := deployResult{App: app.Name, Ref: ref.Short(), Commit: commit.String()}
	if c.d.Bots != nil {
		if s, err := c.status(app.Name); err == nil {
			res.State, res.Release = s.State, s.Release
		}
	}
	return c.emit(res, func(w io.Writer) {
		fmt.Fprintf(w, "%s: %s is now %s", app.Name, res.Ref, res.Commit[:7])
		if res.Release > 0 {
			fmt.Fprintf(w, " (v%d, %s)", res.Release, res.State)
		}
		fmt.Fprintln(w)
	})
}

var _ Repos = (*receive.Repos)(nil)
