package build

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/registry"
	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/internal/cleanup"
	"github.com/botrunner/botrunner/internal/logging"
)

// PullEngine is the slice of the moby client image mode needs.
// *client.Client satisfies it; tests fake it.
type PullEngine interface {
	ImagePull(ctx context.Context, ref string, options client.ImagePullOptions) (client.ImagePullResponse, error)
	ImageTag(ctx context.Context, options client.ImageTagOptions) (client.ImageTagResult, error)
	ImageInspect(ctx context.Context, image string, opts ...client.ImageInspectOption) (client.ImageInspectResult, error)
	ImageRemove(ctx context.Context, image string, options client.ImageRemoveOptions) (client.ImageRemoveResult, error)
}

var _ PullEngine = (*client.Client)(nil)

// Credentials log in to one registry. They are sent only with pulls from
// the registry they are for (the caller checks; see PullRequest.Auth).
type Credentials struct {
	Username, Password string
}

// PullRequest is one image-mode deploy's pull.
type PullRequest struct {
	App     string
	Release int
	Ref     ImageRef     // from ParseImageRef
	Auth    *Credentials // for Ref.Registry; nil = anonymous
	Output  io.Writer    // progress lines; nil = discarded
}

// PullOptions configure a Puller; zero fields take the defaults.
type PullOptions struct {
	Timeout time.Duration // whole pull; default DefaultTimeout
	// AllowRegistries, when not empty, are the only registry hosts
	// (host or host:port, as ImageRef.Registry names them) images may come
	// from (GITD_IMAGE_ALLOW_REGISTRIES); empty = any.
	AllowRegistries []string
	Log             *slog.Logger
}

// Puller pulls prebuilt images for image mode. It always asks the
// registry: an image the engine happens to have (another app's, an
// operator's) is never taken for the one named, so a ref deploys only
// what its registry serves to these credentials.
type Puller struct {
	engine PullEngine
	opts   PullOptions
	log    *slog.Logger
	refs   sync.Map // ref name -> *sync.Mutex: pull, tag and untag of one ref never interleave
}

// NewPuller returns a Puller using engine.
func NewPuller(engine PullEngine, o PullOptions) *Puller {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	return &Puller{engine: engine, opts: o, log: logging.Component(o.Log, "pull")}
}

// Pull pulls r.Ref, streaming progress to r.Output, and tags the image as
// Tag(r.App, r.Release). Failures are hint errors: REGISTRY_AUTH,
// IMAGE_NOT_FOUND, REGISTRY_UNREACHABLE, PULL_FAILED, PULL_TIMEOUT,
// ENGINE_UNAVAILABLE; a cancelled ctx returns an error wrapping ctx.Err().
func (p *Puller) Pull(ctx context.Context, r PullRequest) (Result, error) {
	if !appName.MatchString(r.App) || r.Release < 1 || r.Ref.Name == "" {
		return Result{}, ErrInvalidRequest.With(
			fmt.Sprintf("invalid pull request: app %q, release %d, ref %q", r.App, r.Release, r.Ref.Name), nil)
	}
	if err := p.allowed(r.Ref); err != nil {
		return Result{}, err
	}
	if r.Output == nil {
		r.Output = io.Discard
	}
	mu, _ := p.refs.LoadOrStore(r.Ref.Name, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()

	pctx, cancel := context.WithTimeout(ctx, p.opts.Timeout)
	defer cancel()
	_, hadRef := p.inspect(pctx, r.Ref.Name)
	began := time.Now()
	p.log.Info("pull", "app", r.App, "release", r.Release, "ref", r.Ref.Name, "login", r.Auth != nil)
	if err := p.pull(pctx, r); err != nil {
		return Result{}, p.pullError(ctx, pctx, r, err)
	}
	res, err := p.tag(pctx, r)
	if err != nil {
		return Result{}, p.pullError(ctx, pctx, r, err)
	}
	if !hadRef {
		// The image stays only under the release's tag, so the release
		// image cleanup frees it; a ref someone had before stays.
		p.untag(ctx, r.Ref.Name)
	}
	p.log.Info("pulled", "app", r.App, "release", r.Release, "ref", r.Ref.Name, "image", res.Image,
		"took", time.Since(began).Round(time.Millisecond))
	return res, nil
}

// pull runs the engine's pull and renders its stream; a failure reported
// inside the stream comes back as a pullFailure.
func (p *Puller) pull(ctx context.Context, r PullRequest) error {
	opts := client.ImagePullOptions{}
	if r.Auth != nil {
		enc, err := encodeAuth(r.Ref.Registry, *r.Auth)
		if err != nil {
			return err
		}
		opts.RegistryAuth = enc
	}
	resp, err := p.engine.ImagePull(ctx, r.Ref.Name, opts)
	if err != nil {
		return err
	}
	defer resp.Close()
	failure, err := renderPull(resp, r.Output)
	if err != nil {
		return err
	}
	if failure != "" {
		return pullFailure(failure)
	}
	return nil
}

// pullFailure is the error message the engine put in the pull stream.
type pullFailure string

func (f pullFailure) Error() string { return string(f) }

// tag gives the pulled image the release's tag and reads its ID and USER.
func (p *Puller) tag(ctx context.Context, r PullRequest) (Result, error) {
	img, ok := p.inspect(ctx, r.Ref.Name)
	if !ok {
		return Result{}, fmt.Errorf("inspect pulled image %s: not there after the pull", r.Ref.Name)
	}
	tag := Tag(r.App, r.Release)
	if _, err := p.engine.ImageTag(ctx, client.ImageTagOptions{Source: img.ID, Target: tag}); err != nil {
		return Result{}, fmt.Errorf("tag %s as %s: %w", r.Ref.Name, tag, err)
	}
	res := Result{Image: img.ID, Tag: tag, Strategy: StrategyImage, Detail: r.Ref.Name}
	if img.Config != nil {
		res.User = img.Config.User
	}
	return res, nil
}

// StrategyImage is the Result.Strategy of a pulled image.
const StrategyImage = "image"

func (p *Puller) inspect(ctx context.Context, ref string) (client.ImageInspectResult, bool) {
	img, err := p.engine.ImageInspect(ctx, ref)
	return img, err == nil
}

// untag removes the ref's name from the pulled image; the image itself
// stays under the release's tag.
func (p *Puller) untag(ctx context.Context, ref string) {
	ctx, cancel := cleanup.Context(ctx, time.Minute)
	defer cancel()
	if _, err := p.engine.ImageRemove(ctx, ref, client.ImageRemoveOptions{}); err != nil && !cerrdefs.IsNotFound(err) {
		p.log.Warn("untag pulled image", "ref", ref, "err", err)
	}
}

// encodeAuth is the X-Registry-Auth header value: base64url of the JSON
// auth config (registry.RequestAuthConfig).
func encodeAuth(host string, c Credentials) (string, error) {
	data, err := json.Marshal(registry.AuthConfig{Username: c.Username, Password: c.Password, ServerAddress: host})
	if err != nil {
		return "", fmt.Errorf("encode registry login: %w", err)
	}
	return base64.URLEncoding.EncodeToString(data), nil
}
