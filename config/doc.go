// Package config reads gitd's settings from flags and GITD_* environment
// variables (seed names such as MAX_BOTS_PER_USER are honoured as aliases),
// with defaults that make `gitd` with no arguments a working server.
package config
