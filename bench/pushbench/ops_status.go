package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	brt "github.com/botrunner/botrunner/runtime"
)

// cmdTable is one round of the command latency comparison.
type cmdTable struct {
	phase string
	names []string
	walls map[string][]time.Duration
}

// probe is one command of the command latency comparison.
type probe struct {
	name string
	run  func() error
}

// commandLatency runs `ssh sshd true`, `ssh gitd version`, `ssh gitd status
// APP` and the engine calls status makes, runs times each, round-robin.
func (b *opsBench) commandLatency(app string, runs int) (cmdTable, error) {
	t := cmdTable{walls: map[string][]time.Duration{}}
	probes := b.probes(app)
	for _, p := range probes {
		t.names = append(t.names, p.name)
		if err := p.run(); err != nil { // one unmeasured run each: page cache, first connections
			return t, err
		}
	}
	for i := range runs {
		// Rotate who goes first, so no probe always follows the same one.
		for j := range probes {
			p := probes[(i+j)%len(probes)]
			start := time.Now()
			if err := p.run(); err != nil {
				return t, err
			}
			t.walls[p.name] = append(t.walls[p.name], time.Since(start))
		}
	}
	return t, nil
}

// probes are the commands commandLatency compares, about app.
func (b *opsBench) probes(app string) []probe {
	sshRun := func(addr, user string, args ...string) func() error {
		return func() error {
			out, err := b.sshCmd(addr, user, args...).CombinedOutput()
			if err != nil {
				return fmt.Errorf("ssh %s: %v: %s", strings.Join(args, " "), err, out)
			}
			return nil
		}
	}
	return []probe{
		{"OpenSSH  ssh host true", sshRun(b.sshdAddr, b.sshdUser, "true")},
		{"gitd     ssh version", sshRun(b.gitdAddr, "git", "version")},
		{"gitd     ssh status APP", sshRun(b.gitdAddr, "git", "status", app)},
		{"engine   List(app) [status's engine calls]", func() error {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_, err := b.drv.List(ctx, map[string]string{brt.LabelApp: app})
			return err
		}},
	}
}
