package receive

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadRequest(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		lim       Limits
		wantErr   error // nil: success
		cmds      []Command
		caps      []string
		opts      []string
		needsPack bool
	}{
		{
			name: "single command with caps",
			in:   pkts(cmdLine(zero, hashA, "refs/heads/main", "report-status", "side-band-64k", "agent=git/2.39.5"), ""),
			cmds: []Command{{Name: "refs/heads/main", New: plumbing.NewHash(hashA)}},
			caps: []string{"report-status", "side-band-64k", "agent"}, needsPack: true,
		},
		{
			name: "several commands",
			in: pkts(cmdLine(hashA, hashB, "refs/heads/main", "atomic"),
				cmdLine(zero, hashA, "refs/tags/v1"), cmdLine(hashB, zero, "refs/heads/old"), ""),
			cmds: []Command{
				{Name: "refs/heads/main", Old: plumbing.NewHash(hashA), New: plumbing.NewHash(hashB)},
				{Name: "refs/tags/v1", New: plumbing.NewHash(hashA)},
				{Name: "refs/heads/old", Old: plumbing.NewHash(hashB)},
			},
			caps: []string{"atomic"}, needsPack: true,
		},
		{
			name: "push options",
			in:   pkts(cmdLine(zero, hashA, "refs/heads/main", "push-options"), "", "foo", "ci.skip=1\n", ""),
			cmds: []Command{{Name: "refs/heads/main", New: plumbing.NewHash(hashA)}},
			caps: []string{"push-options"}, opts: []string{"foo", "ci.skip=1"}, needsPack: true,
		},
		{
			name: "options are not read without the capability",
			in:   pkts(cmdLine(zero, hashA, "refs/heads/main"), "") + "garbage that is the pack",
			cmds: []Command{{Name: "refs/heads/main", New: plumbing.NewHash(hashA)}}, needsPack: true,
		},
		{
			name: "delete only",
			in:   pkts(cmdLine(hashA, zero, "refs/heads/gone", "delete-refs"), ""),
			cmds: []Command{{Name: "refs/heads/gone", Old: plumbing.NewHash(hashA)}},
			caps: []string{"delete-refs"},
		},
		{name: "lone flush", in: "0000"},
		{name: "lone flush with push-options cap unused", in: "00000000"},
		{name: "shallow", in: pkts("shallow "+hashA+"\n", cmdLine(zero, hashB, "refs/heads/main"), ""), wantErr: ErrBadRequest},
		{name: "bad hash", in: pkts(cmdLine(zero, "xyz", "refs/heads/main"), ""), wantErr: ErrBadRequest},
		{name: "short hash", in: pkts(cmdLine(zero, hashA[:39], "refs/heads/main"), ""), wantErr: ErrBadRequest},
		{name: "uppercase hash", in: pkts(cmdLine(zero, strings.ToUpper(hashA), "refs/heads/main"), ""), wantErr: ErrBadRequest},
		{name: "both zero", in: pkts(cmdLine(zero, zero, "refs/heads/main"), ""), wantErr: ErrBadRequest},
		{name: "missing ref name", in: pkts(zero+" "+hashA+"\n", ""), wantErr: ErrBadRequest},
		{name: "empty line", in: pkts("\n", ""), wantErr: ErrBadRequest},
		{name: "bad ref name", in: pkts(cmdLine(zero, hashA, "refs/heads/../../config"), ""), wantErr: ErrBadRefName},
		{name: "ref outside heads and tags", in: pkts(cmdLine(zero, hashA, "refs/notes/x"), ""), wantErr: ErrBadRefName},
		{name: "pkt length zzzz", in: "zzzz" + cmdLine(zero, hashA, "refs/heads/main"), wantErr: ErrBadRequest},
		{name: "pkt length below 4", in: "0003", wantErr: ErrBadRequest},
		{name: "pkt length too big", in: "fff1", wantErr: ErrBadRequest},
		{name: "truncated header", in: "00", wantErr: io.ErrUnexpectedEOF},
		{name: "truncated payload", in: pkt(cmdLine(zero, hashA, "refs/heads/main"))[:30], wantErr: io.ErrUnexpectedEOF},
		{name: "no flush", in: pkts(cmdLine(zero, hashA, "refs/heads/main")), wantErr: io.ErrUnexpectedEOF},
		{name: "empty input", in: "", wantErr: io.ErrUnexpectedEOF},
		{
			name:    "truncated options",
			in:      pkts(cmdLine(zero, hashA, "refs/heads/main", "push-options"), "", "foo"),
			wantErr: io.ErrUnexpectedEOF,
		},
		{
			name:      "two commands",
			in:        pkts(cmdLine(zero, hashA, "refs/heads/a"), cmdLine(zero, hashA, "refs/heads/b"), ""),
			lim:       Limits{MaxRequestBytes: 1 << 20},
			cmds:      []Command{{Name: "refs/heads/a", New: plumbing.NewHash(hashA)}, {Name: "refs/heads/b", New: plumbing.NewHash(hashA)}},
			needsPack: true,
		},
		{
			name:    "over MaxRequestBytes",
			in:      pkts(cmdLine(zero, hashA, "refs/heads/a"), ""),
			lim:     Limits{MaxRequestBytes: 50},
			wantErr: ErrBadRequest,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lim := tt.lim
			if lim == (Limits{}) {
				lim = defaultLimits
			}
			req, err := readRequest(readerOf(tt.in), lim)
			if tt.wantErr != nil {
				require.Error(t, err)
				assert.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.cmds, req.Commands)
			for _, c := range tt.caps {
				assert.True(t, req.has(c), "capability %s", c)
			}
			assert.Len(t, req.Caps, len(tt.caps))
			assert.Equal(t, tt.opts, req.Options)
			assert.Equal(t, tt.needsPack, req.needsPack())
		})
	}
}

