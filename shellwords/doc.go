// Package shellwords is the one set of quoting rules botctl and gitd share:
// Split turns an SSH command line into words as a POSIX shell would, with
// no expansion of any kind, and Quote writes a word so that Split (and sh)
// gives it back unchanged. gitd splits every command a client sends with
// Split; botctl quotes every argument with Quote before ssh joins them, and
// splits $BOTCTL_SSH / $GIT_SSH_COMMAND with Split instead of running a shell.
package shellwords
