package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/botrunner/botrunner/runtime/docker"
)

type stubEngine docker.Engine

func (s stubEngine) Engine(context.Context) (docker.Engine, error) { return docker.Engine(s), nil }

// TestCheckEngine: gitd refuses a vulnerable runc unless allowed, and then
// logs an error-level line at start; the engine line names runc either way.
func TestCheckEngine(t *testing.T) {
	old := stubEngine{Version: "20.10.5", Runtime: "runc", Runc: "1.0.0-rc93", RuncBuild: "12644e6", StorageDriver: "overlay2"}
	fixed := stubEngine{Version: "25.0.2", Runtime: "runc", Runc: "1.1.12", RuncBuild: "v1.1.12-0-g51d5e94", StorageDriver: "overlay2"}
	tests := []struct {
		name    string
		e       stubEngine
		allow   bool
		want    error
		errLine bool
	}{
		{"fixed", fixed, false, nil, false},
		{"old refused", old, false, docker.ErrVulnerableRunc, false},
		{"old allowed", old, true, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(slog.NewTextHandler(&buf, nil))
			err := checkEngine(context.Background(), tt.e, tt.allow, log)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("checkEngine = %v, want %v", err, tt.want)
			}
			if !strings.Contains(buf.String(), "runc="+tt.e.Runc+" ") {
				t.Errorf("log does not name runc %s:\n%s", tt.e.Runc, buf.String())
			}
			if got := strings.Contains(buf.String(), "level=ERROR"); got != tt.errLine {
				t.Errorf("error-level line logged: %v, want %v:\n%s", got, tt.errLine, buf.String())
			}
		})
	}
}
