package deploy

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/botrunner/botrunner/store"
)

func withImage(r store.Release, id string) store.Release {
	r.Image = id
	return r
}

func TestStaleImages(t *testing.T) {
	rel := func(n int, status, tag string) store.Release {
		return store.Release{Number: n, Status: status, ImageTag: tag}
	}
	tag := func(n int) string { return fmt.Sprintf("botrunner/a:v%d", n) }
	var seven []store.Release
	for n := 1; n <= 7; n++ {
		seven = append(seven, rel(n, store.ReleaseDeployed, tag(n)))
	}
	tests := []struct {
		name string
		rels []store.Release
		want []string
	}{
		{"five or fewer keep all", seven[:5], nil},
		{"seven drop the two oldest", seven, []string{tag(1), tag(2)}},
		{"failed releases do not count", append(append([]store.Release{}, seven[:5]...),
			rel(6, store.ReleaseFailed, ""), rel(7, store.ReleaseFailed, tag(7))), nil},
		{"an image a kept release reuses stays", append(append([]store.Release{}, seven[:2]...),
			rel(3, store.ReleaseDeployed, tag(1)), rel(4, store.ReleaseDeployed, tag(1)),
			rel(5, store.ReleaseDeployed, tag(1)), rel(6, store.ReleaseDeployed, tag(1)),
			rel(7, store.ReleaseDeployed, tag(1))), []string{tag(2)}},
		{"an image ID a kept release has under its own tag stays", append(append([]store.Release{},
			withImage(seven[0], "sha256:same"), seven[1]), seven[2], seven[3], seven[4], seven[5],
			withImage(seven[6], "sha256:same")), []string{tag(2)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, staleImages(tt.rels, keepImages))
		})
	}
}
