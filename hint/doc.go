// Package hint carries user-facing errors: a stable code, a message and a hint
// that says what to do next. Lower layers return them; the one place that prints
// errors to a user (the SSH command router, botctl) reads the hint once.
package hint
