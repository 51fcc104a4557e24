package build

import "github.com/botrunner/botrunner/hint"

// The errors an image-mode pull can end with (pull.go). Nothing about the
// app changes when a pull fails.
var (
	// ErrInvalidRef: the ref is not an image reference we accept.
	ErrInvalidRef = hint.New("INVALID_IMAGE_REF",
		"invalid image reference",
		"write it as [registry/]name[:tag] or name@sha256:<digest>, e.g. registry.example.com/me/bot:v1")

	// ErrRegistryNotAllowed: the operator limits where images come from.
	ErrRegistryNotAllowed = hint.New("REGISTRY_NOT_ALLOWED",
		"the registry is not allowed",
		"push the image to one of the allowed registries, or ask the admin to add this one to GITD_IMAGE_ALLOW_REGISTRIES")

	// ErrRegistryAuth: the registry wants a login, or refused the one given.
	ErrRegistryAuth = hint.New("REGISTRY_AUTH",
		"the registry refused the login; nothing changed",
		"check --username and the password piped to --password-stdin (e.g. `echo \"$TOKEN\" | ssh ... deploy:image app ref --username me --password-stdin`)")

	// ErrImageNotFound: the registry has no such repository or tag.
	ErrImageNotFound = hint.New("IMAGE_NOT_FOUND",
		"image not found",
		"check the image name and tag, and that it was pushed to that registry")

	// ErrRegistryUnreachable: the engine could not talk to the registry.
	ErrRegistryUnreachable = hint.New("REGISTRY_UNREACHABLE",
		"the registry cannot be reached",
		"check the registry host and port in the image reference; the server must be able to reach it")

	// ErrPullFailed: any other failure the engine reported for the pull.
	ErrPullFailed = hint.New("PULL_FAILED",
		"pull failed",
		"check the image reference and try again; the previous release keeps running")

	// ErrPullTimeout: the pull ran longer than PullOptions.Timeout.
	ErrPullTimeout = hint.New("PULL_TIMEOUT",
		"pull timed out",
		"use a smaller image, or ask the operator to raise GITD_BUILD_TIMEOUT")
)
