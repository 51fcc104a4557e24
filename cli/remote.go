package cli

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Target is where a command goes, read from a git remote URL.
type Target struct {
	Dest string // "[user@]host" as ssh takes it; IPv6 without brackets
	Port string // "" lets ssh decide (~/.ssh/config, else 22)
	App  string // the URL's path without "/" and ".git"; "" when it has none
}

// ParseURL reads the ssh URL forms git accepts for a remote:
// ssh://[user@]host[:port]/app[.git] and the scp-like [user@]host:app.
// Anything else (http, https, file, a local path) is refused with ErrNotSSH,
// since botctl only speaks to the server through ssh.
func ParseURL(raw string) (Target, error) {
	switch {
	case strings.Contains(raw, "://"):
		return parseSchemeURL(raw)
	case isSCPLike(raw):
		return parseSCPLike(raw)
	default:
		return Target{}, ErrNotSSH.With(fmt.Sprintf("%q is a local path, not an ssh URL", raw), nil)
	}
}

// looksLikeURL tells a --remote URL (or path) from a remote name: git remote
// names cannot contain ":" and do not start with "/" or ".".
func looksLikeURL(s string) bool {
	return strings.Contains(s, ":") || strings.HasPrefix(s, "/") || strings.HasPrefix(s, ".")
}

// isSCPLike is git's rule: a colon before any slash.
func isSCPLike(s string) bool {
	i := strings.IndexByte(s, ':')
	return i > 0 && !strings.Contains(s[:i], "/")
}

func parseSchemeURL(raw string) (Target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Target{}, ErrBadURL.With(fmt.Sprintf("cannot parse remote URL %q", raw), err)
	}
	switch strings.ToLower(u.Scheme) {
	case "ssh", "git+ssh", "ssh+git":
	default:
		return Target{}, ErrNotSSH.With(fmt.Sprintf("%q is a %s URL, not ssh", raw, u.Scheme), nil)
	}
	return makeTarget(raw, u.User.Username(), u.Hostname(), u.Port(), u.Path)
}

// parseSCPLike reads [user@]host:path, where host may be bracketed
// ([::1]:app) because an IPv6 address has colons of its own.
func parseSCPLike(raw string) (Target, error) {
	userHost, path, _ := strings.Cut(raw, ":")
	if i := strings.Index(raw, "]:"); i >= 0 && strings.Contains(raw[:i], "[") {
		userHost, path = raw[:i+1], raw[i+2:]
	}
	user, host := "", userHost
	if i := strings.LastIndexByte(userHost, '@'); i >= 0 {
		user, host = userHost[:i], userHost[i+1:]
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	return makeTarget(raw, user, host, "", path)
}

// makeTarget checks the parts and builds the Target. A destination starting
// with "-" is refused, as git does: ssh would read it as an option
// (-oProxyCommand=...), and it comes from a repo's config, which may not be
// the user's own.
func makeTarget(raw, user, host, port, path string) (Target, error) {
	bad := func(why string) (Target, error) {
		return Target{}, ErrBadURL.With(fmt.Sprintf("remote URL %q: %s", raw, why), nil)
	}
	dest := host
	if user != "" {
		dest = user + "@" + host
	}
	switch {
	case host == "":
		return bad("no host")
	case strings.HasPrefix(dest, "-"):
		return bad("the host looks like an ssh option")
	case strings.ContainsAny(dest, " \t\r\n"):
		return bad("blank in the host")
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return bad("bad port " + port)
		}
	}
	app := strings.TrimSuffix(strings.Trim(path, "/"), ".git")
	if strings.Contains(app, "/") {
		return bad("the path must be the app name alone")
	}
	return Target{Dest: dest, Port: port, App: app}, nil
}
