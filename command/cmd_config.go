package command

import (
	"fmt"
	"io"
	"sort"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/names"
	"github.com/botrunner/botrunner/store"
)

var configCmd = &command{
	name:    "config",
	args:    []string{appArg},
	summary: "list an app's config vars (values masked)",
	run:     runConfig,
}

var configGetCmd = &command{
	name:    "config:get",
	args:    []string{appArg, "name"},
	flags:   []flagSpec{{name: "reveal", help: "show the value itself (the app's owner and admins only)"}},
	summary: "show one config var (masked unless --reveal)",
	run:     runConfigGet,
}

// ErrRevealOwner is --reveal asked by someone who is not the owner.
var ErrRevealOwner = auth.ErrForbidden.Reword("ask the owner, or run without --reveal",
	"only the app's owner (or an admin) may reveal config values")

// mask hides a value but for its length: enough to tell set from empty.
func mask(v string) string {
	return fmt.Sprintf("******** (%d chars)", len(v))
}

func runConfig(c *call) error {
	app, err := c.d.Auth.Authorize(c.id(), c.p.arg(0), auth.Read)
	if err != nil {
		return err
	}
	cfg, err := c.d.Store.Config(app.Name)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(cfg))
	masked := map[string]string{}
	for k, v := range cfg {
		names = append(names, k)
		masked[k] = mask(v)
	}
	sort.Strings(names)
	return c.emit(masked, func(w io.Writer) {
		if len(names) == 0 {
			fmt.Fprintf(w, "%s has no config vars; set one with `config:set %s NAME=value`\n", app.Name, app.Name)
			return
		}
		for _, k := range names {
			row(w, k, masked[k])
		}
		botRows(w, c.bot(app.Name), app.Name)
	})
}

func runConfigGet(c *call) error {
	app, err := c.d.Auth.Authorize(c.id(), c.p.arg(0), auth.Read)
	if err != nil {
		return err
	}
	name := c.p.arg(1)
	if err := names.ValidConfig(name); err != nil {
		return err
	}
	cfg, err := c.d.Store.Config(app.Name)
	if err != nil {
		return err
	}
	v, ok := cfg[name]
	if !ok {
		return hint.Errorf(store.ErrNotFound.Code, fmt.Sprintf("run `config %s` to list them", app.Name),
			"%s has no config var %s", app.Name, name)
	}
	reveal := c.p.bools["reveal"]
	if reveal && !(c.id().Admin || c.id().User == app.Owner) {
		return ErrRevealOwner
	}
	if !reveal {
		v = mask(v)
	}
	return c.emit(map[string]string{name: v}, func(w io.Writer) { fmt.Fprintln(w, v) })
}
