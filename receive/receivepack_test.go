package receive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// In-process receive-pack tests with hand-made packs: what a stock git
// client would never send. receive_real_git_test.go covers real clients.

const app = "my-bot"

func newTestRepos(t testing.TB, opts Options) *Repos {
	t.Helper()
	r, err := NewRepos(t.TempDir(), opts)
	require.NoError(t, err)
	require.NoError(t, r.Create(app))
	return r
}

type update struct {
	ref      string
	old, new plumbing.Hash
}

// pushBytes frames updates (with caps on the first) and appends pack, if any.
func pushBytes(ups []update, caps string, pack []byte) []byte {
	var lines []string
	for i, u := range ups {
		l := u.old.String() + " " + u.new.String() + " " + u.ref
		if i == 0 {
			l += "\x00" + caps
		}
		lines = append(lines, l+"\n")
	}
	return append([]byte(pkts(append(lines, "")...)), pack...)
}

// parseReport skips the advertisement and returns the report's lines.
func parseReport(t testing.TB, out []byte) []string {
	t.Helper()
	pr := &pktReader{r: bytes.NewReader(out), budget: 1 << 30}
	for {
		_, err := pr.next()
		if errors.Is(err, errFlush) {
			break
		}
		require.NoError(t, err, "advertisement")
	}
	var lines []string
	for {
		line, err := pr.next()
		if errors.Is(err, errFlush) {
			break
		}
		if errors.Is(err, io.ErrUnexpectedEOF) && len(lines) == 0 {
			return nil // no report
		}
		require.NoError(t, err, "report")
		lines = append(lines, string(line))
	}
	rest, _ := io.ReadAll(pr.r)
	assert.Empty(t, rest, "nothing after the report")
	return lines
}

type pushResult struct {
	res    Result
	report []string
	stderr string
}

func push(t testing.TB, r *Repos, in []byte) pushResult {
	t.Helper()
	var out, stderr bytes.Buffer
	res, err := r.ReceivePack(context.Background(), Session{App: app, Pusher: "alice", Stderr: &stderr}, bytes.NewReader(in), &out)
	require.NoError(t, err)
	return pushResult{res, parseReport(t, out.Bytes()), stderr.String()}
}

func head(t *testing.T, r *Repos, ref string) plumbing.Hash {
	t.Helper()
	h, err := r.Head(app, plumbing.ReferenceName(ref))
	require.NoError(t, err)
	return h
}

