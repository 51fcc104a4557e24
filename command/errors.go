package command

import (
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/shellwords"
)

// Sentinels. Errors returned by this package carry one of these codes, often
// with a more specific message, so callers match them with errors.Is.
var (
	ErrBadCommandLine = shellwords.ErrBadCommandLine
	ErrUsage          = hint.New("USAGE", "bad usage", "run `help` for the list of commands")
	ErrUnknownCommand = hint.New("UNKNOWN_COMMAND", "unknown command", "run `help` for the list")
	ErrConfirm        = hint.New("CONFIRM_REQUIRED", "confirmation required", "repeat the app name with --confirm")
	ErrKeyNotFound    = hint.New("KEY_NOT_FOUND", "key not found", "run `keys` to list your keys")
	ErrLastKey        = hint.New("LAST_KEY", "cannot remove your last key",
		"add another key first with `keys:add`, or you could not log in again")
	ErrBadInput = hint.New("BAD_INPUT", "bad input on stdin",
		"pipe one public key in: ssh ... keys:add < ~/.ssh/id_ed25519.pub")
	ErrNotCollaborator = hint.New("NOT_COLLABORATOR", "not a collaborator", "run `apps:info <app>` to see its collaborators")
	ErrIsOwner         = hint.New("IS_OWNER", "the owner has every right already", "collaborators are the other users who may push")
	ErrRemoveSelf      = hint.New("REMOVE_SELF", "you cannot remove yourself", "ask another admin to do it")
	ErrInternal        = hint.ErrInternal
)

// usageCodes are the codes that exit with status 2: the command line itself
// was wrong, as opposed to a command that ran and failed.
var usageCodes = map[string]bool{
	ErrBadCommandLine.Code: true,
	ErrUsage.Code:          true,
	ErrUnknownCommand.Code: true,
}
