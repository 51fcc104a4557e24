package receive

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// packWindow is the delta search window when packing for a fetch.
const packWindow = 10

// UploadPack serves one git-upload-pack (clone and fetch) over protocol v0
// without multi_ack: wants, then haves until done, then the pack, on
// side-band-64k when the client asks for it.
func (r *Repos) UploadPack(ctx context.Context, s Session, in io.Reader, out io.Writer) error {
	st, err := r.open(s.App)
	if err != nil {
		return err
	}
	tips, err := r.advertiseUpload(out, st)
	if err != nil {
		return err
	}
	br := bufio.NewReader(in)
	pr := &pktReader{r: br, budget: r.opts.Limits.MaxRequestBytes}
	wants, caps, err := readWants(pr, tips)
	if err != nil || len(wants) == 0 {
		return err // a lone flush: the client has everything
	}
	pr.budget = r.opts.Limits.MaxRequestBytes
	haves, err := negotiate(pr, st, out)
	if err != nil {
		return err
	}
	return sendPack(ctx, st, wants, haves, caps, out)
}

// advertiseUpload writes HEAD, branches and tags with peeled tags, and
// returns the set of values a client may want.
func (r *Repos) advertiseUpload(w io.Writer, st *filesystem.Storage) (map[plumbing.Hash]bool, error) {
	refs, err := visibleRefs(st)
	if err != nil {
		return nil, err
	}
	// Not plain side-band: its packets are limited to 1000 bytes and
	// sendPack writes 64k ones. Every git since 1.6 takes side-band-64k.
	caps := []string{"side-band-64k", "ofs-delta", "no-progress", "agent=" + r.opts.Agent}
	if head, err := st.Reference(plumbing.HEAD); err == nil && head.Type() == plumbing.SymbolicReference {
		if h, err := current(st, head.Target()); err == nil && !h.IsZero() {
			caps = append(caps, "symref=HEAD:"+head.Target().String())
			refs = append([]*plumbing.Reference{plumbing.NewHashReference(plumbing.HEAD, h)}, refs...)
		}
	}
	pw := pktWriter{w}
	tips := map[plumbing.Hash]bool{}
	for i, ref := range refs {
		line := fmt.Sprintf("%s %s", ref.Hash(), ref.Name())
		if i == 0 {
			line += "\x00" + strings.Join(caps, " ")
		}
		if err := pw.line("%s\n", line); err != nil {
			return nil, err
		}
		tips[ref.Hash()] = true
		if peeled, ok := peel(st, ref); ok {
			_ = pw.line("%s %s^{}\n", peeled, ref.Name())
			tips[peeled] = true
		}
	}
	return tips, pw.flush()
}

func peel(st *filesystem.Storage, ref *plumbing.Reference) (plumbing.Hash, bool) {
	if !ref.Name().IsTag() {
		return plumbing.ZeroHash, false
	}
	obj, err := st.EncodedObject(plumbing.AnyObject, ref.Hash())
	if err != nil || obj.Type() != plumbing.TagObject {
		return plumbing.ZeroHash, false
	}
	tag, err := decodeTag(st, ref.Hash())
	if err != nil {
		return plumbing.ZeroHash, false
	}
	return tag, true
}

// readWants reads "want <id> [caps]" lines up to the flush. Only advertised
// values may be wanted (git's default uploadpack.allowTipSHA1InWant=false).
func readWants(pr *pktReader, tips map[plumbing.Hash]bool) ([]plumbing.Hash, map[string]bool, error) {
	var wants []plumbing.Hash
	caps := map[string]bool{}
	for {
		line, err := pr.next()
		if errors.Is(err, errFlush) {
			return wants, caps, nil
		}
		if err != nil {
			return nil, nil, err
		}
		f := strings.Fields(string(line))
		if len(f) < 2 || f[0] != "want" {
			return nil, nil, fmt.Errorf("expected want, got %q: %w", clip(string(line)), ErrBadRequest)
		}
		h, ok := parseHash(f[1])
		if !ok || !tips[h] {
			return nil, nil, fmt.Errorf("not our ref %s: %w", clip(f[1]), ErrBadRequest)
		}
		for _, c := range f[2:] {
			caps[c] = true
		}
		if len(wants) >= 10000 {
			return nil, nil, fmt.Errorf("too many wants: %w", ErrBadRequest)
		}
		wants = append(wants, h)
	}
}

// negotiate answers the client's haves as git does without multi_ack: NAK on
// each flush until a common object is found, one ACK for the first common
// object, and after "done" a final NAK if nothing was common.
func negotiate(pr *pktReader, st storer.EncodedObjectStorer, out io.Writer) ([]plumbing.Hash, error) {
	pw := pktWriter{out}
	var common []plumbing.Hash
	for {
		line, err := pr.next()
		switch {
		case errors.Is(err, errFlush):
			if len(common) == 0 {
				if err := pw.line("NAK\n"); err != nil {
					return nil, err
				}
			}
			continue
		case err != nil:
			return nil, err
		}
		s := string(line)
		if s == "done" {
			if len(common) == 0 {
				return nil, pw.line("NAK\n")
			}
			return common, nil
		}
		hex, ok := strings.CutPrefix(s, "have ")
		h, valid := parseHash(hex)
		if !ok || !valid {
			return nil, fmt.Errorf("expected have or done, got %q: %w", clip(s), ErrBadRequest)
		}
		if st.HasEncodedObject(h) != nil {
			continue
		}
		if common = append(common, h); len(common) == 1 {
			if err := pw.line("ACK %s\n", h); err != nil {
				return nil, err
			}
		}
	}
}
