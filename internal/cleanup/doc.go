// Package cleanup holds the one way to make a context for work that must
// finish after its request ends: putting back a bot after a failed deploy,
// removing what a cancelled step left. The request's cancellation does not
// reach it (a client that hangs up must not stop the rollback); its own
// deadline bounds it, and it keeps the request's values.
package cleanup
