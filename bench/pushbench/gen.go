package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The three repos a push benchmark pushes. Every byte and every commit comes
// from fixed seeds and fixed dates, so each run pushes the same objects (the
// head hashes are printed to show it).
const (
	seedSmall = 0x5eed0001
	seedMany  = 0x5eed0002
	seedBig   = 0x5eed0003

	manyFiles = 2000
	manyBytes = 9_000_000 // about 9 MB of text over the 2,000 files
	bigBytes  = 100 << 20 // 100 MiB of ChaCha8 output
)

// repoNames is the order repos are generated, pushed and printed in.
var repoNames = []string{"small", "many", "big"}

func genMain(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	out := fs.String("out", "", "directory to create the repos in (must not exist or be empty)")
	bigFiles := fs.Int("big-files", 1, "split the 100 MiB of random data into this many files")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("gen: -out is required")
	}
	if *bigFiles < 1 || *bigFiles > 100 {
		return fmt.Errorf("gen: -big-files must be 1..100")
	}
	gens := map[string]func(string) error{
		"small": genSmall,
		"many":  genMany,
		"big":   func(dir string) error { return genBig(dir, *bigFiles) },
	}
	for _, name := range repoNames {
		start := time.Now()
		dir := filepath.Join(*out, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		g := &gitRepo{dir: dir}
		if err := g.run("init", "-q", "-b", "main"); err != nil {
			return err
		}
		if err := g.run("config", "gc.auto", "0"); err != nil {
			return err
		}
		if err := gens[name](dir); err != nil {
			return fmt.Errorf("gen %s: %w", name, err)
		}
		// Pack the source once, so every push reuses the stored deltas and
		// compressed data: the client's cost is then the same small part of
		// every push, and the servers' work is what differs.
		if err := g.run("repack", "-adq"); err != nil {
			return err
		}
		info, err := describe(dir)
		if err != nil {
			return err
		}
		fmt.Printf("  %-5s %s  (generated in %.1fs)\n", name, info, time.Since(start).Seconds())
	}
	return nil
}

// repoInfo is what the report says about a source repo.
type repoInfo struct {
	Files     int
	TreeBytes int64
	Objects   int
	PackBytes int64
	Head      string
	BigFiles  int
}

func (i repoInfo) String() string {
	return fmt.Sprintf("%5d files %9s in tree, %5d objects, pack %9s, head %s",
		i.Files, mib(i.TreeBytes), i.Objects, mib(i.PackBytes), i.Head[:12])
}

