// Package secrets seals small values (config vars, their copies in releases)
// with one server key, so they are never stored in plaintext. The key lives
// in its own 0600 file beside the data; losing it loses every sealed value.
package secrets
