package registry

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Pushed returns the name by digest (host/prefix/app@sha256:…) of release
// n of app in the registry, as Push returned it when it copied it; "" when
// the registry has no such release. It asks the registry for the tag Push
// gave the copy, so it works for copies a gitd made before it restarted.
func (p *Pusher) Pushed(ctx context.Context, app string, n int) (string, error) {
	repo := p.t.Repository(app)
	u := p.baseURL() + "/v2/" + p.t.path(repo) + "/manifests/v" + strconv.Itoa(n)
	resp, err := p.do(ctx, http.MethodHead, u, "repository:"+p.t.path(repo)+":pull")
	if err != nil {
		return "", ErrDelete.With(fmt.Sprintf("look up %s:v%d", repo, n), err)
	}
	defer drain(resp.Body)
	switch resp.StatusCode {
	case http.StatusNotFound:
		return "", nil
	case http.StatusOK:
	default:
		return "", ErrDelete.With(fmt.Sprintf("look up %s:v%d: %s", repo, n, resp.Status), nil)
	}
	digest := resp.Header.Get("Docker-Content-Digest")
	if hexPart, ok := strings.CutPrefix(digest, "sha256:"); !ok || len(hexPart) != 64 || strings.Trim(hexPart, "0123456789abcdef") != "" {
		return "", ErrDelete.With(fmt.Sprintf("look up %s:v%d: the registry gave no digest", repo, n), nil)
	}
	return repo + "@" + digest, nil
}
