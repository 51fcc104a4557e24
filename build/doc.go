// Package build turns a checked-out source tree into a local Docker image.
//
// A tree is matched against an ordered list of strategies, first match wins
// (DESIGN.md, "Build strategies"):
//
//	dockerfile  a Dockerfile at the root, built as is
//	buildpack   project.toml or Procfile: detected, not built yet (NOT_SUPPORTED_YET)
//	simple      a Python entrypoint (bot.py, main.py, app.py, __main__.py or the
//	            app's entrypoint setting), built from a synthesized Dockerfile
//
// Builds go through the Docker Engine's classic builder (builder version "1")
// with a plain tar context that this package makes itself: BuildKit over the
// API needs an attached session, and the classic builder does not. The tar
// honours .dockerignore, never holds .git, stores symlinks as symlinks and
// never reads outside the tree. Nothing is pulled: images come only from the
// engine's local store.
//
// The engine is reached through Engine, the narrow slice of the moby client
// this package calls; *client.Client satisfies it and tests fake it.
package build
