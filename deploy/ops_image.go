package deploy

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/botrunner/botrunner/build"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/logstore"
	"github.com/botrunner/botrunner/store"
)

// Image mode: deploy:image pulls a prebuilt image instead of building one,
// then records and swaps the release exactly as a built one.

// Puller pulls prebuilt images (build.Puller).
type Puller interface {
	Pull(ctx context.Context, r build.PullRequest) (build.Result, error)
}

// Logins keeps the apps' registry logins (store.Store).
type Logins interface {
	RegistryLogin(app string) (store.RegistryLogin, bool, error)
	SetRegistryLogin(app string, l store.RegistryLogin) error
}

// ErrNoImageMode is a server wired without a Puller.
var ErrNoImageMode = hint.New("NO_IMAGE_MODE", "this server does not deploy prebuilt images",
	"push the source instead (git push bots main), or ask the admin")

// DeployImage pulls ref (with creds for its registry, else with the login
// stored for that registry, else anonymously) and deploys it as a new
// release. A failed pull changes nothing: no release, no stored login.
// creds are stored, sealed, once a pull with them succeeded.
func (d *Engine) DeployImage(ctx context.Context, app store.App, ref string, creds *build.Credentials, by string, out io.Writer) error {
	if d.cfg.Puller == nil {
		return ErrNoImageMode
	}
	r, err := build.ParseImageRef(ref)
	if err != nil {
		return err
	}
	unlock, err := d.lock(ctx, app.Name, out)
	if err != nil {
		return err
	}
	defer unlock()
	defer d.setPhase(app.Name, "")
	return d.pullRelease(ctx, app, r, creds, store.Release{App: app.Name, Pusher: by}, out)
}

// repull is Rebuild of an image release: the same ref, pulled again with
// the login stored for its registry.
func (d *Engine) repull(ctx context.Context, app store.App, cur store.Release, by string, out io.Writer) error {
	if d.cfg.Puller == nil {
		return ErrNoImageMode
	}
	r, err := build.ParseImageRef(cur.Source)
	if err != nil {
		return err
	}
	return d.pullRelease(ctx, app, r, nil, store.Release{App: app.Name, Pusher: by,
		ConfigChange: fmt.Sprintf("rebuild of v%d", cur.Number)}, out)
}

// pullRelease pulls r as the app's next release, records it (meta gives
// pusher and change) and swaps it in. It runs under the app's lock.
func (d *Engine) pullRelease(ctx context.Context, app store.App, r build.ImageRef, creds *build.Credentials,
	meta store.Release, out io.Writer) error {
	start := time.Now()
	d.setPhase(app.Name, PhasePulling)
	auth, login, err := d.loginFor(app.Name, r, creds)
	if err != nil {
		return err
	}
	cfg, err := d.store.Config(app.Name)
	if err != nil {
		return ErrDeployFailed.With("deploy failed: read config", err)
	}
	next, err := d.nextRelease(app.Name)
	if err != nil {
		return err
	}
	step(out, "%s: pulling %s for v%d%s", app.Name, r.Name, next, loginNote(auth, r))
	res, pullLog, err := d.pull(ctx, build.PullRequest{App: app.Name, Release: next, Ref: r, Auth: auth}, out)
	if err != nil {
		return err // nothing recorded: a failed pull leaves the app as it was
	}
	meta.Source, meta.Strategy, meta.Status, meta.Config = r.Name, build.StrategyImage, store.ReleaseBuilding, cfg
	meta.Image, meta.ImageTag = res.Image, res.Tag
	rel, err := d.store.AddRelease(meta)
	if err == nil && rel.Number != next {
		err = d.failed(rel, fmt.Errorf("release number moved from v%d to v%d during the pull", next, rel.Number))
	}
	if err != nil {
		d.removeImage(res.Tag)
		return ErrDeployFailed.With("deploy failed: record release", err)
	}
	d.saveLog(app.Name, rel.Number, pullLog)
	if login != nil {
		if err := d.cfg.Logins.SetRegistryLogin(app.Name, *login); err != nil {
			d.log.Error("store registry login", "app", app.Name, "login", *login, "err", err)
		}
	}
	d.setPhase(app.Name, PhaseStarting)
	return d.swapIn(ctx, app, rel, out, start, true)
}

// loginFor picks the credentials for a pull of r. Given ones win and come
// back as the login to store after a good pull; else the app's stored login
// serves, but only for the registry it was given for.
func (d *Engine) loginFor(app string, r build.ImageRef, creds *build.Credentials) (*build.Credentials, *store.RegistryLogin, error) {
	if d.cfg.Logins == nil {
		if creds != nil {
			return nil, nil, ErrDeployFailed.With("deploy failed: this server cannot keep registry logins", nil)
		}
		return nil, nil, nil
	}
	if creds != nil {
		return creds, &store.RegistryLogin{Registry: r.Registry, Username: creds.Username, Password: creds.Password}, nil
	}
	l, ok, err := d.cfg.Logins.RegistryLogin(app)
	if err != nil {
		return nil, nil, ErrDeployFailed.With("deploy failed: read the registry login", err)
	}
	if !ok || l.Registry != r.Registry {
		return nil, nil, nil
	}
	return &build.Credentials{Username: l.Username, Password: l.Password}, nil, nil
}

func loginNote(auth *build.Credentials, r build.ImageRef) string {
	if auth == nil {
		return ""
	}
	return fmt.Sprintf(" (login %s @ %s)", auth.Username, r.Registry)
}

// nextRelease is the number AddRelease will give the app's next release:
// the pull tags the image with it before the release is recorded, which is
// safe because every release-making action holds the app's lock.
func (d *Engine) nextRelease(app string) (int, error) {
	rels, err := d.store.Releases(app)
	if err != nil {
		return 0, ErrDeployFailed.With("deploy failed: read releases", err)
	}
	return len(rels) + 1, nil
}

// pull streams the pull's progress to out (with the password, should it
// ever show up, redacted) and keeps a copy for the release's build log.
func (d *Engine) pull(ctx context.Context, req build.PullRequest, out io.Writer) (build.Result, []byte, error) {
	var logBuf bytes.Buffer
	var secrets []string
	if req.Auth != nil {
		secrets = append(secrets, req.Auth.Password)
	}
	red := logstore.NewRedactor(io.MultiWriter(out, &logBuf), secrets)
	req.Output = red
	res, err := d.cfg.Puller.Pull(ctx, req)
	_ = red.Close()
	return res, logBuf.Bytes(), err
}

func (d *Engine) saveLog(app string, release int, log []byte) {
	if d.cfg.Logs == nil {
		return
	}
	if err := d.cfg.Logs.SaveBuild(app, release, log); err != nil {
		d.log.Warn("save pull log", "app", app, "release", release, "err", err)
	}
}

// imageGone is the rollback error for a release whose image was cleaned
// up; an image release is deployed again from its ref, not by a push.
func imageGone(r store.Release) error {
	msg := fmt.Sprintf("v%d's image %s is no longer kept", r.Number, r.ImageTag)
	if r.Source == "" {
		return ErrImageGone.With(msg, nil)
	}
	return &hint.Error{Code: ErrImageGone.Code, Msg: msg,
		Tip: fmt.Sprintf("only the last releases' images are kept; deploy it again: deploy:image %s %s", r.App, r.Source)}
}
