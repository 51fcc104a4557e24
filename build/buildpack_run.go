package build

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	buildtypes "github.com/moby/moby/api/types/build"
	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/hint"
)

// labelImage gives the image pack exported the labels every build's image
// carries (botrunner.app/owner/release, Options.Labels), with a one-step
// classic build on top: pack has no option for image labels. No container
// runs and the tag moves to the labelled image.
func (b *Builder) labelImage(ctx context.Context, j *job, tag string) error {
	dockerfile := []byte("FROM " + tag + "\n")
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: "Dockerfile", Mode: 0o644, Size: int64(len(dockerfile)),
		ModTime: time.Unix(0, 0)}); err != nil {
		return err
	}
	if _, err := tw.Write(dockerfile); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	resp, err := b.engine.ImageBuild(ctx, &buf, client.ImageBuildOptions{
		Version: buildtypes.BuilderV1, Tags: []string{tag}, Dockerfile: "Dockerfile",
		Labels: j.req.labels(b.opts.Labels), Remove: true, ForceRemove: true,
	})
	if err != nil {
		return fmt.Errorf("label image: %w", err)
	}
	defer resp.Body.Close()
	res, err := renderStream(resp.Body, io.Discard, "", nil)
	if err != nil {
		return fmt.Errorf("label image: %w", err)
	}
	if res.failure != "" {
		return fmt.Errorf("label image: %s", res.failure)
	}
	return nil
}

// packError translates what pack returned at the package border. Which
// phase failed comes from the step pack announced last ("===> BUILDING");
// the phase's own output has been streamed already.
func (b *Builder) packError(ctx, bctx context.Context, err error, plog *packLogger) error {
	msg := err.Error()
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("build: %w", ctx.Err())
	case errors.Is(bctx.Err(), context.DeadlineExceeded):
		return ErrBuildTimeout.With("build timed out after "+shortDuration(b.opts.Timeout), err)
	case errors.Is(err, errSocketRefused):
		return ErrEngine.With("buildpack build refused: "+msg, err)
	case client.IsErrConnectionFailed(err):
		return ErrEngine.With("cannot reach the Docker Engine: "+msg, err)
	case strings.Contains(msg, "failed to fetch builder image"):
		return b.missingBuilder(err)
	case strings.Contains(msg, "invalid run-image"):
		return b.unavailable(err, "the run image of builder %s is not on this engine: pull it or set GITD_BUILDPACK_BUILDER",
			b.opts.BuildpackBuilder)
	case strings.Contains(msg, "fetching lifecycle image"):
		return b.unavailable(err, "lifecycle image %s is not on this engine: pull it or set GITD_BUILDPACK_LIFECYCLE_IMAGE",
			lifecycleName(b.opts.BuildpackLifecycle))
	}
	b.log.Info("buildpack build failed", "phase", plog.Phase(), "err", msg)
	return phaseError(plog.Phase(), msg, plog.LastError(), b.opts.BuildpackBuilder, err)
}

// phaseError is the hint error of a failed lifecycle phase.
func phaseError(phase, msg, lastError, builder string, err error) error {
	detail := msg
	if lastError != "" {
		detail = lastError
	}
	switch {
	case strings.Contains(detail, "Maximum supported API version"):
		// lifecycle v0.21.0 links a Docker client that negotiates no API
		// version below 1.44 (Docker 25): its analyzer, restorer and
		// exporter cannot talk to older engines.
		return &hint.Error{Code: ErrBuilderUnavailable.Code, Err: err,
			Msg: "the buildpack lifecycle cannot talk to this Docker Engine: " + detail,
			Tip: "ask the operator to upgrade the Docker Engine (API 1.44, Docker 25, or later) or to set " +
				"GITD_BUILDPACK_LIFECYCLE_IMAGE to a lifecycle image built with a newer Docker client"}
	case phase == "DETECTING" && (strings.HasSuffix(msg, "status code: 20") || strings.HasSuffix(msg, "status code: 21")):
		return &hint.Error{Code: ErrNoBuildpack.Code, Tip: ErrNoBuildpack.Tip, Err: err,
			Msg: fmt.Sprintf("no buildpack of builder %s recognised the app", builder)}
	case phase == "BUILDING":
		return &hint.Error{Code: ErrBuildFailed.Code, Err: err, Msg: "build failed: a buildpack failed: " + detail,
			Tip: "fix what the buildpack's output above complains about and push again"}
	case phase == "EXPORTING" && strings.Contains(detail, "to default but it doesn't exist"):
		return &hint.Error{Code: ErrBuildFailed.Code, Err: err, Msg: "build failed: " + detail,
			Tip: "the builder's buildpacks did not turn the Procfile's process into a process type; " +
				"check the Procfile, or add a Dockerfile"}
	case phase == "":
		return &hint.Error{Code: ErrBuildFailed.Code, Err: err, Msg: "build failed: " + detail,
			Tip: "the builder could not be used; ask the operator to check GITD_BUILDPACK_BUILDER"}
	}
	return &hint.Error{Code: ErrBuildFailed.Code, Err: err,
		Msg: fmt.Sprintf("build failed in the %s phase: %s", strings.ToLower(phase), detail),
		Tip: "see the output above; if it is not about the app, ask the operator to check the builder"}
}

func (b *Builder) unavailable(err error, format string, args ...any) error {
	return &hint.Error{Code: ErrBuilderUnavailable.Code, Err: err, Tip: ErrBuilderUnavailable.Tip,
		Msg: fmt.Sprintf(format, args...)}
}

// lifecycleName is the lifecycle image pack uses when none is set.
func lifecycleName(s string) string {
	if s == "" {
		return "buildpacksio/lifecycle (of the builder's lifecycle version)"
	}
	return s
}
