// Package receive serves git over SSH for the apps' repositories: our own
// receive-pack (quarantined packs, checked ref names, compare-and-swap ref
// updates, atomic pushes, side-band progress and a pipeline seam that can
// reject a push) and upload-pack for clone and fetch, on go-git's plumbing.
//
// go-git's transport/server is not used for receive-pack: it advertises too few
// capabilities, writes packs straight into the repository before any decision,
// updates refs without checking their old values and blocks on delete-only
// pushes (docs/architecture.md, "Known pitfalls").
package receive
