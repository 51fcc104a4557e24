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
	"sync"
	"sync/atomic"
)

const segExt = ".jsonl"

// segment is one log file of an app; its name is its sequence number.
type segment struct {
	seq  uint64
	size int64
}

func segPath(dir string, seq uint64) string {
	return filepath.Join(dir, fmt.Sprintf("%016d%s", seq, segExt))
}

// appLog is one app's runtime log: the segment list (oldest first, the last
// one active), the open active file and the followers.
type appLog struct {
	dir    string
	segMax int64

	mu        sync.Mutex
	segs      []segment
	total     int64
	f         *os.File // the active segment, opened on the first Append
	followers map[*follower]struct{}

	gone   atomic.Bool // set by Delete or Close: callers holding this appLog fetch a new one
	bmu    sync.Mutex  // serialises build-log writes of the app
	redact redactSet   // the secret values kept out of the files
}

// loadApp lists the app's segments and cuts a torn last line off the newest.
func loadApp(dir string, segMax int64) (*appLog, error) {
	a := &appLog{dir: dir, segMax: segMax, followers: map[*follower]struct{}{}}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return a, nil
	}
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		seq, err := strconv.ParseUint(strings.TrimSuffix(e.Name(), segExt), 10, 64)
		if err != nil || !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), segExt) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return nil, err
		}
		a.segs = append(a.segs, segment{seq: seq, size: info.Size()})
	}
	slices.SortFunc(a.segs, func(x, y segment) int { return cmpSeq(x.seq, y.seq) })
	if n := len(a.segs); n > 0 {
		if a.segs[n-1].size, err = repairTail(segPath(dir, a.segs[n-1].seq)); err != nil {
			return nil, err
		}
	}
	for _, s := range a.segs {
		a.total += s.size
	}
	return a, nil
}

func cmpSeq(x, y uint64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// repairTail truncates a segment after its last newline (a write torn by a
// crash) and returns its size.
func repairTail(path string) (int64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	keep := bytes.LastIndexByte(data, '\n') + 1
	if keep == len(data) {
		return int64(keep), nil
	}
	return int64(keep), os.Truncate(path, int64(keep))
}

// append writes one encoded line and hands l to the followers. It returns
// false when the appLog is gone (deleted or closed) and nothing was written.
func (a *appLog) append(rec []byte, l Line, capBytes int64) (bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.gone.Load() {
		return false, nil
	}
	n := int64(len(rec))
	if err := a.makeRoom(n, capBytes); err != nil {
		return true, err
	}
	if err := a.openActive(); err != nil {
		return true, err
	}
	last := &a.segs[len(a.segs)-1]
	if _, err := a.f.Write(rec); err != nil {
		_ = a.f.Truncate(last.size) // never leave half a line to glue the next one to
		return true, fmt.Errorf("write log: %w", err)
	}
	last.size += n
	a.total += n
	for f := range a.followers {
		f.push(l)
	}
	return true, nil
}

// makeRoom rotates the active segment when n more bytes would take it past
// segMax, then deletes the oldest segments until n more bytes fit the cap.
func (a *appLog) makeRoom(n, capBytes int64) error {
	if len(a.segs) == 0 || a.segs[len(a.segs)-1].size+n > a.segMax {
		if err := a.closeActive(); err != nil {
			return err
		}
		seq := uint64(1)
		if len(a.segs) > 0 {
			seq = a.segs[len(a.segs)-1].seq + 1
		}
		a.segs = append(a.segs, segment{seq: seq})
	}
	for a.total+n > capBytes && len(a.segs) > 1 {
		old := a.segs[0]
		if err := os.Remove(segPath(a.dir, old.seq)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("drop old log: %w", err)
		}
		a.total -= old.size
		a.segs = a.segs[1:]
	}
	return nil
}

func (a *appLog) openActive() error {
	if a.f != nil {
		return nil
	}
	if err := os.MkdirAll(a.dir, 0o700); err != nil {
		return fmt.Errorf("open log: %w", err)
	}
	f, err := os.OpenFile(segPath(a.dir, a.segs[len(a.segs)-1].seq), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open log: %w", err)
	}
	a.f = f
	return nil
}

func (a *appLog) closeActive() error {
	if a.f == nil {
		return nil
	}
	err := a.f.Close()
	a.f = nil
	return err
}

// snapshot returns the segments as they are now (a reader reads each up to
// its size then, so it never sees a half-written line) and, if f is not nil,
// subscribes f in the same moment, so that it misses and repeats no line.
func (a *appLog) snapshot(f *follower) []segment {
	a.mu.Lock()
	defer a.mu.Unlock()
	if f != nil {
		if a.gone.Load() {
			close(f.done)
		} else {
			a.followers[f] = struct{}{}
		}
	}
	return slices.Clone(a.segs)
}

func (a *appLog) unsubscribe(f *follower) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.followers, f)
}

// shut marks the appLog gone, closes its file and ends its followers.
func (a *appLog) shut() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.gone.Store(true)
	for f := range a.followers {
		close(f.done)
	}
	a.followers = nil
	return a.closeActive()
}
