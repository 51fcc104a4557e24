package config

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/alecthomas/kong"
)

// Config is gitd's whole configuration. Field tags are the contract: flag
// names, env names and defaults, listed for users in the README's
// "Configuration" table.
type Config struct {
	Data               string           `default:"./data" env:"GITD_DATA" help:"Data directory (state, repos, host key)."`
	Listen             string           `default:":2222" env:"GITD_LISTEN" help:"SSH listen address."`
	HostKey            []string         `env:"GITD_HOST_KEY" sep:"," placeholder:"FILE" help:"SSH host key file; repeat (or comma-separate) for one key per type. Default: ed25519, RSA and ECDSA keys made in <data> on first start."`
	AdminKey           []string         `env:"GITD_ADMIN_KEYS" sep:"," help:"Admin public key: a .pub file or an authorized_keys line. Default on first start: the first ~/.ssh/id_*.pub."`
	MaxBotsPerUser     int              `default:"3" env:"GITD_MAX_BOTS_PER_USER,MAX_BOTS_PER_USER" help:"Apps a user may own (admins: no limit)."`
	MaxPushSize        Size             `default:"200MiB" env:"GITD_MAX_PUSH_SIZE" help:"Largest pack one push may send."`
	MaxObjectSize      Size             `default:"128MiB" env:"GITD_MAX_OBJECT_SIZE" help:"Largest object (file) a push may hold, inflated."`
	MaxPushInflated    Size             `default:"2GiB" env:"GITD_MAX_PUSH_INFLATED" help:"Largest size all of a push's objects may inflate to together."`
	MaxPushObjects     int64            `default:"1000000" env:"GITD_MAX_PUSH_OBJECTS" help:"Most objects one push may hold."`
	IdleTimeout        time.Duration    `default:"5m" env:"GITD_IDLE_TIMEOUT" help:"Close a connection that keeps gitd waiting this long without sending anything (builds and logs -f are not waiting; keepalive replies do not count)."`
	ShutdownTimeout    time.Duration    `default:"60s" env:"GITD_SHUTDOWN_TIMEOUT" help:"On SIGTERM, how long running pushes may take to finish."`
	MaxConnsPerIP      int              `default:"32" env:"GITD_MAX_CONNS_PER_IP" help:"Concurrent connections from one address."`
	MaxHandshakes      int              `default:"64" env:"GITD_MAX_HANDSHAKES" help:"Concurrent connections not yet authenticated."`
	MaxHandshakesPerIP int              `default:"8" env:"GITD_MAX_HANDSHAKES_PER_IP" help:"Of those, from one address; when all are taken, a new address takes a slot from the address holding the most."`
	HandshakeTimeout   time.Duration    `default:"10s" env:"GITD_HANDSHAKE_TIMEOUT" help:"Time a new connection has to authenticate."`
	Deploy             Deploy           `embed:"" group:"Deploy"`
	TelegramAPI        string           `default:"https://api.telegram.org" env:"GITD_TELEGRAM_API" help:"Telegram Bot API that gitd checks tokens and sends notices with (a local Bot API server, or a test's fake)."`
	NotifyWindow       time.Duration    `default:"1m" env:"GITD_NOTIFY_WINDOW" help:"Owners' notices: at most one message per event kind per app in this span; the rest come as one summary when it ends."`
	MetricsListen      string           `env:"GITD_METRICS_LISTEN" placeholder:"ADDR" help:"Admin HTTP listener for Prometheus /metrics and /healthz, e.g. 127.0.0.1:9120 (off when empty)."`
	LogLevel           string           `default:"info" env:"GITD_LOG_LEVEL" enum:"debug,info,warn,error" help:"Log level."`
	Version            kong.VersionFlag `help:"Print the version and exit."`
}

// Parse reads args (without the program name) and the environment.
func Parse(args []string, version string) (*Config, error) {
	var c Config
	p, err := kong.New(&c, kong.Name("gitd"),
		kong.Description("gitd: git-push hosting for Telegram bots, over SSH.\n\n"+
			"Other jobs, each with the same flags: gitd doctor [--json] | gitd backup FILE|- [--include-key] | "+
			"gitd restore FILE|- --data DIR | gitd healthcheck | gitd firewall remove [--force] (docs/service.md, docs/network.md)."),
		kong.Vars{"version": version})
	if err != nil {
		return nil, err
	}
	if _, err := p.Parse(args); err != nil {
		return nil, ErrBadFlags.Reword("", "%s", err)
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	return &c, nil
}

// check refuses limits that would turn a protection off.
func (c *Config) check() error {
	for _, d := range []struct {
		flag string
		v    time.Duration
	}{{"--idle-timeout", c.IdleTimeout}, {"--handshake-timeout", c.HandshakeTimeout}, {"--notify-window", c.NotifyWindow}} {
		if d.v <= 0 {
			return ErrBadFlags.Reword("give a positive duration such as 10s or 5m", "%s %s: must be positive", d.flag, d.v)
		}
	}
	for _, n := range []struct {
		flag string
		v    int
	}{{"--max-conns-per-ip", c.MaxConnsPerIP}, {"--max-handshakes", c.MaxHandshakes}, {"--max-handshakes-per-ip", c.MaxHandshakesPerIP}} {
		if n.v <= 0 {
			return ErrBadFlags.Reword("give a positive number", "%s %d: must be positive", n.flag, n.v)
		}
	}
	return nil
}

// AdminKeyLines returns the admin keys as authorized_keys lines: each
// --admin-key is a key line or a file holding key lines.
func (c *Config) AdminKeyLines() ([]string, error) {
	var lines []string
	for _, k := range c.AdminKey {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		if looksLikeKey(k) {
			lines = append(lines, k)
			continue
		}
		b, err := os.ReadFile(k)
		if err != nil {
			return nil, ErrBadAdminKey.Reword("", "admin key %s: %v", k, err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				lines = append(lines, l)
			}
		}
	}
	return lines, nil
}

func looksLikeKey(s string) bool {
	for _, p := range []string{"ssh-", "ecdsa-", "sk-ssh-", "sk-ecdsa-"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// DefaultAdminKey returns the first ~/.ssh/id_*.pub, or "" if there is none.
func DefaultAdminKey() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	files, _ := filepath.Glob(filepath.Join(home, ".ssh", "id_*.pub"))
	sort.Strings(files)
	if len(files) == 0 {
		return ""
	}
	return files[0]
}

// RemoteURL is the URL users add as their git remote for an app. A
// listen address on every interface (or none given) becomes 127.0.0.1.
func (c *Config) RemoteURL(app string) string {
	host, port := "127.0.0.1", "2222"
	if h, p, err := net.SplitHostPort(c.Listen); err == nil {
		if h != "" && h != "0.0.0.0" && h != "::" {
			host = h
		}
		port = p
	}
	return fmt.Sprintf("ssh://git@%s/%s", net.JoinHostPort(host, port), app)
}
