package receive

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/botrunner/botrunner/packout"
)

// packSink is where the pack goes: side band 1 with progress on band 2,
// or the bare stream.
func packSink(out io.Writer, caps map[string]bool) *reporter {
	return &reporter{out: out, sideband: caps["side-band-64k"] || caps["side-band"],
		small: !caps["side-band-64k"] && caps["side-band"]}
}

// sendPack writes the listed objects as one pack, copying stored data
// (package packout).
func sendPack(ctx context.Context, st *filesystem.Storage, l *objectList, caps map[string]bool, rp *reporter) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	w := io.Writer(rp.out)
	if rp.sideband {
		w = bandWriter{rp}
		if !caps["no-progress"] {
			rp.printf("Counting objects: %d, done.\n", len(l.list))
		}
	}
	// packout writes an entry's header and its data separately, a few
	// bytes and then a chunk: unbuffered, each would be a packet of its own
	// (a side-band packet, an SSH packet, a wake-up of the client), and a
	// clone of 2,000 small files was ten times git's wall on a busy machine.
	// Full side-band packets instead.
	bw := bufio.NewWriterSize(w, maxPktPayload-1)
	opt := packout.Options{OfsDelta: caps["ofs-delta"], Thin: caps["thin-pack"], Known: l.has}
	if _, err := packout.Write(bw, st.Filesystem(), st, l.list, opt); err != nil {
		return fmt.Errorf("write pack: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write pack: %w", err)
	}
	if rp.sideband {
		return pktWriter{rp.out}.flush()
	}
	return nil
}

// bandWriter sends pack data on side band 1.
type bandWriter struct{ rp *reporter }

func (b bandWriter) Write(p []byte) (int, error) {
	b.rp.mu.Lock()
	defer b.rp.mu.Unlock()
	if err := b.rp.band(1, p); err != nil {
		return 0, err
	}
	return len(p), nil
}
