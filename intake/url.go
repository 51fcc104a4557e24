package intake

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
)

// scpLike matches git's scp-style SSH addresses: "git@host:owner/repo".
var scpLike = regexp.MustCompile(`^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:`)

var defaultPorts = map[string]string{"http": "80", "https": "443", "git": "9418"}

// ParseURL checks a deploy:git URL: http, https or git scheme, no
// credentials, and a host the admin allowed. An allow list entry "host"
// allows that host on any port, "host:port" only that port.
func ParseURL(raw string, allow []string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" || strings.HasPrefix(raw, "-") {
		return nil, ErrBadURL.With(fmt.Sprintf("%s is not a Git URL", quote(raw)), nil)
	}
	if scpLike.MatchString(raw) && !strings.Contains(raw, "://") {
		return nil, errSSH(raw)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return nil, ErrBadURL.With(fmt.Sprintf("%s is not a URL (local paths are not fetched)", quote(raw)), err)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "git":
	case "ssh", "git+ssh", "ssh+git":
		return nil, errSSH(raw)
	case "file":
		return nil, ErrBadURL.With("file:// URLs are not fetched: the server's own files are off limits", nil)
	default:
		return nil, ErrBadURL.With(fmt.Sprintf("%s URLs are not fetched", quote(u.Scheme+"://")), nil)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	switch {
	case u.User != nil:
		return nil, ErrBadURL.With("the URL has a user name or password in it; only public repositories are fetched, without credentials", nil)
	case u.Host == "" || u.Opaque != "":
		return nil, ErrBadURL.With(fmt.Sprintf("%s has no host", quote(raw)), nil)
	}
	if err := checkHost(u, allow); err != nil {
		return nil, err
	}
	return u, nil
}

func errSSH(raw string) error {
	return ErrBadURL.With(fmt.Sprintf("%s is an SSH URL: the server holds no SSH keys to fetch with", quote(raw)), nil)
}

// checkHost refuses a URL whose host (and port) is not in allow.
func checkHost(u *url.URL, allow []string) error {
	if hostAllowed(u.Scheme, u.Host, allow) {
		return nil
	}
	if len(allow) == 0 {
		return ErrHostNotAllowed.With("deploy:git is off on this server: no Git host is allowed", nil)
	}
	return ErrHostNotAllowed.With(fmt.Sprintf("the Git host %s is not allowed on this server", quote(u.Host)), nil)
}

// hostAllowed reports whether hostport (as in a URL) may be fetched from
// with scheme; a missing port is the scheme's default.
func hostAllowed(scheme, hostport string, allow []string) bool {
	host, port := splitHostPort(hostport)
	if port == "" {
		port = defaultPorts[scheme]
	}
	for _, a := range allow {
		ah, ap := splitHostPort(strings.TrimSpace(a))
		if ah != "" && ah == host && (ap == "" || ap == port) {
			return true
		}
	}
	return false
}

// splitHostPort splits "host", "host:port", "[v6]" or "[v6]:port", with
// the host lower-cased.
func splitHostPort(s string) (host, port string) {
	if h, p, err := net.SplitHostPort(s); err == nil {
		return strings.ToLower(h), p
	}
	return strings.ToLower(strings.Trim(s, "[]")), ""
}
