package receive

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/botrunner/botrunner/hint"
)

// Session says who runs a git command and where its side output goes.
type Session struct {
	App    string
	Pusher string
	Stderr io.Writer // messages when the client did not ask for side-band
	// Protocol is the client's GIT_PROTOCOL ("version=2" asks upload-pack
	// for protocol v2); empty is v0.
	Protocol string
}

// Result is what a receive-pack did: Accepted is false when any ref was
// refused or nothing could be read.
type Result struct {
	Accepted bool
	Updated  []Command
	// Refusal is why the first refused ref was refused, when an error says
	// it (the pipeline's, a stale ref's); nil otherwise.
	Refusal error
}

// ReceivePack serves one git-receive-pack: advertise, read the commands and
// the pack into quarantine, check, run the pipeline, move objects and refs,
// report. An error is returned only when the protocol itself failed (the
// client got no report); refused refs are in the Result.
func (r *Repos) ReceivePack(ctx context.Context, s Session, in io.Reader, out io.Writer) (Result, error) {
	st, err := r.Storage(s.App)
	if err != nil {
		return Result{}, err
	}
	refs, err := visibleRefs(st)
	if err != nil {
		return Result{}, fmt.Errorf("list refs: %w", err)
	}
	if err := r.advertiseReceive(out, refs); err != nil {
		return Result{}, err
	}
	req, err := readRequest(in, r.opts.Limits)
	if err != nil {
		return Result{}, err
	}
	if len(req.Commands) == 0 {
		return Result{Accepted: true}, nil
	}
	rp := &reporter{out: out, stderr: s.Stderr, sideband: req.has(capSideBand64k)}
	unpack, sts := r.receive(ctx, s, req, in, rp)
	res := Result{Accepted: unpack == "ok"}
	for _, st := range sts {
		if st.reason != "" {
			res.Accepted = false
			if res.Refusal == nil {
				res.Refusal = st.err
			}
		} else {
			res.Updated = append(res.Updated, st.cmd)
		}
	}
	r.log.Info("push", "app", s.App, "pusher", s.Pusher, "refs", len(sts), "updated", len(res.Updated), "unpack", unpack)
	return res, rp.report(req.has(capReportStatus), unpack, sts)
}

// receive does the work between reading the commands and the report.
func (r *Repos) receive(ctx context.Context, s Session, req *request, in io.Reader, rp *reporter) (string, []status) {
	sts := make([]status, len(req.Commands))
	for i, c := range req.Commands {
		sts[i].cmd = c
	}
	dir, _ := r.Path(s.App)
	var q *quarantine
	if req.needsPack() {
		repo, err := r.Storage(s.App)
		if err == nil {
			lim := r.opts.Pack
			lim.MaxBytes = r.opts.MaxPushSize
			q, err = receivePack(ctx, dir, repo, in, lim)
		}
		if err != nil {
			rp.explain(err)
			failAll(sts, "unpacker error")
			return oneLine(err.Error()), sts
		}
		defer q.drop()
	}
	unlock, err := r.Lock(ctx, s.App, func() { rp.printf("waiting for another push to %s to finish\n", s.App) })
	if err != nil {
		failAll(sts, "push cancelled")
		return "ok", sts
	}
	defer unlock()
	st, err := r.Storage(s.App)
	if err != nil {
		failAll(sts, reason(err))
		return "ok", sts
	}
	r.check(st, q, sts, req.has(capAtomic))
	push, ok := r.runPipeline(ctx, s, req, st, q, sts, rp)
	if !ok {
		return "ok", sts
	}
	err = r.commit(st, dir, q, sts, req.has(capAtomic))
	if c, isC := r.opts.Pipeline.(Committer); isC && push != nil {
		c.Committed(context.WithoutCancel(ctx), push, err)
	}
	return "ok", sts
}

