package build

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/client"
	"github.com/stretchr/testify/require"
)

// writeTree creates files under a new temp dir. A value starting with
// "->" makes a symlink to the rest; a name ending in "/" makes a directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		switch {
		case strings.HasSuffix(name, "/"):
			require.NoError(t, os.MkdirAll(p, 0o755))
		case strings.HasPrefix(content, "->"):
			require.NoError(t, os.Symlink(strings.TrimPrefix(content, "->"), p))
		default:
			require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		}
	}
	return dir
}

// tarEntry is what a test checks of one context entry.
type tarEntry struct {
	Type     byte
	Mode     int64
	Link     string
	Content  string
	Uid, Gid int
}

func readTar(t *testing.T, r io.Reader) map[string]tarEntry {
	t.Helper()
	out := map[string]tarEntry{}
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err)
		data, err := io.ReadAll(tr)
		require.NoError(t, err)
		out[hdr.Name] = tarEntry{Type: hdr.Typeflag, Mode: hdr.Mode, Link: hdr.Linkname,
			Content: string(data), Uid: hdr.Uid, Gid: hdr.Gid}
	}
}

func names(m map[string]tarEntry) []string {
	var n []string
	for k := range m {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// fakeEngine plays the engine: it records the build request and context
// and answers with a canned JSON stream.
type fakeEngine struct {
	mu       sync.Mutex
	stream   string              // JSON messages the build answers with
	buildErr error               // ImageBuild fails with this
	block    bool                // the stream blocks until ctx ends
	images   map[string]string   // tag -> ID for ImageInspect
	user     string              // the USER ImageInspect reports
	onbuild  map[string][]string // image -> its ONBUILD triggers
	opts     client.ImageBuildOptions
	context  map[string]tarEntry
	builds   int
	removed  []string
	t        *testing.T
}

func (f *fakeEngine) ImageBuild(ctx context.Context, r io.Reader, o client.ImageBuildOptions) (client.ImageBuildResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.builds++
	f.opts = o
	f.context = readTar(f.t, r)
	if f.buildErr != nil {
		return client.ImageBuildResult{}, f.buildErr
	}
	if f.block {
		return client.ImageBuildResult{Body: io.NopCloser(&ctxReader{ctx: ctx})}, nil
	}
	return client.ImageBuildResult{Body: io.NopCloser(strings.NewReader(f.stream))}, nil
}

func (f *fakeEngine) ImageInspect(_ context.Context, ref string, _ ...client.ImageInspectOption) (client.ImageInspectResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id, ok := f.images[ref]
	if !ok {
		return client.ImageInspectResult{}, errors.New("no such image: " + ref)
	}
	cfg := &dockerspec.DockerOCIImageConfig{}
	cfg.User = f.user
	cfg.OnBuild = f.onbuild[ref]
	return client.ImageInspectResult{InspectResponse: image.InspectResponse{ID: id, Config: cfg}}, nil
}

func (f *fakeEngine) ImageRemove(_ context.Context, ref string, _ client.ImageRemoveOptions) (client.ImageRemoveResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.removed = append(f.removed, ref)
	return client.ImageRemoveResult{}, nil
}

func (f *fakeEngine) ContainerInspect(context.Context, string, client.ContainerInspectOptions) (client.ContainerInspectResult, error) {
	return client.ContainerInspectResult{}, errors.New("no such container")
}

func mustRoot(t *testing.T, dir string) *os.Root {
	t.Helper()
	r, err := os.OpenRoot(dir)
	require.NoError(t, err)
	t.Cleanup(func() { r.Close() })
	return r
}

// ctxReader blocks until ctx ends, like a build that takes too long.
type ctxReader struct{ ctx context.Context }

func (c *ctxReader) Read([]byte) (int, error) {
	<-c.ctx.Done()
	return 0, c.ctx.Err()
}

// jsonStream encodes messages as the engine sends them, one per line.
func jsonStream(t *testing.T, msgs ...map[string]any) string {
	t.Helper()
	var b bytes.Buffer
	for _, m := range msgs {
		require.NoError(t, json.NewEncoder(&b).Encode(m))
	}
	return b.String()
}

func streamLines(t *testing.T, lines ...string) []map[string]any {
	t.Helper()
	var msgs []map[string]any
	for _, l := range lines {
		msgs = append(msgs, map[string]any{"stream": l + "\n"})
	}
	return msgs
}
