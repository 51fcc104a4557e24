// Package build turns a checked-out source tree, or an image reference,
// into the local Docker image a release runs.
//
// # Strategies
//
// A tree is matched against an ordered list of strategies, first match wins
// (`botctl builder:set` overrides the choice):
//
//	dockerfile  a Dockerfile at the root, built as is
//	buildpack   project.toml or Procfile, built with Cloud Native Buildpacks
//	            (pack as a library, the configured builder); the Procfile's
//	            worker process runs, else web, else the only one
//	simple      a Python entrypoint (bot.py, main.py, app.py, __main__.py or the
//	            app's entrypoint setting), built from a synthesized Dockerfile
//
// # The build context
//
// Builds go through the Docker Engine's classic builder (builder version "1")
// with a plain tar context that this package makes itself: BuildKit over the
// API needs an attached session, and the classic builder does not. The tar
// honours .dockerignore with the Docker CLI's own matcher, never holds .git,
// stores symlinks as symlinks and never reads outside the tree. Nothing is
// pulled: images come only from the engine's local store.
//
// The engine is reached through Engine, the narrow slice of the moby client
// this package calls; *client.Client satisfies it and tests fake it.
//
// # Buildpacks
//
// Buildpack builds hand pack a fuller client (BuildpackEngine) and always
// take pack's untrusted five-phase flow: the detector and builder, which
// run the buildpacks and so the app's code, run from the builder image as
// its CNB user without the Docker socket; only the analyzer, restorer and
// exporter, from the lifecycle image, get it. A guard in front of the
// engine refuses any other container that asks for the socket, and gives
// every phase the build memory limit. Pull policy, builder and lifecycle
// image come from the operator (GITD_BUILDPACK_*). The build cache lives in
// volumes per owner and app; the exported image then gets the botrunner.*
// labels in a one-step classic build, as pack cannot add labels.
//
// # Image mode
//
// Image mode (deploy:image) builds nothing: Puller pulls a ref through
// PullEngine, always from its registry (never an image the engine happens
// to hold, and never a ref in gitd's own botrunner/ namespace), with the
// app's login for that registry only, and tags the result as the release
// (Tag) like a built image.
package build
