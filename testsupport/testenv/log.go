package testenv

import (
	"log/slog"
	"os"
)

// Logger receives the progress of image builds (the Python image takes a
// minute or two the first time). Replace it before calling into the package
// to route or silence the output; it is read, never written, by testenv.
var Logger = slog.New(slog.NewTextHandler(os.Stderr, nil)).With("component", "testenv")
