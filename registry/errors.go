package registry

import "github.com/botrunner/botrunner/hint"

// Sentinels; every failure of this package wraps one.
var (
	// ErrConfig is a GITD_REGISTRY (or its login) gitd cannot use.
	ErrConfig = hint.New("REGISTRY_CONFIG", "the bots' image registry setting is not usable",
		"set GITD_REGISTRY to host[:port][/prefix] of an HTTPS registry (plain HTTP only on 127.0.0.1/::1)")
	// ErrPush is a release image that did not reach the registry.
	ErrPush = hint.New("REGISTRY_PUSH", "the release image could not be copied to the bots' registry",
		"the previous release keeps running; push again, or ask the admin to check GITD_REGISTRY and its login")
	// ErrDelete is a copy the registry did not delete.
	ErrDelete = hint.New("REGISTRY_DELETE", "the registry did not delete an old release image",
		"enable deletion on the registry (distribution: storage.delete.enabled) or delete it by hand")
)
