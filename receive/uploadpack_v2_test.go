package receive

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUploadPackSaysErrorsAsGit(t *testing.T) {
	s := newSeeded(t, Options{})
	var out bytes.Buffer
	err := s.r.UploadPack(context.Background(), Session{App: app}, strings.NewReader(pkts("want "+hashA+"\n", "")), &out)
	require.ErrorIs(t, err, ErrNotOurRef)
	assert.True(t, strings.HasSuffix(out.String(), pkt("ERR upload-pack: not our ref "+hashA)), out.String())

	out.Reset()
	err = s.r.UploadPack(context.Background(), Session{App: app}, strings.NewReader(pkts("want "+s.c1.String()+"\n")), &out)
	require.ErrorIs(t, err, ErrHungUp, "a client that hangs up mid-request is no server error")
}

func TestUploadPackV2(t *testing.T) {
	s := newSeeded(t, Options{})
	c1 := s.c1.String()
	v2 := Session{App: app, Protocol: "version=2"}
	run := func(in string) (string, error) {
		var out bytes.Buffer
		err := s.r.UploadPack(context.Background(), v2, strings.NewReader(in), &out)
		return out.String(), err
	}
	out, err := run(pkts("command=ls-refs\n", "object-format=sha1\n") + "0001" +
		pkts("symrefs\n", "peel\n", "ref-prefix refs/heads/\n", "ref-prefix HEAD\n", ""))
	require.NoError(t, err)
	adv, rest, _ := strings.Cut(out, "0000")
	assert.Contains(t, adv, pkt("version 2\n"))
	assert.Contains(t, adv, pkt("fetch=shallow\n"))
	assert.Equal(t, pkts(c1+" HEAD symref-target:refs/heads/main\n", c1+" refs/heads/main\n", ""), rest)

	out, err = run(pkts("command=fetch\n") + "0001" + pkts("want "+c1+"\n", "ofs-delta\n", "deepen 1\n", "done\n", ""))
	require.NoError(t, err)
	_, rest, _ = strings.Cut(out, "0000")
	require.True(t, strings.HasPrefix(rest, pkt("shallow-info\n")+"0001"+pkt("packfile\n")), rest)
	assert.Contains(t, rest, "PACK")

	out, err = run(pkts("command=fetch\n") + "0001" + pkts("want "+c1+"\n", "have "+c1+"\n", ""))
	require.NoError(t, err)
	_, rest, _ = strings.Cut(out, "0000")
	assert.True(t, strings.HasPrefix(rest, pkt("acknowledgments\n")+pkt("ACK "+c1+"\n")+pkt("ready\n")+"0001"+pkt("packfile\n")), rest)

	out, err = run(pkts("command=frobnicate\n", ""))
	require.ErrorIs(t, err, ErrBadFetch)
	assert.True(t, strings.HasSuffix(out, pkt("ERR invalid command 'frobnicate'")), out)
}

// TestUploadPackPlainSideBand: a client that takes only side-band gets
// packets of at most 1000 bytes.
func TestUploadPackPlainSideBand(t *testing.T) {
	s := newSeeded(t, Options{})
	var out bytes.Buffer
	req := pkts("want "+s.c1.String()+" side-band\n", "", "done\n")
	require.NoError(t, s.r.UploadPack(context.Background(), Session{App: app}, strings.NewReader(req), &out))
	_, rest, _ := strings.Cut(out.String(), "0000")
	rest = strings.TrimPrefix(rest, pkt("NAK\n"))
	packets := 0
	for len(rest) > 4 {
		n, err := strconv.ParseUint(rest[:4], 16, 16)
		require.NoError(t, err)
		if n == 0 {
			break
		}
		require.LessOrEqual(t, n, uint64(1000))
		rest = rest[n:]
		packets++
	}
	assert.Equal(t, "0000", rest, "the pack ends with a flush")
	assert.Greater(t, packets, 1)
}

// closedAfter is a session whose client hangs up after n bytes.
type closedAfter struct{ n int }

func (c *closedAfter) Write(p []byte) (int, error) {
	if c.n -= len(p); c.n < 0 {
		return 0, io.EOF
	}
	return len(p), nil
}

// TestUploadPackClientGoneMidPack: a client that hangs up while the pack
// goes out is the client's doing, not a server error.
func TestUploadPackClientGoneMidPack(t *testing.T) {
	s := newSeeded(t, Options{})
	req := pkts("want "+s.c1.String()+" side-band-64k\n", "", "done\n")
	var whole bytes.Buffer
	require.NoError(t, s.r.UploadPack(context.Background(), Session{App: app}, strings.NewReader(req), &whole))
	for _, n := range []int{10, whole.Len() - 30} { // in the advertisement, in the pack
		err := s.r.UploadPack(context.Background(), Session{App: app}, strings.NewReader(req), &closedAfter{n: n})
		require.ErrorIs(t, err, ErrHungUp, "hung up after %d bytes", n)
	}
}
