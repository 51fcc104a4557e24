package receive

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// Command is one ref update the client asked for. A zero New deletes the ref;
// a zero Old creates it.
type Command struct {
	Name plumbing.ReferenceName
	Old  plumbing.Hash
	New  plumbing.Hash
}

// IsDelete reports whether the command deletes its ref.
func (c Command) IsDelete() bool { return c.New.IsZero() }

// request is the decoded command section of a push.
type request struct {
	Commands []Command
	Caps     map[string]string
	Options  []string
}

func (r *request) has(capability string) bool {
	_, ok := r.Caps[capability]
	return ok
}

// needsPack reports whether a pack follows the commands: git sends none when
// every command is a delete.
func (r *request) needsPack() bool {
	for _, c := range r.Commands {
		if !c.IsDelete() {
			return true
		}
	}
	return false
}

// Limits bound what a client may send before the pack. Ref updates are
// bounded by their bytes, not their number: a mirror of 10,000s of refs is
// a real push (some 100 bytes a ref).
type Limits struct {
	MaxRequestBytes int // the whole command and option section
}

var defaultLimits = Limits{MaxRequestBytes: 16 << 20}

// readRequest decodes the command list, capabilities and push options. An
// empty list (a lone flush) is valid: the client had nothing to send.
func readRequest(r io.Reader, lim Limits) (*request, error) {
	pr := &pktReader{r: r, budget: lim.MaxRequestBytes}
	req := &request{Caps: map[string]string{}}
	for i := 0; ; i++ {
		line, err := pr.next()
		if errors.Is(err, errFlush) {
			break
		}
		if err != nil {
			return nil, err
		}
		if i == 0 {
			line = req.splitCaps(line)
		}
		c, err := parseCommand(line)
		if err != nil {
			return nil, err
		}
		req.Commands = append(req.Commands, c)
	}
	if len(req.Commands) > 0 && req.has(capPushOptions) {
		if err := req.readOptions(pr); err != nil {
			return nil, err
		}
	}
	return req, nil
}

func (r *request) splitCaps(line []byte) []byte {
	i := bytes.IndexByte(line, 0)
	if i < 0 {
		return line
	}
	for _, c := range strings.Fields(string(line[i+1:])) {
		k, v, _ := strings.Cut(c, "=")
		r.Caps[k] = v
	}
	return line[:i]
}

func (r *request) readOptions(pr *pktReader) error {
	for {
		line, err := pr.next()
		if errors.Is(err, errFlush) {
			return nil
		}
		if err != nil {
			return err
		}
		if len(r.Options) >= 100 {
			return fmt.Errorf("more than 100 push options: %w", ErrBadRequest)
		}
		r.Options = append(r.Options, string(line))
	}
}

func parseCommand(line []byte) (Command, error) {
	if bytes.HasPrefix(line, []byte("shallow ")) {
		return Command{}, fmt.Errorf("pushes from a shallow clone are not supported (run `git fetch --unshallow`): %w", ErrBadRequest)
	}
	f := strings.SplitN(string(line), " ", 3)
	if len(f) != 3 {
		return Command{}, fmt.Errorf("command %q: %w", clip(string(line)), ErrBadRequest)
	}
	old, okOld := parseHash(f[0])
	nu, okNew := parseHash(f[1])
	if !okOld || !okNew {
		return Command{}, fmt.Errorf("command %q: bad object id: %w", clip(string(line)), ErrBadRequest)
	}
	if old.IsZero() && nu.IsZero() {
		return Command{}, fmt.Errorf("command %q: nothing to do: %w", clip(f[2]), ErrBadRequest)
	}
	if err := CheckRefName(f[2]); err != nil {
		return Command{}, err
	}
	return Command{Name: plumbing.ReferenceName(f[2]), Old: old, New: nu}, nil
}

func parseHash(s string) (plumbing.Hash, bool) {
	if len(s) != 40 || strings.ToLower(s) != s || !plumbing.IsHash(s) {
		return plumbing.ZeroHash, false
	}
	return plumbing.NewHash(s), true
}