func TestReceivePackChecks(t *testing.T) {
	o := newObjs(t)
	good := o.simpleCommit("print(1)")
	goodPack := o.pack(o.all()...)
	blob := o.blob([]byte("x"))

	type unsafePush struct {
		commit, tree plumbing.Hash
		pack         []byte
	}
	unsafe := map[string]unsafePush{}
	for _, name := range []string{".git", ".GIT", "..", ".", "git~1", ".git.", ".git ", ".git\u200c", "\ufeff.git", ".git::$INDEX_ALLOCATION"} {
		o2 := newObjs(t)
		tree := o2.tree(file(name, o2.blob([]byte("[core]"))))
		c := o2.commit(tree)
		unsafe[name] = unsafePush{c, tree, o2.pack(o2.all()...)}
	}
	nested := newObjs(t)
	nestedInner := nested.tree(file(".git", nested.blob([]byte("x"))))
	nestedC := nested.commit(nested.tree(dir("sub", nestedInner)))
	missing := newObjs(t)
	missingBlob := missing.blob([]byte("gone"))
	missingTree := missing.tree(file("a", missingBlob))
	missingC := missing.commit(missingTree)

	tests := []struct {
		name   string
		ups    []update
		pack   []byte
		want   []string
		stderr string
	}{
		{"create", []update{{"refs/heads/main", plumbing.ZeroHash, good}}, goodPack,
			[]string{"unpack ok", "ok refs/heads/main"}, ""},
		{"branch at a blob", []update{{"refs/heads/main", plumbing.ZeroHash, blob}}, o.pack(blob),
			[]string{"unpack ok", "ng refs/heads/main refs/heads/main is a blob; branches must point at commits: malformed push request"}, ""},
		{"tag at a blob", []update{{"refs/tags/b", plumbing.ZeroHash, blob}}, o.pack(blob),
			[]string{"unpack ok", "ok refs/tags/b"}, ""},
		{"nested .git", []update{{"refs/heads/main", plumbing.ZeroHash, nestedC}}, nested.pack(nested.all()...),
			[]string{fmt.Sprintf(`unpack tree %s: tree entry ".git" is .git on some filesystems: the pushed tree has an entry git refuses`, nestedInner), "ng refs/heads/main unpacker error"}, ""},
		{"missing blob", []update{{"refs/heads/main", plumbing.ZeroHash, missingC}}, missing.pack(missingC, missingTree),
			[]string{"unpack ok", "ng refs/heads/main object " + missingBlob.String() + ": the push is missing objects"}, ""},
		{"missing tip", []update{{"refs/heads/main", plumbing.ZeroHash, missingC}}, goodPack,
			[]string{"unpack ok", "ng refs/heads/main " + missingC.String() + ": the push is missing objects"}, ""},
		{"garbage pack", []update{{"refs/heads/main", plumbing.ZeroHash, good}}, []byte("garbage"),
			[]string{"unpack pack ends early, in object 0: the pushed pack could not be read",
				"ng refs/heads/main unpacker error"}, "error: pack ends early, in object 0: the pushed pack could not be read\nhint: push again"},
	}
	for name, c := range unsafe {
		what := "is .git on some filesystems"
		if name == "." || name == ".." {
			what = "is not a file name"
		}
		unpackFsck := fmt.Sprintf("tree %s: tree entry %q %s: the pushed tree has an entry git refuses", c.tree, name, what)
		tests = append(tests, struct {
			name   string
			ups    []update
			pack   []byte
			want   []string
			stderr string
		}{"entry " + name, []update{{"refs/heads/main", plumbing.ZeroHash, c.commit}}, c.pack,
			[]string{"unpack " + unpackFsck, "ng refs/heads/main unpacker error"}, "the pushed tree has an entry git refuses"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestRepos(t, Options{})
			got := push(t, r, pushBytes(tt.ups, "report-status", tt.pack))
			if !assert.Equal(t, tt.want, got.report) {
				t.Logf("stderr: %s", got.stderr)
			}
			assert.Contains(t, got.stderr, tt.stderr)
			accepted := len(tt.want) == 2 && strings.HasPrefix(tt.want[1], "ok ")
			assert.Equal(t, accepted, got.res.Accepted)
			if !accepted {
				assert.True(t, head(t, r, tt.ups[0].ref).IsZero(), "ref untouched")
			}
		})
	}
}

// TestReceivePackStrayObjects: objects that reached the repo in an earlier
// push's pack, but were never checked because no accepted ref pointed at
// them, must not be trusted later. Otherwise an unsafe tree or a commit
// with missing parents gets in with a second, empty push.
func TestReceivePackStrayObjects(t *testing.T) {
	o := newObjs(t)
	good := o.simpleCommit("print(1)")
	evilTree := o.tree(file(".git", o.blob([]byte("[core]\n\tfsmonitor = sh -c id\n"))))
	evil := o.commit(evilTree)
	orphan := o.commit(o.tree(), plumbing.NewHash(hashA)) // parent nobody has
	all := o.pack(o.all()...)
	empty := o.pack()

	tests := []struct {
		name  string
		first []update
		tip   plumbing.Hash
	}{
		{"unsafe tree beside an accepted ref", []update{{"refs/heads/main", plumbing.ZeroHash, good}}, evil},
		{"unsafe tree of a refused ref", []update{
			{"refs/heads/main", plumbing.ZeroHash, good}, {"refs/heads/evil", plumbing.ZeroHash, evil}}, evil},
		{"commit with a missing parent", []update{{"refs/heads/main", plumbing.ZeroHash, good}}, orphan},
		{"unsafe tree as a tag", []update{{"refs/heads/main", plumbing.ZeroHash, good}}, evilTree},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestRepos(t, Options{})
			first := push(t, r, pushBytes(tt.first, "report-status", all))
			t.Logf("first push: %q", first.report)
			ref := "refs/heads/evil"
			if tt.tip == evilTree {
				ref = "refs/tags/evil"
			}
			second := push(t, r, pushBytes([]update{{ref, head(t, r, ref), tt.tip}}, "report-status", empty))
			assert.False(t, second.res.Accepted, "second push: %q", second.report)
			assert.True(t, head(t, r, ref).IsZero(), "%s must not point at %s", ref, tt.tip)
		})
	}
}
