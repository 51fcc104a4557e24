package build

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/distribution/reference"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/botrunner/botrunner/hint"
)

// maxDockerfile bounds the Dockerfile the check reads; the engine would
// refuse a bigger one only after the context upload.
const maxDockerfile = 1 << 20

// dockerfilePolicy says what a pushed Dockerfile may make the engine
// fetch. The engine fetches ADD URLs and pulls images from the host's own
// network namespace, with the engine's credentials: what bots may not
// reach (the host's loopback, cloud metadata, a private registry) it
// reaches. So nothing is fetched by the engine: downloads go in RUN
// steps, whose network is the build network.
type dockerfilePolicy struct {
	registries []string          // registry hosts FROM and COPY --from may name besides docker.io
	buildArgs  map[string]string // the operator's build args: they override ARG defaults
}

// checkDockerfile refuses a Dockerfile that makes the engine fetch from
// a URL or a registry host the operator did not allow, before the build
// starts. It parses with BuildKit's parser, so escape directives, line
// continuations, JSON forms and ONBUILD cannot hide an instruction; and it
// refuses what the classic builder reads differently (heredocs) and
// custom frontends (# syntax=).
func (p dockerfilePolicy) check(r io.Reader) error {
	_, err := p.checkBases(r)
	return err
}

// checkBases is check, returning the images the Dockerfile builds on
// (FROM lines that name no earlier stage).
func (p dockerfilePolicy) checkBases(r io.Reader) ([]string, error) {
	dt, err := io.ReadAll(io.LimitReader(r, maxDockerfile+1))
	if err != nil {
		return nil, fmt.Errorf("read Dockerfile: %w", err)
	}
	if len(dt) > maxDockerfile {
		return nil, ErrDockerfileInvalid.With("the Dockerfile is larger than 1 MiB", nil)
	}
	if syntax, _, _, ok := parser.DetectSyntax(dt); ok {
		return nil, ErrDockerfileFrontend.With(fmt.Sprintf("the Dockerfile asks for the frontend %q (# syntax=)", syntax), nil)
	}
	res, err := parser.Parse(bytes.NewReader(dt))
	if err != nil {
		return nil, ErrDockerfileInvalid.With("invalid Dockerfile: "+err.Error(), err)
	}
	w := &dfWalk{policy: p, lex: shell.NewLex(res.EscapeToken), meta: envMap{}, stages: map[string]bool{}}
	for _, n := range res.AST.Children {
		if err := w.instruction(n, false); err != nil {
			return nil, err
		}
	}
	return w.bases, nil
}

// checkTriggers checks a base image's ONBUILD triggers, which run in the
// build as if written after its FROM line.
func (p dockerfilePolicy) checkTriggers(image string, triggers []string) error {
	res, err := parser.Parse(strings.NewReader(strings.Join(triggers, "\n") + "\n"))
	if err != nil {
		return ErrDockerfileInvalid.With(fmt.Sprintf("the base image %s has ONBUILD triggers that cannot be read: %v", image, err), err)
	}
	w := &dfWalk{policy: p, lex: shell.NewLex(res.EscapeToken), meta: envMap{}, env: envMap{}, inStage: true,
		stages: map[string]bool{}}
	for _, n := range res.AST.Children {
		if err := w.instruction(n, true); err != nil {
			return hint.Of(err).With(fmt.Sprintf("the base image %s has an ONBUILD trigger: %s", image, err.Error()), err)
		}
	}
	return nil
}

// envMap is the build-time variables an instruction's words expand with.
type envMap map[string]string

func (e envMap) Get(k string) (string, bool) { v, ok := e[k]; return v, ok }
func (e envMap) Keys() []string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// dfWalk follows the Dockerfile's stages and variables as the builder
// does, to check each word as the engine will see it.
type dfWalk struct {
	policy   dockerfilePolicy
	lex      *shell.Lex
	meta     envMap // ARGs before the first FROM
	env      envMap // the current stage's ARG and ENV values
	inStage  bool
	stages   map[string]bool // stage names (and indexes) so far
	bases    []string        // the images FROM lines build on
	nStages  int
	lastLine int
}

func (w *dfWalk) instruction(n *parser.Node, onbuild bool) error {
	w.lastLine = n.StartLine
	if len(n.Heredocs) > 0 {
		return w.refuse(ErrDockerfileHeredoc, n, "a heredoc (<<)")
	}
	switch strings.ToLower(n.Value) {
	case "from":
		return w.from(n)
	case "arg":
		w.arg(n)
	case "env":
		w.setEnv(n)
	case "add":
		return w.add(n)
	case "copy":
		return w.copyFrom(n)
	case "onbuild":
		if onbuild || n.Next == nil || len(n.Next.Children) == 0 {
			return nil // the parser refuses ONBUILD ONBUILD; an empty one does nothing
		}
		return w.instruction(n.Next.Children[0], true)
	}
	return nil
}

