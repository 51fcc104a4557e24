package deploy

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/build"
	"github.com/botrunner/botrunner/receive"
	"github.com/botrunner/botrunner/runtime"
	dockersched "github.com/botrunner/botrunner/scheduler/docker"
	"github.com/botrunner/botrunner/secrets"
	"github.com/botrunner/botrunner/store"
	"github.com/botrunner/botrunner/testsupport/fakeruntime"
)

const (
	testApp   = "echo-bot"
	testOwner = "alice"
	goodImage = "sha256:good"
)

// fakeBuilder is the Builder the pipeline tests script: what Detect says,
// the image each release builds to (default goodImage), a build error, and
// a gate that holds Build until the test opens it.
type fakeBuilder struct {
	mu        sync.Mutex
	detectErr error
	buildErr  error
	images    map[int]string  // release -> image ID
	gate      chan struct{}   // if set, Build waits for it (or ctx)
	entered   chan struct{}   // signalled when Build starts
	builds    []build.Request // Output cleared
	sawBotPy  []bool          // per build: the checkout had bot.py
	removed   []string        // RemoveImage refs, in order
	removeErr error           // if set, RemoveImage fails with it
	caches    []string        // RemoveCache owner/app, in order
}

var _ Builder = (*fakeBuilder)(nil)

func newFakeBuilder() *fakeBuilder {
	return &fakeBuilder{images: map[int]string{}, entered: make(chan struct{}, 10)}
}

func (b *fakeBuilder) Detect(dir string, s build.Settings) (string, string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.detectErr != nil {
		return "", "", b.detectErr
	}
	return "simple", "bot.py", nil
}

func (b *fakeBuilder) Build(ctx context.Context, r build.Request) (build.Result, error) {
	_, statErr := os.Stat(filepath.Join(r.Dir, "bot.py"))
	b.mu.Lock()
	gate, err := b.gate, b.buildErr
	img := b.images[r.Release]
	out := r.Output
	r.Output = nil
	b.builds = append(b.builds, r)
	b.sawBotPy = append(b.sawBotPy, statErr == nil)
	b.mu.Unlock()
	b.entered <- struct{}{}
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return build.Result{}, ctx.Err()
		}
	}
	fmt.Fprintf(out, "Step 1/3 : FROM python:3.11-slim\nStep 2/3 : COPY . /app\n")
	if err != nil {
		return build.Result{}, err
	}
	if img == "" {
		img = goodImage
	}
	fmt.Fprintf(out, "Successfully built %s\n", img)
	return build.Result{Image: img, Tag: build.Tag(r.App, r.Release), Strategy: "simple", Detail: "bot.py"}, nil
}

func (b *fakeBuilder) RemoveImage(ctx context.Context, ref string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.removed = append(b.removed, ref)
	return b.removeErr
}

func (b *fakeBuilder) RemoveCache(ctx context.Context, owner, app string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.caches = append(b.caches, owner+"/"+app)
	return nil
}

// ImageExists says yes for every image not removed.
func (b *fakeBuilder) ImageExists(ctx context.Context, ref string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, r := range b.removed {
		if r == ref {
			return false
		}
	}
	return true
}

func (b *fakeBuilder) removedImages() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.removed)
}

func (b *fakeBuilder) buildCount() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.builds)
}

// call is one driver call that changed something, noted once it returned.
type call struct{ op, id string }

// recorder is a runtime.Driver that notes the order of the calls that
// change containers, and can act right after a Start.
type recorder struct {
	runtime.Driver
	mu      sync.Mutex
	calls   []call
	onStart func(id string)
	blind   int // the next blind List calls find nothing
}

// List finds nothing while the recorder is blind, as an engine that lost
// its state for a moment would answer.
func (r *recorder) List(ctx context.Context, labels map[string]string) ([]runtime.State, error) {
	r.mu.Lock()
	blind := r.blind > 0
	if blind {
		r.blind--
	}
	r.mu.Unlock()
	if blind {
		return nil, nil
	}
	return r.Driver.List(ctx, labels)
}

func (r *recorder) note(op, id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, call{op, id})
}

func (r *recorder) Create(ctx context.Context, s runtime.Spec) (string, error) {
	id, err := r.Driver.Create(ctx, s)
	if err == nil {
		r.note("create", id)
	}
	return id, err
}

func (r *recorder) Start(ctx context.Context, id string) error {
	err := r.Driver.Start(ctx, id)
	r.note("start", id)
	r.mu.Lock()
	hook := r.onStart
	r.mu.Unlock()
	if hook != nil {
		hook(id)
	}
	return err
}

func (r *recorder) Stop(ctx context.Context, id string, grace time.Duration) error {
	err := r.Driver.Stop(ctx, id, grace)
	r.note("stop", id)
	return err
}

func (r *recorder) Remove(ctx context.Context, id string) error {
	err := r.Driver.Remove(ctx, id)
	if err == nil {
		r.note("remove", id)
	}
	return err
}

// index returns the position of the first call op(id), or -1.
func (r *recorder) index(op, id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Index(r.calls, call{op, id})
}

// syncBuffer is a Progress writer the test may read while a deploy runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// harness is one app in a real store, the fake runtime behind a recorder,
// the fake builder and a repo of in-memory objects.
type harness struct {
	t     *testing.T
	cfg   Config
	st    *store.Store
	rt    *fakeruntime.Driver
	rec   *recorder
	b     *fakeBuilder
	sopt  dockersched.Options // the scheduler's, see remake
	sched *dockersched.Scheduler
	d     *Engine
	objs  *memory.Storage
	heads map[plumbing.ReferenceName]plumbing.Hash // the repo's refs before a push
	head  plumbing.Hash                            // a commit with bot.py
}

