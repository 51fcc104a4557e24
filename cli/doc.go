// Package cli is botctl, the client of botrunner: a thin front over the
// server's SSH commands.
//
// Every server command is one small file here (cmd_*.go) whose Run method
// resolves its app and calls runner.forward. forward runs the user's own
// OpenSSH client ($BOTCTL_SSH, else $GIT_SSH_COMMAND, else ssh) the way git
// does, so ~/.ssh/config aliases, ssh-agent and known_hosts all apply:
//
//	<ssh words> -T [-p PORT] [user@]host -- <command> <arg>...
//
// Each word after "--" is quoted for the server's shell-like splitter (see
// quote). stdin, stdout and stderr go straight through, and botctl exits
// with ssh's exit status, so the server's own error text and status reach
// the user unchanged.
//
// The server and the app come from the git remote named "bots" of the repo
// around the current directory, or from --remote NAME|URL and --app/-a.
// `botctl run -- CMD ARGS...` forwards any server command botctl does not
// know yet.
//
// `botctl start APP --simple FILE... | --custom DIR | --image REF` deploys
// without any git repo (cmd_start.go, oneshot*.go): botctl makes a commit in
// memory with go-git and pushes it through the same ssh with git's
// send-pack protocol (sendpack*.go), after setting -e config vars.
package cli
