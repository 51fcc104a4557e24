// Package store persists users, SSH keys and apps in one bbolt file, making
// every multi-step change (quota check and insert, cascading deletes) atomic.
package store
