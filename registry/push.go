package registry

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/registry"
	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/internal/cleanup"
	"github.com/botrunner/botrunner/internal/logging"
)

// Engine is the slice of the moby client a Pusher calls; *client.Client
// satisfies it, tests fake it.
type Engine interface {
	ImageTag(ctx context.Context, o client.ImageTagOptions) (client.ImageTagResult, error)
	ImagePush(ctx context.Context, ref string, o client.ImagePushOptions) (client.ImagePushResponse, error)
	ImageRemove(ctx context.Context, ref string, o client.ImageRemoveOptions) (client.ImageRemoveResult, error)
}

var _ Engine = (*client.Client)(nil)

// Pusher copies release images to one registry and deletes them there.
type Pusher struct {
	engine Engine
	t      Target
	http   *http.Client
	log    *slog.Logger
}

// New returns a Pusher for t through engine. log may be nil.
func New(engine Engine, t Target, log *slog.Logger) *Pusher {
	return &Pusher{engine: engine, t: t, http: &http.Client{Timeout: time.Minute},
		log: logging.Component(log, "registry").With("registry", t.Host)}
}

// Target is what the Pusher pushes to.
func (p *Pusher) Target() Target { return p.t }

// Push copies image (an ID or a local tag) as release n of app and returns
// the copy's name by digest: host/prefix/app@sha256:…. The names the push
// gave the image on gitd's engine (the tag, the digest) are dropped again.
func (p *Pusher) Push(ctx context.Context, image, app string, n int) (string, error) {
	repo := p.t.Repository(app)
	tag := repo + ":v" + strconv.Itoa(n)
	if _, err := p.engine.ImageTag(ctx, client.ImageTagOptions{Source: image, Target: tag}); err != nil {
		return "", ErrPush.With(fmt.Sprintf("tag %s as %s", image, tag), err)
	}
	defer p.untag(ctx, tag)
	auth, err := p.encodedAuth()
	if err != nil {
		return "", err
	}
	resp, err := p.engine.ImagePush(ctx, tag, client.ImagePushOptions{RegistryAuth: auth})
	if err != nil {
		return "", ErrPush.With("push "+tag, err)
	}
	defer resp.Close()
	digest, err := pushedDigest(ctx, resp)
	if err != nil {
		return "", ErrPush.With("push "+tag, err)
	}
	ref := repo + "@" + digest
	// The push left the engine a name by digest too: drop it, the image
	// keeps its own tag and a node here pulls only the manifest again.
	p.untag(ctx, ref)
	p.log.Info("release image pushed", "app", app, "release", n, "digest", digest)
	return ref, nil
}

// untag removes a name the push gave the image on gitd's engine, even when
// ctx has ended (the image itself keeps its own tag).
func (p *Pusher) untag(ctx context.Context, name string) {
	ctx, cancel := cleanup.Context(ctx, time.Minute)
	defer cancel()
	if _, err := p.engine.ImageRemove(ctx, name, client.ImageRemoveOptions{}); err != nil {
		p.log.Warn("untag pushed image", "name", name, "err", err)
	}
}

// pushedDigest reads the push's message stream to its end: the first error
// it carries, or the digest the registry gave the manifest (the "aux"
// message the engine sends last).
func pushedDigest(ctx context.Context, resp client.ImagePushResponse) (string, error) {
	digest := ""
	for m, err := range resp.JSONMessages(ctx) {
		if err != nil {
			return "", err
		}
		if m.Error != nil {
			return "", fmt.Errorf("%s", m.Error.Message)
		}
		if m.Aux != nil {
			var aux struct{ Digest string }
			if json.Unmarshal(*m.Aux, &aux) == nil && strings.HasPrefix(aux.Digest, "sha256:") {
				digest = aux.Digest
			}
		}
	}
	if digest == "" {
		return "", fmt.Errorf("the engine did not report the pushed digest")
	}
	return digest, nil
}

// EncodedAuth is the X-Registry-Auth value of the login ("" without one),
// for the engine's pushes and for the nodes' pulls (service create/update).
func (p *Pusher) EncodedAuth() (string, error) { return p.encodedAuth() }

func (p *Pusher) encodedAuth() (string, error) {
	if p.t.Username == "" {
		return "", nil
	}
	data, err := json.Marshal(registry.AuthConfig{Username: p.t.Username, Password: p.t.Password, ServerAddress: p.t.Host})
	if err != nil {
		return "", ErrConfig.With("encode the registry login", err)
	}
	return base64.URLEncoding.EncodeToString(data), nil
}

// drain reads a response body to its end so the connection is reused.
func drain(r io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(r, 1<<20))
	_ = r.Close()
}