func (w *dfWalk) vars() envMap {
	if w.inStage {
		return w.env
	}
	return w.meta
}

// expand expands a word as the builder would; a word it cannot expand is
// kept as written (and checked as such).
func (w *dfWalk) expand(word string, env envMap) string {
	out, _, err := w.lex.ProcessWord(word, env)
	if err != nil {
		return word
	}
	return out
}

func (w *dfWalk) from(n *parser.Node) error {
	if n.Next == nil {
		return nil
	}
	img := w.expand(n.Next.Value, w.meta)
	if err := w.image(n, img, "FROM "+n.Next.Value); err != nil {
		return err
	}
	if !w.stages[strings.ToLower(img)] && !strings.EqualFold(img, "scratch") {
		w.bases = append(w.bases, img)
	}
	w.stages[strconv.Itoa(w.nStages)] = true
	w.nStages++
	if as := n.Next.Next; as != nil && strings.EqualFold(as.Value, "as") && as.Next != nil {
		w.stages[strings.ToLower(as.Next.Value)] = true
	}
	w.inStage, w.env = true, envMap{}
	return nil
}

// image checks a base image reference: a stage, scratch, or an image on
// docker.io or an allowed registry.
func (w *dfWalk) image(n *parser.Node, img, what string) error {
	if w.stages[strings.ToLower(img)] || strings.EqualFold(img, "scratch") {
		return nil
	}
	named, err := reference.ParseNormalizedNamed(img)
	if err != nil {
		return w.refuse(ErrDockerfileRegistry, n, fmt.Sprintf("%s (%q is not an image reference)", what, img))
	}
	host := reference.Domain(named)
	if host == "docker.io" || slices.Contains(w.policy.registries, host) {
		return nil
	}
	return w.refuse(ErrDockerfileRegistry, n, fmt.Sprintf("%s (registry %s)", what, host))
}

func (w *dfWalk) arg(n *parser.Node) {
	for a := n.Next; a != nil; a = a.Next {
		k, v, hasV := strings.Cut(a.Value, "=")
		switch op, ok := w.policy.buildArgs[k]; {
		case ok:
			v = op
		case hasV:
			v = w.expand(v, w.vars())
		case w.inStage:
			v = w.meta[k]
		}
		w.vars()[k] = v
	}
}

func (w *dfWalk) setEnv(n *parser.Node) {
	for k := n.Next; k != nil && k.Next != nil; {
		v := k.Next
		w.vars()[k.Value] = w.expand(v.Value, w.vars())
		if v.Next == nil {
			break
		}
		k = v.Next.Next // skip the separator node
	}
}

// add refuses ADD sources the engine would fetch (URLs, git remotes), as
// written and as expanded.
func (w *dfWalk) add(n *parser.Node) error {
	for _, f := range n.Flags {
		if name, _, _ := strings.Cut(strings.TrimLeft(f, "-"), "="); strings.EqualFold(name, "checksum") ||
			strings.EqualFold(name, "keep-git-dir") {
			return w.refuse(ErrRemoteAdd, n, "ADD --"+name)
		}
	}
	for s := n.Next; s != nil && s.Next != nil; s = s.Next { // the last word is the destination
		for _, word := range []string{s.Value, w.expand(s.Value, w.vars())} {
			if remoteSource(word) {
				return w.refuse(ErrRemoteAdd, n, "ADD "+s.Value)
			}
		}
	}
	return nil
}

// remoteSource matches what a builder fetches: any URL scheme, scp-style
// git remotes (git@host:repo) and github.com/… shorthands. Leading quotes
// are skipped: a word the lexer cannot expand (an unclosed quote) is checked
// as written, and a builder that reads it more leniently must not fetch it.
var remoteSource = regexp.MustCompile(`(?i)^[\s"']*([a-z][a-z0-9+.-]*://|git@|[^/\s]+@[^/\s]+:|github\.com/)`).MatchString

// copyFrom checks COPY --from=<image>: an image not among the stages is
// pulled by the engine.
func (w *dfWalk) copyFrom(n *parser.Node) error {
	for _, f := range n.Flags {
		name, v, ok := strings.Cut(strings.TrimLeft(f, "-"), "=")
		if !ok || !strings.EqualFold(name, "from") {
			continue
		}
		img := w.expand(v, w.vars())
		if err := w.image(n, img, "COPY --from="+v); err != nil {
			return err
		}
		if !w.stages[strings.ToLower(img)] {
			w.bases = append(w.bases, img)
		}
	}
	return nil
}

func (w *dfWalk) refuse(e *hint.Error, n *parser.Node, what string) error {
	return e.With(fmt.Sprintf("Dockerfile line %d: %s is not allowed on this server", n.StartLine, what), nil)
}
