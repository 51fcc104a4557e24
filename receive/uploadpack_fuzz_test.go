package receive

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/botrunner/botrunner/hint"
)

// FuzzUploadPackRequest: whatever a client sends, in protocol v0 or v2,
// upload-pack ends with nothing or one of its own errors (no panic, no
// internal error), reading no more than its budgets allow.
func FuzzUploadPackRequest(f *testing.F) {
	s := newSeeded(f, Options{Limits: Limits{MaxRequestBytes: 4096}})
	c1 := s.c1.String()
	for _, seed := range []string{
		"0000",
		pkts("want "+c1+" multi_ack_detailed no-done side-band-64k ofs-delta\n", "", "have "+c1+"\n", "", "done\n"),
		pkts("want "+c1+" shallow\n", "deepen 1\n", "", "done\n"),
		pkts("want "+c1+"\n", "deepen-since 1\n", "deepen-not main\n", "", "done\n"),
		pkts("want "+hashA+"\n", ""),
		pkts("shallow "+c1+"\n", "deepen-relative\n", ""),
		pkts("command=ls-refs\n", "agent=git/2\n") + "0001" + pkts("peel\n", "symrefs\n", "ref-prefix refs/heads/\n", "unborn\n", ""),
		pkts("command=fetch\n") + "0001" + pkts("want "+c1+"\n", "have "+c1+"\n", "thin-pack\n", "deepen 1\n", "done\n", ""),
		pkts("command=fetch\n") + "0001" + pkts("want "+c1+"\n", "have "+hashA+"\n", ""),
		pkts("command=frobnicate\n", ""),
	} {
		f.Add([]byte(seed), strings.HasPrefix(seed, "0012command") || strings.Contains(seed, "command="))
	}
	f.Fuzz(func(t *testing.T, in []byte, v2 bool) {
		proto := ""
		if v2 {
			proto = "version=2"
		}
		var out bytes.Buffer
		err := s.r.UploadPack(context.Background(), Session{App: app, Protocol: proto}, bytes.NewReader(in), &out)
		if err != nil && hint.Of(err) == nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("internal error for a client's bytes: %v", err)
		}
	})
}