func testConfig(t *testing.T) Config {
	return Config{
		Limits:     runtime.Limits{Memory: 128 << 20, NanoCPUs: 250_000_000, Pids: 50},
		StartCheck: 200 * time.Millisecond,
		Env:        []string{"GITD_BOT=1", "TZ=UTC"},
		TmpDir:     t.TempDir(),
	}
}

func newHarness(t *testing.T, set store.AppSettings) *harness {
	t.Helper()
	box, err := secrets.New(make([]byte, secrets.KeySize))
	require.NoError(t, err)
	st, err := store.OpenWithBox(filepath.Join(t.TempDir(), "gitd.db"), box)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	require.NoError(t, st.CreateUser(store.User{Name: testOwner}))
	require.NoError(t, st.CreateApp(store.App{Name: testApp, Owner: testOwner, Settings: set}, 0))

	h := &harness{t: t, cfg: testConfig(t), st: st, rt: fakeruntime.New(), b: newFakeBuilder(),
		objs: memory.NewStorage(), heads: map[plumbing.ReferenceName]plumbing.Hash{}}
	h.rt.Image(goodImage, fakeruntime.Behaviour{Logs: []string{"bot started"}})
	h.rec = &recorder{Driver: h.rt}
	h.sopt = dockersched.Options{Network: "test_bots", StopGrace: 50 * time.Millisecond}
	h.remake(h.rec)
	h.head = h.commit(entry{"bot.py", filemode.Regular, "print('hi')\n"})
	return h
}

// remake builds the scheduler (over drv, with h.sopt) and the engine
// again, e.g. after a test changed h.cfg.
func (h *harness) remake(drv runtime.Driver) {
	h.sched = dockersched.New(drv, h.rt, h.sopt)
	h.d = New(h.cfg, h.st, h.b, h.sched, testRepos{h}, nil)
}

// testRepos is the harness's repository: its refs, the in-memory objects,
// and no lock (each test runs one action at a time).
type testRepos struct{ h *harness }

func (r testRepos) Lock(context.Context, string, func()) (func(), error) { return func() {}, nil }

func (r testRepos) Head(app string, ref plumbing.ReferenceName) (plumbing.Hash, error) {
	return r.h.refHead(app, ref)
}

func (r testRepos) Tree(_, commit string) (*object.Tree, error) {
	c, err := object.GetCommit(r.h.objs, plumbing.NewHash(commit))
	if err != nil {
		return nil, err
	}
	return c.Tree()
}

func (h *harness) refHead(app string, ref plumbing.ReferenceName) (plumbing.Hash, error) {
	if hash, ok := h.heads[ref]; ok {
		return hash, nil
	}
	return plumbing.ZeroHash, plumbing.ErrReferenceNotFound
}

// commit stores a commit of the given files and returns its hash.
func (h *harness) commit(files ...entry) plumbing.Hash {
	h.t.Helper()
	sig := object.Signature{Name: "Alice", Email: "alice@example.com", When: time.Unix(1700000000, 0)}
	c := &object.Commit{Author: sig, Committer: sig, Message: "deploy\n",
		TreeHash: writeTree(h.t, h.objs, files, "")}
	obj := h.objs.NewEncodedObject()
	require.NoError(h.t, c.Encode(obj))
	hash, err := h.objs.SetEncodedObject(obj)
	require.NoError(h.t, err)
	return hash
}

// tagObject stores an annotated tag of target and returns its hash.
func (h *harness) tagObject(name string, target plumbing.Hash) plumbing.Hash {
	h.t.Helper()
	sig := object.Signature{Name: "CI", Email: "ci@example.com", When: time.Unix(1700000000, 0)}
	tag := &object.Tag{Name: name, Tagger: sig, Message: "release\n", TargetType: plumbing.CommitObject, Target: target}
	obj := h.objs.NewEncodedObject()
	require.NoError(h.t, tag.Encode(obj))
	hash, err := h.objs.SetEncodedObject(obj)
	require.NoError(h.t, err)
	return hash
}

// push is a push of the given updates, writing progress to out.
func (h *harness) push(out *syncBuffer, cmds ...receive.Command) *receive.Push {
	return &receive.Push{App: testApp, Pusher: testOwner, Updates: cmds, Progress: out, Objects: h.objs}
}

// run pushes h.head to ref and runs the pipeline.
func (h *harness) run(ctx context.Context, ref string) (string, error) {
	var out syncBuffer
	p := h.push(&out, receive.Command{Name: plumbing.ReferenceName(ref), New: h.head})
	err := h.d.Run(ctx, p)
	if err == nil { // as receive does once the objects and the ref are in
		h.d.Committed(ctx, p, nil)
	}
	return out.String(), err
}

// mustDeploy deploys h.head to main and returns the new container's ID.
func (h *harness) mustDeploy() string {
	h.t.Helper()
	out, err := h.run(context.Background(), "refs/heads/main")
	require.NoError(h.t, err, out)
	cs := h.containers()
	require.Len(h.t, cs, 1)
	return cs[0].ID
}

func (h *harness) containers() []runtime.State {
	h.t.Helper()
	cs, err := h.rt.List(context.Background(), map[string]string{runtime.LabelApp: testApp})
	require.NoError(h.t, err)
	return cs
}

func (h *harness) app() store.App {
	h.t.Helper()
	a, err := h.st.App(testApp)
	require.NoError(h.t, err)
	return a
}

func (h *harness) releases() []store.Release {
	h.t.Helper()
	rels, err := h.st.Releases(testApp)
	require.NoError(h.t, err)
	return rels
}
