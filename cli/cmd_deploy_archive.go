package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/botrunner/botrunner/hint"
)

// DeployArchiveCmd sends a tar.gz to `deploy:archive APP`: `deploy:archive
// [APP] [FILE|-]`, one word being the file. The server commits its files
// to the app's deploy branch and deploys them like a push.
type DeployArchiveCmd struct {
	AppFlag `embed:""`
	First   string `arg:"" optional:"" name:"app" help:"App name, when FILE follows (default: -a, else the remote's app)."`
	Second  string `arg:"" optional:"" name:"file" help:"The tar.gz or tar (default, or -: stdin)."`
}

// ErrArchiveInput is an archive botctl cannot send.
var ErrArchiveInput = hint.New("ARCHIVE_INPUT", "no archive to send",
	"name a tar.gz (botctl deploy:archive app.tar.gz) or pipe one in: tar -czf - -C DIR . | botctl deploy:archive")

func (c *DeployArchiveCmd) Run(r *runner) error {
	const command = "deploy:archive"
	var app string
	var rest []string
	var err error
	if c.First == "" {
		app, err = r.defaultApp(c.AppFlag)
	} else { // one word is the file, two are the app and the file
		app, rest, err = r.resolveApp(command, c.AppFlag, []string{c.First, c.Second}, 1)
	}
	if err != nil {
		return err
	}
	in, done, err := archiveInput(r.sys.Stdin, rest)
	if err != nil {
		return err
	}
	defer done()
	return r.forwardIn(in, command, app)
}

// archiveInput opens the named file, or stdin for none or "-". A
// directory or a terminal is refused with what to do instead.
func archiveInput(stdin io.Reader, rest []string) (io.Reader, func(), error) {
	name := ""
	if len(rest) > 0 {
		name = rest[0]
	}
	if name == "" || name == "-" {
		if f, ok := stdin.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				return nil, nil, ErrArchiveInput.With("stdin is a terminal, not a tar.gz", nil)
			}
		}
		return stdin, func() {}, nil
	}
	st, err := os.Stat(name)
	if err != nil {
		return nil, nil, ErrArchiveInput.With(fmt.Sprintf("read %s: %v", name, err), err)
	}
	if st.IsDir() {
		return nil, nil, &hint.Error{Code: ErrArchiveInput.Code, Msg: fmt.Sprintf("%s is a directory, not a tar.gz", name),
			Tip: fmt.Sprintf("deploy a directory with `botctl start APP --custom %s`, or archive it: tar -czf app.tar.gz -C %s .", name, name)}
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, ErrArchiveInput.With(fmt.Sprintf("read %s: %v", name, err), err)
	}
	return f, func() { _ = f.Close() }, nil
}
