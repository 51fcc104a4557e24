package auth

import "github.com/botrunner/botrunner/hint"

// Sentinels. ErrAppNotFound is returned as is (never reworded, never naming
// the app) so a missing app and someone else's app look byte-identical.
var (
	ErrAppNotFound = hint.New("APP_NOT_FOUND", "app not found", "run `apps` to list the apps you can use")
	ErrForbidden   = hint.New("FORBIDDEN", "forbidden", "ask the app's owner or an admin")
	ErrUnknownKey  = hint.New("UNKNOWN_KEY", "unknown SSH key", "ask an admin to register your public key (the .pub file)")
	ErrAdminOnly   = hint.New("ADMIN_ONLY", "only admins can do that", "ask an admin")
	ErrInvalidKey  = hint.New("INVALID_KEY", "invalid SSH public key", "send the contents of your public key file, e.g. `cat ~/.ssh/id_ed25519.pub`")
	ErrKeyInUse    = hint.New("KEY_IN_USE", "admin key belongs to another user", "remove it from that user, or drop it from GITD_ADMIN_KEYS")
)

// The FORBIDDEN errors this package returns.
var (
	errDeployOnlyPush = &hint.Error{Code: ErrForbidden.Code, Msg: "deploy keys may only deploy", Tip: "use a user key for anything but `git push` and deploy:image, deploy:archive, deploy:git"}
	errOwnerOnly      = &hint.Error{Code: ErrForbidden.Code, Msg: "only the owner can do that", Tip: "ask the app's owner or an admin"}
)
