package integration

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// rawpush HOST APP KIND [NAME]: pushes to APP's main a pack made by hand, of
// the kind an attacker or an unusual client would send, through the real
// ssh client, and prints the server's report (side-band decoded) to stdout.
// Kinds: countbomb (header claims 2^32-1 objects), zlibbomb (1 GiB of
// zeros, about 1 MiB on the wire), bigzeros (100 MiB of zeros, under the
// limit: taken, in little memory), liar (a 10-byte blob declaring 2^40
// bytes), junk (a good pack with junk after its trailer), tree NAME (a
// commit whose tree holds an entry NAME; "\u200c"-style escapes allowed),
// unsorted (a tree out of git's order), keepopen (a good pack after which
// the client keeps its side open, as libgit2, JGit and dulwich do).
func cmdRawpush(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 3 || neg {
		ts.Fatalf("usage: rawpush host app kind [name]")
	}
	cmd := exec.Command("ssh", "-F", ts.Getenv("SSHCONFIG"), args[0], "git-receive-pack "+args[1])
	cmd.Env = scriptEnv(ts)
	stdin, err := cmd.StdinPipe()
	ts.Check(err)
	stdout, err := cmd.StdoutPipe()
	ts.Check(err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	ts.Check(cmd.Start())
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	out := bufio.NewReader(stdout)
	old := advertisedMain(ts, out)
	pack, tip := hostilePack(ts, args[2], args[3:])
	req := pktLine(fmt.Sprintf("%s %s refs/heads/main\x00report-status side-band-64k\n", old, tip)) + "0000"
	go func() {
		_, _ = io.WriteString(stdin, req)
		_, _ = stdin.Write(pack)
		if args[2] != "keepopen" {
			_ = stdin.Close()
		}
	}()
	report := make(chan string, 1)
	go func() { report <- readReport(out) }()
	select {
	case r := <-report:
		fmt.Fprint(ts.Stdout(), r)
		fmt.Fprint(ts.Stderr(), stderr.String())
	case <-time.After(2 * time.Minute):
		ts.Fatalf("no report from gitd within 2 minutes (it waits for the client to close its side?)")
	}
}

// advertisedMain reads the ref advertisement and returns main's id (zeros
// when there is none).
func advertisedMain(ts *testscript.TestScript, r *bufio.Reader) string {
	main := strings.Repeat("0", 40)
	for {
		line, err := readPkt(r)
		ts.Check(err)
		if line == nil {
			return main
		}
		f := strings.Fields(strings.SplitN(string(line), "\x00", 2)[0])
		if len(f) == 2 && f[1] == "refs/heads/main" {
			main = f[0]
		}
	}
}

// readReport reads side-band packets until the server ends: band 1 (the
// report's pkt-lines) and band 2 (progress and errors), one line each.
func readReport(r *bufio.Reader) string {
	var b strings.Builder
	for {
		line, err := readPkt(r)
		if err != nil {
			return b.String()
		}
		if len(line) == 0 {
			continue
		}
		switch line[0] {
		case 1:
			inner := bufio.NewReader(bytes.NewReader(line[1:]))
			for {
				l, err := readPkt(inner)
				if err != nil {
					break
				}
				if l != nil {
					fmt.Fprintf(&b, "report: %s\n", strings.TrimSuffix(string(l), "\n"))
				}
			}
		case 2, 3:
			fmt.Fprintf(&b, "remote: %s", line[1:])
		}
	}
}

func readPkt(r *bufio.Reader) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n, err := strconv.ParseUint(string(hdr[:]), 16, 16)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, nil
	}
	buf := make([]byte, n-4)
	_, err = io.ReadFull(r, buf)
	return buf, err
}

func pktLine(s string) string { return fmt.Sprintf("%04x%s", len(s)+4, s) }

// hostilePack returns a pack of the given kind and the commit (or object)
// the push points main at.
func hostilePack(ts *testscript.TestScript, kind string, rest []string) ([]byte, string) {
	blob := gitObject("blob", []byte("x\n"))
	switch kind {
	case "countbomb":
		p := packBytes(0xffffffff, blob.entry())
		return p, blob.id
	case "zlibbomb":
		return packBytes(1, zerosEntry(1<<30)), blob.id
	case "bigzeros":
		z := gitObjectID("blob", 100<<20, nil)
		tree := gitObject("tree", treeEntry("100644", "zeros", z))
		c := commitOf(tree.id)
		return packBytes(3, zerosEntry(100<<20), tree.entry(), c.entry()), c.id
	case "liar":
		e := append(typeSize(3, 1<<40), deflate([]byte("0123456789"))...)
		return packBytes(1, e), blob.id
	case "junk":
		tree := gitObject("tree", treeEntry("100644", "ok.txt", blob.id))
		c := commitOf(tree.id)
		return append(packBytes(3, blob.entry(), tree.entry(), c.entry()), "junk after the trailer"...), c.id
	case "keepopen":
		tree := gitObject("tree", treeEntry("100644", "ok.txt", blob.id))
		c := commitOf(tree.id)
		return packBytes(3, blob.entry(), tree.entry(), c.entry()), c.id
	case "tree":
		if len(rest) != 1 {
			ts.Fatalf("usage: rawpush host app tree NAME")
		}
		name, err := strconv.Unquote(`"` + rest[0] + `"`)
		ts.Check(err)
		tree := gitObject("tree", treeEntry("100644", name, blob.id))
		c := commitOf(tree.id)
		return packBytes(3, blob.entry(), tree.entry(), c.entry()), c.id
	case "unsorted":
		data := append(treeEntry("100644", "b.txt", blob.id), treeEntry("100644", "a.txt", blob.id)...)
		tree := gitObject("tree", data)
		c := commitOf(tree.id)
		return packBytes(3, blob.entry(), tree.entry(), c.entry()), c.id
	}
	ts.Fatalf("unknown rawpush kind %q", kind)
	return nil, ""
}

