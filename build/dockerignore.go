package build

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
)

// ignoreFile is the file whose patterns leave paths out of the context.
const ignoreFile = ".dockerignore"

// maxIgnoreFile bounds what we read of .dockerignore: it is user input.
const maxIgnoreFile = 1 << 20

// ignorePattern is one .dockerignore line, compiled.
type ignorePattern struct {
	text      string // the cleaned pattern, without "!"
	exception bool   // a "!" line: brings matching paths back
	re        *regexp.Regexp
}

// ignorer applies .dockerignore the way the Docker CLI does (its
// moby/patternmatcher, which is not in our module graph): the last pattern
// that matches a path or one of its parent directories decides.
type ignorer struct {
	patterns   []ignorePattern
	exceptions bool
}

// readIgnorer reads .dockerignore from the tree; a missing file ignores
// nothing.
func readIgnorer(fsys fs.FS) (*ignorer, error) {
	data, err := fs.ReadFile(fsys, ignoreFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &ignorer{}, nil
	case err != nil:
		return nil, ErrBadDockerignore.With("read .dockerignore: "+err.Error(), err)
	case len(data) > maxIgnoreFile:
		return nil, ErrBadDockerignore.With(".dockerignore is larger than 1 MiB", nil)
	}
	return parseIgnore(data)
}

// parseIgnore follows Docker's reading rules: "#" starts a comment line,
// surrounding space is trimmed, patterns are cleaned and a leading "/" is
// dropped (patterns are always relative to the context root).
func parseIgnore(data []byte) (*ignorer, error) {
	ig := &ignorer{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxIgnoreFile)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		p, err := compileIgnoreLine(strings.TrimSpace(line))
		if err != nil {
			return nil, ErrBadDockerignore.With(fmt.Sprintf(".dockerignore line %d: %v", n, err), err)
		}
		if p == nil {
			continue
		}
		ig.patterns = append(ig.patterns, *p)
		ig.exceptions = ig.exceptions || p.exception
	}
	if err := sc.Err(); err != nil {
		return nil, ErrBadDockerignore.With("read .dockerignore: "+err.Error(), err)
	}
	return ig, nil
}

// compileIgnoreLine returns nil for a line that holds no pattern.
func compileIgnoreLine(line string) (*ignorePattern, error) {
	if line == "" {
		return nil, nil
	}
	p := ignorePattern{}
	if line[0] == '!' {
		p.exception = true
		line = strings.TrimSpace(line[1:])
		if line == "" {
			return nil, fmt.Errorf(`illegal exclusion pattern: "!"`)
		}
	}
	line = path.Clean(line)
	if len(line) > 1 && line[0] == '/' {
		line = strings.TrimLeft(line, "/")
	}
	if _, err := path.Match(line, "."); err != nil {
		return nil, fmt.Errorf("pattern %q: %w", line, err)
	}
	re, err := regexp.Compile(patternRegexp(line))
	if err != nil {
		return nil, fmt.Errorf("pattern %q: %w", line, err)
	}
	p.text, p.re = line, re
	return &p, nil
}

// patternRegexp translates a pattern as patternmatcher does: "*" and "?"
// stop at "/", "**" spans directories (a trailing "**" matches anything),
// "\" escapes the next character and [...] is a character class.
func patternRegexp(p string) string {
	var b strings.Builder
	b.WriteString("^")
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		switch c := rs[i]; {
		case c == '*' && i+1 < len(rs) && rs[i+1] == '*':
			i++
			if i+1 < len(rs) && rs[i+1] == '/' {
				i++ // "**/" is "**"
			}
			if i+1 == len(rs) {
				b.WriteString(".*")
			} else {
				b.WriteString("(.*/)?")
			}
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		case c == '\\' && i+1 < len(rs):
			i++
			b.WriteString(regexp.QuoteMeta(string(rs[i])))
		case c == '\\':
			b.WriteString(`\\`)
		case c == '[' || c == ']':
			b.WriteRune(c)
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return b.String()
}

// ignored reports whether rel (slash-separated, relative to the root) is
// left out: the last pattern matching rel or a parent directory decides.
func (ig *ignorer) ignored(rel string) bool {
	parents := strings.Split(path.Dir(rel), "/")
	ignored := false
	for _, p := range ig.patterns {
		// Only a pattern that can change the verdict needs evaluating.
		if p.exception != ignored {
			continue
		}
		if p.matchesOrParent(rel, parents) {
			ignored = !p.exception
		}
	}
	return ignored
}

func (p *ignorePattern) matchesOrParent(rel string, parents []string) bool {
	if p.re.MatchString(rel) {
		return true
	}
	if len(parents) == 1 && parents[0] == "." {
		return false
	}
	for i := range parents {
		if p.re.MatchString(strings.Join(parents[:i+1], "/")) {
			return true
		}
	}
	return false
}

// descend reports whether an ignored directory must still be walked
// because an exception pattern names something under it. Like the Docker
// CLI, only exceptions that spell the directory out count: "!dir/keep"
// rescues dir/keep, "!**/keep" does not reach into ignored directories.
func (ig *ignorer) descend(dir string) bool {
	if !ig.exceptions {
		return false
	}
	for _, p := range ig.patterns {
		if p.exception && strings.HasPrefix(p.text+"/", dir+"/") {
			return true
		}
	}
	return false
}
