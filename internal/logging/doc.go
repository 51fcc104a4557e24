// Package logging holds the one way a part of gitd gets its logger: its
// constructor takes a *slog.Logger (a nil one discards) and keeps the child
// Component makes, so every line says which part wrote it.
package logging