func mib(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// describe reads a generated repo back: files and bytes in HEAD's tree,
// objects and bytes in its pack, head commit.
func describe(dir string) (repoInfo, error) {
	g := &gitRepo{dir: dir}
	var info repoInfo
	head, err := g.output("rev-parse", "HEAD")
	if err != nil {
		return info, err
	}
	info.Head = strings.TrimSpace(head)
	tree, err := g.output("ls-tree", "-r", "-l", "HEAD")
	if err != nil {
		return info, err
	}
	for _, line := range strings.Split(strings.TrimSpace(tree), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		n, _ := strconv.ParseInt(f[3], 10, 64)
		info.Files++
		info.TreeBytes += n
		if n >= 1<<20 {
			info.BigFiles++
		}
	}
	counts, err := g.output("count-objects", "-v")
	if err != nil {
		return info, err
	}
	for _, line := range strings.Split(counts, "\n") {
		k, v, _ := strings.Cut(line, ": ")
		n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		switch k {
		case "in-pack":
			info.Objects = int(n)
		case "size-pack":
			info.PackBytes = n << 10
		}
	}
	return info, nil
}

// genSmall is a small bot: a dozen Python modules, locales, a README and a
// binary avatar, about 200 KB, in three commits.
func genSmall(dir string) error {
	t := newTexter(seedSmall)
	g := &gitRepo{dir: dir}
	files := map[string]string{
		"bot.py":           t.code(28_000),
		"config.py":        t.code(3_000),
		"requirements.txt": "python-telegram-bot==21.6\nhttpx==0.27.2\npydantic==2.9.2\n",
		"Procfile":         "worker: python bot.py\n",
		".gitignore":       "__pycache__/\n*.pyc\n.env\n",
		"README.md":        t.prose(6_000),
		"locales/en.json":  t.json(9_000),
		"locales/de.json":  t.json(9_000),
	}
	for i := 0; i < 12; i++ {
		files[fmt.Sprintf("handlers/%s_%02d.py", t.word(), i)] = t.code(8_000)
	}
	avatar := make([]byte, 40_000)
	for i := range avatar {
		avatar[i] = byte(t.rng.Uint32())
	}
	files["assets/avatar.png"] = string(avatar)
	if err := writeFiles(dir, files); err != nil {
		return err
	}
	if err := g.commitAll("Initial bot", 0); err != nil {
		return err
	}
	// Two more commits, so the push carries some history and some deltas.
	if err := writeFiles(dir, map[string]string{
		"bot.py":          files["bot.py"] + t.code(2_000),
		"locales/en.json": t.json(9_500),
	}); err != nil {
		return err
	}
	if err := g.commitAll("Add commands", 1); err != nil {
		return err
	}
	if err := writeFiles(dir, map[string]string{
		"handlers/admin.py": t.code(6_000),
		"README.md":         files["README.md"] + t.prose(1_000),
	}); err != nil {
		return err
	}
	return g.commitAll("Admin handler", 2)
}

// genMany is 2,000 text files of 1.5–7.5 KB (about 9 MB) in 40 directories,
// one commit.
func genMany(dir string) error {
	t := newTexter(seedMany)
	per := manyBytes / manyFiles
	files := make(map[string]string, manyFiles)
	for i := 0; i < manyFiles; i++ {
		size := per/3 + t.rng.IntN(per*4/3)
		var body string
		switch i % 4 {
		case 0, 1:
			body = t.code(size)
		case 2:
			body = t.prose(size)
		default:
			body = t.json(size)
		}
		ext := [...]string{".py", ".py", ".md", ".json"}[i%4]
		files[fmt.Sprintf("pkg/mod%02d/%s_%04d%s", i%40, t.word(), i, ext)] = body
	}
	if err := writeFiles(dir, files); err != nil {
		return err
	}
	return (&gitRepo{dir: dir}).commitAll("2000 files", 0)
}

// genBig is 100 MiB of seeded ChaCha8 output (incompressible, no deltas) in
// n files under data/, plus a README, one commit.
func genBig(dir string, n int) error {
	var seed [32]byte
	copy(seed[:], strconv.Itoa(seedBig))
	src := rand.NewChaCha8(seed)
	buf := make([]byte, 1<<20)
	for i := 0; i < n; i++ {
		name := filepath.Join(dir, "data", fmt.Sprintf("random-%02d.bin", i))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		f, err := os.Create(name)
		if err != nil {
			return err
		}
		w := bufio.NewWriterSize(f, 1<<20)
		left := int64(bigBytes) / int64(n)
		if i == n-1 {
			left = int64(bigBytes) - left*int64(n-1)
		}
		for left > 0 {
			k := int64(len(buf))
			if k > left {
				k = left
			}
			src.Read(buf[:k])
			if _, err := w.Write(buf[:k]); err != nil {
				f.Close()
				return err
			}
			left -= k
		}
		if err := w.Flush(); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	readme := fmt.Sprintf("# big\n\n100 MiB of ChaCha8 output in %d file(s).\n", n)
	if err := writeFiles(dir, map[string]string{"README.md": readme}); err != nil {
		return err
	}
	return (&gitRepo{dir: dir}).commitAll("100 MiB of random data", 0)
}

func writeFiles(dir string, files map[string]string) error {
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// texter writes plausible text from a seeded vocabulary, with word
// frequencies following a Zipf law, so it compresses and deltas roughly like
// real source and prose.
type texter struct {
	rng   *rand.Rand
	zipf  *rand.Zipf
	words []string
}

func newTexter(seed uint64) *texter {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	t := &texter{rng: rng, zipf: rand.NewZipf(rng, 1.2, 2, 1999)}
	seen := map[string]bool{}
	for len(t.words) < 2000 {
		n := 2 + rng.IntN(9)
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('a' + rng.IntN(26))
		}
		if w := string(b); !seen[w] {
			seen[w] = true
			t.words = append(t.words, w)
		}
	}
	return t
}

func (t *texter) word() string { return t.words[t.zipf.Uint64()] }

func (t *texter) phrase(n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = t.word()
	}
	return strings.Join(ws, " ")
}

func (t *texter) code(size int) string {
	var b strings.Builder
	for b.Len() < size {
		w := t.word
		switch t.rng.IntN(10) {
		case 0:
			fmt.Fprintf(&b, "\ndef %s_%s(%s, %s):\n", w(), w(), w(), w())
		case 1, 2:
			fmt.Fprintf(&b, "    %s = %s.%s(%s, %s=%d)\n", w(), w(), w(), w(), w(), t.rng.IntN(1000))
		case 3:
			fmt.Fprintf(&b, "    if %s is not None and %s > %d:\n", w(), w(), t.rng.IntN(100))
		case 4:
			fmt.Fprintf(&b, "        return %s_%s\n", w(), w())
		case 5:
			fmt.Fprintf(&b, "    # %s\n", t.phrase(4+t.rng.IntN(8)))
		case 6:
			fmt.Fprintf(&b, "    await %s.%s(\"%s\")\n", w(), w(), t.phrase(2+t.rng.IntN(6)))
		case 7:
			fmt.Fprintf(&b, "    for %s in %s.%s:\n", w(), w(), w())
		default:
			fmt.Fprintf(&b, "        %s.append(%s[%d])\n", w(), w(), t.rng.IntN(10))
		}
	}
	return b.String()
}

func (t *texter) prose(size int) string {
	var b strings.Builder
	for b.Len() < size {
		if t.rng.IntN(8) == 0 {
			fmt.Fprintf(&b, "\n## %s\n\n", t.phrase(2+t.rng.IntN(3)))
		}
		s := t.phrase(6 + t.rng.IntN(14))
		fmt.Fprintf(&b, "%s%s. ", strings.ToUpper(s[:1]), s[1:])
		if t.rng.IntN(4) == 0 {
			b.WriteString("\n")
		}
	}
	return b.String() + "\n"
}

func (t *texter) json(size int) string {
	var b strings.Builder
	b.WriteString("{\n")
	for b.Len() < size {
		fmt.Fprintf(&b, "  \"%s_%s\": \"%s\",\n", t.word(), t.word(), t.phrase(3+t.rng.IntN(9)))
	}
	b.WriteString("  \"_\": \"\"\n}\n")
	return b.String()
}

// gitRepo runs git in one work tree with a fixed identity and no user or
// system config, so the objects are the same on every machine.
type gitRepo struct{ dir string }

func (g *gitRepo) cmd(date int, args ...string) *exec.Cmd {
	c := exec.Command("git", args...)
	c.Dir = g.dir
	when := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC).Add(time.Duration(date) * time.Hour).Format(time.RFC3339)
	c.Env = append(gitEnv(),
		"GIT_AUTHOR_NAME=bench", "GIT_AUTHOR_EMAIL=bench@example.invalid", "GIT_AUTHOR_DATE="+when,
		"GIT_COMMITTER_NAME=bench", "GIT_COMMITTER_EMAIL=bench@example.invalid", "GIT_COMMITTER_DATE="+when)
	return c
}

// gitEnv is the environment of every git the benchmark runs as a client.
func gitEnv() []string {
	return append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "LC_ALL=C")
}

func (g *gitRepo) run(args ...string) error {
	if out, err := g.cmd(0, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return nil
}

func (g *gitRepo) output(args ...string) (string, error) {
	c := g.cmd(0, args...)
	c.Stderr = os.Stderr
	out, err := c.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %v", strings.Join(args, " "), err)
	}
	return string(out), nil
}

func (g *gitRepo) commitAll(msg string, date int) error {
	if out, err := g.cmd(date, "add", "-A").CombinedOutput(); err != nil {
		return fmt.Errorf("git add: %v: %s", err, out)
	}
	if out, err := g.cmd(date, "commit", "-q", "-m", msg).CombinedOutput(); err != nil {
		return fmt.Errorf("git commit: %v: %s", err, out)
	}
	return nil
}
