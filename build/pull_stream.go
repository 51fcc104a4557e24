package build

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/hint"
)

// pullMessage is one message of the engine's pull stream.
type pullMessage struct {
	jsonstream.Message
	ErrorText string `json:"error,omitempty"`
}

// maxLayers bounds the per-layer state kept while rendering.
const maxLayers = 1000

// renderPull reads the pull stream to its end and writes a line each time
// a layer's status changes ("a1b2c3: Pulling fs layer", "a1b2c3: Pull
// complete"), not each progress tick. failure is the error the engine put
// in the stream; err is for a stream that broke.
func renderPull(r io.Reader, out io.Writer) (failure string, err error) {
	dec := json.NewDecoder(r)
	last := map[string]string{}
	for {
		var m pullMessage
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			return failure, nil
		}
		if err != nil {
			return failure, fmt.Errorf("pull output: %w", err)
		}
		status, id := printable(m.Status), printable(m.ID)
		switch {
		case m.ErrorText != "" || m.Error != nil:
			failure = m.ErrorText
			if m.Error != nil && m.Error.Message != "" {
				failure = m.Error.Message
			}
		case status == "":
		case id == "":
			fmt.Fprintln(out, status)
		case last[id] != status:
			if _, seen := last[id]; seen || len(last) < maxLayers {
				last[id] = status
			}
			fmt.Fprintf(out, "%s: %s\n", id, status)
		}
	}
}

// printable drops control characters: the text comes from the registry
// through the engine and ends up on the user's terminal.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// pullError translates a failed pull at the package border. ctx is the
// caller's (a disconnect), pctx the pull's own (the timeout).
func (p *Puller) pullError(ctx, pctx context.Context, r PullRequest, err error) error {
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("pull %s: %w", r.Ref.Name, ctx.Err())
	case errors.Is(pctx.Err(), context.DeadlineExceeded):
		return ErrPullTimeout.With(fmt.Sprintf("pull of %s timed out after %s", r.Ref.Name, shortDuration(p.opts.Timeout)), err)
	case client.IsErrConnectionFailed(err):
		return ErrEngine.With("cannot reach the Docker Engine: "+err.Error(), err)
	}
	msg := printable(strings.TrimPrefix(err.Error(), "Error response from daemon: "))
	low := strings.ToLower(msg)
	p.log.Info("pull failed", "app", r.App, "release", r.Release, "ref", r.Ref.Name, "error", msg)
	switch {
	case cerrdefs.IsUnauthorized(err) || cerrdefs.IsPermissionDenied(err) || containsAny(low,
		"unauthorized", "denied", "authentication required", "no basic auth credentials", "incorrect username or password"):
		return authError(r, err)
	case cerrdefs.IsNotFound(err) || containsAny(low, "manifest unknown", "not found", "name unknown"):
		return ErrImageNotFound.With(fmt.Sprintf("image %s not found: %s", r.Ref.Name, msg), err)
	case containsAny(low, "connection refused", "no such host", "i/o timeout", "dial tcp", "network is unreachable",
		"connection reset", "server gave http response", "tls:", "x509:", "no route to host"):
		return ErrRegistryUnreachable.With(fmt.Sprintf("cannot reach the registry %s: %s", r.Ref.Registry, msg), err)
	}
	return ErrPullFailed.With(fmt.Sprintf("pull of %s failed: %s", r.Ref.Name, msg), err)
}

// authError says whose login was refused, or that one is needed.
func authError(r PullRequest, err error) error {
	if r.Auth == nil {
		return &hint.Error{Code: ErrRegistryAuth.Code, Err: err,
			Msg: fmt.Sprintf("the registry %s wants a login to pull %s; nothing changed", r.Ref.Registry, r.Ref.Name),
			Tip: "deploy with --username <user> --password-stdin and pipe the password (or token) to stdin"}
	}
	return &hint.Error{Code: ErrRegistryAuth.Code, Err: err, Tip: ErrRegistryAuth.Tip,
		Msg: fmt.Sprintf("the registry %s refused the login of %q for %s; nothing changed",
			r.Ref.Registry, r.Auth.Username, r.Ref.Name)}
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
