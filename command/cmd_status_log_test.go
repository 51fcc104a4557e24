package command

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/deploy"
	"github.com/botrunner/botrunner/store"
)

// troubledBots is a deploy side whose bot's output is not being kept.
type troubledBots struct{ Bots }

const logTrouble = "3 lines of output lost since 2026-01-02T03:04:05Z: the log store refuses lines: no space left on device"

func (troubledBots) AppStatus(context.Context, store.App) (deploy.Status, error) {
	return deploy.Status{State: "running", Release: 1, LogTrouble: logTrouble}, nil
}

// TestStatusSaysLogTrouble: output that did not reach the app's log is the
// user's to know: `status` says it, in text and JSON.
func TestStatusSaysLogTrouble(t *testing.T) {
	w := newWorld(t)
	w.r = NewRouter(Deps{Store: w.s, Auth: auth.New(w.s, quota), Repos: w.repos, Version: "1.2.3", Bots: troubledBots{}})
	assert.Contains(t, w.ok("alice", "", "status", "alice-bot"), "\nlog      "+logTrouble+"\n")
	var got statusJSON
	require.NoError(t, json.Unmarshal([]byte(w.ok("alice", "", "status", "alice-bot", "--json")), &got))
	assert.Equal(t, logTrouble, got.LogTrouble)
}
