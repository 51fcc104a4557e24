package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"

	"github.com/alecthomas/kong"
	"github.com/willabides/kongplete"
)

// System is what botctl takes from its process, so tests can run Main in
// process with their own streams, environment and directory.
type System struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Dir            string // where the search for the git repo starts
	Version        string // printed by --version
}

// OSSystem is the real process. An empty version falls back to the module
// version Go recorded at build time (set by `go install ...@vX`).
func OSSystem(version string) System {
	dir, _ := os.Getwd()
	if version == "" {
		version = "(devel)"
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
			version = bi.Main.Version
		}
	}
	return System{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Getenv: os.Getenv, Dir: dir, Version: "botctl " + version}
}

// exitCode is how kong's Exit (for --help and --version) unwinds to Main
// instead of ending the process, so Main stays testable.
type exitCode int

// Main runs botctl with args (without the program name) and returns the
// exit status: ssh's own status for forwarded commands, 2 for usage
// errors, 1 for other local errors (printed with their hint).
func Main(ctx context.Context, args []string, sys System) (code int) {
	defer func() {
		if v := recover(); v != nil {
			c, ok := v.(exitCode)
			if !ok {
				panic(v)
			}
			code = int(c)
		}
	}()
	var c CLI
	parser := kong.Must(&c, kong.Name("botctl"), kong.Description(description),
		kong.Vars{"version": sys.Version}, kong.Writers(sys.Stdout, sys.Stderr),
		kong.Exit(func(code int) { panic(exitCode(code)) }),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}))
	kongplete.Complete(parser)
	if len(args) == 0 {
		args = []string{"--help"}
	}
	kctx, err := parser.Parse(args)
	if err != nil {
		printError(sys.Stderr, parseError(err))
		return 2
	}
	r := &runner{ctx: ctx, cli: &c, sys: sys, log: newLogger(sys.Stderr, c.Debug)}
	return report(sys.Stderr, kctx.Run(r))
}

// parseError gives kong's message the usage tip of the selected command.
func parseError(err error) error {
	cmd := ""
	var pe *kong.ParseError
	if errors.As(err, &pe) && pe.Context != nil && pe.Context.Selected() != nil {
		cmd = pe.Context.Selected().Name
	}
	return usageError(cmd, "%s", err.Error())
}

// report turns Run's error into the exit status, printing local errors.
func report(stderr io.Writer, err error) int {
	var ee *ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.Code
	default:
		printError(stderr, err)
		if errors.Is(err, ErrUsage) {
			return 2
		}
		return 1
	}
}

// printError writes "botctl: <msg>" and, when the error has one, "hint: <tip>".
func printError(w io.Writer, err error) {
	fmt.Fprintf(w, "botctl: %s\n", err)
	var h interface{ Hint() string }
	if errors.As(err, &h) && h.Hint() != "" {
		fmt.Fprintf(w, "hint: %s\n", h.Hint())
	}
}

func newLogger(w io.Writer, debug bool) *slog.Logger {
	level := slog.LevelWarn
	if debug {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level})).With("component", "botctl")
}

// runner is what every command's Run receives: the parsed globals and the
// one way to reach the server.
type runner struct {
	ctx    context.Context
	cli    *CLI
	sys    System
	log    *slog.Logger
	cached *Target
}

// target resolves the server once per run.
func (r *runner) target() (Target, error) {
	if r.cached == nil {
		t, err := resolveTarget(r.sys.Dir, r.cli.Remote)
		if err != nil {
			return Target{}, err
		}
		r.cached = &t
	}
	return *r.cached, nil
}

// forward runs `command args...` on the server with botctl's stdin.
func (r *runner) forward(command string, args ...string) error {
	return r.forwardIn(r.sys.Stdin, command, args...)
}

// forwardIn runs `command [--json] args...` on the server over ssh with in
// as its stdin. --json goes first so that a "--" among the args (from
// `botctl run`) cannot turn it into a positional.
func (r *runner) forwardIn(in io.Reader, command string, args ...string) error {
	t, err := r.target()
	if err != nil {
		return err
	}
	words := []string{command}
	if r.cli.JSON {
		words = append(words, "--json")
	}
	words = append(words, args...)
	argv, err := sshArgv(r.sys.Getenv, t, words)
	if err != nil {
		return err
	}
	r.log.Debug("run ssh", "argv", argv)
	out, errw := r.sys.Stdout, r.sys.Stderr
	if colourOn(out, r.sys.Getenv, r.cli.JSON) {
		cw := &colourWriter{w: out}
		defer cw.Close()
		out = cw
	}
	if colourOn(errw, r.sys.Getenv, r.cli.JSON) {
		cw := &colourWriter{w: errw}
		defer cw.Close()
		errw = cw
	}
	return runSSH(r.ctx, argv, stdio{in: in, out: out, err: errw})
}
