// Package command routes the non-git commands a user runs over SSH
// (`ssh -p 2222 git@host apps`): it splits the command line into words
// without a shell, parses each command's flags and positionals from a small
// declarative table, checks who may run what through auth.Authorizer, and
// prints results as aligned text or, with --json, as stable JSON.
//
// Errors are printed in one place (WriteError) as "error: <msg>" and
// "hint: <tip>" lines on stderr, or as one JSON object with --json; the exit
// status is 1, or 2 for usage errors.
package command
