package build

import (
	"fmt"
	"strings"

	"github.com/distribution/reference"
)

// ImageRef is a parsed image reference for image mode.
type ImageRef struct {
	Name     string // normalised, with registry and tag: "127.0.0.1:5000/echo:v1", "docker.io/library/python:3.11"
	Registry string // the registry host (and port) the image comes from: "127.0.0.1:5000", "docker.io"
}

func (r ImageRef) String() string { return r.Name }

// reservedNamespace is where gitd tags the images it builds and pulls
// (Tag). A ref there would name another app's release, so it is refused
// before any pull, whatever registry it might resolve to.
const reservedNamespace = "botrunner/"

// maxRefLen bounds a ref before parsing; real ones are far shorter.
const maxRefLen = 512

// ParseImageRef validates and normalises ref as `docker pull` would: a
// missing registry is Docker Hub, a missing tag is latest. Image IDs,
// refs in gitd's own namespace and malformed names are INVALID_IMAGE_REF.
func ParseImageRef(ref string) (ImageRef, error) {
	if ref == "" || len(ref) > maxRefLen || strings.ContainsAny(ref, " \t\r\n") {
		return ImageRef{}, invalidRef(ref, "")
	}
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return ImageRef{}, invalidRef(ref, err.Error())
	}
	domain := reference.Domain(named)
	if domain == "docker.io" && strings.HasPrefix(reference.Path(named), reservedNamespace) {
		return ImageRef{}, ErrInvalidRef.With(fmt.Sprintf(
			"%q is in the botrunner/ namespace, where the server keeps its own images", ref), nil)
	}
	return ImageRef{Name: reference.TagNameOnly(named).String(), Registry: domain}, nil
}

func invalidRef(ref, why string) error {
	msg := fmt.Sprintf("%q is not a valid image reference", ref)
	if len(ref) > 80 {
		msg = "the image reference is not valid"
	}
	if why != "" {
		msg += ": " + why
	}
	return ErrInvalidRef.With(msg, nil)
}

// allowed checks ref's registry against the operator's allow list.
func (p *Puller) allowed(ref ImageRef) error {
	if len(p.opts.AllowRegistries) == 0 {
		return nil
	}
	for _, h := range p.opts.AllowRegistries {
		if strings.EqualFold(strings.TrimSpace(h), ref.Registry) {
			return nil
		}
	}
	return ErrRegistryNotAllowed.With(fmt.Sprintf("images from %s are not allowed on this server (allowed: %s)",
		ref.Registry, strings.Join(p.opts.AllowRegistries, ", ")), nil)
}
