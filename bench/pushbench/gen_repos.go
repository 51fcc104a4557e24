package main

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// genSmall is a small bot: a dozen Python modules, locales, a README and a
// binary avatar, about 200 KB, in three commits.
func genSmall(dir string) error {
	t := newTexter(seedSmall)
	g := &gitRepo{dir: dir}
	files := smallFiles(t)
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

// smallFiles is the small bot's first commit.
func smallFiles(t *texter) map[string]string {
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
	return files
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
		size := int64(bigBytes) / int64(n)
		if i == n-1 {
			size = int64(bigBytes) - size*int64(n-1)
		}
		if err := writeRandom(name, src, buf, size); err != nil {
			return err
		}
	}
	readme := fmt.Sprintf("# big\n\n100 MiB of ChaCha8 output in %d file(s).\n", n)
	if err := writeFiles(dir, map[string]string{"README.md": readme}); err != nil {
		return err
	}
	return (&gitRepo{dir: dir}).commitAll("100 MiB of random data", 0)
}

// writeRandom writes size bytes of src into the file name, through buf.
func writeRandom(name string, src *rand.ChaCha8, buf []byte, size int64) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for left := size; left > 0; {
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
	return f.Close()
}

func writeFiles(dir string, files map[string]string) error {
	for name, body := range files {
		if err := writeFileAll(filepath.Join(dir, filepath.FromSlash(name)), []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}
