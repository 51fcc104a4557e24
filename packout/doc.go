// Package packout writes a git pack for a fetch by copying what the
// repository's packs already hold: an object stored whole goes out as its
// stored compressed bytes, an object stored as a delta goes out as that
// delta when its base is in the same pack or, for a thin pack, known to the
// client. Nothing is inflated on that path, so memory does not grow with
// the size of an object: a 100 MiB blob is copied through a small buffer.
//
// Only what the packs cannot give — a loose object, or a delta whose base
// the client will not have — is read through the object store and deflated
// as it streams out. There is no new delta search: deltas come from how
// objects arrived (the pusher's pack), as git's upload-pack reuses them.
//
// The walk that chooses the objects reads commits, trees and tags from the
// same packs (Objects): one read of each entry, deltas applied to cached
// bases, and a blob's content never read, since the walk needs only links.
//
// A pack entry's end is the next entry's offset (the pack's index sorted by
// offset, as git's reverse index), or the pack's trailer for the last one.
package packout
