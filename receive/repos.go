package receive

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/botrunner/botrunner/gitpack"
	"github.com/botrunner/botrunner/names"
)

// Options configure the git service.
type Options struct {
	MaxPushSize int64          // bytes of pack per push; <= 0 means the default, 200 MiB
	Pack        gitpack.Limits // the pack's other bounds (objects, inflated sizes); MaxBytes is MaxPushSize
	Limits      Limits         // bounds on the command section; zero fields mean defaults
	Agent       string         // advertised as agent=...
	Keepalive   time.Duration  // side-band keepalive while the pipeline is quiet; default 5 s
	Pipeline    Pipeline       // runs before refs move; nil accepts every push
	Log         *slog.Logger
}

// DefaultMaxPushSize is GITD_MAX_PUSH_SIZE's default.
const DefaultMaxPushSize = 200 << 20

const quarantinePrefix = "quarantine-"

// Repos keeps one bare repository per app under a root directory and serves
// git's protocols for them.
type Repos struct {
	root  string
	opts  Options
	locks *lockSet
	log   *slog.Logger
}

// NewRepos opens (creating) the root and drops quarantine dirs a crash left.
func NewRepos(root string, opts Options) (*Repos, error) {
	if opts.MaxPushSize <= 0 {
		opts.MaxPushSize = DefaultMaxPushSize
	}
	if opts.Limits.MaxRequestBytes <= 0 {
		opts.Limits.MaxRequestBytes = defaultLimits.MaxRequestBytes
	}
	if opts.Keepalive <= 0 {
		opts.Keepalive = 5 * time.Second
	}
	if opts.Agent == "" {
		opts.Agent = "botrunner"
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("repos dir: %w", err)
	}
	r := &Repos{root: root, opts: opts, locks: newLockSet(), log: opts.Log.With("component", "receive")}
	r.dropStaleQuarantines()
	return r, nil
}

func (r *Repos) dropStaleQuarantines() {
	dirs, _ := filepath.Glob(filepath.Join(r.root, "*.git", quarantinePrefix+"*"))
	for _, d := range dirs {
		r.log.Info("dropping stale quarantine", "dir", d)
		_ = os.RemoveAll(d)
	}
}

// path returns the app's repo dir; the name is checked again here because
// this is where it becomes a path.
func (r *Repos) path(app string) (string, error) {
	if err := names.ValidApp(app); err != nil {
		return "", err
	}
	return filepath.Join(r.root, app+".git"), nil
}

// Exists reports whether the app has a repository.
func (r *Repos) Exists(app string) bool {
	p, err := r.path(app)
	if err != nil {
		return false
	}
	_, err = os.Stat(filepath.Join(p, "HEAD"))
	return err == nil
}

// Create makes an empty bare repository whose HEAD names main.
func (r *Repos) Create(app string) error {
	p, err := r.path(app)
	if err != nil {
		return err
	}
	if r.Exists(app) {
		return nil
	}
	repo, err := git.PlainInit(p, true)
	if err != nil {
		return fmt.Errorf("create repo %s: %w", app, err)
	}
	head := plumbing.NewSymbolicReference(plumbing.HEAD, plumbing.NewBranchReferenceName("main"))
	if err := repo.Storer.SetReference(head); err != nil {
		return fmt.Errorf("create repo %s: %w", app, err)
	}
	return nil
}

// Delete removes the app's repository once no push to it is running.
func (r *Repos) Delete(app string) error {
	return r.DeleteAfter(context.Background(), app, nil)
}

// DeleteAfter takes the app's lock, runs first (if not nil; e.g. stopping
// the app's bot), then removes the repository. Under the lock, no deploy
// of the app can start a bot between the two.
func (r *Repos) DeleteAfter(ctx context.Context, app string, first func() error) error {
	p, err := r.path(app)
	if err != nil {
		return err
	}
	unlock, err := r.Lock(ctx, app, nil)
	if err != nil {
		return err
	}
	defer unlock()
	if first != nil {
		if err := first(); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(p); err != nil {
		return fmt.Errorf("delete repo %s: %w", app, err)
	}
	return nil
}

// Lock takes the app's lock, the one pushes hold while they check, run the
// pipeline and move refs. onWait is called once if the caller has to wait.
func (r *Repos) Lock(ctx context.Context, app string, onWait func()) (func(), error) {
	return r.locks.lock(ctx, app, onWait)
}

// open returns a fresh storage for the app. A fresh one per use matters:
// go-git caches the pack index list, and pushes add packs.
func (r *Repos) open(app string) (*filesystem.Storage, error) {
	p, err := r.existing(app)
	if err != nil {
		return nil, err
	}
	return openStorage(p), nil
}

// existing is the directory of app's repository, which must exist.
func (r *Repos) existing(app string) (string, error) {
	p, err := r.path(app)
	if err != nil {
		return "", err
	}
	if !r.Exists(app) {
		return "", ErrNoRepo
	}
	return p, nil
}

// Head returns the commit the app's ref points at (e.g. "refs/heads/main").
func (r *Repos) Head(app string, ref plumbing.ReferenceName) (plumbing.Hash, error) {
	st, err := r.open(app)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	ref2, err := st.Reference(ref)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return plumbing.ZeroHash, nil
	}
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return ref2.Hash(), nil
}

func isQuarantine(name string) bool { return strings.HasPrefix(name, quarantinePrefix) }

// Tree returns the tree of a commit in the app's repository (rebuilds read
// old commits this way).
func (r *Repos) Tree(app, commit string) (*object.Tree, error) {
	st, err := r.open(app)
	if err != nil {
		return nil, err
	}
	h, ok := parseHash(commit)
	if !ok {
		return nil, fmt.Errorf("commit %q: %w", clip(commit), ErrBadRequest)
	}
	c, err := object.GetCommit(st, h)
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", commit, err)
	}
	return c.Tree()
}
