package intake

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/memory"
)

// GitOptions bound a deploy:git fetch.
type GitOptions struct {
	Allow   []string      // hosts (host or host:port) that may be fetched from: GITD_GIT_ALLOW_HOSTS
	Timeout time.Duration // the whole fetch; default 2 minutes
	Limits  Limits        // Compressed bounds the pack, Total and File the objects in it
}

// Fetched is a commit fetched from a Git URL: its tree, ready to commit
// into an app's repo, and where it came from.
type Fetched struct {
	*Tree
	URL    string        // without credentials (they are refused anyway)
	Ref    string        // the remote ref it came from, e.g. "refs/heads/main"
	Commit plumbing.Hash // the remote commit; its history is not imported
}

// FromGit fetches ref (a branch or tag; "" = the remote's HEAD) of the
// repository at rawURL with depth 1 into memory. Only hosts in o.Allow are
// contacted, redirects included.
func FromGit(ctx context.Context, rawURL, ref string, o GitOptions) (*Fetched, error) {
	u, err := ParseURL(rawURL, o.Allow)
	if err != nil {
		return nil, err
	}
	if err := checkRef(ref); err != nil {
		return nil, err
	}
	if o.Timeout <= 0 {
		o.Timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	ep, err := transport.NewEndpoint(u.String())
	if err != nil {
		return nil, ErrBadURL.With(fmt.Sprintf("%s: %v", quote(rawURL), err), err)
	}
	if err := reachable(ctx, ep); err != nil {
		return nil, err
	}
	f := &fetch{ep: ep, tr: transportFor(u.Scheme, o.Allow), lim: o.Limits}
	got, err := f.run(ctx, ref)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, ErrFetch.With(fmt.Sprintf("fetch %s: gave up after %s", u.Redacted(), o.Timeout), err)
		}
		return nil, err
	}
	got.URL = u.Redacted()
	return got, nil
}

// checkRef refuses names git would not fetch: it is passed on to the
// remote only as a lookup key, but a clear error beats "not found".
func checkRef(ref string) error {
	if ref == "" {
		return nil
	}
	bad := strings.HasPrefix(ref, "-") || strings.Contains(ref, "..") || strings.ContainsAny(ref, " ~^:?*[\\\x00\x7f") ||
		strings.HasSuffix(ref, "/") || strings.HasSuffix(ref, ".lock") || len(ref) > 255
	if bad {
		return ErrBadRef.With(fmt.Sprintf("%s is not a valid branch or tag name", quote(ref)), nil)
	}
	return nil
}

// fetch is one fetch from one endpoint.
type fetch struct {
	ep  *transport.Endpoint
	tr  transport.Transport
	lim Limits
}

func (f *fetch) run(ctx context.Context, ref string) (*Fetched, error) {
	sess, err := f.tr.NewUploadPackSession(f.ep, nil)
	if err != nil {
		return nil, fetchError(f.ep, err)
	}
	defer sess.Close()
	stop := context.AfterFunc(ctx, func() { _ = sess.Close() }) // unblocks a git:// read
	defer stop()
	adv, err := sess.AdvertisedReferencesContext(ctx)
	if err != nil {
		return nil, fetchError(f.ep, err)
	}
	name, want, err := pickRef(adv, ref)
	if err != nil {
		return nil, err
	}
	st, err := f.pack(ctx, sess, adv, want)
	if err != nil {
		return nil, err
	}
	c, err := peel(st, want)
	if err != nil {
		return nil, ErrFetch.With(fmt.Sprintf("%s: %v", name, err), err)
	}
	t, err := treeOf(st, c)
	if err != nil {
		return nil, err
	}
	return &Fetched{Tree: t, Ref: name.String(), Commit: c.Hash}, nil
}

// pickRef finds the remote's ref: the branch, else the tag, else the full
// name; "" is the remote's HEAD (named after the branch it points at).
func pickRef(adv *packp.AdvRefs, ref string) (plumbing.ReferenceName, plumbing.Hash, error) {
	if ref == "" {
		if adv.Head == nil {
			return "", plumbing.ZeroHash, ErrRefNotFound.With("the remote repository has no HEAD (is it empty?)", nil)
		}
		name := plumbing.HEAD
		for _, s := range adv.Capabilities.Get(capability.SymRef) {
			if from, to, ok := strings.Cut(s, ":"); ok && from == "HEAD" {
				name = plumbing.ReferenceName(to)
			}
		}
		return name, *adv.Head, nil
	}
	for _, n := range []string{"refs/heads/" + ref, "refs/tags/" + ref, ref} {
		if h, ok := adv.References[n]; ok && strings.HasPrefix(n, "refs/") {
			return plumbing.ReferenceName(n), h, nil
		}
	}
	return "", plumbing.ZeroHash, ErrRefNotFound.With(fmt.Sprintf("the remote repository has no branch or tag %s", quote(ref)), nil)
}

// peel follows annotated tags to the commit.
func peel(st *memory.Storage, h plumbing.Hash) (*object.Commit, error) {
	for range 10 {
		obj, err := object.GetObject(st, h)
		if err != nil {
			return nil, err
		}
		switch o := obj.(type) {
		case *object.Commit:
			return o, nil
		case *object.Tag:
			h = o.Target
		default:
			return nil, fmt.Errorf("%s is a %s, not a commit", h, obj.Type())
		}
	}
	return nil, errors.New("too many nested tags")
}

// treeOf wraps the commit's tree; the objects stay in st (the fetched
// commit itself is never pushed: only what the new commit reaches is).
func treeOf(st *memory.Storage, c *object.Commit) (*Tree, error) {
	t, err := c.Tree()
	if err != nil {
		return nil, ErrFetch.With(fmt.Sprintf("read the fetched tree: %v", err), err)
	}
	files := 0
	_ = t.Files().ForEach(func(*object.File) error { files++; return nil })
	if files == 0 {
		return nil, ErrEmptyArchive.With("the fetched commit has no files", nil)
	}
	return &Tree{Objects: st, Hash: t.Hash, Files: files}, nil
}
