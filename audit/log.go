package audit

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Entry is one audited action.
type Entry struct {
	Time   time.Time `json:"time"`
	Actor  string    `json:"actor,omitempty"` // the user, "deploy key for APP", or "" (a refused key)
	Remote string    `json:"remote,omitempty"`
	Action string    `json:"action"` // the command ("config:set"), "push", "deploy" or "auth:refused"
	App    string    `json:"app,omitempty"`
	Args   []string  `json:"args,omitempty"` // what was named: users, versions, config var names — no values
	OK     bool      `json:"ok"`
	Detail string    `json:"detail,omitempty"`
}

const fileName = "audit.log"

// Log appends entries to dir/audit.log; past max bytes the file becomes
// audit.log.1 (the older ones shift up, keep of them are kept).
type Log struct {
	mu   sync.Mutex
	dir  string
	max  int64
	keep int
	f    *os.File
	size int64

	refused map[string]time.Time // remote host → when its last refused key was written
}

// Open opens (making it if needed) the log in dir.
func Open(dir string, max int64, keep int) (*Log, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	l := &Log{dir: dir, max: max, keep: keep}
	return l, l.open()
}

func (l *Log) open() error {
	f, err := os.OpenFile(filepath.Join(l.dir, fileName), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("audit log: %w", err)
	}
	l.f, l.size = f, fi.Size()
	return nil
}

// Write appends e as one line, rotating first when it would pass max.
func (l *Log) Write(e Entry) error {
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return errors.New("audit log: closed")
	}
	if l.size > 0 && l.size+int64(len(b)) > l.max {
		if err := l.rotate(); err != nil {
			return err
		}
	}
	n, err := l.f.Write(b)
	l.size += int64(n)
	return err
}

// rotate shifts audit.log.N-1 to .N (dropping the last) and starts anew.
func (l *Log) rotate() error {
	l.f.Close()
	base := filepath.Join(l.dir, fileName)
	_ = os.Remove(fmt.Sprintf("%s.%d", base, l.keep))
	for i := l.keep - 1; i >= 1; i-- {
		_ = os.Rename(fmt.Sprintf("%s.%d", base, i), fmt.Sprintf("%s.%d", base, i+1))
	}
	if l.keep > 0 {
		if err := os.Rename(base, base+".1"); err != nil {
			return fmt.Errorf("audit log: %w", err)
		}
	} else {
		_ = os.Remove(base)
	}
	return l.open()
}

// Close closes the file; later writes fail.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// maxRead is the most entries one Read returns: "all" (n <= 0) means the
// newest maxRead, so that a reader's memory stays bounded whatever the
// files hold.
const maxRead = 100_000

// Read returns the last n entries (the last maxRead when n <= 0) that
// match, oldest first, from the rotated files and the current one. The
// files are opened under the lock and read without it: a reader never
// holds up the writers (every push and command writes an entry), and a
// rotation meanwhile renames files it already holds open.
func (l *Log) Read(match func(Entry) bool, n int) ([]Entry, error) {
	if n <= 0 || n > maxRead {
		n = maxRead
	}
	files, err := l.openAll()
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	var out []Entry
	for _, f := range files {
		if out, err = readFile(f, match, out, n); err != nil {
			return nil, err
		}
	}
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return out, nil
}

// openAll opens the rotated files, oldest first, and the current one.
func (l *Log) openAll() ([]*os.File, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	base := filepath.Join(l.dir, fileName)
	var files []*os.File
	for i := l.keep; i >= 0; i-- {
		path := base
		if i > 0 {
			path = fmt.Sprintf("%s.%d", base, i)
		}
		f, err := os.Open(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			for _, f := range files {
				f.Close()
			}
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// readFile appends f's matching entries to out, keeping only the newest n
// (trimmed in batches, so memory stays within 2n entries).
func readFile(f *os.File, match func(Entry) bool, out []Entry, n int) ([]Entry, error) {
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var e Entry
		if json.Unmarshal(sc.Bytes(), &e) == nil && (match == nil || match(e)) {
			out = append(out, e)
			if len(out) >= 2*n {
				out = append(out[:0], out[len(out)-n:]...)
			}
		}
	}
	return out, sc.Err()
}
