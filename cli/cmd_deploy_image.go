package cli

import (
	"io"
	"strings"
)

// DeployImageCmd deploys a prebuilt image: `deploy:image [APP] REF
// [--username U --password-stdin]`. The password goes to the server on
// stdin only, never on the command line.
type DeployImageCmd struct {
	AppFlag       `embed:""`
	First         string `arg:"" optional:"" name:"app" help:"App name (default: -a, else the remote's app)."`
	Second        string `arg:"" optional:"" name:"ref" help:"The image, e.g. registry.example.com/me/bot:v1."`
	Username      string `help:"Log in to the image's registry as this user (with --password-stdin)." placeholder:"USER"`
	PasswordStdin bool   `name:"password-stdin" help:"Read the registry password or token from stdin (first line)."`
}

func (c *DeployImageCmd) Run(r *runner) error {
	const command = "deploy:image"
	app, rest, err := r.resolveApp(command, c.AppFlag, []string{c.First, c.Second}, 1)
	if err != nil {
		return err
	}
	args := append([]string{app}, rest...)
	if c.Username != "" {
		args = append(args, "--username", c.Username)
	}
	// Without --password-stdin the server reads nothing: do not hand it a
	// terminal that would wait for input.
	var in io.Reader = strings.NewReader("")
	if c.PasswordStdin {
		args = append(args, "--password-stdin")
		in = r.sys.Stdin
	}
	return r.forwardIn(in, command, args...)
}
