package command

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/names"
	"github.com/botrunner/botrunner/store"
)

var releasesCmd = &command{
	name:    "releases",
	args:    []string{appArg},
	summary: "list an app's releases: number, when, who, commit or tag, strategy, config change, status",
	run:     runReleases,
}

// releaseJSON is one line of `releases --json`. Config values are never
// listed; ConfigChange names the vars that changed.
type releaseJSON struct {
	Version      int    `json:"version"`
	Created      string `json:"created"`
	By           string `json:"by"`
	Commit       string `json:"commit"`
	Tag          string `json:"tag"`
	Source       string `json:"source,omitempty"` // image mode: the image ref pulled (commit is "")
	Strategy     string `json:"strategy"`
	ConfigChange string `json:"config_change"`
	Status       string `json:"status"`
	Current      bool   `json:"current"`
}

func runReleases(c *call) error {
	app, err := c.d.Auth.Authorize(c.id(), c.p.arg(0), auth.Read)
	if err != nil {
		return err
	}
	rels, err := c.d.Store.Releases(app.Name)
	if err != nil {
		return err
	}
	list := make([]releaseJSON, 0, len(rels))
	for i := len(rels) - 1; i >= 0; i-- { // newest first, as Heroku lists them
		r := rels[i]
		list = append(list, releaseJSON{Version: r.Number, Created: stamp(r.Created), By: r.Pusher, Commit: r.Commit,
			Tag: r.Tag, Source: r.Source, Strategy: r.Strategy, ConfigChange: r.ConfigChange, Status: r.Status, Current: r.Number == app.Current})
	}
	return c.emit(list, func(w io.Writer) {
		if len(list) == 0 {
			fmt.Fprintln(w, "no releases yet: push to deploy")
			return
		}
		row(w, "", "VERSION", "CREATED", "BY", "COMMIT", "STRATEGY", "CHANGE", "STATUS")
		for _, r := range list {
			mark := ""
			if r.Current {
				mark = "*"
			}
			row(w, mark, fmt.Sprintf("v%d", r.Version), r.Created, r.By, commitOrTag(r), r.Strategy, r.ConfigChange, r.Status)
		}
	})
}

func commitOrTag(r releaseJSON) string {
	if r.Source != "" {
		return r.Source
	}
	c := r.Commit
	if len(c) > 7 {
		c = c[:7]
	}
	if r.Tag != "" {
		return c + " (" + r.Tag + ")"
	}
	return c
}

var rollbackCmd = &command{
	name:    "rollback",
	args:    []string{appArg, "[version]"},
	flags:   []flagSpec{{name: "code-only", help: "keep the current config vars; only the image goes back"}},
	summary: "release an earlier release's image and config again (default: the one before the current)",
	run: func(c *call) error {
		target, err := parseVersion(c.p.arg(1))
		if err != nil {
			return err
		}
		return botAction(c, auth.Push, func(app store.App, out io.Writer) error {
			return c.d.Bots.Rollback(c.env.Ctx, app, target, c.p.bools["code-only"], c.id().String(), out)
		})
	},
}

// parseVersion reads "v3" or "3"; "" is 0, the default.
func parseVersion(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimPrefix(s, "v"))
	if err != nil || n <= 0 {
		return 0, ErrUsage.With(fmt.Sprintf("%s is not a release; write it as v3 or 3", names.Quote(s)), err)
	}
	return n, nil
}
