package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	brt "github.com/botrunner/botrunner/runtime"
)

// pushAll deploys apps, parallel at a time, and returns each push's wall.
func (b *opsBench) pushAll(apps []string, parallel int) ([]time.Duration, error) {
	p := &pushPool{start: time.Now(), next: make(chan string)}
	for range parallel {
		p.wg.Add(1)
		go p.work(b)
	}
	for _, app := range apps {
		if p.failed() {
			break
		}
		p.next <- app
	}
	close(p.next)
	p.wg.Wait()
	return p.walls, p.first
}

// pushPool is pushAll's workers and what they have done so far.
type pushPool struct {
	mu    sync.Mutex
	walls []time.Duration
	first error
	wg    sync.WaitGroup
	next  chan string
	start time.Time
}

// work pushes the apps it receives until next is closed.
func (p *pushPool) work(b *opsBench) {
	defer p.wg.Done()
	for app := range p.next {
		t := time.Now()
		out, err := b.push(app)
		p.mu.Lock()
		if err != nil && p.first == nil {
			p.first = fmt.Errorf("push to %s: %v\n%s", app, err, out)
		}
		if err == nil {
			p.walls = append(p.walls, time.Since(t))
			if n := len(p.walls); n%10 == 0 {
				fmt.Printf("  %d deployed, %.0fs\n", n, time.Since(p.start).Seconds())
			}
		}
		p.mu.Unlock()
	}
}

func (p *pushPool) failed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.first != nil
}

// runningContainer is the ID of app's running container.
func (b *opsBench) runningContainer(app string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cs, err := b.drv.List(ctx, map[string]string{brt.LabelApp: app})
	if err != nil {
		return "", err
	}
	for _, c := range cs {
		if c.Running {
			return c.ID, nil
		}
	}
	return "", fmt.Errorf("ops: no running container of %s", app)
}

// countRunning counts this run's running bot containers.
func (b *opsBench) countRunning() (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cs, err := b.drv.List(ctx, map[string]string{brt.LabelApp: ""})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range cs {
		if c.Running && strings.HasPrefix(c.Labels[brt.LabelApp], b.prefix+"-") {
			n++
		}
	}
	return n, nil
}
