// Command fakegitd stands in for ssh and the server in botctl's one-shot
// tests (package cli, oneshot_test.go), as a small program that starts in
// milliseconds (the race-built test binary takes over a second): it appends
// each command line to $FAKE_GITD_LOG and answers the few commands a deploy
// runs, with a real receive-pack (package receive) over repos in
// $FAKE_GITD_ROOT. $FAKE_GITD_FAIL=1 makes deploys fail; $FAKE_GITD_BRANCH
// is the deploy branch setting; $FAKE_GITD_FORBIDDEN=1 answers settings as
// to a deploy key.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/botrunner/botrunner/receive"
)

func main() { os.Exit(fakeGitd()) }

func fakeGitd() int {
	args := os.Args[1:]
	words := args[slices.Index(args, "--")+1:]
	line := strings.Join(words, " ")
	logf, err := os.OpenFile(os.Getenv("FAKE_GITD_LOG"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return 99
	}
	defer logf.Close()
	fmt.Fprintln(logf, line)
	repos, err := receive.NewRepos(os.Getenv("FAKE_GITD_ROOT"), receive.Options{Pipeline: fakePipeline()})
	if err != nil {
		return 99
	}
	fields := strings.Fields(strings.ReplaceAll(line, "'", ""))
	app := fields[len(fields)-1]
	switch fields[0] {
	case "git-receive-pack":
		_ = repos.Create(app) // a first push creates the app
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := repos.ReceivePack(ctx, receive.Session{App: app, Pusher: "t", Stderr: os.Stderr}, os.Stdin, os.Stdout); err != nil {
			return 1
		}
	case "settings":
		if os.Getenv("FAKE_GITD_FORBIDDEN") == "1" {
			fmt.Fprintln(os.Stderr, `{"error": "deploy keys may only deploy", "code": "FORBIDDEN", "hint": ""}`)
			return 1
		}
		if !repos.Exists(app) {
			fmt.Fprintln(os.Stderr, `{"error": "app not found", "code": "APP_NOT_FOUND", "hint": "run apps"}`)
			return 1
		}
		fmt.Printf(`{"app": %q, "deploy_branch": %q, "entrypoint": ""}`+"\n", app, os.Getenv("FAKE_GITD_BRANCH"))
	case "apps:create":
		_ = repos.Create(fields[1])
	case "apps:destroy":
		_ = repos.Delete(fields[1])
	case "deploy:image":
		stdin, _ := io.ReadAll(os.Stdin)
		fmt.Fprintf(logf, "stdin: %q\n", stdin)
		if os.Getenv("FAKE_GITD_FAIL") == "1" {
			fmt.Fprintln(os.Stderr, "error: pull failed")
			return 1
		}
	case "status":
		fmt.Println("state  running")
	}
	return 0
}

func fakePipeline() receive.Pipeline {
	if os.Getenv("FAKE_GITD_FAIL") != "1" {
		return nil
	}
	return receive.PipelineFunc(func(ctx context.Context, p *receive.Push) error {
		fmt.Fprint(p.Progress, "building...\n")
		return errors.New("build failed")
	})
}
