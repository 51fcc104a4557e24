package command

import (
	"fmt"
	"io"
	"time"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/deploy"
)

var statusCmd = &command{
	name:    "status",
	aliases: []string{"ps"},
	args:    []string{appArg},
	summary: "show whether an app's bot runs: state, release, since when, image, limits",
	run:     runStatus,
}

// statusJSON is `status --json`; field names are the scripting interface.
type statusJSON struct {
	App      string  `json:"app"`
	State    string  `json:"state"`
	Since    string  `json:"since"`
	Release  int     `json:"release"`
	Image    string  `json:"image"`
	Reason   string  `json:"reason"`
	ExitCode int     `json:"exit_code"`
	MemoryMB int64   `json:"memory_mb"`
	CPUs     float64 `json:"cpus"`
	Pids     int64   `json:"pids"`
	// NextAttempt is when a crashed bot is restarted; "" = none pending.
	NextAttempt string `json:"next_attempt"`
	Crashes     int    `json:"crashes"`
	// LogTrouble says what keeps the bot's output from its log; "" = nothing.
	LogTrouble string `json:"log_trouble"`
}

func runStatus(c *call) error {
	app, err := c.d.Auth.Authorize(c.id(), c.p.arg(0), auth.Read)
	if err != nil {
		return err
	}
	s, err := c.status(app.Name)
	if err != nil {
		return err
	}
	out := statusJSON{App: app.Name, State: s.State, Since: stamp(s.Since), Release: s.Release, Image: s.Image,
		Reason: s.Reason, ExitCode: s.ExitCode, MemoryMB: s.Limits.Memory >> 20,
		CPUs: float64(s.Limits.NanoCPUs) / 1e9, Pids: s.Limits.Pids, NextAttempt: stamp(s.NextAttempt), Crashes: s.Crashes,
		LogTrouble: s.LogTrouble}
	return c.emit(out, func(w io.Writer) {
		row(w, "app", out.App)
		row(w, "state", stateLine(out))
		if out.Release > 0 {
			row(w, "release", fmt.Sprintf("v%d", out.Release))
		}
		if out.Image != "" {
			row(w, "image", out.Image)
		}
		if out.NextAttempt != "" {
			row(w, "next restart", fmt.Sprintf("%s (in %s)", out.NextAttempt, time.Until(s.NextAttempt).Round(time.Second)))
		}
		if out.Crashes > 0 {
			row(w, "crashes", fmt.Sprintf("%d since the last start or deploy", out.Crashes))
		}
		if out.LogTrouble != "" {
			row(w, "log", out.LogTrouble)
		}
		row(w, "limits", fmt.Sprintf("%d MiB memory, %.2g CPUs, %d processes", out.MemoryMB, out.CPUs, out.Pids))
	})
}

func stateLine(s statusJSON) string {
	line := s.State
	if s.Since != "" {
		line += " since " + s.Since
	}
	if s.Reason != "" {
		line += " (" + s.Reason + ")"
	}
	return line
}

// status asks the deploy side; a server without one (git hosting only)
// says so instead of guessing.
func (c *call) status(app string) (deploy.Status, error) {
	if c.d.Bots == nil {
		return deploy.Status{State: "stopped", Reason: "this server does not run bots (GITD_RUNTIME=none)"}, nil
	}
	a, err := c.d.Store.App(app)
	if err != nil {
		return deploy.Status{}, err
	}
	return c.d.Bots.AppStatus(c.env.Ctx, a)
}
