package command

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/build"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/names"
	"github.com/botrunner/botrunner/receive"
	"github.com/botrunner/botrunner/store"
)

var settingsCmd = &command{
	name:    "settings",
	args:    []string{appArg},
	summary: "show an app's deploy settings",
	run:     runSettings,
}

var settingsSetCmd = &command{
	name:    "settings:set",
	args:    []string{appArg, "key=value..."},
	summary: "change deploy settings (deploy-branch, tag-deploys, entrypoint, start-check, stop-grace, telegram, liveness, builder); key= resets one",
	run:     runSettingsSet,
}

var builderSetCmd = &command{
	name:    "builder:set",
	args:    []string{appArg, "builder"},
	summary: "force a build strategy (dockerfile, buildpack, simple) or go back to detecting it (auto)",
	run:     runBuilderSet,
}

// ErrBadSetting is a settings:set argument that is not a known key=value.
var ErrBadSetting = hint.New("BAD_SETTING", "invalid setting",
	"settings are deploy-branch=<branch>, tag-deploys=on|off, entrypoint=<file.py>|auto, start-check=<duration>, "+
		"stop-grace=<duration>, telegram=gateway|direct, liveness=<duration>, builder=<name>|auto; key= puts one back to its default")

// ErrNoGateway is telegram=gateway on a server that runs no Bot API
// gateway: the bot would get no TELEGRAM_API and its start check nothing
// to wait for.
var ErrNoGateway = hint.New("NO_GATEWAY", "this server runs no Bot API gateway",
	"ask the admin to set GITD_TELEGRAM_GATEWAY, or keep telegram=direct")

// settingsJSON is `settings --json`; "" means the server's default.
type settingsJSON struct {
	App          string `json:"app"`
	DeployBranch string `json:"deploy_branch"`
	TagDeploys   bool   `json:"tag_deploys"`
	Entrypoint   string `json:"entrypoint"`
	StartCheck   string `json:"start_check"`
	StopGrace    string `json:"stop_grace"`
	Telegram     string `json:"telegram"`
	Liveness     string `json:"liveness"`
	Builder      string `json:"builder"`
}

func runSettings(c *call) error {
	app, err := c.d.Auth.Authorize(c.id(), c.p.arg(0), auth.Read)
	if err != nil {
		return err
	}
	return c.showSettings(app.Name, app.Settings)
}

func (c *call) showSettings(name string, s store.AppSettings) error {
	out := settingsJSON{App: name, DeployBranch: s.DeployBranch, TagDeploys: s.TagDeploys(),
		Entrypoint: s.Entrypoint, Builder: s.Builder}
	if s.StartCheck > 0 {
		out.StartCheck = s.StartCheck.String()
	}
	if s.StopGrace > 0 {
		out.StopGrace = s.StopGrace.String()
	}
	out.Telegram = "direct"
	if s.Gateway {
		out.Telegram = "gateway"
	}
	if s.Liveness > 0 {
		out.Liveness = s.Liveness.String()
	}
	or := func(v, def string) string {
		if v == "" {
			return def
		}
		return v
	}
	return c.emit(out, func(w io.Writer) {
		row(w, "deploy-branch", or(out.DeployBranch, "main (or master when the repo has no main)"))
		row(w, "tag-deploys", map[bool]string{true: "on", false: "off"}[out.TagDeploys])
		row(w, "entrypoint", or(out.Entrypoint, "detected (bot.py, main.py, app.py, __main__.py)"))
		row(w, "start-check", or(out.StartCheck, "server default"))
		row(w, "stop-grace", or(out.StopGrace, "server default"))
		row(w, "telegram", out.Telegram)
		if s.Gateway {
			row(w, "liveness", or(out.Liveness, "5m0s"))
		}
		row(w, "builder", or(out.Builder, "auto (detected)"))
	})
}

func runSettingsSet(c *call) error {
	return c.changeSettings(c.p.pos[1:])
}

func runBuilderSet(c *call) error {
	return c.changeSettings([]string{"builder=" + c.p.arg(1)})
}