type rawObject struct {
	typ  string
	data []byte
	id   string
}

var typeCodes = map[string]byte{"commit": 1, "tree": 2, "blob": 3, "tag": 4}

func gitObject(typ string, data []byte) rawObject {
	return rawObject{typ, data, gitObjectID(typ, int64(len(data)), data)}
}

func gitObjectID(typ string, size int64, data []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "%s %d\x00", typ, size)
	if data == nil { // size zeros
		zero := make([]byte, 1<<20)
		for n := size; n > 0; n -= int64(len(zero)) {
			h.Write(zero[:min(n, int64(len(zero)))])
		}
	} else {
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (o rawObject) entry() []byte {
	return append(typeSize(typeCodes[o.typ], int64(len(o.data))), deflate(o.data)...)
}

func commitOf(tree string) rawObject {
	return gitObject("commit", []byte("tree "+tree+"\nauthor A <a@example.invalid> 1700000000 +0000\n"+
		"committer A <a@example.invalid> 1700000000 +0000\n\nhand-made\n"))
}

func treeEntry(mode, name, id string) []byte {
	raw, _ := hex.DecodeString(id)
	return append([]byte(mode+" "+name+"\x00"), raw...)
}

// zerosEntry is a blob of n zero bytes, deflated as it streams.
func zerosEntry(n int64) []byte {
	var b bytes.Buffer
	b.Write(typeSize(3, n))
	w, _ := zlib.NewWriterLevel(&b, zlib.BestSpeed)
	zero := make([]byte, 1<<20)
	for left := n; left > 0; left -= int64(len(zero)) {
		_, _ = w.Write(zero[:min(left, int64(len(zero)))])
	}
	_ = w.Close()
	return b.Bytes()
}

func typeSize(t byte, n int64) []byte {
	b := []byte{t<<4 | byte(n&15)}
	for n >>= 4; n > 0; n >>= 7 {
		b[len(b)-1] |= 0x80
		b = append(b, byte(n&0x7f))
	}
	return b
}

func deflate(p []byte) []byte {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	_, _ = w.Write(p)
	_ = w.Close()
	return b.Bytes()
}

func packBytes(count uint32, entries ...[]byte) []byte {
	var b bytes.Buffer
	b.WriteString("PACK")
	_ = binary.Write(&b, binary.BigEndian, uint32(2))
	_ = binary.Write(&b, binary.BigEndian, count)
	for _, e := range entries {
		b.Write(e)
	}
	sum := sha1.Sum(b.Bytes())
	return append(b.Bytes(), sum[:]...)
}

// gitdcheck alive|peak-rss MAX_MIB|no-leaked-files: checks the story's
// running gitd from outside, through /proc: that it still runs; that its
// peak resident memory (VmHWM) stayed at most MAX_MIB; that it holds no
// file that was deleted (a temp pack of a refused push) and nothing under
// its repos' quarantines.
func cmdGitdcheck(ts *testscript.TestScript, neg bool, args []string) {
	p, _ := ts.Value(gitdKey).(*gitdProc)
	if len(args) < 1 || neg || p == nil || p.cmd == nil {
		ts.Fatalf("usage: gitdcheck alive|peak-rss MAX_MIB|no-leaked-files (with gitd running)")
	}
	pid := p.cmd.Process.Pid
	select {
	case <-p.done:
		ts.Fatalf("gitd is not running any more (it died)")
	default:
	}
	switch args[0] {
	case "alive":
	case "peak-rss":
		want, err := strconv.Atoi(args[1])
		ts.Check(err)
		hwm := procStatusKiB(ts, pid, "VmHWM")
		fmt.Fprintf(ts.Stdout(), "gitd peak RSS %d MiB\n", hwm>>10)
		if hwm>>10 > want {
			ts.Fatalf("gitd's peak RSS was %d MiB, more than %d MiB", hwm>>10, want)
		}
	case "no-leaked-files":
		// Sessions end a moment after the client sees its report: give the
		// server up to 10 s to close what it should.
		var leaked []string
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			if leaked = leakedFiles(pid); len(leaked) == 0 || time.Now().After(deadline) {
				break
			}
		}
		if len(leaked) > 0 {
			ts.Fatalf("gitd holds files it should have closed: %v", leaked)
		}
	default:
		ts.Fatalf("unknown gitdcheck %q", args[0])
	}
}

func procStatusKiB(ts *testscript.TestScript, pid int, key string) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	ts.Check(err)
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, key+":"); ok {
			n, err := strconv.Atoi(strings.Fields(v)[0])
			ts.Check(err)
			return n
		}
	}
	ts.Fatalf("no %s in /proc/%d/status", key, pid)
	return 0
}

func leakedFiles(pid int) []string {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	ents, _ := os.ReadDir(dir)
	var out []string
	for _, e := range ents {
		t, err := os.Readlink(filepath.Join(dir, e.Name()))
		if err == nil && (strings.HasSuffix(t, "(deleted)") || strings.Contains(t, "quarantine-") || strings.Contains(t, "tmp_pack")) {
			out = append(out, t)
		}
	}
	return out
}
