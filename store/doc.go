// Package store persists users, SSH keys, apps, releases and config vars in
// one bbolt file, making every multi-step change (quota check and insert,
// cascading deletes, a config change with its BOT_TOKEN index) atomic.
// Config vars, and the copy each release keeps, are sealed with a
// secrets.Box given to OpenWithBox; their values never reach the file in
// plaintext. So are the apps' registry logins for image mode (registry.go).
package store
