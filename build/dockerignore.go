package build

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// ignoreFile is the file whose patterns leave paths out of the context.
const ignoreFile = ".dockerignore"

// maxIgnoreFile bounds what we read of .dockerignore: it is user input.
const maxIgnoreFile = 1 << 20

// ignorer applies .dockerignore with the Docker CLI's own code: its file
// reader (ignorefile: comments, trimming, cleaning, a leading "/" dropped)
// and its matcher (patternmatcher: the last pattern that matches a path or
// one of its parent directories decides). A nil pm ignores nothing.
type ignorer struct {
	mu sync.Mutex // patternmatcher compiles patterns lazily and is not safe for concurrent use
	pm *patternmatcher.PatternMatcher
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

// parseIgnore reads the patterns as the Docker CLI does and checks each
// one now, so that a bad pattern is the user's error before the build
// rather than a failed match in the middle of it.
func parseIgnore(data []byte) (*ignorer, error) {
	patterns, err := ignorefile.ReadAll(bytes.NewReader(data))
	if err != nil {
		return nil, ErrBadDockerignore.With("read .dockerignore: "+err.Error(), err)
	}
	for _, p := range patterns {
		if err := checkPattern(p); err != nil {
			return nil, ErrBadDockerignore.With(fmt.Sprintf(".dockerignore pattern %q: %v", p, err), err)
		}
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return nil, ErrBadDockerignore.With(".dockerignore: "+err.Error(), err)
	}
	return &ignorer{pm: pm}, nil
}

// checkPattern compiles one pattern by matching it once: patternmatcher
// checks only the glob syntax in New and builds its regexp on first use.
func checkPattern(p string) error {
	pm, err := patternmatcher.New([]string{strings.TrimPrefix(p, "!")})
	if err != nil {
		return err
	}
	_, err = pm.MatchesOrParentMatches("x")
	return err
}

// ignored reports whether rel (slash-separated, relative to the root) is
// left out. Every pattern compiled in parseIgnore, so a match cannot fail;
// if one did, the path is left out: sending less is the safe side.
func (ig *ignorer) ignored(rel string) bool {
	if ig.pm == nil {
		return false
	}
	ig.mu.Lock()
	defer ig.mu.Unlock()
	ok, err := ig.pm.MatchesOrParentMatches(rel)
	return err != nil || ok
}

// descend reports whether an ignored directory must still be walked
// because an exception pattern names something under it. Like the Docker
// CLI, only exceptions that spell the directory out count: "!dir/keep"
// rescues dir/keep, "!**/keep" does not reach into ignored directories.
func (ig *ignorer) descend(dir string) bool {
	if ig.pm == nil || !ig.pm.Exclusions() {
		return false
	}
	for _, p := range ig.pm.Patterns() {
		if p.Exclusion() && strings.HasPrefix(p.String()+"/", dir+"/") {
			return true
		}
	}
	return false
}
