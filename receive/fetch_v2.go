package receive

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// fetchArgsV2 is one v2 fetch request: the want/shallow/deepen lines of
// v0 plus the round's haves and done.
type fetchArgsV2 struct {
	fetchRequest
	haves []plumbing.Hash
	done  bool
}

var fetchWordsV2 = map[string]bool{"thin-pack": true, "no-progress": true, "include-tag": true,
	"ofs-delta": true, "deepen-relative": true, "wait-for-done": true}

func parseFetchV2(args []string, tips map[plumbing.Hash]bool) (*fetchArgsV2, error) {
	f := &fetchArgsV2{fetchRequest: fetchRequest{caps: map[string]bool{}}}
	for _, a := range args {
		if fetchWordsV2[a] {
			f.caps[a] = true
			continue
		}
		if a == "done" {
			f.done = true
			continue
		}
		if hex, ok := strings.CutPrefix(a, "have "); ok {
			h, valid := parseHash(hex)
			if !valid {
				return nil, fmt.Errorf("unexpected line: '%s': %w", clip(a), ErrBadFetch)
			}
			f.haves = append(f.haves, h)
			continue
		}
		ok, err := f.parseFetchLine(a, tips)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("unexpected line: '%s': %w", clip(a), ErrBadFetch)
		}
	}
	f.caps["side-band-64k"] = true
	return f, f.check()
}

// fetchV2 answers one fetch command: acknowledgments until the server is
// ready or the client is done, then shallow-info and the packfile.
func (r *Repos) fetchV2(ctx context.Context, refs *refView, args []string, out io.Writer) error {
	st := refs.st
	f, err := parseFetchV2(args, refs.wantable())
	if err != nil {
		return err
	}
	if len(f.wants) == 0 {
		return fmt.Errorf("expected want lines in a fetch request: %w", ErrBadFetch)
	}
	pw := pktWriter{out}
	n := newNegotiator(st, io.Discard, &f.fetchRequest)
	for _, h := range f.haves {
		if _, err := n.have(h); err != nil {
			return err
		}
	}
	if !f.done {
		ready, err := acknowledgments(pw, n)
		if err != nil || !ready {
			return err
		}
	}
	plan, err := planShallow(st, &f.fetchRequest)
	if err != nil {
		return err
	}
	if f.deepens() || len(f.shallows) > 0 {
		if err := shallowInfo(pw, plan); err != nil {
			return err
		}
	}
	if err := pw.line("packfile\n"); err != nil {
		return err
	}
	return r.packFor(ctx, refs, &f.fetchRequest, n.common, plan, packSink(out, f.caps))
}

// acknowledgments writes the section and reports whether the pack follows.
func acknowledgments(pw pktWriter, n *negotiator) (bool, error) {
	if err := pw.line("acknowledgments\n"); err != nil {
		return false, err
	}
	if len(n.common) == 0 {
		if err := pw.line("NAK\n"); err != nil {
			return false, err
		}
	}
	for _, h := range n.common {
		if err := pw.line("ACK %s\n", h); err != nil {
			return false, err
		}
	}
	if n.okToGiveUp() && !n.waitForDone() {
		if err := pw.line("ready\n"); err != nil {
			return false, err
		}
		return true, pw.delim()
	}
	return false, pw.flush()
}

func (n *negotiator) waitForDone() bool { return n.waitDone }

// shallowInfo writes the v2 shallow-info section.
func shallowInfo(pw pktWriter, plan *shallowPlan) error {
	if err := pw.line("shallow-info\n"); err != nil {
		return err
	}
	if err := writeShallowLines(pw.w, plan); err != nil {
		return err
	}
	return pw.delim()
}
