// Package hooks is the post-receive pipeline: what happens to a push after
// its pack is in quarantine and before its refs move. Today it reports what
// was stored; the deploy (checkout → build → release → swap) plugs in here.
package hooks
