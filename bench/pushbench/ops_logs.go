package main

import (
	"bufio"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// pingLine is one "ping <n> <nanos>" line as a follower read it.
type pingLine struct {
	seq         int
	sent, stamp time.Time // the bot's clock; the engine's (from -t)
	recv        time.Time // when the follower read it
}

// pingRe: "<stamp> [vN] ping <n> <nanos>" (gitd, -t) or "<stamp> ping <n> <nanos>" (docker -t).
var pingRe = regexp.MustCompile(`^(\S+) (?:\[v\d+\] )?ping (\d+) (\d+)\s*$`)

func parsePing(line string, recv time.Time) (pingLine, bool) {
	m := pingRe.FindStringSubmatch(line)
	if m == nil {
		return pingLine{}, false
	}
	stamp, err := time.Parse(time.RFC3339Nano, m[1])
	if err != nil {
		return pingLine{}, false
	}
	seq, err1 := strconv.Atoi(m[2])
	ns, err2 := strconv.ParseInt(m[3], 10, 64)
	if err1 != nil || err2 != nil {
		return pingLine{}, false
	}
	return pingLine{seq: seq, sent: time.Unix(0, ns), stamp: stamp, recv: recv}, true
}

// follower runs a follow command and keeps the ping lines it prints.
type follower struct {
	name string
	cmd  *exec.Cmd
	mu   sync.Mutex
	got  map[int]pingLine
	done chan struct{}
	err  error
}

func startFollower(name string, cmd *exec.Cmd) (*follower, error) {
	f := &follower{name: name, cmd: cmd, got: map[int]pingLine{}, done: make(chan struct{})}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	go func() {
		defer close(f.done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			now := time.Now()
			if p, ok := parsePing(sc.Text(), now); ok {
				f.mu.Lock()
				f.got[p.seq] = p
				f.mu.Unlock()
			}
		}
		if err := cmd.Wait(); err != nil {
			f.err = fmt.Errorf("%s: %v: %s", name, err, strings.TrimSpace(stderr.String()))
		}
	}()
	return f, nil
}

// minSeq is the lowest sequence number read, 0 if none yet.
func (f *follower) minSeq() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	lo := 0
	for s := range f.got {
		if lo == 0 || s < lo {
			lo = s
		}
	}
	return lo
}

func (f *follower) has(from, to int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for s := from; s < to; s++ {
		if _, ok := f.got[s]; !ok {
			return false
		}
	}
	return true
}

func (f *follower) stop() {
	_ = f.cmd.Process.Kill()
	<-f.done
}

// latSet is a follower's latencies over the measured lines.
type latSet struct {
	total, engine, deliver []time.Duration // recv−sent, stamp−sent, recv−stamp
	missing                int
}

// logsLatency follows app through gitd and its container through the
// engine, at the same time, and measures the same n lines on both, after
// dropping the first warm lines either read (and the backlog line -n 1 asks for).
func (b *opsBench) logsLatency(app, cid string, n, warm int, interval time.Duration) (latSet, latSet, error) {
	g, err := startFollower("gitd logs -f", b.sshCmd(b.gitdAddr, "git", "logs", app, "-f", "-n", "1", "-t"))
	if err != nil {
		return latSet{}, latSet{}, err
	}
	defer g.stop()
	d, err := startFollower("docker logs -f", exec.Command("docker", "logs", "-f", "-t", "--tail", "0", cid))
	if err != nil {
		return latSet{}, latSet{}, err
	}
	defer d.stop()
	from, err := awaitLines(g, d, n, warm, interval)
	if err != nil {
		return latSet{}, latSet{}, err
	}
	return g.latencies(from, n), d.latencies(from, n), nil
}

// awaitLines waits until gitd's follower g and docker's d have both read
// the same n lines, after the first warm lines either read, and returns
// the first of them.
func awaitLines(g, d *follower, n, warm int, interval time.Duration) (int, error) {
	deadline := time.Now().Add(time.Duration(n+warm+20)*interval*2 + 30*time.Second)
	from := 0
	for {
		select {
		case <-g.done:
			return 0, fmt.Errorf("gitd's follow ended: %v", g.err)
		case <-d.done:
			return 0, fmt.Errorf("docker's follow ended: %v", d.err)
		case <-time.After(interval / 2):
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("not %d lines from both followers in time (from line %d)", n, from)
		}
		if from == 0 {
			gs, ds := g.minSeq(), d.minSeq()
			if gs == 0 || ds == 0 {
				continue
			}
			// -n 1 hands gitd's follower one old line first: skip it (and
			// anything either side read before both were live).
			from = max(gs+1, ds) + warm
		}
		if g.has(from, from+n) && d.has(from, from+n) {
			return from, nil
		}
	}
}

// latencies is f's latencies over the n lines from sequence number from.
func (f *follower) latencies(from, n int) latSet {
	var s latSet
	f.mu.Lock()
	defer f.mu.Unlock()
	for seq := from; seq < from+n; seq++ {
		p := f.got[seq]
		s.total = append(s.total, p.recv.Sub(p.sent))
		s.engine = append(s.engine, p.stamp.Sub(p.sent))
		s.deliver = append(s.deliver, p.recv.Sub(p.stamp))
	}
	return s
}
