package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		in   string
		want Target
	}{
		{"ssh://git@127.0.0.1:2222/my-bot", Target{Dest: "git@127.0.0.1", Port: "2222", App: "my-bot"}},
		{"ssh://git@host/my-bot.git", Target{Dest: "git@host", App: "my-bot"}},
		{"ssh://bots/my-bot", Target{Dest: "bots", App: "my-bot"}},
		{"git@host:my-bot", Target{Dest: "git@host", App: "my-bot"}},
		{"bots:my-bot", Target{Dest: "bots", App: "my-bot"}},
		{"ssh://[::1]:2222/my-bot", Target{Dest: "::1", Port: "2222", App: "my-bot"}},
		{"ssh://git@[::1]/my-bot/", Target{Dest: "git@::1", App: "my-bot"}},
		{"git@[::1]:my-bot.git", Target{Dest: "git@::1", App: "my-bot"}},
		{"git@host:/my-bot", Target{Dest: "git@host", App: "my-bot"}},
		{"git+ssh://git@host/my-bot", Target{Dest: "git@host", App: "my-bot"}},
		{"SSH://host/my-bot", Target{Dest: "host", App: "my-bot"}},
		{"ssh://host", Target{Dest: "host"}},
		{"ssh://host:22/", Target{Dest: "host", Port: "22"}},
		{"bots:", Target{Dest: "bots"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseURL(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseURLErrors(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"https://host/my-bot.git", ErrNotSSH},
		{"http://host/my-bot", ErrNotSSH},
		{"file:///srv/my-bot.git", ErrNotSSH},
		{"git://host/my-bot", ErrNotSSH},
		{"/srv/git/my-bot.git", ErrNotSSH},
		{"./my-bot", ErrNotSSH},
		{"ssh:///my-bot", ErrBadURL},
		{"ssh://-oProxyCommand=evil/my-bot", ErrBadURL},
		{"-oProxyCommand=evil:my-bot", ErrBadURL},
		{"ssh://host:0/my-bot", ErrBadURL},
		{"ssh://host:99999/my-bot", ErrBadURL},
		{"ssh://host:abc/my-bot", ErrBadURL},
		{"ssh://host/apps/my-bot", ErrBadURL},
		{"host:apps/my-bot", ErrBadURL},
		{":my-bot", ErrNotSSH},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseURL(tt.in)
			require.ErrorIs(t, err, tt.want)
		})
	}
}

func TestLooksLikeURL(t *testing.T) {
	for in, want := range map[string]bool{
		"bots": false, "origin": false, "team/bots": false,
		"bots:my-bot": true, "ssh://h/a": true, "/srv/x": true, "./x": true, "../x": true,
	} {
		assert.Equal(t, want, looksLikeURL(in), in)
	}
}
