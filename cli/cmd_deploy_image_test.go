package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDeployImageForwards(t *testing.T) {
	repo := newRepo(t, map[string]string{"bots": "ssh://git@127.0.0.1:2222/my-bot"})
	pre := []string{"-T", "-p", "2222", "git@127.0.0.1", "--", "deploy:image"}
	for _, tt := range []struct {
		args      []string
		stdin     string
		want      []string
		wantStdin string
	}{
		{[]string{"127.0.0.1:5000/echo:v1"}, "not read\n", []string{"my-bot", "127.0.0.1:5000/echo:v1"}, ""},
		{[]string{"other", "r/x:1"}, "", []string{"other", "r/x:1"}, ""},
		{[]string{"-a", "other", "r/x:1"}, "", []string{"other", "r/x:1"}, ""},
		{[]string{"r/x:1", "--username", "me", "--password-stdin"}, "pw\n",
			[]string{"my-bot", "r/x:1", "--username", "me", "--password-stdin"}, "pw\n"},
	} {
		res := botctl(t, repo, tt.stdin, append([]string{"deploy:image"}, tt.args...)...)
		require.Equal(t, 0, res.code, res.stderr)
		assert.Equal(t, append(append([]string{}, pre...), tt.want...), res.argv)
		assert.Equal(t, tt.wantStdin, res.stdin, "stdin passes only with --password-stdin")
	}
	res := botctl(t, repo, "", "deploy:image")
	assert.NotEqual(t, 0, res.code)
	assert.Nil(t, res.argv, "no ref: nothing runs")
}
