package build

import (
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/distribution/reference"

	"github.com/botrunner/botrunner/hint"
)

// tree is the checked-out source a build starts from, opened once: every
// read goes through root, so nothing outside the tree is ever read.
type tree struct {
	root *os.Root
	ig   *ignorer
}

func openTree(dir string) (*tree, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open source tree: %w", err)
	}
	ig, err := readIgnorer(root.FS())
	if err != nil {
		root.Close()
		return nil, err
	}
	return &tree{root: root, ig: ig}, nil
}

func (t *tree) Close() error { return t.root.Close() }

// file reports whether name is a regular file in the tree that the build
// context will hold (not left out by .dockerignore).
func (t *tree) file(name string) bool {
	fi, err := t.root.Lstat(name)
	return err == nil && fi.Mode().IsRegular() && !t.ig.ignored(name)
}

// exists reports whether name is anything but a directory at the root,
// whatever .dockerignore says.
func (t *tree) exists(name string) bool {
	fi, err := t.root.Lstat(name)
	return err == nil && !fi.IsDir()
}

// strategy is one way to build a tree (an ordered resolver, like flyctl's
// imgsrc resolver): the first in strategies whose Detect fits wins.
type strategy interface {
	Name() string
	// Detect reports whether the tree fits and, if so, a short detail
	// for people ("bot.py, requirements.txt"). An error means the tree
	// asks for this strategy in a way that cannot work.
	Detect(t *tree, s Settings) (detail string, ok bool, err error)
	// Build builds the detected tree.
	Build(ctx context.Context, b *Builder, j *job) (Result, error)
	// needs says what the tree lacks when the strategy is forced.
	needs() string
}

// strategies in detection order.
var strategies = []strategy{dockerfileStrategy{}, buildpackStrategy{}, simpleStrategy{}}

// Strategies returns the names Settings.Strategy accepts, in detection
// order.
func Strategies() []string {
	names := make([]string, len(strategies))
	for i, s := range strategies {
		names[i] = s.Name()
	}
	return names
}

// ValidStrategy checks a name for Settings.Strategy; "" means detect.
func ValidStrategy(name string) error {
	_, err := lookupStrategy(name)
	return err
}

func lookupStrategy(name string) (strategy, error) {
	if name == "" {
		return nil, nil
	}
	for _, s := range strategies {
		if s.Name() == name {
			return s, nil
		}
	}
	if name == "image" {
		// Not a way to build a tree: prebuilt images have their own command.
		return nil, &hint.Error{Code: ErrUnknownStrategy.Code, Err: ErrUnknownStrategy,
			Msg: `"image" is not a build strategy`,
			Tip: "deploy a prebuilt image with deploy:image <app> <ref>; builders are dockerfile, buildpack, simple"}
	}
	return nil, ErrUnknownStrategy.With(fmt.Sprintf("unknown build strategy %q", name), nil)
}

// detect picks the strategy for the tree: the forced one if it fits, else
// the first that fits.
func detect(t *tree, s Settings) (strategy, string, error) {
	forced, err := lookupStrategy(s.Strategy)
	if err != nil {
		return nil, "", err
	}
	if forced != nil {
		detail, ok, err := forced.Detect(t, s)
		if err == nil && !ok {
			err = hint.Errorf(ErrNoStrategy.Code,
				"add it, or clear the app's build strategy setting so the repository is detected",
				"the app's build strategy is %q, but the repository has no %s", forced.Name(), forced.needs())
		}
		return forced, detail, err
	}
	for _, st := range strategies {
		detail, ok, err := st.Detect(t, s)
		if err != nil || ok {
			return st, detail, err
		}
	}
	return nil, "", ErrNoStrategy
}

// dockerfileStrategy builds the user's own Dockerfile as it is.
type dockerfileStrategy struct{}

func (dockerfileStrategy) Name() string  { return "dockerfile" }
func (dockerfileStrategy) needs() string { return "Dockerfile at the root" }

func (dockerfileStrategy) Detect(t *tree, _ Settings) (string, bool, error) {
	fi, err := t.root.Lstat("Dockerfile")
	if err != nil || !fi.Mode().IsRegular() {
		return "", false, nil
	}
	return "Dockerfile", true, nil
}

func (dockerfileStrategy) Build(ctx context.Context, b *Builder, j *job) (Result, error) {
	if err := b.checkDockerfile(ctx, j.tree); err != nil {
		b.log.Info("dockerfile refused", "app", j.req.App, "release", j.req.Release, "code", hint.CodeOf(err))
		return Result{}, err
	}
	return b.run(ctx, j, plan{
		spec:       contextSpec{keep: map[string]bool{"Dockerfile": true, ignoreFile: true}},
		dockerfile: "Dockerfile",
		buildArgs:  b.opts.BuildArgs,
		failTip:    "fix the Dockerfile step above and push again",
	})
}

// pullAllowed says whether the engine may pull img for a build.
func (b *Builder) pullAllowed(img string) error {
	host := "docker.io"
	if named, err := reference.ParseNormalizedNamed(img); err == nil {
		host = reference.Domain(named)
	}
	if slices.Contains(b.opts.Registries, host) {
		return nil
	}
	return ErrDockerfileRegistry.With(fmt.Sprintf(
		"the Dockerfile builds on %s, which is not on this server, and builds may not pull from %s", img, host), nil)
}

// checkDockerfile runs the Dockerfile policy on the tree's Dockerfile
// and on the ONBUILD triggers of the images it builds on: an image pulled
// with deploy:image may carry an ONBUILD ADD of a URL.
func (b *Builder) checkDockerfile(ctx context.Context, t *tree) error {
	f, err := t.root.Open("Dockerfile")
	if err != nil {
		return fmt.Errorf("open Dockerfile: %w", err)
	}
	defer f.Close()
	p := dockerfilePolicy{registries: b.opts.Registries, buildArgs: b.opts.BuildArgs}
	bases, err := p.checkBases(f)
	if err != nil {
		return err
	}
	for _, img := range bases {
		res, err := b.engine.ImageInspect(ctx, img)
		if err != nil {
			// The engine would pull it: only from a registry the operator
			// allowed, and then its ONBUILD triggers go unchecked.
			if err := b.pullAllowed(img); err != nil {
				return err
			}
			continue
		}
		if res.Config == nil || len(res.Config.OnBuild) == 0 {
			continue
		}
		if err := p.checkTriggers(img, res.Config.OnBuild); err != nil {
			return err
		}
	}
	return nil
}
