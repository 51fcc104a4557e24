package notify

import (
	"context"
	"sync"
)

const (
	// appQueue is how many notices of one app may wait while its sender is
	// stuck on a dead target; more are dropped (logged).
	appQueue = 16
	// maxSending caps the sends in flight across all apps.
	maxSending = 16
)

// senders send each app's notices in order from a goroutine of the app's
// own, started when one is due and ended when its queue is empty: a
// target that hangs until sendTimeout holds up that app's notices only,
// never the other tenants'.
type senders struct {
	sendMu sync.Mutex
	queues map[string]chan Event // app → its notices, while its sender runs
	slots  chan struct{}         // one per send in flight
}

func newSenders() senders {
	return senders{queues: map[string]chan Event{}, slots: make(chan struct{}, maxSending)}
}

// dispatch hands e to its app's sender, starting one if none runs; it
// never blocks: a full queue drops e (logged).
func (n *Notifier) dispatch(ctx context.Context, e Event) {
	n.sendMu.Lock()
	defer n.sendMu.Unlock()
	q, ok := n.queues[e.App]
	if !ok {
		q = make(chan Event, appQueue)
		n.queues[e.App] = q
		go n.sender(ctx, e.App, q)
	}
	select {
	case q <- e:
	default:
		n.log.Warn("notice dropped: the app's earlier notices are still being sent", "app", e.App, "kind", e.Kind)
	}
}

// sender sends app's queued notices, one at a time, until none is left.
func (n *Notifier) sender(ctx context.Context, app string, q chan Event) {
	for {
		n.sendMu.Lock()
		var e Event
		select {
		case e = <-q:
		default:
			delete(n.queues, app)
			n.sendMu.Unlock()
			return
		}
		n.sendMu.Unlock()
		select {
		case n.slots <- struct{}{}:
			n.send(ctx, e)
			<-n.slots
		case <-ctx.Done():
			n.send(ctx, e) // gitd is stopping: it fails at once, and is logged
		}
	}
}
