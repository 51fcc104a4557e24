package server

import (
	"crypto/rand"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pushSetup pushes one commit to app with git, makes a second one locally
// and returns the work dir, the old and new tips and a pack of the new
// objects.
func pushSetup(h *harness, app string, extra string) (dir, old, next string, pack []byte) {
	dir = h.workRepo(h.admin, app)
	old = h.gitOK(h.admin, dir, "rev-parse", "HEAD")
	h.gitOK(h.admin, dir, "push", "-q", "bots", "main")
	h.commit(h.admin, dir, "requirements.txt", strings.Repeat("aiogram==3.0\n", 200))
	next = h.commit(h.admin, dir, "data.bin", extra)
	return dir, old, next, h.packOf(dir, next, old)
}

func TestMalformedPushes(t *testing.T) {
	h := newHarness(t)
	const app = "raw-bot"
	_, old, next, pack := pushSetup(h, app, "some data\n")
	main := old + " " + next + " refs/heads/main"
	before := snapshot(t, h.repoDir(app))

	for _, tc := range []struct {
		name       string
		send       func(io.Writer, map[string]string) error
		wantStderr string
		wantReport string // "" when the server stops before reporting
	}{{
		name:       "ref escaping refs/heads",
		send:       sendAll([]byte(commands(plainCaps, zeroID+" "+next+" refs/heads/../../config")), pack),
		wantStderr: "contains ..",
	}, {
		name:       "ref outside heads and tags",
		send:       sendAll([]byte(commands(plainCaps, zeroID+" "+next+" refs/notes/x")), pack),
		wantStderr: "only refs/heads/* and refs/tags/*",
	}, {
		name:       "garbage instead of a pack",
		send:       sendAll([]byte(commands(plainCaps, main)), []byte(strings.Repeat("this is not a pack\n", 100))),
		wantStderr: "the pushed pack could not be read",
		wantReport: "ng refs/heads/main unpacker error",
	}, {
		name:       "pack cut in half",
		send:       sendAll([]byte(commands(plainCaps, main)), pack[:len(pack)/2]),
		wantStderr: "the pushed pack could not be read",
		wantReport: "ng refs/heads/main unpacker error",
	}, {
		name:       "pack without its checksum",
		send:       sendAll([]byte(commands(plainCaps, main)), pack[:len(pack)-20]),
		wantStderr: "the pushed pack could not be read",
		wantReport: "ng refs/heads/main unpacker error",
	}, {
		name:       "no pack at all",
		send:       sendAll([]byte(commands(plainCaps, main))),
		wantReport: "pack ends early",
	}, {
		name:       "stale old value",
		send:       sendAll([]byte(commands(plainCaps, next+" "+next+" refs/heads/main")), pack),
		wantReport: "ng refs/heads/main stale info",
	}, {
		name:       "not a hex id",
		send:       sendAll([]byte(commands(plainCaps, old+" "+strings.Repeat("z", 40)+" refs/heads/main")), pack),
		wantStderr: "bad object id",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			h := h.withT(t)
			r := h.receivePackRaw(h.admin, app, tc.send)
			assert.NotZero(t, r.code, r.String())
			assert.Contains(t, r.stderr, tc.wantStderr, r.String())
			assert.Contains(t, r.report, tc.wantReport, r.String())
			if tc.wantReport == "" {
				assert.Empty(t, r.report, r.String())
			}
			assert.NotContains(t, r.report, "ok refs/", r.String())
			assert.Equal(t, before, snapshot(t, h.repoDir(app)), "refs or objects changed")
		})
	}

	// The same client with the whole pack is accepted: the refusals above
	// were about what was sent, not about the client.
	r := h.receivePackRaw(h.admin, app, sendAll([]byte(commands(plainCaps, main)), pack))
	require.Zero(t, r.code, r.String())
	assert.Contains(t, r.report, "unpack ok")
	assert.Contains(t, r.report, "ok refs/heads/main")
	assert.Equal(t, next, h.remoteRef(h.admin, app, "refs/heads/main"))
	requireNoQuarantine(t, h.repoDir(app))
}

// A commands section far over the server's bound is refused once the bound
// is reached: the server stops reading, so the client cannot send it all.
func TestHugeCommandSectionRefused(t *testing.T) {
	h := newHarness(t)
	const app = "raw-bot"
	pushSetup(h, app, "x\n")
	before := snapshot(t, h.repoDir(app))
	const total = 24 << 20 // over the 16 MiB the command section may take
	ref := "refs/heads/" + strings.Repeat("a", 1000)

	r := h.receivePackRaw(h.admin, app, func(w io.Writer, refs map[string]string) error {
		for i, n := 0, 0; n < total; i++ {
			line := refs["refs/heads/main"] + " " + zeroID + " " + ref + strings.Repeat("b", i%7) + "\n"
			if i == 0 {
				line = strings.TrimSuffix(line, "\n") + "\x00" + plainCaps + "\n"
			}
			m, err := io.WriteString(w, pkt(line))
			if n += m; err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, "0000")
		return err
	})
	assert.NotZero(t, r.code, r.String())
	assert.Contains(t, r.stderr, "request section too long", r.String())
	assert.Error(t, r.werr, "the server read the whole request")
	assert.Less(t, r.written, int64(total), r.String())
	assert.Equal(t, before, snapshot(t, h.repoDir(app)), "refs or objects changed")
}

func TestPackOverMaxPushSizeRefused(t *testing.T) {
	h := newHarness(t, withMaxPushSize(64<<10))
	const app = "raw-bot"
	noise := make([]byte, 256<<10) // incompressible: the pack stays over the limit
	_, _ = rand.Read(noise)
	dir, old, next, pack := pushSetup(h, app, string(noise))
	require.Greater(t, len(pack), 64<<10)
	before := snapshot(t, h.repoDir(app))

	r := h.receivePackRaw(h.admin, app, sendAll([]byte(commands(plainCaps, old+" "+next+" refs/heads/main")), pack))
	assert.NotZero(t, r.code, r.String())
	assert.Contains(t, r.stderr, "pack over 64 KiB", r.String())
	assert.Contains(t, r.stderr, "GITD_MAX_PUSH_SIZE", r.String())
	assert.Contains(t, r.report, "ng refs/heads/main unpacker error", r.String())
	assert.Equal(t, before, snapshot(t, h.repoDir(app)), "refs or objects changed")

	// git itself gets the same answer.
	res := h.git(h.admin, dir, "push", "bots", "main")
	assert.NotZero(t, res.code, res.String())
	assert.Contains(t, res.stderr, "pack over 64 KiB", res.String())
	assert.Equal(t, before, snapshot(t, h.repoDir(app)), "refs or objects changed")
}

func TestControlCharactersNotEchoed(t *testing.T) {
	h := newHarness(t)
	r, err := h.goSSH(h.admin, "git-receive-pack '\x1b[2J\x07evil'")
	require.NoError(t, err)
	assert.NotZero(t, r.code, r.String())
	assert.Contains(t, r.stderr, "invalid app name")
	assert.NotContains(t, r.stderr, "\x1b")
	assert.NotContains(t, r.stderr, "\x07")
}
