package doctor

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Status is a check's verdict. Only Fail makes `gitd doctor` exit non-zero:
// a warning is something that works but will hurt.
type Status string

const (
	OK   Status = "ok"
	Warn Status = "warn"
	Skip Status = "skip" // could not be checked from here (no engine, a remote engine's disk)
	Fail Status = "FAIL"
)

// Result is one check's verdict, with what it saw and, unless OK, the fix.
type Result struct {
	Check  string `json:"check"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
}

// Settings is what the checks need of gitd's configuration.
type Settings struct {
	Data             string   // the data dir
	HostKeys         []string // --host-key files; none: the data dir's ssh_host_*_key
	DockerHost       string   // DOCKER_HOST as gitd sees it ("" = the default socket)
	ClientErr        error    // why no engine client could be made (Run's eng is then nil)
	BaseImage        string
	BuildpackBuilder string
	BuildpackPull    string // always, if-not-present, never
	Network          string // GITD_DOCKER_NETWORK: one network for all bots
	BotSubnets       string
	BotFirewall      string // auto, on, off
	ProcSys          string // /proc/sys (tests give another)
	MinFree, LowFree int64  // bytes free below which disk checks fail, warn
}

// Doctor runs the checks against one host.
type Doctor struct {
	s      Settings
	engine Engine        // nil: the engine could not be reached (Settings.ClientErr)
	eng    EngineFacts   // what the engine said about itself
	fw     FirewallProbe // nil: the firewall is not checked
}

// Run checks everything and returns the results in order. eng may be nil
// when no engine client could even be made; s.ClientErr then says why.
func Run(ctx context.Context, s Settings, eng Engine, fw FirewallProbe) []Result {
	d := &Doctor{s: s, engine: eng, fw: fw}
	var out []Result
	out = append(out, d.checkEngine(ctx))
	for _, c := range []func(context.Context) Result{
		d.checkRunc, d.checkStorage, d.checkDataDisk, d.checkEngineDisk, d.checkInotify,
		d.checkBaseImage, d.checkBuilder, d.checkBotNetwork, d.checkHostKeys,
	} {
		out = append(out, c(ctx))
	}
	return out
}

// Failed counts the failures.
func Failed(results []Result) int {
	n := 0
	for _, r := range results {
		if r.Status == Fail {
			n++
		}
	}
	return n
}

// Print writes the results for a person (or as JSON), then the summary;
// it returns ErrFailed when a check failed.
func Print(w io.Writer, results []Result, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(results); err != nil {
			return err
		}
	} else {
		for _, r := range results {
			fmt.Fprintf(w, "%-5s %-14s %s\n", r.Status, r.Check, r.Detail)
			if r.Fix != "" && r.Status != OK {
				fmt.Fprintf(w, "      fix: %s\n", strings.ReplaceAll(r.Fix, "\n", "\n           "))
			}
		}
	}
	if n := Failed(results); n > 0 {
		return ErrFailed.Reword("", "%d of %d checks failed", n, len(results))
	}
	return nil
}
