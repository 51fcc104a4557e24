package main

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"

	brt "github.com/botrunner/botrunner/runtime"
)

// eventWatch collects an app's container events while a push runs.
type eventWatch struct {
	cancel context.CancelFunc
	mu     sync.Mutex
	got    []events.Message
	more   chan struct{}
	done   chan struct{}
}

// watch subscribes to the container events of app's containers. The
// subscription is in place when it returns.
func (b *deployBench) watch(app string) (*eventWatch, error) {
	return watchEvents(b.cli, make(client.Filters).Add("type", "container").Add("label", brt.LabelApp+"="+app)), nil
}

// watchEvents subscribes to the engine's events that filters select.
func watchEvents(cli *client.Client, filters client.Filters) *eventWatch {
	ctx, cancel := context.WithCancel(context.Background())
	res := cli.Events(ctx, client.EventsListOptions{Filters: filters})
	w := &eventWatch{cancel: cancel, more: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for {
			select {
			case m := <-res.Messages:
				w.mu.Lock()
				w.got = append(w.got, m)
				w.mu.Unlock()
				select {
				case w.more <- struct{}{}:
				default:
				}
			case <-res.Err:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return w
}

// await waits until events "NAME ACTION" (or "ID ACTION") in want have all arrived (or
// limit passes) and returns everything seen so far.
func (w *eventWatch) await(want []string, limit time.Duration) []events.Message {
	deadline := time.After(limit)
	for {
		w.mu.Lock()
		seen := map[string]bool{}
		for _, e := range w.got {
			seen[e.Actor.Attributes["name"]+" "+string(e.Action)] = true
			seen[e.Actor.ID+" "+string(e.Action)] = true // an image pull's ID is the ref
		}
		got := slices.Clone(w.got)
		w.mu.Unlock()
		all := true
		for _, k := range want {
			all = all && seen[k]
		}
		if all {
			return got
		}
		select {
		case <-w.more:
		case <-deadline:
			return got
		}
	}
}

func (w *eventWatch) stop() {
	w.cancel()
	<-w.done
}
