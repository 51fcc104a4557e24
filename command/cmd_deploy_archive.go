package command

import (
	"fmt"

	"github.com/botrunner/botrunner/intake"
	"github.com/botrunner/botrunner/names"
)

var deployArchiveCmd = &command{
	name:    "deploy:archive",
	args:    []string{appArg},
	summary: "deploy a tar.gz (or tar) of the app's files read from stdin (committed to the deploy branch, then deployed like a push)",
	stdin:   "a tar.gz of the app's directory, e.g. tar -czf - -C DIR .",
	anyKey:  true, // as for git push: deploy keys may
	run:     runDeployArchive,
}

func runDeployArchive(c *call) error {
	app, err := c.authorizeDeploy(c.p.arg(0))
	if err != nil {
		return err
	}
	out := c.progress()
	tree, err := intake.FromArchive(c.env.Ctx, c.env.Stdin, c.d.Intake.Limits())
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: read %s from the archive\n", app.Name, names.Count(tree.Files, "file"))
	if tree.Note != "" {
		fmt.Fprintf(out, "%s: %s\n", app.Name, tree.Note)
	}
	return c.deployTree(app, tree, "deploy:archive by "+c.id().String())
}
