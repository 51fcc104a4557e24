package receive

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// maxWants bounds the wants (and client shallows) of one fetch.
const maxWants = 10000

// fetchRequest is what a client asks of upload-pack before negotiation:
// the same fields in protocol v0/v1 (want lines with capabilities) and v2
// (fetch command arguments).
type fetchRequest struct {
	wants     []plumbing.Hash
	caps      map[string]bool // v0 capabilities, v2 argument words
	shallows  []plumbing.Hash // the client's current shallow commits
	depth     int             // deepen <n>
	relative  bool            // deepen-relative
	since     time.Time       // deepen-since
	deepenNot []string        // deepen-not <ref>
}

// deepens says whether the client asked for a new shallow boundary.
func (f *fetchRequest) deepens() bool {
	return f.depth > 0 || !f.since.IsZero() || len(f.deepenNot) > 0
}

// errNotOurRef is a want the server did not advertise; git says it so.
func errNotOurRef(id string) error {
	return fmt.Errorf("%w %s", ErrNotOurRef, clip(id))
}

// parseFetchLine takes one want/shallow/deepen line (v0 or v2) into f;
// it reports false for a line that is none of these.
func (f *fetchRequest) parseFetchLine(line string, tips map[plumbing.Hash]bool) (bool, error) {
	word, arg, _ := strings.Cut(line, " ")
	switch word {
	case "want":
		hex, caps, _ := strings.Cut(arg, " ")
		h, ok := parseHash(hex)
		if !ok {
			return true, fmt.Errorf("protocol error: expected want <id>, got %q: %w", clip(line), ErrBadFetch)
		}
		if !tips[h] {
			return true, errNotOurRef(hex)
		}
		for _, c := range strings.Fields(caps) {
			f.caps[c] = true
		}
		f.wants = append(f.wants, h)
	case "shallow":
		h, ok := parseHash(arg)
		if !ok {
			return true, fmt.Errorf("invalid shallow line: %q: %w", clip(line), ErrBadFetch)
		}
		f.shallows = append(f.shallows, h)
	case "deepen":
		n, err := strconv.Atoi(arg)
		if err != nil || n <= 0 {
			return true, fmt.Errorf("invalid deepen: %q: %w", clip(line), ErrBadFetch)
		}
		f.depth = n
	case "deepen-since":
		n, err := strconv.ParseInt(arg, 10, 64)
		if err != nil {
			return true, fmt.Errorf("invalid deepen-since: %q: %w", clip(line), ErrBadFetch)
		}
		f.since = time.Unix(n, 0)
	case "deepen-not":
		if arg == "" || len(f.deepenNot) >= maxWants {
			return true, fmt.Errorf("invalid deepen-not: %q: %w", clip(line), ErrBadFetch)
		}
		f.deepenNot = append(f.deepenNot, arg)
	default:
		return false, nil
	}
	if len(f.wants)+len(f.shallows) > maxWants {
		return true, fmt.Errorf("too many wants or shallows: %w", ErrBadFetch)
	}
	return true, nil
}

// readWantsV0 reads the v0/v1 want section up to its flush.
func readWantsV0(pr *pktReader, tips map[plumbing.Hash]bool) (*fetchRequest, error) {
	f := &fetchRequest{caps: map[string]bool{}}
	for {
		line, err := pr.next()
		if errors.Is(err, errFlush) {
			return f, f.check()
		}
		if err != nil {
			return nil, err
		}
		ok, err := f.parseFetchLine(string(line), tips)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("protocol error: expected want, got %q: %w", clip(string(line)), ErrBadFetch)
		}
	}
}

// check refuses what git refuses in a whole request.
func (f *fetchRequest) check() error {
	if f.caps["deepen-relative"] {
		f.relative = true
	}
	if f.depth > 0 && (!f.since.IsZero() || len(f.deepenNot) > 0) {
		return fmt.Errorf("--deepen and --deepen-since (or --deepen-not) cannot be used together: %w", ErrBadFetch)
	}
	if f.relative && (!f.since.IsZero() || len(f.deepenNot) > 0) {
		return fmt.Errorf("deepen-relative with deepen-since or deepen-not: %w", ErrBadFetch)
	}
	return nil
}
