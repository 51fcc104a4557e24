package intake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/sideband"
	"github.com/go-git/go-git/v5/plumbing/transport"
	gitproto "github.com/go-git/go-git/v5/plumbing/transport/git"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/botrunner/botrunner/bytesize"
	"github.com/botrunner/botrunner/hint"
)

// pack asks for want with depth 1 and reads the pack into memory, bounded
// in bytes on the wire and in object sizes once inflated.
func (f *fetch) pack(ctx context.Context, sess transport.UploadPackSession, adv *packp.AdvRefs, want plumbing.Hash) (*memory.Storage, error) {
	req := packp.NewUploadPackRequestFromCapabilities(adv.Capabilities)
	req.Wants = []plumbing.Hash{want}
	if adv.Capabilities.Supports(capability.Shallow) {
		req.Depth = packp.DepthCommits(1)
		_ = req.Capabilities.Set(capability.Shallow)
	}
	if adv.Capabilities.Supports(capability.NoProgress) {
		_ = req.Capabilities.Set(capability.NoProgress)
	}
	resp, err := sess.UploadPack(ctx, req)
	if err != nil {
		return nil, fetchError(f.ep, err)
	}
	defer resp.Close()
	in := &bytesize.Reader{Ctx: ctx, R: resp, N: f.lim.Compressed}
	var r io.Reader = in
	switch {
	case req.Capabilities.Supports(capability.Sideband64k):
		r = sideband.NewDemuxer(sideband.Sideband64k, in)
	case req.Capabilities.Supports(capability.Sideband):
		r = sideband.NewDemuxer(sideband.Sideband, in)
	}
	st := memory.NewStorage()
	p, err := packfile.NewParserWithStorage(packfile.NewScanner(r), st, &sizeWatch{lim: f.lim})
	if err == nil {
		_, err = p.Parse()
	}
	switch {
	case in.Over:
		return nil, ErrFetchTooLarge.With(fmt.Sprintf("the fetch is over %s", bytesize.Format(f.lim.Compressed)), err)
	case err != nil && hint.Of(err) != nil:
		return nil, err
	case err != nil:
		return nil, fetchError(f.ep, err)
	}
	return st, nil
}

// sizeWatch refuses objects over the file limit by their declared size,
// before they are inflated, and stops when all inflated objects together
// pass the total limit.
type sizeWatch struct {
	lim   Limits
	total int64
}

func (w *sizeWatch) OnHeader(uint32) error { return nil }

func (w *sizeWatch) OnInflatedObjectHeader(t plumbing.ObjectType, size int64, _ int64) error {
	if size > w.lim.File {
		return ErrFetchTooLarge.With(fmt.Sprintf("the fetch has a %s object of %s; files may be at most %s", t, bytesize.Format(size), bytesize.Format(w.lim.File)), nil)
	}
	return nil
}

func (w *sizeWatch) OnInflatedObjectContent(_ plumbing.Hash, _ int64, _ uint32, content []byte) error {
	if w.total += int64(len(content)); w.total > w.lim.Total {
		return ErrFetchTooLarge.With(fmt.Sprintf("the fetched files are over %s unpacked", bytesize.Format(w.lim.Total)), nil)
	}
	return nil
}

func (w *sizeWatch) OnFooter(plumbing.Hash) error { return nil }

// reachable dials a git:// server once within ctx before go-git does:
// go-git's git transport dials without a timeout or a context, so an
// allowed host that does not answer would hold the command for the OS's
// connect timeout.
func reachable(ctx context.Context, ep *transport.Endpoint) error {
	if ep.Protocol != "git" {
		return nil
	}
	port := ep.Port
	if port <= 0 {
		port = 9418
	}
	addr := net.JoinHostPort(ep.Host, fmt.Sprint(port))
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, err := (&net.Dialer{}).DialContext(dctx, "tcp", addr)
	if err != nil {
		return ErrFetch.With(fmt.Sprintf("fetch from %s: cannot connect: %v", addr, err), err)
	}
	return c.Close()
}

// transportFor returns a transport for one fetch. HTTP goes through a
// client of its own (not go-git's global one) whose every request, the
// redirected ones too, must go to an allowed host.
func transportFor(scheme string, allow []string) transport.Transport {
	if scheme == "git" {
		return gitproto.DefaultClient // no redirects in git://
	}
	base := &http.Transport{
		Proxy:                 nil, // fetch directly: the allow list names the hosts contacted
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   30 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
	}
	c := &http.Client{Transport: &allowTransport{base: base, allow: allow}}
	return githttp.NewClientWithOptions(c, &githttp.ClientOptions{RedirectPolicy: githttp.FollowRedirects})
}

// allowTransport refuses requests to hosts outside the allow list.
type allowTransport struct {
	base  http.RoundTripper
	allow []string
}

func (t *allowTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !hostAllowed(req.URL.Scheme, req.URL.Host, t.allow) {
		return nil, ErrHostNotAllowed.With(fmt.Sprintf("the Git server redirected to %s, which is not allowed on this server", quote(req.URL.Host)), nil)
	}
	return t.base.RoundTrip(req)
}

// fetchError keeps hint errors (a refused redirect) and explains the rest.
func fetchError(ep *transport.Endpoint, err error) error {
	if h := hint.Of(err); h != nil {
		return h
	}
	switch {
	case errors.Is(err, transport.ErrRepositoryNotFound), errors.Is(err, transport.ErrAuthenticationRequired),
		errors.Is(err, transport.ErrAuthorizationFailed):
		return ErrFetch.With(fmt.Sprintf("fetch from %s: no public repository there", ep.Host), err)
	case errors.Is(err, transport.ErrEmptyRemoteRepository):
		return ErrRefNotFound.With("the remote repository is empty", err)
	}
	return ErrFetch.With(fmt.Sprintf("fetch from %s: %v", ep.Host, err), err)
}
