package deploy

import (
	"context"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/receive"
	"github.com/botrunner/botrunner/store"
)

var (
	hashA = plumbing.NewHash("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
	hashB = plumbing.NewHash("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")
)

func upd(ref string) receive.Command {
	return receive.Command{Name: plumbing.ReferenceName(ref), New: hashA}
}

func del(ref string) receive.Command {
	return receive.Command{Name: plumbing.ReferenceName(ref), Old: hashB}
}

func TestPlanPush(t *testing.T) {
	cases := []struct {
		name    string
		set     store.AppSettings
		has     []string // refs the repo has before the push
		updates []receive.Command
		deploy  string   // "" = nothing deploys
		stored  []string // refs only stored, in order
	}{
		{name: "main deploys", updates: []receive.Command{upd("refs/heads/main")},
			deploy: "refs/heads/main"},
		{name: "master deploys in a repo without main",
			updates: []receive.Command{upd("refs/heads/master")}, deploy: "refs/heads/master"},
		{name: "master is stored when the repo has main", has: []string{"refs/heads/main"},
			updates: []receive.Command{upd("refs/heads/master")}, stored: []string{"refs/heads/master"}},
		{name: "main wins over master when both are pushed",
			updates: []receive.Command{upd("refs/heads/master"), upd("refs/heads/main")},
			deploy:  "refs/heads/main", stored: []string{"refs/heads/master"}},
		{name: "the app's deploy branch", set: store.AppSettings{DeployBranch: "prod"},
			updates: []receive.Command{upd("refs/heads/main"), upd("refs/heads/prod")},
			deploy:  "refs/heads/prod", stored: []string{"refs/heads/main"}},
		{name: "the app's deploy branch over master", set: store.AppSettings{DeployBranch: "prod"},
			updates: []receive.Command{upd("refs/heads/master")}, stored: []string{"refs/heads/master"}},
		{name: "tags deploy by default", updates: []receive.Command{upd("refs/tags/v1.0")},
			deploy: "refs/tags/v1.0"},
		{name: "tags are stored when tag deploys are off", set: store.AppSettings{NoTagDeploys: true},
			updates: []receive.Command{upd("refs/tags/v1.0")}, stored: []string{"refs/tags/v1.0"}},
		{name: "main and a tag deploy the tag",
			updates: []receive.Command{upd("refs/heads/main"), upd("refs/tags/v1.0")}, deploy: "refs/tags/v1.0"},
		{name: "a tag and main deploy the tag",
			updates: []receive.Command{upd("refs/tags/v1.0"), upd("refs/heads/main")}, deploy: "refs/tags/v1.0"},
		{name: "main and a tag without tag deploys deploy main", set: store.AppSettings{NoTagDeploys: true},
			updates: []receive.Command{upd("refs/tags/v1.0"), upd("refs/heads/main")},
			deploy:  "refs/heads/main", stored: []string{"refs/tags/v1.0"}},
		{name: "deleting main deploys nothing", has: []string{"refs/heads/main"},
			updates: []receive.Command{del("refs/heads/main")}},
		{name: "deleting a tag deploys nothing", updates: []receive.Command{del("refs/tags/v1.0")}},
		{name: "deleting main does not make master the deploy branch", has: []string{"refs/heads/main"},
			updates: []receive.Command{del("refs/heads/main"), upd("refs/heads/master")},
			stored:  []string{"refs/heads/master"}},
		{name: "other branches are stored",
			updates: []receive.Command{upd("refs/heads/feature"), upd("refs/heads/fix")},
			stored:  []string{"refs/heads/feature", "refs/heads/fix"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			refs := RefReaderFunc(func(app string, ref plumbing.ReferenceName) (plumbing.Hash, error) {
				assert.Equal(t, testApp, app)
				for _, r := range tc.has {
					if plumbing.ReferenceName(r) == ref {
						return hashB, nil
					}
				}
				return plumbing.ZeroHash, plumbing.ErrReferenceNotFound
			})
			pl := planPush(&receive.Push{App: testApp, Updates: tc.updates}, tc.set, refs)
			if tc.deploy == "" {
				assert.Nil(t, pl.deploy)
			} else if assert.NotNil(t, pl.deploy) {
				assert.Equal(t, tc.deploy, pl.deploy.Name.String())
			}
			var stored []string
			for _, u := range pl.stored {
				stored = append(stored, u.Name.String())
			}
			assert.Equal(t, tc.stored, stored)
		})
	}
}

// TestRunStoresOnly: a push that touches no deploy ref builds nothing and
// says, per ref, that it was stored and not deployed.
func TestRunStoresOnly(t *testing.T) {
	cases := []struct {
		name  string
		set   store.AppSettings
		ref   string
		short string
		why   string
	}{
		{"a feature branch", store.AppSettings{}, "refs/heads/feature", "feature", "only the deploy branch and tags deploy"},
		{"a tag without tag deploys", store.AppSettings{NoTagDeploys: true}, "refs/tags/v2", "v2", "tag deploys are off for this app"},
		{"main when prod deploys", store.AppSettings{DeployBranch: "prod"}, "refs/heads/main", "main", "only the deploy branch and tags deploy"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.set)
			out, err := h.run(context.Background(), tc.ref)
			require.NoError(t, err)
			assert.Equal(t, "-----> echo-bot: stored "+tc.short+" at "+h.head.String()[:7]+
				" (not deployed: "+tc.why+")\n", out)
			assert.Zero(t, h.b.buildCount())
			assert.Empty(t, h.releases())
			assert.Empty(t, h.containers())
		})
	}
}

// TestRunDeletesOnly: a delete of the deploy branch neither deploys nor
// touches what runs, and says so.
func TestRunDeletesOnly(t *testing.T) {
	h := newHarness(t, store.AppSettings{})
	h.heads["refs/heads/main"] = h.head
	var out syncBuffer
	err := h.d.Run(context.Background(), h.push(&out, receive.Command{Name: "refs/heads/main", Old: h.head}))
	require.NoError(t, err)
	assert.Equal(t, "-----> echo-bot: deleted main, its deploy branch; the running bot stays as it is\n", out.String())
	assert.Zero(t, h.b.buildCount())
	assert.Empty(t, h.releases())
}

func TestRunUnknownApp(t *testing.T) {
	h := newHarness(t, store.AppSettings{})
	var out syncBuffer
	p := h.push(&out, upd("refs/heads/main"))
	p.App = "no-such-app"
	err := h.d.Run(context.Background(), p)
	assert.ErrorIs(t, err, store.ErrNotFound)
	assert.Zero(t, h.b.buildCount())
}

func TestStoredReportsEachRef(t *testing.T) {
	var out syncBuffer
	p := &receive.Push{App: testApp, Progress: &out,
		Updates: []receive.Command{upd("refs/heads/main"), del("refs/heads/old"), upd("refs/tags/v1")}}
	require.NoError(t, Stored{}.Run(context.Background(), p))
	assert.Equal(t, "-----> echo-bot: stored main at aaaaaaa\n"+
		"-----> echo-bot: deleted old\n"+
		"-----> echo-bot: stored v1 at aaaaaaa\n", out.String())
}
