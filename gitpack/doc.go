// Package gitpack reads a git pack from an untrusted stream into a pack file
// and its version-2 index, bounded in every way a client controls: bytes on
// the wire, object count, each object's inflated size and the total, and the
// memory used to resolve deltas. It reads exactly one pack — the header's
// object count, then the 20-byte trailer — and never reads past it, so a
// client that keeps its side open after the pack still gets an answer.
//
// The pack is read in two passes, as git's index-pack does. The first
// streams the input once: every byte goes to the pack file and the trailer
// checksum, whole objects are hashed while they inflate (a blob is never
// held in memory) and delta entries are only located. The second resolves
// deltas from the file, base first, holding at most a budget of base data
// and re-inflating what it had to drop. A thin pack's missing bases come
// from the repository through Options.Base and are appended to the pack, so
// what is stored is self-contained. Commits, trees and tags are handed to
// Options.Check (git's fsck rules live in package gitfsck).
//
// Nothing here trusts a count or size from the pack before it has seen the
// bytes: slices grow with what arrived, a declared size is only a promise
// that is checked, and the inflater stops one byte past it.
package gitpack
