package registry

import (
	"fmt"
	"net"
	"os"
	"regexp"
	"strings"
)

// Config names the registry and its login.
type Config struct {
	// Registry is GITD_REGISTRY: host[:port], optionally followed by a
	// path prefix for the repositories ("registry.example.com/bots").
	Registry string
	Username string
	Password string
	// PasswordFile holds the password (trailing newline ignored) when
	// Password is empty: a mounted secret instead of an environment value.
	PasswordFile string
}

// Target is a parsed, checked Config.
type Target struct {
	Host     string // host[:port], as image refs name it
	Prefix   string // repository prefix without slashes at the ends; may be ""
	Insecure bool   // plain HTTP: only for loopback hosts
	Username string
	Password string
}

var prefixRule = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$`)

// Parse checks c: a host (with an optional port) and a valid repository
// prefix; HTTP only on loopback ("http://127.0.0.1:5000"); a password file
// that can be read. A scheme-less registry is HTTPS unless its host is
// loopback, where the engine itself speaks HTTP.
func Parse(c Config) (Target, error) {
	raw := strings.TrimSpace(c.Registry)
	scheme := ""
	if s, rest, ok := strings.Cut(raw, "://"); ok {
		scheme, raw = strings.ToLower(s), rest
	}
	host, prefix, _ := strings.Cut(strings.TrimSuffix(raw, "/"), "/")
	t := Target{Host: host, Prefix: prefix, Username: c.Username, Password: c.Password}
	if host == "" || strings.ContainsAny(host, " @?#") {
		return Target{}, ErrConfig.With(fmt.Sprintf("GITD_REGISTRY %q has no host", c.Registry), nil)
	}
	if prefix != "" && !prefixRule.MatchString(prefix) {
		return Target{}, ErrConfig.With(fmt.Sprintf("GITD_REGISTRY %q: %q is not a repository path", c.Registry, prefix), nil)
	}
	loopback := isLoopback(host)
	switch scheme {
	case "", "https":
		t.Insecure = loopback && scheme == ""
	case "http":
		if !loopback {
			return Target{}, ErrConfig.With(fmt.Sprintf("GITD_REGISTRY %q: plain http only to a loopback address", c.Registry), nil)
		}
		t.Insecure = true
	default:
		return Target{}, ErrConfig.With(fmt.Sprintf("GITD_REGISTRY %q: scheme %q (want https)", c.Registry, scheme), nil)
	}
	if t.Password == "" && c.PasswordFile != "" {
		b, err := os.ReadFile(c.PasswordFile)
		if err != nil {
			return Target{}, ErrConfig.With("read GITD_REGISTRY_PASSWORD_FILE", err)
		}
		t.Password = strings.TrimRight(string(b), "\r\n")
	}
	if (t.Username == "") != (t.Password == "") {
		return Target{}, ErrConfig.With("the registry login needs both a user and a password", nil)
	}
	return t, nil
}

// isLoopback is true for localhost and the loopback addresses.
func isLoopback(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Repository is the repository of an app's images: host/prefix/app.
func (t Target) Repository(app string) string {
	if t.Prefix == "" {
		return t.Host + "/" + app
	}
	return t.Host + "/" + t.Prefix + "/" + app
}

// path is the repository's name inside the registry (without the host).
func (t Target) path(repo string) string {
	return strings.TrimPrefix(repo, t.Host+"/")
}
