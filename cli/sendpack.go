package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/sideband"

	"github.com/botrunner/botrunner/bytesize"
)

// pushPlan is one push of a commit made in memory. The commit is made only
// once the server has advertised its refs, so that its parent can be the
// deploy branch's tip and the push is a fast-forward.
type pushPlan struct {
	// Branch is the app's deploy branch; "" means the server's default:
	// main, or master when the repo has master and no main.
	Branch string
	// Commit makes the commit on top of parent (zero for a new branch).
	Commit func(parent plumbing.Hash) (builtCommit, error)
	// Progress gets the server's side-band 2 as "remote: " lines, and
	// botctl's own "pushing ..." line.
	Progress io.Writer
	Agent    string // sent as agent=...
}

// pushResult says what a push did.
type pushResult struct {
	Ref       plumbing.ReferenceName
	Old, New  plumbing.Hash
	Objects   int
	PackBytes int
}

// sendPack speaks git's send-pack over a connection to git-receive-pack
// (in: what the server writes, out: what it reads): read the advertisement,
// send one ref update with a pack of the new objects, read the report.
// A refused update is ErrDeployRefused with the server's reason.
func sendPack(ctx context.Context, in io.Reader, out io.WriteCloser, plan pushPlan) (pushResult, error) {
	adv := packp.NewAdvRefs()
	if err := adv.Decode(in); err != nil {
		return pushResult{}, ErrPushProtocol.With(fmt.Sprintf("read the server's refs: %v", err), err)
	}
	res := pushResult{Ref: deployRef(adv, plan.Branch)}
	res.Old = adv.References[res.Ref.String()]
	c, err := plan.Commit(res.Old)
	if err != nil {
		return res, err
	}
	res.New = c.Hash
	pack, n, err := encodePack(c)
	if err != nil {
		return res, fmt.Errorf("encode pack: %w", err)
	}
	res.Objects, res.PackBytes = n, pack.Len()
	fmt.Fprintf(plan.Progress, "-----> pushing %d objects (%s packed) to %s\n", n, bytesize.Format(int64(pack.Len())), res.Ref.Short())
	if err := ctx.Err(); err != nil {
		return res, err
	}
	sb := adv.Capabilities.Supports(capability.Sideband64k)
	report := adv.Capabilities.Supports(capability.ReportStatus)
	if err := writeUpdate(out, updateRequest(plan.Agent, report, sb, res), pack); err != nil {
		return res, ErrPushProtocol.With(fmt.Sprintf("send the push: %v", err), err)
	}
	return res, readReport(in, sb, report, plan.Progress, res.Ref)
}

// deployRef is the branch the push updates.
func deployRef(adv *packp.AdvRefs, branch string) plumbing.ReferenceName {
	if branch != "" {
		return plumbing.NewBranchReferenceName(branch)
	}
	_, hasMain := adv.References[plumbing.Main.String()]
	_, hasMaster := adv.References[plumbing.Master.String()]
	if hasMaster && !hasMain {
		return plumbing.Master
	}
	return plumbing.Main
}

// encodePack packs every object of the in-memory commit. No deltas: the
// objects are few, and the server refuses thin packs anyway.
func encodePack(c builtCommit) (*bytes.Buffer, int, error) {
	var hashes []plumbing.Hash
	it, err := c.Store.IterEncodedObjects(plumbing.AnyObject)
	if err != nil {
		return nil, 0, err
	}
	if err := it.ForEach(func(o plumbing.EncodedObject) error {
		hashes = append(hashes, o.Hash())
		return nil
	}); err != nil {
		return nil, 0, err
	}
	var buf bytes.Buffer
	if _, err := packfile.NewEncoder(&buf, c.Store, false).Encode(hashes, 0); err != nil {
		return nil, 0, err
	}
	return &buf, len(hashes), nil
}

// updateRequest asks only for what the server advertised.
func updateRequest(agent string, report, sb bool, res pushResult) *packp.ReferenceUpdateRequest {
	req := packp.NewReferenceUpdateRequest()
	if report {
		_ = req.Capabilities.Set(capability.ReportStatus)
	}
	if sb {
		_ = req.Capabilities.Set(capability.Sideband64k)
	}
	if agent != "" {
		_ = req.Capabilities.Set(capability.Agent, agent)
	}
	req.Commands = []*packp.Command{{Name: res.Ref, Old: res.Old, New: res.New}}
	return req
}

// writeUpdate sends the commands, then the pack, then closes the server's
// stdin, as git does: the server knows the pack is complete.
func writeUpdate(out io.WriteCloser, req *packp.ReferenceUpdateRequest, pack *bytes.Buffer) error {
	if err := req.Encode(out); err != nil {
		return err
	}
	if _, err := pack.WriteTo(out); err != nil {
		return err
	}
	return out.Close()
}

// readReport reads the server's answer. With side-band, band 2 is progress
// (printed as git prints it) and band 1 carries the report.
func readReport(in io.Reader, sb, report bool, progress io.Writer, ref plumbing.ReferenceName) error {
	lines := &remoteLines{w: progress}
	defer lines.end()
	r := in
	if sb {
		d := sideband.NewDemuxer(sideband.Sideband64k, in)
		d.Progress = lines
		r = d
	}
	if !report {
		_, err := io.Copy(io.Discard, r)
		return bandError(err)
	}
	rs := packp.NewReportStatus()
	if err := rs.Decode(r); err != nil {
		return bandError(err)
	}
	if sb {
		_, _ = io.Copy(io.Discard, r) // the progress after the report, up to the final flush
	}
	return reportError(rs, ref)
}

// bandError turns a broken report into ErrPushProtocol; band 3 is the
// server's fatal message.
func bandError(err error) error {
	if err == nil || errors.Is(err, io.EOF) {
		return nil
	}
	return ErrPushProtocol.With(fmt.Sprintf("read the server's report: %v", err), err)
}

// reportError is nil when ref was updated, else the server's reason.
func reportError(rs *packp.ReportStatus, ref plumbing.ReferenceName) error {
	if rs.UnpackStatus != "ok" {
		return ErrDeployRefused.With(fmt.Sprintf("deploy refused: the server could not unpack the push (%s)", rs.UnpackStatus), nil)
	}
	for _, cs := range rs.CommandStatuses {
		if cs.ReferenceName == ref && cs.Status != "ok" {
			return ErrDeployRefused.With(fmt.Sprintf("deploy refused (%s)", cs.Status), nil)
		}
		if cs.ReferenceName == ref {
			return nil
		}
	}
	return ErrPushProtocol.With(fmt.Sprintf("the server's report does not mention %s", ref), nil)
}

// remoteLines prints the server's progress the way git does: each line,
// whether it ends in \n or (for a progress meter) \r, as "remote: <line>".
type remoteLines struct {
	w   io.Writer
	mid bool // inside a line: its prefix is out already
}

func (p *remoteLines) Write(b []byte) (int, error) {
	out := make([]byte, 0, len(b)+16)
	for _, c := range b {
		if !p.mid {
			out = append(out, "remote: "...)
			p.mid = true
		}
		out = append(out, c)
		if c == '\n' || c == '\r' {
			p.mid = false
		}
	}
	_, err := p.w.Write(out)
	return len(b), err
}

// end finishes a last line the server left open.
func (p *remoteLines) end() {
	if p.mid {
		_, _ = p.w.Write([]byte("\n"))
		p.mid = false
	}
}
