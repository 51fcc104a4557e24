// Package deploy is the post-receive pipeline: what happens to a push after
// its pack is in quarantine and before its refs move. Deploy checks the
// pushed tree out (path-safe), builds it, records a release and swaps the
// bot's container, streaming each step to the pusher; its error rejects the
// push. Stored is the pipeline of a server that only hosts git.
// DeployImage (image.go) is the same pipeline with a pull in place of the
// checkout and build.
//
// A pushed release runs before it is accepted: it is recorded "started",
// and Committed (receive.Committer) accepts it once the push's objects and
// refs are in the repository, or takes it back (accept.go). Reconcile, run
// at gitd's start, finishes what a gitd that died left half done
// (reconcile.go; docs/architecture.md, "Crash safety").
package deploy
