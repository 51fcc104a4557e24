package cli

import (
	"slices"
	"testing"

	"github.com/alecthomas/kong"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/command"
)

// botctlOnly are botctl's commands that are not one server command.
var botctlOnly = map[string]bool{"run": true, "install-completions": true}

// TestCommandsAgreeWithServer: every server command (with its aliases) is a
// botctl command, and botctl has no server command the server lacks.
func TestCommandsAgreeWithServer(t *testing.T) {
	var grammar CLI
	parser, err := kong.New(&grammar, kong.Exit(func(int) {}))
	require.NoError(t, err)
	local := map[string][]string{}
	for _, n := range parser.Model.Children {
		local[n.Name] = n.Aliases
	}
	server := map[string]bool{}
	for _, names := range command.Names() {
		server[names[0]] = true
		aliases, ok := local[names[0]]
		if assert.True(t, ok, "server command %q has no botctl command", names[0]) {
			for _, a := range names[1:] {
				assert.True(t, slices.Contains(aliases, a), "botctl %s lacks the server's alias %q", names[0], a)
			}
		}
	}
	for name := range local {
		assert.True(t, server[name] || botctlOnly[name], "botctl command %q is not a server command", name)
	}
}
