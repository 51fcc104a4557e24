package cli

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// treeFile is one file of the commit botctl makes in memory.
type treeFile struct {
	Path string            // slash-separated, relative to the tree's root
	Mode filemode.FileMode // Regular, Executable or Symlink
	Data []byte            // the content; a symlink's target
}

// snapshot is the tree of a one-shot deploy, sorted by path.
type snapshot struct {
	Files []treeFile
	Notes []string // what botctl did on the user's behalf, printed before the push
}

// size is the sum of the files' sizes, for the "pushing ..." line.
func (s *snapshot) size() int64 {
	var n int64
	for _, f := range s.Files {
		n += int64(len(f.Data))
	}
	return n
}

// has reports whether the tree holds a file at p.
func (s *snapshot) has(p string) bool { return s.find(p) >= 0 }

func (s *snapshot) find(p string) int {
	for i, f := range s.Files {
		if f.Path == p {
			return i
		}
	}
	return -1
}

// simpleSnapshot reads the files named on the command line (relative to
// dir), each at its relative path: `--simple bot.py lib/util.py`.
func simpleSnapshot(dir string, names []string) (*snapshot, error) {
	if len(names) == 0 {
		return nil, usageError("start", "--simple needs at least one file: botctl start APP --simple bot.py [more.py...]")
	}
	s := &snapshot{}
	for _, name := range names {
		rel, err := cleanRelPath(name)
		if err != nil {
			return nil, err
		}
		if s.has(rel) {
			continue // named twice (bot.py ./bot.py): one file
		}
		f, err := readListedFile(filepath.Join(dir, filepath.FromSlash(rel)), name, rel)
		if err != nil {
			return nil, err
		}
		s.Files = append(s.Files, f)
	}
	s.sort()
	return s, nil
}

// cleanRelPath turns a listed file into its path in the tree. Absolute
// paths and ".." would put the file somewhere else than where the user
// sees it, and ".git" is refused by the server anyway.
func cleanRelPath(name string) (string, error) {
	slashed := filepath.ToSlash(name)
	if filepath.IsAbs(name) || strings.HasPrefix(slashed, "/") {
		return "", ErrBadFile.With(fmt.Sprintf("%s is an absolute path", name), nil)
	}
	rel := path.Clean(slashed)
	for _, part := range strings.Split(slashed, "/") {
		if part == ".." {
			return "", ErrBadFile.With(fmt.Sprintf("%s leaves the current directory", name), nil)
		}
	}
	if rel == "." {
		return "", ErrBadFile.With(fmt.Sprintf("%s is a directory", name), nil)
	}
	for _, part := range strings.Split(rel, "/") {
		if strings.EqualFold(part, ".git") {
			return "", ErrBadFile.With(fmt.Sprintf("%s is inside .git", name), nil)
		}
	}
	return rel, nil
}

// readListedFile reads a file named on the command line. A symlink is
// followed (the user named the file, they mean its content); anything but
// a regular file in the end is refused.
func readListedFile(full, name, rel string) (treeFile, error) {
	fi, err := os.Stat(full)
	if err != nil {
		return treeFile{}, ErrBadFile.With(fmt.Sprintf("cannot read %s: %v", name, unwrapPathErr(err)), err)
	}
	if fi.IsDir() {
		return treeFile{}, ErrBadFile.With(fmt.Sprintf("%s is a directory (use --custom %s to deploy a directory)", name, name), nil)
	}
	if !fi.Mode().IsRegular() {
		return treeFile{}, ErrBadFile.With(fmt.Sprintf("%s is not a regular file", name), nil)
	}
	data, err := os.ReadFile(full)
	if err != nil {
		return treeFile{}, ErrBadFile.With(fmt.Sprintf("cannot read %s: %v", name, unwrapPathErr(err)), err)
	}
	return treeFile{Path: rel, Mode: modeOf(fi.Mode()), Data: data}, nil
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// modeOf keeps the one permission bit git keeps: executable or not.
func modeOf(m fs.FileMode) filemode.FileMode {
	if m&0o111 != 0 {
		return filemode.Executable
	}
	return filemode.Regular
}

// customSnapshot reads a whole directory as git would commit it: no .git,
// no paths its .gitignore files ignore, exec bits and symlinks kept.
// Symlinks that point outside the directory and special files (devices,
// sockets, pipes) are refused: the server would refuse the former, and the
// latter have no git form.
func customSnapshot(root string) (*snapshot, error) {
	root, err := customRoot(root)
	if err != nil {
		return nil, err
	}
	patterns, err := gitignore.ReadPatterns(osfs.New(root), nil)
	if err != nil {
		return nil, fmt.Errorf("read .gitignore files in %s: %w", root, err)
	}
	w := &treeWalk{root: root, ignored: gitignore.NewMatcher(patterns), s: &snapshot{}}
	if err := filepath.WalkDir(root, w.visit); err != nil {
		return nil, err
	}
	w.s.sort()
	return w.s, nil
}

// customRoot checks that --custom names a directory and resolves it:
// WalkDir does not follow a root that is itself a symlink.
func customRoot(root string) (string, error) {
	fi, err := os.Stat(root)
	if err != nil {
		return "", ErrBadFile.With(fmt.Sprintf("cannot read --custom %s: %v", root, unwrapPathErr(err)), err)
	}
	if !fi.IsDir() {
		return "", ErrBadFile.With(fmt.Sprintf("--custom %s is not a directory (use --simple for files)", root), nil)
	}
	resolved, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", root, err)
	}
	return resolved, nil
}

