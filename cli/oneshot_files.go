package cli

import (
	"fmt"
	"path"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// entrypoints are the files the server's simple strategy runs when the app
// has no entrypoint setting, in its order (build.Entrypoints; botctl does
// not link the build package, a test keeps the two lists equal).
var entrypoints = []string{"bot.py", "main.py", "app.py", "__main__.py"}

const requirementsFile = "requirements.txt"

// addRequirements writes the -r lines into the tree's requirements.txt. A
// listed requirements.txt is merged with them rather than refused: its
// lines stay first, and -r lines it already has are not repeated.
func (s *snapshot) addRequirements(reqs []string) error {
	if len(reqs) == 0 {
		return nil
	}
	for _, r := range reqs {
		if strings.TrimSpace(r) == "" || strings.ContainsAny(r, "\r\n") {
			return ErrBadRequirement.With(fmt.Sprintf("-r %q is not one requirement", r), nil)
		}
	}
	i := s.find(requirementsFile)
	if i < 0 {
		s.Files = append(s.Files, treeFile{Path: requirementsFile, Mode: filemode.Regular,
			Data: []byte(strings.Join(reqs, "\n") + "\n")})
		s.sort()
		s.Notes = append(s.Notes, fmt.Sprintf("requirements.txt from -r: %s", strings.Join(reqs, ", ")))
		return nil
	}
	have := map[string]bool{}
	for _, l := range strings.Split(string(s.Files[i].Data), "\n") {
		have[strings.TrimSpace(l)] = true
	}
	data := string(s.Files[i].Data)
	if data != "" && !strings.HasSuffix(data, "\n") {
		data += "\n"
	}
	var added []string
	for _, r := range reqs {
		if !have[strings.TrimSpace(r)] {
			data += r + "\n"
			have[strings.TrimSpace(r)] = true
			added = append(added, r)
		}
	}
	s.Files[i].Data = []byte(data)
	if len(added) > 0 {
		s.Notes = append(s.Notes, fmt.Sprintf("requirements.txt: added %s from -r", strings.Join(added, ", ")))
	}
	return nil
}

// detectedEntrypoint is what the server would run with no entrypoint
// setting: the first of entrypoints at the root, "" when there is none.
func (s *snapshot) detectedEntrypoint() string {
	for _, e := range entrypoints {
		if i := s.find(e); i >= 0 && s.Files[i].Mode != filemode.Symlink {
			return e
		}
	}
	return ""
}

// entrypointChoice is what decideEntrypoint says about the setting.
type entrypointChoice struct {
	Value string // the entrypoint the deploy needs
	Set   bool   // whether botctl must `settings:set entrypoint=Value` first
}

// decideEntrypoint checks --entrypoint against the tree and says whether the
// app's setting must change: not when the server would find the same file
// by itself (no setting and the file is the detected one) or when the
// setting already says so. With no --entrypoint, a --simple deploy without
// any detectable entrypoint runs its first listed .py file.
func (s *snapshot) decideEntrypoint(flag string, firstPy string, current string) (entrypointChoice, error) {
	want := flag
	if want != "" {
		rel, err := cleanRelPath(want)
		if err != nil {
			return entrypointChoice{}, err
		}
		if path.Ext(rel) != ".py" || !s.has(rel) {
			return entrypointChoice{}, ErrBadEntrypointFlag.With(
				fmt.Sprintf("--entrypoint %s is not one of the .py files being deployed", flag), nil)
		}
		want = rel
	} else if s.detectedEntrypoint() == "" && !s.has(current) && firstPy != "" && !s.hasBuildFile() {
		want = firstPy
	}
	if want == "" || want == current || (current == "" && want == s.detectedEntrypoint()) {
		return entrypointChoice{Value: want}, nil
	}
	return entrypointChoice{Value: want, Set: true}, nil
}

// hasBuildFile reports whether the tree picks a strategy that needs no
// entrypoint: a Dockerfile, project.toml or Procfile at the root.
func (s *snapshot) hasBuildFile() bool {
	return s.has("Dockerfile") || s.has("project.toml") || s.has("Procfile")
}

// firstPy is the first .py file of a --simple list, as the user typed it.
func firstPy(names []string) string {
	for _, n := range names {
		if rel, err := cleanRelPath(n); err == nil && path.Ext(rel) == ".py" {
			return rel
		}
	}
	return ""
}