// check refuses commands whose ref moved or whose objects are incomplete.
// Objects are all or nothing: the pack moves in whole, so a bad object
// anywhere in it (even under a stale ref's tip) refuses the whole push.
func (r *Repos) check(st *filesystem.Storage, q *quarantine, sts []status, atomic bool) {
	w := newWalker(st, newLayered(st, q), q)
	failed, badObjects := false, false
	for i := range sts {
		c := sts[i].cmd
		err := checkOld(st, c)
		if !c.IsDelete() {
			if terr := w.checkTip(c); terr != nil {
				badObjects = true
				if err == nil {
					err = terr
				}
			}
		}
		if err != nil {
			sts[i].reason, sts[i].err = reason(err), err
			failed = true
		}
	}
	if !badObjects {
		if err := w.coversPack(q); err != nil {
			failAll(sts, reason(err))
			return
		}
	}
	switch {
	case badObjects:
		failAll(sts, "pack refused with another ref")
	case failed && atomic:
		failAll(sts, "atomic push failed")
	}
}

// runPipeline hands the accepted commands to the pipeline and returns the
// push it ran (nil: no pipeline); false means the push is over (refused or
// cancelled).
func (r *Repos) runPipeline(ctx context.Context, s Session, req *request, st *filesystem.Storage, q *quarantine, sts []status, rp *reporter) (*Push, bool) {
	var ok []Command
	for _, x := range sts {
		if x.reason == "" {
			ok = append(ok, x.cmd)
		}
	}
	if len(ok) == 0 {
		return nil, false
	}
	if r.opts.Pipeline == nil {
		if ctx.Err() != nil {
			failAll(sts, "push cancelled")
			return nil, false
		}
		return nil, true
	}
	stop := rp.keepalive(r.opts.Keepalive)
	push := &Push{App: s.App, Pusher: s.Pusher, Updates: ok, Options: req.Options, Progress: rp,
		Objects: newLayered(st, q)}
	err := r.opts.Pipeline.Run(ctx, push)
	stop()
	if err != nil {
		rp.explain(err)
		failAll(sts, reason(err))
		for i := range sts {
			if sts[i].err == nil {
				sts[i].err = err
			}
		}
		return nil, false
	}
	// A pipeline that succeeded has changed the world (a new bot runs), so
	// the refs follow it even when the pusher hung up meanwhile; a pipeline
	// that minds the context fails instead.
	return push, true
}

// commit moves the quarantined objects in, then the refs. Its error says
// the push did not land (no ref moved, or an atomic push half applied).
func (r *Repos) commit(st *filesystem.Storage, dir string, q *quarantine, sts []status, atomic bool) error {
	var pending []int // the refs the pipeline saw
	for i := range sts {
		if sts[i].reason == "" {
			pending = append(pending, i)
		}
	}
	if q != nil {
		if err := q.moveInto(dir); err != nil {
			r.log.Error("move pack in", "dir", filepath.Base(dir), "err", err)
			failAll(sts, "could not store the objects")
			return ErrNotStored.With("could not store the pushed objects", err)
		}
	}
	refs := renamingRefs{ReferenceStorer: st, root: dir}
	if err := applyAll(refs, sts, atomic); err != nil {
		r.log.Error("atomic push half applied", "dir", filepath.Base(dir), "err", err)
	}
	fixHead(refs)
	for _, i := range pending {
		if x := sts[i]; x.reason != "" { // a ref the pipeline saw did not move: what it did is not accepted
			return ErrNotStored.With(fmt.Sprintf("could not update %s: %s", x.cmd.Name, x.reason), x.err)
		}
	}
	return nil
}

// explain sends an error and its hint to the pusher.
func (rp *reporter) explain(err error) {
	if rp.failed != nil {
		rp.failed(err)
		return
	}
	rp.printf("error: %s\n", err)
	if tip := hint.TipOf(err); tip != "" {
		rp.printf("hint: %s\n", tip)
	}
}

func reason(err error) string {
	if h := hint.Of(err); h != nil && h.Code == ErrStale.Code {
		return "stale info, fetch first"
	}
	return oneLine(err.Error())
}
