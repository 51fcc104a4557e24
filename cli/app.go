package cli

import (
	"fmt"

	"github.com/botrunner/botrunner/hint"
)

// AppFlag is the --app/-a flag of the commands that act on one app. It is
// embedded per command rather than global so `botctl keys -a x` is an error
// instead of a flag silently ignored.
type AppFlag struct {
	App string `name:"app" short:"a" placeholder:"APP" help:"App to act on (default: the app argument, else the app named by the remote)."`
}

// resolveApp reads a command whose usage is `[APP] W1..Wn`: with n+1 words
// the first is the app, with n words the app comes from --app, else from the
// remote's URL. words are the positional fields in order; optional ones that
// were not given are "" and are dropped from the end.
func (r *runner) resolveApp(command string, flag AppFlag, words []string, n int) (string, []string, error) {
	for len(words) > 0 && words[len(words)-1] == "" {
		words = words[:len(words)-1]
	}
	switch len(words) {
	case n + 1:
		if flag.App != "" && flag.App != words[0] {
			return "", nil, ErrAppConflict.With(
				fmt.Sprintf("two different apps given: %q and -a %q", words[0], flag.App), nil)
		}
		return words[0], words[1:], nil
	case n:
		app, err := r.defaultApp(flag)
		return app, words, err
	default:
		return "", nil, usageError(command, "expected %d or %d arguments, got %d", n, n+1, len(words))
	}
}

// defaultApp is --app, else the app in the remote's URL.
func (r *runner) defaultApp(flag AppFlag) (string, error) {
	if flag.App != "" {
		return flag.App, nil
	}
	t, err := r.target()
	if err != nil {
		return "", err
	}
	if t.App == "" {
		return "", ErrNoApp
	}
	return t.App, nil
}

// forwardApp resolves the app of an `[APP] W1..Wn` command and runs
// `command APP W1..Wn extra...` on the server.
func (r *runner) forwardApp(command string, flag AppFlag, words []string, n int, extra ...string) error {
	app, rest, err := r.resolveApp(command, flag, words, n)
	if err != nil {
		return err
	}
	return r.forward(command, append(append([]string{app}, rest...), extra...)...)
}

// usageError is ErrUsage with a tip that names the command's own help.
// An empty command points at the top-level help.
func usageError(command, format string, args ...any) error {
	tip := "see `botctl --help`"
	if command != "" {
		tip = fmt.Sprintf("see `botctl %s --help`", command)
	}
	return hint.Errorf(ErrUsage.Code, tip, format, args...)
}