// treeWalk collects a --custom directory's files.
type treeWalk struct {
	root    string
	ignored gitignore.Matcher
	s       *snapshot
}

func (w *treeWalk) visit(full string, d fs.DirEntry, err error) error {
	if err != nil {
		return ErrBadFile.With(fmt.Sprintf("cannot read %s: %v", full, unwrapPathErr(err)), err)
	}
	if full == w.root {
		return nil
	}
	rel, _ := filepath.Rel(w.root, full)
	rel = filepath.ToSlash(rel)
	if d.Name() == ".git" || w.ignored.Match(strings.Split(rel, "/"), d.IsDir()) {
		if d.IsDir() {
			return filepath.SkipDir
		}
		return nil
	}
	if d.IsDir() {
		return nil
	}
	f, err := readTreeEntry(full, rel, d)
	if err == nil {
		w.s.Files = append(w.s.Files, f)
	}
	return err
}

// readTreeEntry reads one non-directory entry of a --custom tree.
func readTreeEntry(full, rel string, d fs.DirEntry) (treeFile, error) {
	switch t := d.Type(); {
	case t&fs.ModeSymlink != 0:
		target, err := os.Readlink(full)
		if err != nil {
			return treeFile{}, ErrBadFile.With(fmt.Sprintf("cannot read link %s: %v", rel, unwrapPathErr(err)), err)
		}
		if !linkStaysInside(rel, target) {
			return treeFile{}, ErrBadLink.With(fmt.Sprintf("symlink %s -> %s points outside the directory", rel, target), nil)
		}
		return treeFile{Path: rel, Mode: filemode.Symlink, Data: []byte(target)}, nil
	case t.IsRegular():
		fi, err := d.Info()
		if err != nil {
			return treeFile{}, ErrBadFile.With(fmt.Sprintf("cannot read %s: %v", rel, unwrapPathErr(err)), err)
		}
		data, err := os.ReadFile(full)
		if err != nil {
			return treeFile{}, ErrBadFile.With(fmt.Sprintf("cannot read %s: %v", rel, unwrapPathErr(err)), err)
		}
		return treeFile{Path: rel, Mode: modeOf(fi.Mode()), Data: data}, nil
	default:
		return treeFile{}, ErrBadFile.With(fmt.Sprintf("%s is a special file (%s); git stores only files, dirs and symlinks", rel, t.Type()), nil)
	}
}

// linkStaysInside reports whether a symlink at rel (slash path) with the
// given target resolves, lexically, to a path inside the tree: the check
// the server makes before it checks a tree out.
func linkStaysInside(rel, target string) bool {
	t := filepath.ToSlash(target)
	if t == "" || strings.HasPrefix(t, "/") || filepath.IsAbs(target) {
		return false
	}
	resolved := path.Clean(path.Join(path.Dir(rel), t))
	return resolved != ".." && !strings.HasPrefix(resolved, "../")
}

func (s *snapshot) sort() {
	sort.Slice(s.Files, func(i, j int) bool { return s.Files[i].Path < s.Files[j].Path })
}