// changeSettings applies key=value pairs all or nothing: every pair is
// checked before the app is changed.
func (c *call) changeSettings(pairs []string) error {
	app, err := c.d.Auth.Authorize(c.id(), c.p.arg(0), auth.Manage)
	if err != nil {
		return err
	}
	s := app.Settings
	for _, kv := range pairs {
		if err := applySetting(&s, kv); err != nil {
			return err
		}
	}
	if s.Gateway && !app.Settings.Gateway && !c.d.Gateway {
		return ErrNoGateway
	}
	if err := c.d.Store.SetAppSettings(app.Name, s); err != nil {
		return appGone(err)
	}
	c.log.Info("settings changed", "app", app.Name, "by", c.id().String())
	return c.showSettings(app.Name, s)
}

func applySetting(s *store.AppSettings, kv string) error {
	k, v, ok := strings.Cut(kv, "=")
	if !ok {
		return ErrBadSetting.With(fmt.Sprintf("%s is not key=value", names.Quote(kv)), nil)
	}
	switch k {
	case "deploy-branch":
		if v != "" {
			if err := receive.CheckRefName("refs/heads/" + v); err != nil {
				return ErrBadSetting.With(fmt.Sprintf("deploy-branch %s is not a valid branch name", names.Quote(v)), err)
			}
		}
		s.DeployBranch = v
	case "tag-deploys":
		return setTagDeploys(s, v)
	case "entrypoint":
		if v == "auto" { // as with builder=auto: detect it again
			v = ""
		}
		if v != "" && (!strings.HasSuffix(v, ".py") || strings.HasPrefix(v, "/") || strings.Contains(v, "..")) {
			return ErrBadSetting.With(fmt.Sprintf("entrypoint %s must be a .py file inside the repo", names.Quote(v)), nil)
		}
		s.Entrypoint = v
	case "start-check":
		return setStartCheck(s, v)
	case "telegram":
		return setTelegram(s, v)
	case "liveness":
		return setDuration(&s.Liveness, "liveness", v, 5*time.Second, 24*time.Hour)
	case "stop-grace":
		return setDuration(&s.StopGrace, "stop-grace", v, time.Second, 5*time.Minute)
	case "builder":
		return setBuilder(s, v)
	default:
		return ErrBadSetting.With(fmt.Sprintf("unknown setting %s", names.Quote(k)), nil)
	}
	return nil
}

func setTagDeploys(s *store.AppSettings, v string) error {
	switch v {
	case "on", "true", "yes":
		s.NoTagDeploys = false
	case "off", "false", "no":
		s.NoTagDeploys = true
	default:
		return ErrBadSetting.With(fmt.Sprintf("tag-deploys is on or off, not %s", names.Quote(v)), nil)
	}
	return nil
}

func setStartCheck(s *store.AppSettings, v string) error {
	if v == "" {
		s.StartCheck = 0
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Second || d > 10*time.Minute {
		return ErrBadSetting.With(fmt.Sprintf("start-check %s must be a duration from 1s to 10m", names.Quote(v)), err)
	}
	s.StartCheck = d
	return nil
}

func setTelegram(s *store.AppSettings, v string) error {
	switch v {
	case "gateway":
		s.Gateway = true
	case "direct", "":
		s.Gateway = false
	default:
		return ErrBadSetting.With(fmt.Sprintf("telegram is gateway or direct, not %s", names.Quote(v)), nil)
	}
	return nil
}

// setDuration sets *d from v ("" = the default) within [lo, hi].
func setDuration(d *time.Duration, key, v string, lo, hi time.Duration) error {
	if v == "" {
		*d = 0
		return nil
	}
	x, err := time.ParseDuration(v)
	if err != nil || x < lo || x > hi {
		return ErrBadSetting.With(fmt.Sprintf("%s %s must be a duration from %s to %s", key, names.Quote(v), lo, hi), err)
	}
	*d = x
	return nil
}

func setBuilder(s *store.AppSettings, v string) error {
	if v == "auto" || v == "" {
		s.Builder = ""
		return nil
	}
	if err := build.ValidStrategy(v); err != nil {
		return ErrBadSetting.With(fmt.Sprintf("builder %s is not one of dockerfile, buildpack, simple, auto", names.Quote(v)), err)
	}
	s.Builder = v
	return nil
}
