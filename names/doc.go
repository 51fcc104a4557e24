// Package names holds the naming rules both sides of botrunner share — app,
// user and config var names — and the quoting of untrusted names in
// messages, so gitd and botctl check the same thing the same way.
package names
