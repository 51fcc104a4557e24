package receive

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/botrunner/botrunner/gitpack"
	"github.com/botrunner/botrunner/hint"
)

// ServerCommit is a commit the server made itself (deploy:archive,
// deploy:git) for one branch of an app.
type ServerCommit struct {
	Ref    plumbing.ReferenceName // the branch it goes to
	Parent plumbing.Hash          // the branch's head when the commit was made; zero if it had none
	Commit plumbing.Hash
	// Objects holds the commit and the objects it adds; whatever the commit
	// reaches that is not in Objects must be in the repo already.
	Objects storer.EncodedObjectStorer
}

// ErrMovedMeanwhile is a server-made commit whose branch moved after the
// commit was made (a push came in between): nothing was changed.
var ErrMovedMeanwhile = hint.New(ErrStale.Code, "the branch moved while the deploy was prepared",
	"someone pushed meanwhile; nothing was changed: run the command again")

// PushServerCommit sends a commit made on the server through the same path
// as a client's push: its objects as a pack into quarantine (size limit,
// tree-name and connectivity checks), the app's lock, the pipeline with
// progress going to progress, then objects in and the ref moved with
// compare-and-swap from c.Parent. Any failure leaves refs and objects as
// they were and comes back as the error; a push that came in since the
// commit was made is ErrMovedMeanwhile.
func (r *Repos) PushServerCommit(ctx context.Context, s Session, c ServerCommit, progress io.Writer) (Result, error) {
	if err := CheckRefName(c.Ref.String()); err != nil || !c.Ref.IsBranch() {
		return Result{}, fmt.Errorf("server commit to %q: %w", c.Ref, ErrBadRefName)
	}
	if _, err := r.Storage(s.App); err != nil {
		return Result{}, err
	}
	objs, err := newObjects(c.Objects, c.Commit)
	if err != nil {
		return Result{}, err
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(encodePack(pw, c.Objects, objs)) }()
	defer pr.Close() // stops the encoder if the quarantine stopped reading
	var failure error
	rp := &reporter{out: io.Discard, stderr: progress, failed: func(err error) { failure = err }}
	req := &request{Commands: []Command{{Name: c.Ref, Old: c.Parent, New: c.Commit}},
		Caps: map[string]string{capReportStatus: "", capAtomic: ""}}
	unpack, sts := r.receive(ctx, s, req, pr, rp)
	r.log.Info("server commit", "app", s.App, "by", s.Pusher, "ref", c.Ref, "commit", short(c.Commit), "unpack", unpack)
	if st := sts[0]; st.reason != "" {
		return Result{}, serverCommitError(ctx, failure, st)
	}
	return Result{Accepted: true, Updated: []Command{sts[0].cmd}}, nil
}

func serverCommitError(ctx context.Context, failure error, st status) error {
	switch {
	case failure != nil:
		return failure
	case errors.Is(st.err, ErrStale):
		return ErrMovedMeanwhile.With(fmt.Sprintf("%s moved while the deploy was prepared; nothing was changed", st.cmd.Name.Short()), st.err)
	case st.err != nil:
		return st.err
	case ctx.Err() != nil:
		return fmt.Errorf("push: %w", ctx.Err())
	}
	return fmt.Errorf("push refused: %s", st.reason)
}

// newObjects lists, once each, the objects c reaches that objs holds: what
// a client's pack would carry. The walk stops where objs ends (the parent,
// which the repo has).
func newObjects(objs storer.EncodedObjectStorer, commit plumbing.Hash) ([]plumbing.Hash, error) {
	seen := map[plumbing.Hash]bool{}
	var out []plumbing.Hash
	stack := []plumbing.Hash{commit}
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[h] || objs.HasEncodedObject(h) != nil {
			continue
		}
		seen[h] = true
		out = append(out, h)
		obj, err := object.GetObject(objs, h)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", h, err)
		}
		switch o := obj.(type) {
		case *object.Commit:
			stack = append(append(stack, o.TreeHash), o.ParentHashes...)
		case *object.Tree:
			for _, e := range o.Entries {
				if e.Mode != filemode.Submodule {
					stack = append(stack, e.Hash)
				}
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("commit %s: %w", short(commit), gitpack.ErrMissingObjects)
	}
	return out, nil
}

// encodePack writes objs as a pack without deltas: the quarantine indexes
// it as it would a client's.
func encodePack(w io.Writer, st storer.EncodedObjectStorer, objs []plumbing.Hash) error {
	_, err := packfile.NewEncoder(w, st, false).Encode(objs, 0)
	return err
}
