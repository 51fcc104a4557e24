package receive

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// UploadPack serves one git-upload-pack (clone and fetch). Protocol v0/v1
// (the default) advertises refs, then reads wants, shallow and deepen
// lines, negotiates with multi_ack_detailed and no-done and sends the pack;
// s.Protocol "version=2" serves protocol v2 (see uploadpack_v2.go).
// Protocol errors go to the client as git's "ERR" lines.
func (r *Repos) UploadPack(ctx context.Context, s Session, in io.Reader, out io.Writer) error {
	p, err := r.existing(s.App)
	if err != nil {
		return err
	}
	st := openReadingStorage(p)
	defer st.Close()
	if wantsV2(s.Protocol) {
		return r.uploadPackV2(ctx, st, in, out)
	}
	refs, err := loadRefView(st)
	if err != nil {
		return protocolError(ctx, out, err)
	}
	defer refs.Close()
	tips, err := r.advertiseUpload(out, refs)
	if err != nil {
		return protocolError(ctx, out, err)
	}
	pr := &pktReader{r: bufio.NewReader(in), budget: r.opts.Limits.MaxRequestBytes, bad: ErrBadFetch}
	err = r.fetchV0(ctx, refs, tips, pr, out)
	return protocolError(ctx, out, err)
}

func (r *Repos) fetchV0(ctx context.Context, refs *refView, tips map[plumbing.Hash]bool, pr *pktReader, out io.Writer) error {
	st := refs.st
	f, err := readWantsV0(pr, tips)
	if err != nil || len(f.wants) == 0 {
		return err // a lone flush: the client has everything
	}
	plan, err := planShallow(st, f)
	if err != nil {
		return err
	}
	if f.deepens() {
		if err := writeShallowLines(out, plan); err != nil {
			return err
		}
		if err := (pktWriter{out}).flush(); err != nil {
			return err
		}
	}
	pr.budget = r.opts.Limits.MaxRequestBytes
	common, err := newNegotiator(st, out, f).run(pr)
	if err != nil {
		return err
	}
	return r.packFor(ctx, refs, f, common, plan, packSink(out, f.caps))
}

// packFor lists the objects of a fetch and writes them.
func (r *Repos) packFor(ctx context.Context, refs *refView, f *fetchRequest, common []plumbing.Hash, plan *shallowPlan, rp *reporter) error {
	l, err := listObjects(refs.st, refs.objs, f.wants, common, plan)
	if err != nil {
		return fmt.Errorf("list objects: %w", err)
	}
	if f.caps["include-tag"] {
		l.list = append(l.list, refs.includeTags(l.out)...)
	}
	return sendPack(ctx, refs.st, l, f.caps, rp)
}

func writeShallowLines(out io.Writer, plan *shallowPlan) error {
	pw := pktWriter{out}
	for _, h := range plan.shallow {
		if err := pw.line("shallow %s\n", h); err != nil {
			return err
		}
	}
	for _, h := range plan.unshallow {
		if err := pw.line("unshallow %s\n", h); err != nil {
			return err
		}
	}
	return nil
}

// protocolError tells the client a refused request in git's words (an ERR
// packet) and says a hang-up — mid-request, or while the pack goes out to a
// closed session — is the client's own.
func protocolError(ctx context.Context, out io.Writer, err error) error {
	hungUp := errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrClosedPipe) || ctx.Err() != nil
	switch {
	case err == nil:
		return nil
	case hungUp && !errors.Is(err, ErrHungUp):
		return fmt.Errorf("%w: %w", ErrHungUp, err)
	case errors.Is(err, ErrBadFetch), errors.Is(err, ErrNotOurRef):
		_ = pktWriter{out}.line("ERR %s", errText(err))
	}
	return err
}

// errText is the message of err without its hint code.
func errText(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "+ErrBadFetch.Error()); i >= 0 {
		return s[:i]
	}
	return s
}

// advertiseUpload writes HEAD, branches and tags with peeled tags, and
// returns the set of values a client may want.
func (r *Repos) advertiseUpload(w io.Writer, v *refView) (map[plumbing.Hash]bool, error) {
	st, refs := v.st, v.refs
	caps := []string{"multi_ack", "thin-pack", "side-band", "side-band-64k", "ofs-delta", "shallow",
		"deepen-since", "deepen-not", "deepen-relative", "no-progress", "include-tag",
		"multi_ack_detailed", "no-done", "object-format=sha1", "agent=" + r.opts.Agent}
	if head, err := st.Reference(plumbing.HEAD); err == nil && head.Type() == plumbing.SymbolicReference {
		if h, err := current(st, head.Target()); err == nil && !h.IsZero() {
			caps = append(caps, "symref=HEAD:"+head.Target().String())
			refs = append([]*plumbing.Reference{plumbing.NewHashReference(plumbing.HEAD, h)}, refs...)
		}
	}
	pw, bw := bufferedPkt(w)
	tips := map[plumbing.Hash]bool{}
	for i, ref := range refs {
		line := fmt.Sprintf("%s %s", ref.Hash(), ref.Name())
		if i == 0 {
			line += "\x00" + strings.Join(caps, " ")
		}
		if err := pw.line("%s\n", line); err != nil {
			return nil, err
		}
		tips[ref.Hash()] = true
		if peeled, ok := v.peel(ref); ok {
			_ = pw.line("%s %s^{}\n", peeled, ref.Name())
			tips[peeled] = true
		}
	}
	return tips, endBuffered(pw, bw)
}
