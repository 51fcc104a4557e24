package build

import "github.com/botrunner/botrunner/hint"

// The errors a push can end with. Each is a hint error: errors.Is matches
// them by code however the message was filled in.
var (
	// ErrNoStrategy: nothing in the tree says how to build it.
	ErrNoStrategy = hint.New("NO_BUILD_STRATEGY",
		"no way to build this app was found",
		"add a Dockerfile; or a Procfile/project.toml (buildpack); "+
			"or a Python entrypoint: bot.py, main.py, app.py or __main__.py "+
			"(or set the app's `entrypoint` setting)")

	// ErrBadProject: project.toml cannot be read, or asks for what this
	// server does not do (buildpacks from elsewhere).
	ErrBadProject = hint.New("INVALID_PROJECT_TOML",
		"invalid project.toml",
		"see https://buildpacks.io/docs/reference/config/project-descriptor/; [[build.env]], include and exclude apply")

	// ErrBadProcfile: the Procfile cannot be read as `name: command` lines,
	// or does not say which process runs.
	ErrBadProcfile = hint.New("INVALID_PROCFILE",
		"invalid Procfile",
		"write one `name: command` line per process, e.g. `worker: python -u bot.py`; "+
			"the worker process runs (else web, else the only one)")

	// ErrBuilderUnavailable: the buildpack builder, its run image or the
	// lifecycle image is not on the engine and was not (or could not be)
	// pulled. The pusher cannot fix that; the operator can.
	ErrBuilderUnavailable = hint.New("BUILDER_UNAVAILABLE",
		"the buildpack builder is not available",
		"ask the operator to pull it or to set GITD_BUILDPACK_BUILDER; meanwhile a Dockerfile or a bot.py builds without it")

	// ErrNoBuildpack: no buildpack of the builder recognised the app.
	ErrNoBuildpack = hint.New("NO_BUILDPACK",
		"no buildpack recognised the app",
		"add what the builder's buildpacks look for (for Python: requirements.txt and a Procfile), "+
			"or add a Dockerfile, or remove Procfile/project.toml for a bot.py build")

	// ErrUnknownStrategy: a forced strategy name we do not know.
	ErrUnknownStrategy = hint.New("UNKNOWN_STRATEGY",
		"unknown build strategy",
		"use one of: dockerfile, buildpack, simple (or \"\" to detect)")

	// ErrBadEntrypoint: the entrypoint setting names no usable file.
	ErrBadEntrypoint = hint.New("INVALID_ENTRYPOINT",
		"invalid entrypoint",
		"set `entrypoint` to a .py file in the repository, as a relative path such as bot.py or src/bot.py")

	// ErrBadDockerignore: .dockerignore holds a pattern we cannot parse.
	ErrBadDockerignore = hint.New("INVALID_DOCKERIGNORE",
		"invalid .dockerignore",
		"fix the pattern in .dockerignore (see https://docs.docker.com/build/concepts/context/#dockerignore-files)")

	// ErrContextTooLarge: the tree is bigger than the build context limit.
	ErrContextTooLarge = hint.New("CONTEXT_TOO_LARGE",
		"build context too large",
		"leave data, virtualenvs and build output out of the repository or list them in .dockerignore")

	// ErrBuildFailed: the engine ran the build and a step failed.
	ErrBuildFailed = hint.New("BUILD_FAILED",
		"build failed",
		"fix the failing step above and push again")

	// ErrBuildTimeout: the build ran longer than Options.Timeout.
	ErrBuildTimeout = hint.New("BUILD_TIMEOUT",
		"build timed out",
		"make the build faster, or ask the operator to raise GITD_BUILD_TIMEOUT")

	// ErrBuildDiskExceeded: the build wrote more than Options.Disk.
	ErrBuildDiskExceeded = hint.New("BUILD_DISK_EXCEEDED",
		"build wrote more than its disk budget",
		"write less in the build (clean package caches in the same RUN step, keep data out of the image), "+
			"or ask the operator to raise GITD_BUILD_DISK")

	// ErrEngine: the Docker Engine could not be reached or misbehaved;
	// nothing the pusher did.
	ErrEngine = hint.New("ENGINE_UNAVAILABLE",
		"the build engine is unavailable",
		"try again in a minute; if it persists, ask the operator to check the Docker Engine")

	// ErrInvalidRequest: a Request the pipeline should never send.
	ErrInvalidRequest = hint.New("INVALID_BUILD_REQUEST",
		"invalid build request",
		"this is a bug in the server; please report it")
)

// The Dockerfile checks (dockerfile_check.go): a pushed Dockerfile may
// not make the engine fetch anything itself.
var (
	// ErrRemoteAdd: ADD of a URL or git remote, fetched by the engine
	// from the host's network.
	ErrRemoteAdd = hint.New("BUILD_REMOTE_ADD",
		"ADD from a URL is not allowed",
		"download in a RUN step instead (e.g. RUN curl -fsSLo /app/file https://…, or pip/git in RUN), "+
			"or commit the file and ADD/COPY it from the repository")

	// ErrDockerfileRegistry: FROM or COPY --from names an image on a
	// registry host the operator did not allow.
	ErrDockerfileRegistry = hint.New("BUILD_REGISTRY_NOT_ALLOWED",
		"the base image's registry is not allowed",
		"use an image the server has (docker.io names such as python:3.11-slim), "+
			"or ask the operator to allow the registry with GITD_BUILD_REGISTRIES")

	// ErrDockerfileFrontend: a # syntax= directive asks for a custom
	// frontend image, which would run as the builder.
	ErrDockerfileFrontend = hint.New("BUILD_FRONTEND_NOT_ALLOWED",
		"custom Dockerfile frontends are not allowed",
		"remove the `# syntax=` line: this server builds with the engine's own Dockerfile parser")

	// ErrDockerfileHeredoc: a heredoc, which the classic builder does not
	// read as BuildKit does.
	ErrDockerfileHeredoc = hint.New("BUILD_HEREDOC_NOT_ALLOWED",
		"heredocs are not supported",
		"write the file in the repository and COPY it, or use RUN lines with && and \\ continuations")

	// ErrDockerfileInvalid: the Dockerfile cannot be parsed, or is too big.
	ErrDockerfileInvalid = hint.New("INVALID_DOCKERFILE",
		"invalid Dockerfile",
		"fix the Dockerfile (see https://docs.docker.com/reference/dockerfile/) and push again")
)
