package cli

import "strings"

// DeployGitCmd runs `deploy:git APP URL [REF]`: `deploy:git [APP] URL
// [REF]`. App names never hold ":" or "/", so a first word with one is
// the URL and the app comes from -a or the remote.
type DeployGitCmd struct {
	AppFlag `embed:""`
	Words   []string `arg:"" name:"[app] url [ref]" help:"App name (default: -a, else the remote's app), the Git URL, and a branch or tag (default: the remote's HEAD)."`
}

func (c *DeployGitCmd) Run(r *runner) error {
	const command = "deploy:git"
	words := c.Words
	if len(words) == 0 || len(words) > 3 {
		return usageError(command, "expected [APP] URL [REF], got %d arguments", len(words))
	}
	n := len(words) - 1 // the first word is the app
	if strings.ContainsAny(words[0], ":/") {
		n = len(words) // the first word is the URL
	}
	if n > 2 {
		return usageError(command, "expected [APP] URL [REF]: %q is not an app name", words[0])
	}
	app, rest, err := r.resolveApp(command, c.AppFlag, words, n)
	if err != nil {
		return err
	}
	return r.forwardIn(strings.NewReader(""), command, append([]string{app}, rest...)...)
}
