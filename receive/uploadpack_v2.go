package receive

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// maxRefPrefixes bounds the ref-prefix arguments of one ls-refs, as git's
// does (it then lists every ref, which is still a right answer).
const maxRefPrefixes = 65536

// wantsV2 says whether GIT_PROTOCOL asks for protocol v2: colon-separated
// keys, as git reads it.
func wantsV2(proto string) bool {
	for _, kv := range strings.Split(proto, ":") {
		if kv == "version=2" {
			return true
		}
	}
	return false
}

// uploadPackV2 advertises the v2 capabilities and serves ls-refs and fetch
// commands until the client hangs up or sends a lone flush.
func (r *Repos) uploadPackV2(ctx context.Context, st *filesystem.Storage, in io.Reader, out io.Writer) error {
	pw := pktWriter{out}
	for _, l := range []string{"version 2", "agent=" + r.opts.Agent, "ls-refs=unborn",
		"fetch=shallow", "server-option", "object-format=sha1"} {
		if err := pw.line("%s\n", l); err != nil {
			return protocolError(ctx, out, err)
		}
	}
	if err := pw.flush(); err != nil {
		return protocolError(ctx, out, err)
	}
	br := bufio.NewReader(in)
	refs := &lazyRefs{st: st}
	defer func() { refs.v.Close() }()
	for {
		pr := &pktReader{r: br, budget: r.opts.Limits.MaxRequestBytes, delims: true, bad: ErrBadFetch}
		if _, err := br.Peek(1); errors.Is(err, io.EOF) {
			return nil // the client is done
		}
		cmd, args, err := readCommandV2(pr)
		if err == nil {
			err = r.commandV2(ctx, refs, cmd, args, out)
		}
		if err != nil {
			return protocolError(ctx, out, err)
		}
		if cmd == "" {
			return nil
		}
	}
}

// readCommandV2 reads "command=X", capability lines, a delim and the
// arguments up to the flush. A lone flush is the client saying goodbye.
func readCommandV2(pr *pktReader) (string, []string, error) {
	var cmd string
	var args []string
	inArgs := false
	for {
		line, err := pr.next()
		switch {
		case errors.Is(err, errFlush):
			if cmd == "" && len(args) > 0 {
				return "", nil, fmt.Errorf("no command requested: %w", ErrBadFetch)
			}
			return cmd, args, nil
		case errors.Is(err, errDelim):
			inArgs = true
			continue
		case err != nil:
			return "", nil, err
		}
		s := string(line)
		if inArgs {
			args = append(args, s)
			continue
		}
		if c, ok := strings.CutPrefix(s, "command="); ok {
			if cmd != "" {
				return "", nil, fmt.Errorf("command '%s' requested after already requesting command '%s': %w", clip(c), cmd, ErrBadFetch)
			}
			cmd = c
		} else if s == "object-format=sha256" {
			return "", nil, fmt.Errorf("mismatched object format: server sha1; client sha256: %w", ErrBadFetch)
		}
		// other capability lines (agent=, object-format=sha1) need nothing
	}
}

// lazyRefs reads the session's refView on the first command that needs it.
type lazyRefs struct {
	st *filesystem.Storage
	v  *refView
}

func (l *lazyRefs) get() (*refView, error) {
	if l.v != nil {
		return l.v, nil
	}
	v, err := loadRefView(l.st)
	l.v = v
	return v, err
}

func (r *Repos) commandV2(ctx context.Context, refs *lazyRefs, cmd string, args []string, out io.Writer) error {
	if cmd == "" {
		return nil
	}
	v, err := refs.get()
	if err != nil {
		return err
	}
	switch cmd {
	case "ls-refs":
		return lsRefs(v, args, out)
	case "fetch":
		return r.fetchV2(ctx, v, args, out)
	}
	return fmt.Errorf("invalid command '%s': %w", clip(cmd), ErrBadFetch)
}

// lsRefsArgs are the arguments of one ls-refs.
type lsRefsArgs struct {
	symrefs, peel, unborn bool
	prefixes              []string
}

func parseLsRefs(args []string) (*lsRefsArgs, error) {
	a := &lsRefsArgs{}
	for _, arg := range args {
		switch {
		case arg == "symrefs":
			a.symrefs = true
		case arg == "peel":
			a.peel = true
		case arg == "unborn":
			a.unborn = true
		case strings.HasPrefix(arg, "ref-prefix "):
			a.prefixes = append(a.prefixes, strings.TrimPrefix(arg, "ref-prefix "))
		default:
			return nil, fmt.Errorf("unexpected line: '%s': %w", clip(arg), ErrBadFetch)
		}
	}
	if len(a.prefixes) > maxRefPrefixes {
		a.prefixes = nil
	}
	return a, nil
}

// match says whether a ref is under one of the prefixes (all are, with none).
func (a *lsRefsArgs) match(name string) bool {
	for _, p := range a.prefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return len(a.prefixes) == 0
}

// lsRefs answers ls-refs: HEAD and the visible refs under the prefixes,
// with symref targets and peeled tags when asked.
func lsRefs(v *refView, args []string, out io.Writer) error {
	a, err := parseLsRefs(args)
	if err != nil {
		return err
	}
	pw, bw := bufferedPkt(out)
	if a.match("HEAD") {
		if err := lsHead(v.st, pw, a.symrefs, a.unborn); err != nil {
			return err
		}
	}
	for _, ref := range v.refs {
		if !a.match(ref.Name().String()) {
			continue
		}
		line := fmt.Sprintf("%s %s", ref.Hash(), ref.Name())
		if a.peel {
			if peeled, ok := v.peel(ref); ok {
				line += " peeled:" + peeled.String()
			}
		}
		if err := pw.line("%s\n", line); err != nil {
			return err
		}
	}
	return endBuffered(pw, bw)
}

func lsHead(st *filesystem.Storage, pw pktWriter, symrefs, unborn bool) error {
	head, err := st.Reference(plumbing.HEAD)
	if err != nil || head.Type() != plumbing.SymbolicReference {
		return nil
	}
	h, err := current(st, head.Target())
	if err != nil {
		return err
	}
	target := ""
	if symrefs {
		target = " symref-target:" + head.Target().String()
	}
	switch {
	case !h.IsZero():
		return pw.line("%s HEAD%s\n", h, target)
	case unborn && symrefs:
		return pw.line("unborn HEAD%s\n", target)
	}
	return nil
}
