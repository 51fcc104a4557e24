// Package gittree builds git trees and commits in a go-git memory storage
// from leaves — files and symlinks by path — with no disk and no git
// binary. The server's deploy:archive (package intake) and botctl's
// one-shot deploys (package cli) both make their commits this way.
//
// Trees come out as git writes them (entries in git's order, no empty
// directories), so git fsck and the server's receive checks accept them.
// A path is refused when a parent of it is a file or a symlink, or when
// something of another kind already stands at it: the refusal is a
// *ConflictError that callers turn into their own user-facing error.
package gittree
