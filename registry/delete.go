package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Delete deletes the manifest ref (host/prefix/app@sha256:…, as Push
// returned it) from the registry. A manifest already gone is no error; a
// registry with deletion disabled is ErrDelete (the README says what to
// set). The registry frees the blobs at its next garbage collection.
func (p *Pusher) Delete(ctx context.Context, ref string) error {
	repo, digest, ok := strings.Cut(ref, "@")
	if !ok || !strings.HasPrefix(repo, p.t.Host+"/") || !strings.HasPrefix(digest, "sha256:") {
		return ErrDelete.With(fmt.Sprintf("%q is not an image of %s by digest", ref, p.t.Host), nil)
	}
	u := p.baseURL() + "/v2/" + p.t.path(repo) + "/manifests/" + digest
	resp, err := p.do(ctx, http.MethodDelete, u, "repository:"+p.t.path(repo)+":delete")
	if err != nil {
		return ErrDelete.With("delete "+ref, err)
	}
	defer drain(resp.Body)
	switch resp.StatusCode {
	case http.StatusAccepted, http.StatusOK, http.StatusNotFound:
		p.log.Info("release image deleted from the registry", "ref", ref, "status", resp.StatusCode)
		return nil
	case http.StatusMethodNotAllowed:
		return ErrDelete.With(fmt.Sprintf("delete %s: the registry has deletion disabled", ref), nil)
	default:
		return ErrDelete.With(fmt.Sprintf("delete %s: %s", ref, resp.Status), nil)
	}
}

func (p *Pusher) baseURL() string {
	if p.t.Insecure {
		return "http://" + p.t.Host
	}
	return "https://" + p.t.Host
}

// do sends one request with the login: HTTP basic first; when the registry
// answers with a Bearer challenge, a token for scope from its realm, then
// the request again with it.
func (p *Pusher) do(ctx context.Context, method, u, scope string) (*http.Response, error) {
	resp, err := p.send(ctx, method, u, func(r *http.Request) { p.basic(r) })
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	challenge := resp.Header.Get("WWW-Authenticate")
	drain(resp.Body)
	if !strings.HasPrefix(strings.ToLower(challenge), "bearer ") {
		return nil, fmt.Errorf("the registry refused the login (401)")
	}
	token, err := p.token(ctx, challenge, scope)
	if err != nil {
		return nil, err
	}
	return p.send(ctx, method, u, func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) })
}

func (p *Pusher) send(ctx context.Context, method, u string, auth func(*http.Request)) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, err
	}
	// Schema 2 and OCI manifests: a registry deletes by the digest of the
	// manifest as pushed, so it must know which kinds we accept.
	req.Header.Set("Accept", "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json")
	auth(req)
	return p.http.Do(req)
}

func (p *Pusher) basic(r *http.Request) {
	if p.t.Username != "" {
		r.SetBasicAuth(p.t.Username, p.t.Password)
	}
}

// token fetches a bearer token from the challenge's realm for scope.
func (p *Pusher) token(ctx context.Context, challenge, scope string) (string, error) {
	params := challengeParams(challenge[len("bearer "):])
	realm, err := url.Parse(params["realm"])
	if err != nil || realm.Scheme != "https" && !(realm.Scheme == "http" && isLoopback(realm.Host)) {
		return "", fmt.Errorf("the registry's token realm %q is not https", params["realm"])
	}
	q := realm.Query()
	q.Set("service", params["service"])
	q.Set("scope", scope)
	realm.RawQuery = q.Encode()
	resp, err := p.send(ctx, http.MethodGet, realm.String(), p.basic)
	if err != nil {
		return "", fmt.Errorf("registry token: %w", err)
	}
	defer drain(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("registry token: %s", resp.Status)
	}
	var body struct {
		Token       string `json:"token"`
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return "", fmt.Errorf("registry token: %w", err)
	}
	if body.Token == "" {
		body.Token = body.AccessToken
	}
	return body.Token, nil
}

// challengeParams reads `realm="…",service="…",scope="…"`.
func challengeParams(s string) map[string]string {
	out := map[string]string{}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok {
			out[strings.ToLower(k)] = strings.Trim(v, `"`)
		}
	}
	return out
}
