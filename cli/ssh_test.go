package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestSSHArgv(t *testing.T) {
	withPort := Target{Dest: "git@127.0.0.1", Port: "2222"}
	alias := Target{Dest: "bots"}
	tests := []struct {
		name  string
		env   map[string]string
		t     Target
		words []string
		want  []string
	}{
		{"default ssh", nil, withPort, []string{"apps:info", "my-bot"},
			[]string{"ssh", "-T", "-p", "2222", "git@127.0.0.1", "--", "apps:info", "my-bot"}},
		{"no port", nil, alias, []string{"apps"},
			[]string{"ssh", "-T", "bots", "--", "apps"}},
		{"quoted args", nil, alias, []string{"config:set", "my-bot", "A=b c", "it's"},
			[]string{"ssh", "-T", "bots", "--", "config:set", "my-bot", "'A=b c'", `'it'\''s'`}},
		{"GIT_SSH_COMMAND", map[string]string{"GIT_SSH_COMMAND": "ssh -i '/k ey' -o IdentitiesOnly=yes"}, alias, []string{"whoami"},
			[]string{"ssh", "-i", "/k ey", "-o", "IdentitiesOnly=yes", "-T", "bots", "--", "whoami"}},
		{"BOTCTL_SSH wins", map[string]string{"BOTCTL_SSH": "/opt/ssh -v", "GIT_SSH_COMMAND": "ssh -i k"}, alias, []string{"whoami"},
			[]string{"/opt/ssh", "-v", "-T", "bots", "--", "whoami"}},
		{"blank BOTCTL_SSH ignored", map[string]string{"BOTCTL_SSH": "  ", "GIT_SSH_COMMAND": "myssh"}, alias, []string{"whoami"},
			[]string{"myssh", "-T", "bots", "--", "whoami"}},
		{"no shell", map[string]string{"BOTCTL_SSH": "ssh; rm -rf / $HOME"}, alias, []string{"whoami"},
			[]string{"ssh;", "rm", "-rf", "/", "$HOME", "-T", "bots", "--", "whoami"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := sshArgv(envOf(tt.env), tt.t, tt.words)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestSSHArgvBadEnv(t *testing.T) {
	_, err := sshArgv(envOf(map[string]string{"GIT_SSH_COMMAND": "ssh -i 'open"}), Target{Dest: "h"}, []string{"x"})
	require.ErrorIs(t, err, ErrSSHCommand)
	assert.Contains(t, err.Error(), "$GIT_SSH_COMMAND")
}
