package server

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gliderlabs/ssh"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/deploy"
	"github.com/botrunner/botrunner/internal/cleanup"
	"github.com/botrunner/botrunner/names"
	"github.com/botrunner/botrunner/receive"
	"github.com/botrunner/botrunner/store"
)

// git serves receive-pack or upload-pack for one app; words is the whole
// command line, whose last word is the repository path.
func (s *Server) git(sess ssh.Session, id auth.Identity, service string, words []string) int {
	if _, _, isPty := sess.Pty(); isPty {
		s.writeError(sess.Stderr(), errPTY)
		return 1
	}
	want := 2
	if words[0] == "git" {
		want = 3
	}
	if len(words) != want {
		s.writeError(sess.Stderr(), errBadGitArgs)
		return 2
	}
	app := names.AppOfRepoPath(words[len(words)-1])
	if err := names.ValidApp(app); err != nil {
		s.writeError(sess.Stderr(), err)
		return 1
	}
	if service == "git-upload-pack" {
		return s.uploadPack(sess, id, app)
	}
	return s.receivePack(sess, id, app)
}

func (s *Server) uploadPack(sess ssh.Session, id auth.Identity, app string) int {
	if _, err := s.deps.Auth.Authorize(id, app, auth.Read); err != nil {
		s.writeError(sess.Stderr(), err)
		return 1
	}
	err := s.deps.Repos.UploadPack(sess.Context(), receive.Session{App: app, Pusher: id.String(), Stderr: sess.Stderr(), Protocol: gitProtocol(sess.Environ())}, sess, sess)
	if err != nil {
		s.writeError(sess.Stderr(), err)
		return 1
	}
	return 0
}

// receivePack creates the app on a first push and takes the creation back if
// that push stores nothing (see endCreate for the one exception): a refused
// first push leaves no app behind and costs no quota. Other pushes to the
// app wait for the first one to end.
func (s *Server) receivePack(sess ssh.Session, id auth.Identity, app string) int {
	a, created, done, err := s.first.target(sess.Context(), app, sess.Stderr(),
		func() (store.App, bool, error) { return s.deps.Auth.PushTarget(id, app) })
	if err != nil {
		s.writeError(sess.Stderr(), err)
		return 1
	}
	defer done()
	if created {
		if err := s.deps.Repos.Create(a.Name); err != nil {
			s.undoCreate(sess.Context(), a.Name)
			s.writeError(sess.Stderr(), err)
			return 1
		}
	}
	res, err := s.deps.Repos.ReceivePack(sess.Context(),
		receive.Session{App: a.Name, Pusher: id.String(), Stderr: sess.Stderr()}, sess, sess)
	if created {
		s.endCreate(sess, a.Name, res, err)
	}
	if err != nil {
		s.writeError(sess.Stderr(), err)
		return 1
	}
	if !res.Accepted {
		return 1
	}
	return 0
}

// endCreate says loudly that a push created an app (a typo in the remote's
// URL makes a second app), or takes the creation back. A first release that
// was built but did not pass its start check keeps the app, with no release,
// for its pusher: most bots need a token first, and `config:set` then a
// second push finish the job. Any other refusal (a build failure, say)
// removes the app and all of it.
func (s *Server) endCreate(sess ssh.Session, app string, res receive.Result, err error) {
	switch {
	case err == nil && len(res.Updated) > 0:
		fmt.Fprintf(sess.Stderr(), "created app %s (a new app: if you meant another one, check the remote's URL: git remote -v)\n", app)
	case err == nil && errors.Is(res.Refusal, deploy.ErrStartFailed):
		fmt.Fprintf(sess.Stderr(), "created app %s, not started: no release runs yet; set its config "+
			"(`botctl config:set NAME=…`) and push again, or `apps:destroy %s --confirm %s`\n", app, app, app)
	default:
		s.undoCreate(sess.Context(), app)
	}
}

// undoCreate takes back an app a refused first push created: all of it goes,
// as with apps:destroy — also its bot's logs and its build log, which the
// next owner of the name must never read. It runs even when the pusher has
// hung up.
func (s *Server) undoCreate(ctx context.Context, app string) {
	ctx, cancel := cleanup.Context(ctx, time.Minute)
	defer cancel()
	if err := s.deps.Router.DestroyApp(ctx, app); err != nil {
		s.log.Error("undo app creation", "app", app, "err", err)
	}
}

// gitProtocol is the GIT_PROTOCOL the client sent in an env request (git's
// ssh transport sends it, OpenSSH clients pass it with SendEnv); other
// variables are ignored.
func gitProtocol(env []string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GIT_PROTOCOL="); ok {
			return v
		}
	}
	return ""
}
