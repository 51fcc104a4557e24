package receive

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

const (
	// maxEmptyRounds bounds flushes without a have: git never sends one,
	// and uncounted they would keep the loop going for ever.
	maxEmptyRounds = 16
	// negotiationRounds times the request budget bounds all haves of one
	// fetch: 16 MiB of budget is 2.6 million haves.
	negotiationRounds = 8
	// maxReadyWalk bounds the commits one "can we give up" check visits;
	// there is at most one check a round.
	maxReadyWalk = 200000
)

// negotiator answers haves as git's upload-pack does: with
// multi_ack_detailed it says "ACK <id> common" for each common commit and
// "ACK <id> ready" once every want reaches a common commit; without
// multi_ack only the first common commit gets an ACK.
type negotiator struct {
	st       storer.EncodedObjectStorer
	pw       pktWriter
	multiAck int // 0 none, 1 multi_ack, 2 multi_ack_detailed
	noDone   bool
	waitDone bool // v2 wait-for-done: no "ready", the client says done
	wants    []plumbing.Hash

	common    []plumbing.Hash
	isCommon  map[plumbing.Hash]bool
	reached   map[plumbing.Hash]bool // wants known to reach a common commit
	readyFor  int                    // len(common) when ready was last worked out
	ready     bool
	fresh     bool // ready was worked out in this round: at most once a round
	sentReady bool
}

func newNegotiator(st storer.EncodedObjectStorer, out io.Writer, f *fetchRequest) *negotiator {
	n := &negotiator{st: st, pw: pktWriter{out}, wants: f.wants, noDone: f.caps["no-done"], waitDone: f.caps["wait-for-done"],
		isCommon: map[plumbing.Hash]bool{}, reached: map[plumbing.Hash]bool{}, readyFor: -1}
	switch {
	case f.caps["multi_ack_detailed"]:
		n.multiAck = 2
	case f.caps["multi_ack"]:
		n.multiAck = 1
	}
	return n
}

// run reads have rounds until done (or, with no-done, until the client is
// told the server is ready) and returns the common commits.
func (n *negotiator) run(pr *pktReader) ([]plumbing.Hash, error) {
	round, total, empty, haves := pr.budget, pr.budget*negotiationRounds, 0, 0
	var gotCommon, gotOther bool
	for {
		line, err := pr.next()
		if errors.Is(err, errFlush) {
			if haves == 0 {
				if empty++; empty > maxEmptyRounds {
					return nil, fmt.Errorf("protocol error: flush without haves: %w", ErrBadFetch)
				}
			}
			if total -= round - pr.budget; total < 0 {
				return nil, fmt.Errorf("negotiation too long: %w", ErrBadFetch)
			}
			pr.budget, haves = round, 0
			done, err := n.flush(gotCommon, gotOther)
			if done || err != nil {
				return n.common, err
			}
			gotCommon, gotOther, n.fresh = false, false, false
			continue
		}
		if err != nil {
			return nil, err
		}
		s := string(line)
		if s == "done" {
			return n.common, n.done()
		}
		hex, ok := strings.CutPrefix(s, "have ")
		h, valid := parseHash(hex)
		if !ok || !valid {
			return nil, fmt.Errorf("protocol error: expected SHA1 list, got %q: %w", clip(s), ErrBadFetch)
		}
		haves++
		common, err := n.have(h)
		if err != nil {
			return nil, err
		}
		gotCommon, gotOther = gotCommon || common, gotOther || !common
	}
}

// have answers one have line; it reports whether the object is common.
func (n *negotiator) have(h plumbing.Hash) (bool, error) {
	if n.st.HasEncodedObject(h) != nil {
		if n.multiAck > 0 && n.okToGiveUp() {
			return false, n.ack(h, map[int]string{1: " continue", 2: " ready"}[n.multiAck])
		}
		return false, nil
	}
	if !n.isCommon[h] {
		n.isCommon[h] = true
		n.common = append(n.common, h)
	}
	switch {
	case n.multiAck == 2:
		return true, n.ack(h, " common")
	case n.multiAck == 1:
		return true, n.ack(h, " continue")
	case len(n.common) == 1:
		return true, n.ack(h, "")
	}
	return true, nil
}

func (n *negotiator) ack(h plumbing.Hash, what string) error {
	if what == " ready" {
		n.sentReady = true
	}
	return n.pw.line("ACK %s%s\n", h, what)
}

// flush answers the end of a round; it reports whether negotiation ends
// (no-done after ready).
func (n *negotiator) flush(gotCommon, gotOther bool) (bool, error) {
	last := n.last()
	if n.multiAck == 2 && gotCommon && !gotOther && n.okToGiveUp() {
		if err := n.ack(last, " ready"); err != nil {
			return false, err
		}
	}
	if len(n.common) == 0 || n.multiAck > 0 {
		if err := n.pw.line("NAK\n"); err != nil {
			return false, err
		}
	}
	if n.noDone && n.sentReady {
		return true, n.pw.line("ACK %s\n", last)
	}
	return false, nil
}

func (n *negotiator) done() error {
	if len(n.common) == 0 {
		return n.pw.line("NAK\n")
	}
	if n.multiAck > 0 {
		return n.pw.line("ACK %s\n", n.last())
	}
	return nil
}

func (n *negotiator) last() plumbing.Hash {
	if len(n.common) == 0 {
		return plumbing.ZeroHash
	}
	return n.common[len(n.common)-1]
}

// okToGiveUp says whether every want reaches a common commit, walking no
// older than the oldest common commit, as git's ok_to_give_up does.
func (n *negotiator) okToGiveUp() bool {
	if len(n.common) == 0 {
		return false
	}
	if n.readyFor == len(n.common) || n.fresh {
		return n.ready
	}
	n.readyFor, n.fresh = len(n.common), true
	cutoff := n.cutoff()
	budget := maxReadyWalk
	n.ready = true
	for _, w := range n.wants {
		if !n.reached[w] && !n.reaches(w, cutoff, &budget) {
			n.ready = false
			return false
		}
		n.reached[w] = true
	}
	return true
}

func (n *negotiator) cutoff() time.Time {
	var oldest time.Time
	for _, h := range n.common {
		if c, err := object.GetCommit(n.st, h); err == nil && (oldest.IsZero() || c.Committer.When.Before(oldest)) {
			oldest = c.Committer.When
		}
	}
	return oldest.Add(-24 * time.Hour) // clock skew slack, as git's
}

// reaches walks from want to a common commit, spending budget (shared by
// all wants of one check) on each commit it visits.
func (n *negotiator) reaches(want plumbing.Hash, cutoff time.Time, budget *int) bool {
	seen := map[plumbing.Hash]bool{}
	stack := []plumbing.Hash{want}
	for len(stack) > 0 && *budget > 0 {
		*budget--
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[h] {
			continue
		}
		seen[h] = true
		if n.isCommon[h] {
			return true
		}
		c, err := object.GetCommit(n.st, h)
		if err != nil || c.Committer.When.Before(cutoff) {
			continue
		}
		stack = append(stack, c.ParentHashes...)
	}
	return false
}
