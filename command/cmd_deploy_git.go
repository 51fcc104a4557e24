package command

import (
	"fmt"

	"github.com/botrunner/botrunner/intake"
	"github.com/botrunner/botrunner/names"
)

var deployGitCmd = &command{
	name: "deploy:git",
	args: []string{appArg, "url", "[ref]"},
	summary: "deploy a branch or tag (default: its HEAD) fetched from a Git URL the admin allowed " +
		"(its files are committed to the deploy branch, then deployed like a push)",
	anyKey: true, // as for git push: deploy keys may
	run:    runDeployGit,
}

func runDeployGit(c *call) error {
	app, err := c.authorizeDeploy(c.p.arg(0))
	if err != nil {
		return err
	}
	out := c.progress()
	opts := intake.GitOptions{Allow: c.d.Intake.GitAllowHosts, Timeout: c.d.Intake.GitTimeout, Limits: c.d.Intake.Limits()}
	got, err := intake.FromGit(c.env.Ctx, c.p.arg(1), c.p.arg(2), opts)
	if err != nil {
		return err
	}
	sha := got.Commit.String()[:7]
	fmt.Fprintf(out, "%s: fetched %s %s at %s (%s)\n", app.Name, got.URL, shortRef(got.Ref), sha, names.Count(got.Files, "file"))
	msg := fmt.Sprintf("deploy:git %s %s (%s)", got.URL, shortRef(got.Ref), sha)
	return c.deployTree(app, got.Tree, msg)
}

// shortRef is "main" for refs/heads/main, "v1" for refs/tags/v1.
func shortRef(ref string) string {
	for _, p := range []string{"refs/heads/", "refs/tags/"} {
		if len(ref) > len(p) && ref[:len(p)] == p {
			return ref[len(p):]
		}
	}
	return ref
}
