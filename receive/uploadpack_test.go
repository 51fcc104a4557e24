package receive

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// In-process upload-pack requests a stock git client would not send; the
// real client is in receive_real_git_test.go.

func TestUploadPackRequests(t *testing.T) {
	s := newSeeded(t, Options{Limits: Limits{MaxRequestBytes: 4096}})
	c1 := s.c1.String()
	endless := func(prefix string) io.Reader {
		return io.MultiReader(strings.NewReader(prefix), newRepeatReader("0000", 10<<20))
	}
	tests := []struct {
		name    string
		in      io.Reader
		wantErr error
		wantOut []string // substrings of what follows the advertisement
	}{
		{"lone flush", strings.NewReader("0000"), nil, nil},
		{"clone", strings.NewReader(pkts("want "+c1+" side-band-64k ofs-delta\n", "", "done\n")), nil,
			[]string{pkt("NAK\n"), "PACK", "Counting objects: 3, done."}},
		{"no side-band", strings.NewReader(pkts("want "+c1+"\n", "", "done\n")), nil,
			[]string{pkt("NAK\n") + "PACK"}},
		{"common have", strings.NewReader(pkts("want "+c1+" no-progress\n", "", "have "+c1+"\n", "", "done\n")), nil,
			[]string{pkt("ACK " + c1 + "\n")}},
		{"unknown have", strings.NewReader(pkts("want "+c1+"\n", "", "have "+hashA+"\n", "", "done\n")), nil,
			[]string{pkt("NAK\n") + pkt("NAK\n") + "PACK"}},
		{"want not advertised", strings.NewReader(pkts("want "+hashA+"\n", "")), ErrNotOurRef, nil},
		{"want garbage", strings.NewReader(pkts("wants "+c1+"\n", "")), ErrBadFetch, nil},
		{"have garbage", strings.NewReader(pkts("want "+c1+"\n", "", "have xyz\n")), ErrBadFetch, nil},
		{"truncated", strings.NewReader(pkts("want " + c1 + "\n")), io.ErrUnexpectedEOF, nil},
		{"endless flushes in negotiation", endless(pkts("want "+c1+"\n", "")), ErrBadFetch, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			cr := &countingReader{r: tt.in}
			err := s.r.UploadPack(context.Background(), Session{App: app}, cr, &out)
			assert.Less(t, cr.n, int64(1<<20), "bytes read")
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			adv, rest, ok := strings.Cut(out.String(), "0000")
			require.True(t, ok, "advertisement ends with a flush")
			assert.Contains(t, adv, "HEAD\x00")
			assert.Contains(t, adv, "symref=HEAD:refs/heads/main")
			assert.Contains(t, adv, c1+" refs/heads/main\n")
			if tt.wantOut == nil {
				assert.Empty(t, rest)
			}
			for _, w := range tt.wantOut {
				assert.Contains(t, rest, w)
			}
		})
	}
}

func TestUploadPackPeelsTags(t *testing.T) {
	o := newObjs(t)
	c := o.simpleCommit("v1")
	tag := o.store(&object.Tag{Name: "v1", Tagger: object.Signature{Name: "t", When: epoch},
		Message: "v1\n", TargetType: plumbing.CommitObject, Target: c})
	r := newTestRepos(t, Options{})
	got := push(t, r, pushBytes([]update{{"refs/heads/main", plumbing.ZeroHash, c}, {"refs/tags/v1", plumbing.ZeroHash, tag}},
		"report-status", o.pack(o.all()...)))
	require.Equal(t, []string{"unpack ok", "ok refs/heads/main", "ok refs/tags/v1"}, got.report)

	var out bytes.Buffer
	require.NoError(t, r.UploadPack(context.Background(), Session{App: app}, strings.NewReader("0000"), &out))
	assert.Contains(t, out.String(), tag.String()+" refs/tags/v1\n")
	assert.Contains(t, out.String(), c.String()+" refs/tags/v1^{}\n")
}

func TestUploadPackEmptyRepo(t *testing.T) {
	r := newTestRepos(t, Options{})
	var out bytes.Buffer
	require.NoError(t, r.UploadPack(context.Background(), Session{App: app}, strings.NewReader("0000"), &out))
	assert.Equal(t, "0000", out.String())
}
