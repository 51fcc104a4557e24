package doctor

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/runtime/docker"
)

// minAPI is the oldest Engine API gitd is tested on (Docker 20.10).
const minAPI = "1.41"

// lifecycleAPI is what the official buildpack lifecycle image needs.
const lifecycleAPI = "1.44"

var noEngine = Result{Status: Skip, Detail: "the engine could not be reached (see engine)"}

func skipped(name string) Result { r := noEngine; r.Check = name; return r }

func (d *Doctor) checkEngine(ctx context.Context) Result {
	r := Result{Check: "engine"}
	where := d.s.DockerHost
	if where == "" {
		where = "unix:///var/run/docker.sock"
	}
	err := d.s.ClientErr
	if d.engine != nil {
		d.eng, err = d.engine.Facts(ctx)
	} else if err == nil {
		err = errors.New("no engine client")
	}
	if d.engine == nil || err != nil {
		d.engine = nil
		r.Status, r.Detail = Fail, fmt.Sprintf("cannot reach the Docker Engine at %s: %v", where, err)
		r.Fix = "start the Docker Engine (systemctl start docker), or point DOCKER_HOST at it"
		if err != nil && strings.Contains(err.Error(), "permission denied") {
			r.Fix = "give gitd's user the socket's group (usermod -aG docker USER; in Compose: DOCKER_GID), " +
				"or point DOCKER_HOST at an engine it may use"
		}
		return r
	}
	e := d.eng
	r.Status, r.Detail = OK, fmt.Sprintf("Docker %s, API %s, at %s", e.Version, e.APIVersion, where)
	if apiLess(e.APIVersion, minAPI) {
		r.Status = Fail
		r.Fix = "upgrade the Docker Engine to 20.10 or later (API " + minAPI + ")"
	} else if apiLess(e.APIVersion, lifecycleAPI) {
		r.Detail += "; buildpack builds need GITD_BUILDPACK_LIFECYCLE_IMAGE (the official lifecycle needs API " + lifecycleAPI + ")"
	}
	return r
}

// apiLess compares Engine API versions ("1.41" < "1.44").
func apiLess(a, b string) bool {
	am, an, _ := strings.Cut(a, ".")
	bm, bn, _ := strings.Cut(b, ".")
	x, _ := strconv.Atoi(am)
	y, _ := strconv.Atoi(bm)
	if x != y {
		return x < y
	}
	p, _ := strconv.Atoi(an)
	q, _ := strconv.Atoi(bn)
	return p < q
}

func (d *Doctor) checkRunc(context.Context) Result {
	if d.engine == nil {
		return skipped("runc")
	}
	e := d.eng
	r := Result{Check: "runc", Status: OK, Detail: fmt.Sprintf("runc %s (build %s), runtime %s", e.Runc, e.RuncBuild, e.Runtime)}
	if err := e.CheckRunc(); err != nil {
		r.Status, r.Detail, r.Fix = Fail, err.Error(), hint.TipOf(err)
	}
	return r
}

// storageAdvice is what each storage driver means for gitd's builds.
var storageAdvice = map[string]struct {
	status Status
	fix    string
}{
	"overlay2":       {OK, ""},
	"fuse-overlayfs": {Warn, "builds are slow on fuse-overlayfs; use overlay2 (rootful engine, kernel 4.x+, ext4 or xfs with d_type)"},
	"btrfs":          {OK, ""},
	"zfs":            {OK, ""},
	"vfs": {Fail, "vfs copies every layer whole: builds are slow and fill the disk. Set \"storage-driver\": \"overlay2\" " +
		"in /etc/docker/daemon.json and restart the engine (images are built again)"},
	"devicemapper": {Warn, "devicemapper is deprecated and removed from Docker 25; move to overlay2"},
	"aufs":         {Warn, "aufs is removed from Docker 24; move to overlay2"},
}

func (d *Doctor) checkStorage(context.Context) Result {
	if d.engine == nil {
		return skipped("storage")
	}
	drv := d.eng.StorageDriver
	r := Result{Check: "storage", Status: OK, Detail: "storage driver " + drv}
	if a, ok := storageAdvice[drv]; ok {
		r.Status, r.Fix = a.status, a.fix
	} else {
		r.Status, r.Fix = Warn, "gitd is tested on overlay2 and fuse-overlayfs"
	}
	return r
}

// checkImage finds ref on the engine, or asks its registry for it. missing
// is the status when neither has it.
func (d *Doctor) checkImage(ctx context.Context, name, ref, setting string, missing Status, pull bool) Result {
	if d.engine == nil {
		return skipped(name)
	}
	r := Result{Check: name, Status: OK, Detail: ref + " is on the engine"}
	ok, err := d.engine.ImagePresent(ctx, ref)
	if err != nil {
		r.Status, r.Detail, r.Fix = Fail, fmt.Sprintf("cannot look up %s: %v", ref, err), "see the engine's log"
		return r
	}
	if ok {
		return r
	}
	if !pull {
		r.Status, r.Detail = missing, ref+" is not on the engine, and "+setting+" says never pull"
		r.Fix = "docker pull " + ref + " (or docker load it), or set " + setting
		return r
	}
	if err := d.engine.Pullable(ctx, ref); err != nil {
		r.Status, r.Detail = missing, fmt.Sprintf("%s is not on the engine and cannot be pulled: %v", ref, err)
		r.Fix = "docker pull " + ref + " where a registry can be reached (docker save | docker load it here), or set " +
			setting + " to an image the engine has (docker images)"
		return r
	}
	r.Detail = ref + " is not on the engine yet; its registry has it (the first build pulls it)"
	return r
}

func (d *Doctor) checkBaseImage(ctx context.Context) Result {
	return d.checkImage(ctx, "base image", d.s.BaseImage, "GITD_BASE_IMAGE", Fail, true)
}

// checkBuilder only warns: apps without a Procfile or project.toml never
// need the builder.
func (d *Doctor) checkBuilder(ctx context.Context) Result {
	r := d.checkImage(ctx, "builder", d.s.BuildpackBuilder, "GITD_BUILDPACK_BUILDER", Warn, d.s.BuildpackPull != "never")
	if r.Status == Warn {
		r.Detail += " (only Procfile and project.toml apps need it)"
	}
	return r
}

func (d *Doctor) checkBotNetwork(ctx context.Context) Result {
	r := Result{Check: "bots' network", Status: OK}
	if d.s.Network != "" {
		return d.checkSharedNetwork(ctx, r)
	}
	if _, err := docker.ParsePool(d.s.BotSubnets); err != nil {
		r.Status, r.Detail, r.Fix = Fail, err.Error(), hint.TipOf(err)
		return r
	}
	r.Detail = fmt.Sprintf("a network per app from %s", d.s.BotSubnets)
	return d.checkFirewall(ctx, r)
}

func (d *Doctor) checkSharedNetwork(ctx context.Context, r Result) Result {
	r.Status, r.Detail = Warn, "all bots share "+d.s.Network+" and can reach each other; the bot firewall does not cover it"
	r.Fix = "unset GITD_DOCKER_NETWORK to give each app a network of its own (docs/network.md)"
	if d.engine == nil {
		return r
	}
	ok, err := d.engine.NetworkExists(ctx, d.s.Network)
	switch {
	case err != nil:
		r.Status, r.Detail = Fail, fmt.Sprintf("cannot look up network %s: %v", d.s.Network, err)
	case !ok:
		r.Detail += " (it does not exist yet: gitd creates it at start)"
	}
	return r
}
