package docker

import (
	"context"
	"errors"
	"fmt"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/runtime"
)

// Wait registers with the engine before it returns (ContainerWait returns
// once the engine has sent the response headers, which it does after
// registering), so a Start after Wait cannot exit unseen.
//
// The condition depends on the state now: "not-running" for a running
// container (it also answers at once if the container exits between the
// inspect and the wait), "next-exit" otherwise — "not-running" would answer
// at once for a created container, with a meaningless 0.
func (d *Driver) Wait(ctx context.Context, id string) <-chan runtime.ExitResult {
	out := make(chan runtime.ExitResult, 1)
	st, err := d.Inspect(ctx, id)
	if err != nil {
		out <- runtime.ExitResult{ExitCode: -1, Err: err}
		close(out)
		return out
	}
	cond := container.WaitConditionNextExit
	if st.Running {
		cond = container.WaitConditionNotRunning
	}
	w := d.c.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: cond})
	go func() {
		defer close(out)
		// No case for ctx.Done: the wait request carries ctx, so cancelling
		// it ends in w.Error; leaving early could strand the client's
		// goroutine on its unbuffered result channel.
		select {
		case r := <-w.Result:
			out <- d.exitResult(ctx, id, r)
		case err := <-w.Error:
			if ctx.Err() != nil {
				err = ctx.Err()
			}
			out <- runtime.ExitResult{ExitCode: -1, Err: translate("wait for", id, err)}
		}
	}()
	return out
}

// exitResult adds the OOM flag, which only inspect knows.
func (d *Driver) exitResult(ctx context.Context, id string, r container.WaitResponse) runtime.ExitResult {
	if r.Error != nil && r.Error.Message != "" {
		return runtime.ExitResult{ExitCode: -1, Err: fmt.Errorf("wait for container %s: %s", short(id), r.Error.Message)}
	}
	res := runtime.ExitResult{ExitCode: int(r.StatusCode)}
	st, err := d.Inspect(ctx, id)
	switch {
	case err == nil:
		res.OOMKilled = st.OOMKilled
	case !errors.Is(err, runtime.ErrNotFound):
		d.log.Debug("inspect after exit", "id", short(id), "err", err)
	}
	return res
}
