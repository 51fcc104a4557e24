// Package repostore keeps the apps' bare git repositories on disk, one per
// app: create and delete, the app's lock (which pushes, deploys and
// operator actions take, so they never interleave), refs and trees. It
// knows nothing of git's wire protocols: receive serves those on top of
// it, and the deploy engine reads refs and trees and takes the lock
// through it, so both are made from the same Store, in that order.
package repostore
