package receive

import (
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/botrunner/botrunner/gitpack"
	"github.com/botrunner/botrunner/internal/logging"
	"github.com/botrunner/botrunner/repostore"
)

// Options configure the git service.
type Options struct {
	MaxPushSize int64          // bytes of pack per push; <= 0 means the default, 200 MiB
	Pack        gitpack.Limits // the pack's other bounds (objects, inflated sizes); MaxBytes is MaxPushSize
	Limits      Limits         // bounds on the command section; zero fields mean defaults
	Agent       string         // advertised as agent=...
	Keepalive   time.Duration  // side-band keepalive while the pipeline is quiet; default 5 s
	Pipeline    Pipeline       // runs before refs move; nil accepts every push
	Log         *slog.Logger
}

// DefaultMaxPushSize is GITD_MAX_PUSH_SIZE's default.
const DefaultMaxPushSize = 200 << 20

const quarantinePrefix = "quarantine-"

// Repos serves git's protocols (receive-pack, upload-pack) for the apps'
// repositories in a repostore.Store, whose create, delete, lock, head and
// tree it offers too.
type Repos struct {
	*repostore.Store
	opts Options
	log  *slog.Logger
}

// ErrNoRepo is an app whose repository does not exist on disk.
var ErrNoRepo = repostore.ErrNoRepo

// New serves the repositories of st, running opts.Pipeline on pushes, and
// drops the quarantine dirs a crash left.
func New(st *repostore.Store, opts Options) *Repos {
	if opts.MaxPushSize <= 0 {
		opts.MaxPushSize = DefaultMaxPushSize
	}
	if opts.Limits.MaxRequestBytes <= 0 {
		opts.Limits.MaxRequestBytes = defaultLimits.MaxRequestBytes
	}
	if opts.Keepalive <= 0 {
		opts.Keepalive = 5 * time.Second
	}
	if opts.Agent == "" {
		opts.Agent = "botrunner"
	}
	r := &Repos{Store: st, opts: opts, log: logging.Component(opts.Log, "receive")}
	r.dropStaleQuarantines()
	return r
}

// NewRepos opens (creating) a store at root and serves it: New for a
// server whose pipeline does not read the store itself (tests, tools).
func NewRepos(root string, opts Options) (*Repos, error) {
	st, err := repostore.Open(root)
	if err != nil {
		return nil, err
	}
	return New(st, opts), nil
}

func (r *Repos) dropStaleQuarantines() {
	for _, d := range r.Glob("*.git/" + quarantinePrefix + "*") {
		r.log.Info("dropping stale quarantine", "dir", d)
		_ = os.RemoveAll(d)
	}
}

func isQuarantine(name string) bool { return strings.HasPrefix(name, quarantinePrefix) }
