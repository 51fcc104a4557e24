package logstore

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

const buildsDir = "builds"

func buildPath(dir string, release int) string {
	return filepath.Join(dir, buildsDir, fmt.Sprintf("v%d.log", release))
}

// SaveBuild keeps the build log of a release (failed or not), replacing any
// earlier one of the same release, with the app's secret values redacted.
// Past MaxBuildLog bytes only the tail is kept, after a line that says how
// much was cut. Only the MaxBuildLogs highest releases are kept.
func (s *Store) SaveBuild(app string, release int, log []byte) error {
	if release < 1 {
		return fmt.Errorf("%w: %d", ErrBadRelease, release)
	}
	for {
		a, err := s.app(app)
		if err != nil {
			return err
		}
		secrets, err := s.forWrite(a, app, release)
		if err != nil {
			return err
		}
		kept := boundBuild(redactBytes(log, secrets), s.opts.MaxBuildLog)
		ok, err := a.saveBuild(release, kept, s.opts.MaxBuildLogs)
		if err != nil {
			return fmt.Errorf("save build log of %s v%d: %w", app, release, err)
		}
		if ok {
			return nil
		}
	}
}

// boundBuild keeps at most max bytes of log: a marker line and the tail,
// starting at a line boundary when one is near.
func boundBuild(log []byte, max int) []byte {
	if len(log) <= max {
		return log
	}
	start := len(log) - (max - len(buildMarker(len(log))))
	if i := bytes.IndexByte(log[start:], '\n'); i >= 0 && i < (len(log)-start)/4 {
		start += i + 1
	}
	return append([]byte(buildMarker(start)), log[start:]...)
}

func buildMarker(n int) string { return fmt.Sprintf("… [%d bytes of build output cut]\n", n) }

// saveBuild writes the log atomically (a reader sees the old or the new
// one) and prunes old ones; false when the appLog is gone.
func (a *appLog) saveBuild(release int, log []byte, keep int) (bool, error) {
	a.bmu.Lock()
	defer a.bmu.Unlock()
	if a.gone.Load() {
		return false, nil
	}
	dir := filepath.Join(a.dir, buildsDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return true, err
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return true, err
	}
	_, err = tmp.Write(log)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), buildPath(a.dir, release))
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return true, err
	}
	return true, a.pruneBuilds(keep)
}

// pruneBuilds deletes all but the keep highest releases' logs.
func (a *appLog) pruneBuilds(keep int) error {
	rels, err := listBuilds(a.dir)
	if err != nil {
		return err
	}
	for len(rels) > keep {
		if err := os.Remove(buildPath(a.dir, rels[0])); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		rels = rels[1:]
	}
	return nil
}

// listBuilds returns the releases that have a build log, lowest first.
func listBuilds(dir string) ([]int, error) {
	entries, err := os.ReadDir(filepath.Join(dir, buildsDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var rels []int
	for _, e := range entries {
		name, ok := strings.CutSuffix(strings.TrimPrefix(e.Name(), "v"), ".log")
		if n, err := strconv.Atoi(name); ok && err == nil && n > 0 && strings.HasPrefix(e.Name(), "v") {
			rels = append(rels, n)
		}
	}
	slices.Sort(rels)
	return rels, nil
}

// Build returns the kept build log of a release, or ErrNotFound, with
// every secret value known now redacted.
func (s *Store) Build(app string, release int) ([]byte, error) {
	a, err := s.app(app)
	if err != nil {
		return nil, err
	}
	secrets, err := s.forRead(a, app)
	if err != nil {
		return nil, err
	}
	b, err := readBuild(a.dir, app, release)
	if err != nil {
		return nil, err
	}
	return redactBytes(b, secrets), nil
}

func redactBytes(b []byte, secrets []string) []byte {
	if len(secrets) == 0 {
		return b
	}
	return []byte(redactWith(string(b), secrets))
}

func readBuild(dir, app string, release int) ([]byte, error) {
	if release < 1 {
		return nil, buildNotFound(app, release)
	}
	b, err := os.ReadFile(buildPath(dir, release))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, buildNotFound(app, release)
	}
	if err != nil {
		return nil, fmt.Errorf("read build log of %s v%d: %w", app, release, err)
	}
	return b, nil
}

// LastBuild returns the build log of the app's highest release that has
// one (redacted as by Build), or ErrNotFound.
func (s *Store) LastBuild(app string) (int, []byte, error) {
	a, err := s.app(app)
	if err != nil {
		return 0, nil, err
	}
	secrets, err := s.forRead(a, app)
	if err != nil {
		return 0, nil, err
	}
	a.bmu.Lock() // not pruned between the listing and the read
	defer a.bmu.Unlock()
	rels, err := listBuilds(a.dir)
	if err != nil {
		return 0, nil, fmt.Errorf("list build logs of %s: %w", app, err)
	}
	if len(rels) == 0 {
		return 0, nil, buildNotFound(app, 0)
	}
	rel := rels[len(rels)-1]
	b, err := readBuild(a.dir, app, rel)
	if err != nil {
		return 0, nil, err
	}
	return rel, redactBytes(b, secrets), nil
}
