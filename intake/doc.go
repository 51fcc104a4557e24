// Package intake turns sources that are not a git push — a tar.gz archive
// or a commit fetched from a Git URL — into git objects in memory, and makes
// the commit that the receive package then pushes into an app's repository
// as if a client had pushed it.
//
// Everything here is hostile input: archives are checked entry by entry
// (paths, links, types, sizes) and never written to disk; Git URLs are
// fetched only from hosts the admin allowed, with bounded size and time.
package intake
