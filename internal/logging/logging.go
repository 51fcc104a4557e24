package logging

import "log/slog"

// Component returns log's child for one part of gitd ("component"=name);
// a nil log gives a logger that discards, so tests and tools may pass nil.
func Component(log *slog.Logger, name string) *slog.Logger {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return log.With("component", name)
}
