package store

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// AppSettings are an app's per-app choices. Zero values mean the defaults,
// so records written before a setting existed read as the default.
type AppSettings struct {
	DeployBranch string        // "" = main, else master if that is what the repo has
	NoTagDeploys bool          // tag deploys are on unless this is set
	Entrypoint   string        // simple strategy: the Python file to run; "" = detect
	StartCheck   time.Duration // how long a new release must stay up; 0 = the server default
	Builder      string        // build strategy forced by name; "" = detect
	StopGrace    time.Duration // SIGTERM to SIGKILL when the bot is stopped; 0 = the server default
	// Gateway: the bot's Bot API calls go through gitd's gateway
	// (telegram=gateway): the start check waits for its first getUpdates
	// and Liveness restarts it when it stops polling.
	Gateway  bool
	Liveness time.Duration // no getUpdates for this long = deaf; 0 = 5 min
}

// TagDeploys reports whether pushed tags deploy.
func (s AppSettings) TagDeploys() bool { return !s.NoTagDeploys }

// SetAppSettings replaces the app's settings. ErrNotFound if no such app.
func (s *Store) SetAppSettings(app string, set AppSettings) error {
	return s.updateApp(app, func(_ *bolt.Tx, a *App) error {
		a.Settings = set
		return nil
	})
}

// SetStopped records who stopped the app's bot ("" = it should run), so a
// restarted gitd leaves a stopped bot stopped. ErrNotFound if no such app.
func (s *Store) SetStopped(app, by string) error {
	return s.updateApp(app, func(_ *bolt.Tx, a *App) error {
		a.Stopped = by
		return nil
	})
}
