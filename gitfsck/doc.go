// Package gitfsck checks git objects the way git's own fsck does before a
// server stores them: tree entries (names that are .git on some filesystem,
// ".", "..", "/", modes, order, duplicates, a symlinked .gitmodules) and the
// headers of commits and tags. A pushed object that git would refuse never
// reaches a repository, so every clone of it passes `git fsck --strict`.
//
// The rules follow git's fsck.c and path.c (is_hfs_dotgit, is_ntfs_dotgit):
// git checks for every filesystem its clients may use, not only the server's,
// because a tree stored here is checked out on Windows and macOS too.
package gitfsck
