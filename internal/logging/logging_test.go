package logging

import (
	"bytes"
	"log/slog"
	"testing"
)

func TestComponent(t *testing.T) {
	var buf bytes.Buffer
	Component(slog.New(slog.NewTextHandler(&buf, nil)), "deploy").Info("hello")
	if got := buf.String(); !bytes.Contains([]byte(got), []byte("msg=hello component=deploy")) {
		t.Fatalf("line %q, want the component named", got)
	}
	Component(nil, "deploy").Info("discarded") // a nil logger discards, never panics
}