// TestReadRequestLeavesThePack checks that nothing after the request is
// consumed: the pack follows on the same stream.
func TestReadRequestLeavesThePack(t *testing.T) {
	in := pkts(cmdLine(zero, hashA, "refs/heads/main", "push-options"), "", "o", "") + "PACK..."
	r := readerOf(in)
	_, err := readRequest(r, defaultLimits)
	require.NoError(t, err)
	rest, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, "PACK...", string(rest))
}

// TestReadRequestHuge feeds 10 MB of well-formed lines: the reader must give
// up as soon as the budget is spent, not read to the end.
func TestReadRequestHuge(t *testing.T) {
	const tenMB = 10 << 20
	line := pkt(cmdLine(zero, hashA, "refs/heads/"+strings.Repeat("x", 900)))
	option := pkt(strings.Repeat("o", maxPktPayload))
	tests := []struct {
		name string
		in   io.Reader
		lim  Limits
	}{
		{"commands under the byte budget", io.MultiReader(strings.NewReader(pkt(cmdLine(zero, hashA, "refs/heads/main", "push-options"))),
			newRepeatReader(line, tenMB)), Limits{MaxRequestBytes: 1 << 20}},
		{"push options", io.MultiReader(strings.NewReader(pkts(cmdLine(zero, hashA, "refs/heads/main", "push-options"), "")),
			newRepeatReader(option, tenMB)), Limits{MaxRequestBytes: 1 << 20}},
		{"one long line", strings.NewReader("fff0" + strings.Repeat("x", tenMB)), Limits{MaxRequestBytes: 4096}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cr := &countingReader{r: tt.in}
			_, err := readRequest(cr, tt.lim)
			require.ErrorIs(t, err, ErrBadRequest)
			assert.LessOrEqual(t, cr.n, int64(tt.lim.MaxRequestBytes+4), "bytes read")
		})
	}
}

// TestReadRequestFlushCounts: flushes count against the budget, so that a
// request that spent it exactly stops at the next header.
func TestReadRequestFlushCounts(t *testing.T) {
	first := pkt(cmdLine(zero, hashA, "refs/heads/main", "push-options"))
	r := readerOf(first + "0000" + pkt("an option") + "0000")
	lim := Limits{MaxRequestBytes: len(first)}
	_, err := readRequest(r, lim)
	require.ErrorIs(t, err, ErrBadRequest)
	assert.LessOrEqual(t, r.n, int64(lim.MaxRequestBytes+4))
}

func FuzzReadRequest(f *testing.F) {
	seeds := []string{
		pkts(cmdLine(zero, hashA, "refs/heads/main", "report-status", "side-band-64k"), ""),
		pkts(cmdLine(hashA, hashB, "refs/heads/main", "atomic"), cmdLine(zero, hashA, "refs/tags/v1"), ""),
		pkts(cmdLine(zero, hashA, "refs/heads/main", "push-options"), "", "foo", "bar", ""),
		pkts(cmdLine(hashA, zero, "refs/heads/gone", "delete-refs"), ""),
		"0000",
		pkts("shallow "+hashA+"\n", ""),
		pkts(cmdLine(zero, "xyz", "refs/heads/main"), ""),
		pkts(cmdLine(zero, strings.ToUpper(hashA), "refs/heads/main"), ""),
		pkts(zero+" "+hashA+"\n", ""),
		pkts(cmdLine(zero, hashA, "refs/heads/a..b"), ""),
		"zzzz",
		"0032" + zero,
		"0004",
		pkts(cmdLine(zero, hashA, "refs/heads/a"), cmdLine(zero, hashA, "refs/heads/b"), cmdLine(zero, hashA, "refs/heads/c"), ""),
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	// Small limits, so that the fuzzer reaches them.
	lim := Limits{MaxRequestBytes: 256}
	f.Fuzz(func(t *testing.T, in []byte) {
		cr := &countingReader{r: strings.NewReader(string(in))}
		req, err := readRequest(cr, lim)
		assert.LessOrEqual(t, cr.n, int64(lim.MaxRequestBytes+4), "bytes read")
		if err != nil {
			assert.True(t, errors.Is(err, ErrBadRequest) || errors.Is(err, ErrBadRefName) ||
				errors.Is(err, io.ErrUnexpectedEOF), "unexpected error kind: %v", err)
			return
		}
		for _, c := range req.Commands {
			assert.NoError(t, CheckRefName(c.Name.String()))
			assert.False(t, c.Old.IsZero() && c.New.IsZero())
		}
	})
}
