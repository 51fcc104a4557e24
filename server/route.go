package server

import (
	"github.com/gliderlabs/ssh"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/command"
	"github.com/botrunner/botrunner/shellwords"
)

// route sends a session to git or to the command router. The command line
// is split by our own quote-aware splitter; no shell ever sees it.
func (s *Server) route(sess ssh.Session, id auth.Identity) int {
	words, err := shellwords.Split(sess.RawCommand())
	if err != nil {
		s.writeError(sess.Stderr(), err)
		return 2
	}
	if len(words) == 0 {
		words = []string{"help"} // a bare `ssh bots` is someone looking around
	}
	if service, ok := gitService(words); ok {
		return s.git(sess, id, service, words)
	}
	return s.deps.Router.Run(command.Env{
		Ctx: sess.Context(), Identity: id, Command: words[0], Args: words[1:],
		Stdin: sess, Stdout: sess, Stderr: sess.Stderr(),
	})
}

// gitService recognises "git-receive-pack 'path'" and "git receive-pack
// 'path'" (and upload-pack) as git sends them.
func gitService(words []string) (string, bool) {
	name := words[0]
	if name == "git" && len(words) > 1 {
		name = "git-" + words[1]
	}
	switch name {
	case "git-receive-pack", "git-upload-pack":
		return name, true
	}
	return "", false
}
