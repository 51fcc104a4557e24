package command

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/build"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/store"
)

var deployImageCmd = &command{
	name: "deploy:image",
	args: []string{appArg, "ref"},
	flags: []flagSpec{
		{name: "username", value: "user", help: "log in to the image's registry as this user (with --password-stdin)"},
		{name: "password-stdin", help: "read the registry password or token from stdin (its first line)"},
	},
	summary: "deploy a prebuilt image from a registry (pulled, then released and swapped like a push)",
	stdin:   "with --password-stdin: the registry password or token, on one line",
	anyKey:  true, // CI deploys its images with the app's deploy key, as it pushes code with it
	run:     runDeployImage,
}

// ErrImageNeedsRuntime is deploy:image on a server that runs no bots.
var ErrImageNeedsRuntime = ErrNoRuntime.Reword(
	"it hosts git only (GITD_RUNTIME=none); ask its admin to run gitd with the docker runtime",
	"image deploys need a runtime: this server does not run bots")

// maxSecretLine bounds the password line; registry tokens run to a few KiB.
const maxSecretLine = 8 << 10

func runDeployImage(c *call) error {
	// Authorize before looking at anything else: someone else's app is
	// "not found" whatever the flags say.
	if _, err := c.authorizeDeploy(c.p.arg(0)); err != nil {
		return err
	}
	if c.d.Bots == nil {
		return ErrImageNeedsRuntime
	}
	creds, err := c.registryCredentials()
	if err != nil {
		return err
	}
	ref := c.p.arg(1)
	return botAction(c, auth.Push, func(app store.App, out io.Writer) error {
		return c.d.Bots.DeployImage(c.env.Ctx, app, ref, creds, c.id().String(), out)
	})
}

// registryCredentials reads --username and, with --password-stdin, the
// password from stdin; both or neither. The password never goes on the
// command line, where ps, shell history and logs would see it.
func (c *call) registryCredentials() (*build.Credentials, error) {
	user, hasUser := c.p.flag("username")
	fromStdin := c.p.bools["password-stdin"]
	switch {
	case !hasUser && !fromStdin:
		return nil, nil
	case !fromStdin:
		return nil, &hint.Error{Code: ErrUsage.Code, Msg: "--username needs --password-stdin",
			Tip: "pipe the password or token in: echo \"$TOKEN\" | ssh ... deploy:image <app> <ref> --username <user> --password-stdin"}
	case !hasUser:
		return nil, &hint.Error{Code: ErrUsage.Code, Msg: "--password-stdin needs --username",
			Tip: "name the registry user: deploy:image <app> <ref> --username <user> --password-stdin"}
	}
	if user == "" || len(user) > 256 || strings.IndexFunc(user, unicode.IsControl) >= 0 || strings.Contains(user, " ") {
		return nil, ErrUsage.With("invalid --username", nil)
	}
	pw, err := readSecretLine(c.env.Ctx, c.env.Stdin, maxSecretLine)
	if err != nil {
		return nil, err
	}
	return &build.Credentials{Username: user, Password: pw}, nil
}

// readSecretLine reads the first line of r, trimmed, failing past limit
// bytes or on an empty line. It gives up when ctx ends: a client that
// never sends a line must not hold the command.
func readSecretLine(ctx context.Context, r io.Reader, limit int) (string, error) {
	type result struct {
		line string
		err  error
	}
	done := make(chan result, 1) // buffered: the reader may finish after we left
	go func() {
		br := bufio.NewReaderSize(io.LimitReader(r, int64(limit)+1), 4096)
		line, err := br.ReadString('\n')
		if errors.Is(err, io.EOF) {
			err = nil
		}
		done <- result{line, err}
	}()
	select {
	case <-ctx.Done():
		return "", fmt.Errorf("read stdin: %w", ctx.Err())
	case res := <-done:
		switch {
		case res.err != nil:
			return "", fmt.Errorf("read stdin: %w", res.err)
		case len(res.line) > limit:
			return "", ErrBadInput.With(fmt.Sprintf("password line too long (more than %d KiB)", limit>>10), nil)
		}
		pw := strings.TrimSpace(res.line)
		if pw == "" || strings.IndexFunc(pw, unicode.IsControl) >= 0 {
			return "", &hint.Error{Code: ErrBadInput.Code, Msg: "no password on stdin for --password-stdin",
				Tip: "pipe the password or token in, on one line: echo \"$TOKEN\" | ssh ... --password-stdin"}
		}
		return pw, nil
	}
}
