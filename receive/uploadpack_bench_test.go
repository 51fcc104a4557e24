package receive

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/testsupport/testenv/ci"
)

// The fetch benchmarks serve the shapes of make bench's fetch part in
// process, without SSH: go test ./receive -run '^$' -bench UploadPack
// -cpuprofile cpu.out shows where upload-pack's CPU goes.

// BenchmarkUploadPackMirror is a v2 mirror clone of 3,500 refs: a linear
// history of 1,000 commits with 500 branches and 3,000 tags (half
// annotated) on it; ls-refs with peel, then a fetch of every ref.
func BenchmarkUploadPackMirror(b *testing.B) {
	g := benchRepo(b, func(w io.Writer) {
		for i := 1; i <= 1000; i++ {
			fmt.Fprintf(w, "commit refs/heads/main\nmark :%d\ncommitter b <b@example.invalid> %d +0000\n", i, 1704110400+i*60)
			benchData(w, fmt.Sprintf("change %d\n", i))
			if i > 1 {
				fmt.Fprintf(w, "from :%d\n", i-1)
			}
			fmt.Fprintf(w, "M 100644 inline src/mod_%02d.py\n", i%50)
			benchData(w, strings.Repeat(fmt.Sprintf("line %d of change %d\n", i%13, i), 80))
		}
		for k := 1; k < 500; k++ {
			fmt.Fprintf(w, "reset refs/heads/feature/%03d\nfrom :%d\n\n", k, 1+(k*2)%1000)
		}
		for k := 0; k < 3000; k++ {
			at := 1 + (k*7)%1000
			if k%2 == 0 {
				fmt.Fprintf(w, "reset refs/tags/light-%04d\nfrom :%d\n\n", k, at)
				continue
			}
			fmt.Fprintf(w, "tag annot-%04d\nfrom :%d\ntagger b <b@example.invalid> %d +0000\n", k, at, 1704110400+at*60)
			benchData(w, fmt.Sprintf("release %d\n", k))
		}
	})
	benchFetchV2(b, g)
}

// BenchmarkUploadPackMany is a v2 bare clone of one commit of 2,000 text
// files in 40 directories.
func BenchmarkUploadPackMany(b *testing.B) {
	g := benchRepo(b, func(w io.Writer) {
		fmt.Fprintf(w, "commit refs/heads/main\ncommitter b <b@example.invalid> 1704110400 +0000\n")
		benchData(w, "2000 files\n")
		for i := range 2000 {
			fmt.Fprintf(w, "M 100644 inline dir%02d/file%04d.txt\n", i%40, i)
			benchData(w, strings.Repeat(fmt.Sprintf("file %d says %x\n", i, i*7919), 150+i%300))
		}
	})
	benchFetchV2(b, g)
}

func benchData(w io.Writer, s string) { fmt.Fprintf(w, "data %d\n%s\n", len(s), s) }

// benchRepo fills the app's repository with git fast-import and repacks
// it with deltas, as a push leaves it.
func benchRepo(b *testing.B, stream func(io.Writer)) *gitServer {
	ci.NeedTools(b, "git")
	g := newGitServer(b)
	dir := g.repoDir()
	cmd := exec.Command("git", "-C", dir, "fast-import", "--quiet")
	in, err := cmd.StdinPipe()
	require.NoError(b, err)
	require.NoError(b, cmd.Start())
	w := bufio.NewWriter(in)
	stream(w)
	require.NoError(b, w.Flush())
	require.NoError(b, in.Close())
	require.NoError(b, cmd.Wait())
	out, err := exec.Command("git", "-C", dir, "repack", "-adq", "--no-write-bitmap-index").CombinedOutput()
	require.NoError(b, err, "%s", out)
	return g
}

// benchFetchV2 runs ls-refs and a fetch of every advertised value, as
// `git clone --mirror` does with protocol v2.
func benchFetchV2(b *testing.B, g *gitServer) {
	refs := strings.Fields(g.git(g.repoDir(), "for-each-ref", "--format=%(objectname)"))
	req := pkts("command=ls-refs\n", "object-format=sha1\n") + "0001" + pkts("peel\n", "symrefs\n", "unborn\n", "")
	args := []string{"command=fetch\n", "object-format=sha1\n"}
	seen := map[string]bool{}
	wants := []string{"thin-pack\n", "no-progress\n", "include-tag\n", "ofs-delta\n"}
	for _, h := range refs {
		if !seen[h] {
			seen[h] = true
			wants = append(wants, "want "+h+"\n")
		}
	}
	req += pkts(args...) + "0001" + pkts(append(wants, "done\n", "")...)
	v2 := Session{App: app, Protocol: "version=2"}
	b.ResetTimer()
	for range b.N {
		n := &countingWriter{}
		require.NoError(b, g.repos.UploadPack(context.Background(), v2, strings.NewReader(req), n))
		b.SetBytes(n.n)
	}
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }
