package command

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/store"
)

// readKey reads one public key, in authorized_keys form, from stdin and
// returns its store record with the key fields and Added set; the caller
// sets User or App. auth.ParseAuthorizedKey does the checking (one key, no
// options, no weak types, no control characters).
func (c *call) readKey() (store.Key, error) {
	data, err := readBounded(c.env.Ctx, c.env.Stdin, auth.MaxKeyLine)
	if err != nil {
		return store.Key{}, err
	}
	pk, comment, err := auth.ParseAuthorizedKey(data)
	if err != nil {
		return store.Key{}, err
	}
	k := auth.NewKey(pk, comment)
	k.Added = time.Now().UTC().Truncate(time.Second)
	return k, nil
}

// readBounded reads r to the end, failing past limit bytes. It gives up when
// ctx ends: a client that never closes stdin must not hold the command.
func readBounded(ctx context.Context, r io.Reader, limit int64) ([]byte, error) {
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1) // buffered: the reader may finish after we left
	go func() {
		data, err := io.ReadAll(io.LimitReader(r, limit+1))
		done <- result{data, err}
	}()
	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("read stdin: %w", ctx.Err())
	case res := <-done:
		if res.err != nil {
			return nil, fmt.Errorf("read stdin: %w", res.err)
		}
		if int64(len(res.data)) > limit {
			return nil, ErrBadInput.With(fmt.Sprintf("input too large (more than %d KiB)", limit>>10), nil)
		}
		return res.data, nil
	}
}
