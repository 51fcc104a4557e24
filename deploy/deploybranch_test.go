package deploy

import (
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/receive"
	"github.com/botrunner/botrunner/store"
)

// The branch a server-made commit goes to is one the push pipeline deploys.
func TestDeployBranch(t *testing.T) {
	x := plumbing.NewHash("1111111111111111111111111111111111111111")
	y := plumbing.NewHash("2222222222222222222222222222222222222222")
	tests := []struct {
		name     string
		has      []string
		settings store.AppSettings
		want     plumbing.ReferenceName
	}{
		{"empty repo", nil, store.AppSettings{}, "refs/heads/main"},
		{"main", []string{"main"}, store.AppSettings{}, "refs/heads/main"},
		{"master only", []string{"master"}, store.AppSettings{}, "refs/heads/master"},
		{"both", []string{"main", "master"}, store.AppSettings{}, "refs/heads/main"},
		{"other branches only", []string{"dev"}, store.AppSettings{}, "refs/heads/main"},
		{"the app's setting", []string{"main"}, store.AppSettings{DeployBranch: "prod"}, "refs/heads/prod"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refs := RefReaderFunc(func(_ string, ref plumbing.ReferenceName) (plumbing.Hash, error) {
				for _, b := range tt.has {
					if ref == plumbing.NewBranchReferenceName(b) {
						return x, nil
					}
				}
				return plumbing.ZeroHash, nil
			})
			got := DeployBranch("my-bot", tt.settings, refs)
			assert.Equal(t, tt.want, got)
			p := &receive.Push{App: "my-bot", Updates: []receive.Command{{Name: got, New: y}}}
			pl := planPush(p, tt.settings, refs)
			require.NotNil(t, pl.deploy, "a push of %s must deploy", got)
			assert.Equal(t, got, pl.deploy.Name)
		})
	}
}
