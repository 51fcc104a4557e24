package build

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/buildpacks/pack/pkg/logging"
	"github.com/buildpacks/pack/pkg/project"
	projecttypes "github.com/buildpacks/pack/pkg/project/types"

	"github.com/botrunner/botrunner/hint"
)

// projectFile is the CNB project descriptor.
const projectFile = "project.toml"

// maxProjectFile bounds project.toml; real ones are a few hundred bytes.
const maxProjectFile = 64 << 10

// readProject reads the tree's project.toml for pack: its build env,
// include/exclude lists and project metadata apply. Buildpacks it names
// ([[build.buildpacks]], pre/post groups) are refused, because pack would
// fetch them from wherever the app says (the network, the server's disk);
// the server's builder decides the buildpacks, and its `builder` key is
// ignored for the same reason (said in out). No project.toml: zero value.
func readProject(t *tree, dir string, out io.Writer) (projecttypes.Descriptor, error) {
	fi, err := t.root.Lstat(projectFile)
	if err != nil {
		return projecttypes.Descriptor{}, nil
	}
	if !fi.Mode().IsRegular() {
		return projecttypes.Descriptor{}, badProject("it is not a regular file")
	}
	if fi.Size() > maxProjectFile {
		return projecttypes.Descriptor{}, badProject("it is larger than %d KiB", maxProjectFile>>10)
	}
	// The checkout is path-safe (no links out of it), so reading by path
	// stays inside the tree.
	d, err := project.ReadProjectDescriptor(filepath.Join(dir, projectFile), logging.NewSimpleLogger(out))
	if err != nil {
		return projecttypes.Descriptor{}, badProject("%v", err)
	}
	if n := len(d.Build.Buildpacks) + len(d.Build.Pre.Buildpacks) + len(d.Build.Post.Buildpacks); n > 0 {
		return projecttypes.Descriptor{}, &hint.Error{Code: ErrBadProject.Code, Err: ErrBadProject,
			Msg: fmt.Sprintf("project.toml names %d buildpack(s); this server builds only with its builder's buildpacks", n),
			Tip: "remove the [[build.buildpacks]] (and pre/post group) entries; the builder detects what the app needs"}
	}
	if d.Build.Builder != "" {
		fmt.Fprintf(out, "project.toml asks for builder %s; this server builds with its own (ignored)\n", d.Build.Builder)
		d.Build.Builder = ""
	}
	return d, nil
}

func badProject(format string, args ...any) error {
	return &hint.Error{Code: ErrBadProject.Code, Err: ErrBadProject, Tip: ErrBadProject.Tip,
		Msg: "invalid project.toml: " + fmt.Sprintf(format, args...)}
}
