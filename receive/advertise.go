package receive

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

const (
	capReportStatus = "report-status"
	capDeleteRefs   = "delete-refs"
	capSideBand64k  = "side-band-64k"
	capOfsDelta     = "ofs-delta"
	capAtomic       = "atomic"
	capPushOptions  = "push-options"
)

// receiveCaps are what our receive-pack offers. Thin packs are welcome (no
// "no-thin"): their bases are completed from the repo inside the quarantine.
func (r *Repos) receiveCaps() string {
	return strings.Join([]string{capReportStatus, capDeleteRefs, capSideBand64k, capOfsDelta,
		capAtomic, capPushOptions, "agent=" + r.opts.Agent}, " ")
}

// visibleRefs returns the branches and tags, sorted by name, as git does.
func visibleRefs(st storer.ReferenceStorer) ([]*plumbing.Reference, error) {
	if w, ok := st.(renamingRefs); ok { // its reads are the storage's
		st = w.ReferenceStorer
	}
	if fst, ok := st.(*filesystem.Storage); ok {
		if root := fst.Filesystem().Root(); root != "" {
			refs, err := readRefsDir(root)
			sort.Slice(refs, func(i, j int) bool { return refs[i].Name() < refs[j].Name() })
			return refs, err
		}
	}
	it, err := st.IterReferences()
	if err != nil {
		return nil, err
	}
	var refs []*plumbing.Reference
	err = it.ForEach(func(ref *plumbing.Reference) error {
		n := ref.Name()
		if ref.Type() == plumbing.HashReference && (n.IsBranch() || n.IsTag()) {
			refs = append(refs, ref)
		}
		return nil
	})
	sort.Slice(refs, func(i, j int) bool { return refs[i].Name() < refs[j].Name() })
	return refs, err
}

// advertiseReceive writes the ref advertisement of receive-pack.
func (r *Repos) advertiseReceive(w io.Writer, refs []*plumbing.Reference) error {
	pw, bw := bufferedPkt(w)
	caps := r.receiveCaps()
	if len(refs) == 0 {
		if err := pw.line("%s capabilities^{}\x00%s\n", plumbing.ZeroHash, caps); err != nil {
			return err
		}
		return endBuffered(pw, bw)
	}
	for i, ref := range refs {
		var err error
		if i == 0 {
			err = pw.line("%s %s\x00%s\n", ref.Hash(), ref.Name(), caps)
		} else {
			err = pw.line("%s %s\n", ref.Hash(), ref.Name())
		}
		if err != nil {
			return fmt.Errorf("advertise: %w", err)
		}
	}
	return endBuffered(pw, bw)
}
