package deploy

import (
	"context"
	"fmt"

	"github.com/botrunner/botrunner/receive"
)

// Stored is the pipeline of a server that does not build yet: it accepts
// every push and tells the pusher, per ref, what was stored.
type Stored struct{}

var _ receive.Pipeline = Stored{}

// Run reports each update on the pusher's terminal.
func (Stored) Run(ctx context.Context, p *receive.Push) error {
	for _, u := range p.Updates {
		name := u.Name.Short()
		switch {
		case u.IsDelete():
			fmt.Fprintf(p.Progress, "-----> %s: deleted %s\n", p.App, name)
		default:
			fmt.Fprintf(p.Progress, "-----> %s: stored %s at %s\n", p.App, name, u.New.String()[:7])
		}
	}
	return ctx.Err()
}
