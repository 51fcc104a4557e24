package cli

import (
	"fmt"

	"github.com/botrunner/botrunner/hint"
)

// urlForms is the tip shared by every "which server?" error.
const urlForms = "use ssh://[user@]host[:port]/APP or [user@]host:APP"

// Local errors: each carries a tip that Main prints as "hint: ...".
var (
	ErrNoRepo = hint.New("NO_REMOTE", "no remote: not inside a git repository",
		"run inside a repo with a `bots` remote, or pass --remote ssh://git@HOST:PORT/APP")
	ErrRemoteNotFound = hint.New("REMOTE_NOT_FOUND", "git remote not found",
		"add it with `git remote add bots ssh://git@HOST:PORT/APP`, or pass --remote ssh://git@HOST:PORT/APP")
	ErrNotSSH = hint.New("NOT_SSH", "not an ssh URL",
		"botctl reaches the server over ssh only: "+urlForms)
	ErrBadURL = hint.New("BAD_REMOTE_URL", "cannot parse the remote URL", urlForms)
	ErrNoApp  = hint.New("NO_APP", "no app given",
		"name it (`botctl COMMAND APP` or -a APP), or run inside a repo whose `bots` remote is ssh://HOST/APP")
	ErrAppConflict = hint.New("APP_CONFLICT", "two different apps given",
		"name the app once: as the argument or with -a, not both")
	ErrUsage      = hint.New("BAD_ARGS", "wrong arguments", "see `botctl COMMAND --help`")
	ErrSSHCommand = hint.New("BAD_SSH_COMMAND", "cannot split the ssh command",
		"botctl splits $BOTCTL_SSH and $GIT_SSH_COMMAND into words like sh would (quotes, backslash) but runs no shell: check the quotes")
	ErrSSHNotFound = hint.New("SSH_NOT_FOUND", "ssh client not found",
		"install the OpenSSH client, or point $BOTCTL_SSH at one")
	ErrKeyFile = hint.New("KEY_FILE", "cannot read the key file",
		"pass a public key file, e.g. --key-file ~/.ssh/id_ed25519.pub, or pipe the key to stdin")
)

// ExitError is ssh's non-zero exit status. Main exits with it and prints
// nothing: the server (or ssh) already said what went wrong on stderr.
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return fmt.Sprintf("ssh exited with status %d", e.Code) }
