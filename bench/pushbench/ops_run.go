package main

import (
	"fmt"
	"time"
)

// opsRun is one ops run: its apps, the followed bot's container and the
// measurements, in the order they were taken.
type opsRun struct {
	b      *opsBench
	f      opsFlags
	names  []string // the apps; the first is the one followed and asked about
	cid    string   // the first app's running container
	latRes []latRow
	cmdRes []cmdTable
	mem    []memRow
}

func (r *opsRun) run() error {
	begin := time.Now()
	r.mem = []memRow{r.b.memSnapshot("idle: started, no bots")}
	if err := r.deployFirst(); err != nil {
		return err
	}
	r.mem = append(r.mem, r.b.memSnapshot("1 bot running"))
	if err := r.measure("1 bot"); err != nil {
		return err
	}
	running, cpu, err := r.deployRest()
	if err != nil {
		return err
	}
	if err := r.measure(fmt.Sprintf("%d bots", running)); err != nil {
		return err
	}
	if n, err := r.b.countRunning(); err == nil && n != running {
		fmt.Printf("note: %d bots running at the end, %d before\n", n, running)
	}

	fmt.Println()
	printLatency(r.latRes, r.f.interval)
	fmt.Println()
	printCommands(r.cmdRes)
	fmt.Println()
	printMemory(r.mem, cpu, running)
	fmt.Printf("\nload average at the end: %s; ops measurements took %.0fs\n", loadAvg(), time.Since(begin).Seconds())
	return nil
}

// deployFirst deploys the first app (the first build) and finds its
// container.
func (r *opsRun) deployFirst() error {
	t0 := time.Now()
	if out, err := r.b.push(r.names[0]); err != nil {
		return fmt.Errorf("first push to %s: %v\n%s", r.names[0], err, out)
	}
	fmt.Printf("deployed %s (first build) in %.1fs\n", r.names[0], time.Since(t0).Seconds())
	cid, err := r.b.runningContainer(r.names[0])
	if err != nil {
		return err
	}
	r.cid = cid
	// The collector attached during the start check; let the first lines pass.
	time.Sleep(2 * r.f.interval)
	return nil
}

// deployRest deploys the other apps, checks that all run, lets them settle
// and samples gitd's memory and CPU over the window. It returns how many
// bots run.
func (r *opsRun) deployRest() (int, cpuUse, error) {
	if len(r.names) > 1 { // with -apps 1 there is nothing more to deploy
		fmt.Printf("\ndeploying %s … %s, %d at a time (same code: builds come from the cache)\n",
			r.names[1], r.names[len(r.names)-1], r.f.parallel)
	}
	walls, err := r.b.pushAll(r.names[1:], r.f.parallel)
	if err != nil {
		return 0, cpuUse{}, err
	}
	if len(walls) > 0 {
		med, lo, hi := medianOf(walls)
		fmt.Printf("deployed %d apps: push wall median %.2fs (%.2f–%.2f)\n", len(walls), med.Seconds(),
			lo.Seconds(), hi.Seconds())
	}
	running, err := r.b.countRunning()
	if err != nil {
		return 0, cpuUse{}, err
	}
	fmt.Printf("%d of %d bots running; settling %s, then sampling gitd for %s\n", running, r.f.apps, r.f.settle, r.f.window)
	if running != r.f.apps {
		return 0, cpuUse{}, fmt.Errorf("ops: %d bots run, want %d", running, r.f.apps)
	}
	time.Sleep(r.f.settle)
	rowN, cpu, err := r.b.memWindow(fmt.Sprintf("%d bots, settled", running), r.f.window)
	if err != nil {
		return 0, cpuUse{}, err
	}
	r.mem = append(r.mem, rowN)
	return running, cpu, nil
}

// measure runs the logs -f latency and the command latency comparisons
// in phase.
func (r *opsRun) measure(phase string) error {
	fmt.Printf("\n[%s] following %s: %d lines (+%d dropped at the start), gitd and docker side by side …\n",
		phase, r.names[0], r.f.lines, r.f.warmLines)
	g, d, err := r.b.logsLatency(r.names[0], r.cid, r.f.lines, r.f.warmLines, r.f.interval)
	if err != nil {
		return fmt.Errorf("%s: logs latency: %w", phase, err)
	}
	r.latRes = append(r.latRes, latRow{phase, "gitd  ssh logs -f -n 1 -t", g}, latRow{phase, "docker logs -f -t --tail 0", d})
	fmt.Printf("[%s] command latency: %d runs each, interleaved …\n", phase, r.f.statusRuns)
	ct, err := r.b.commandLatency(r.names[0], r.f.statusRuns)
	if err != nil {
		return fmt.Errorf("%s: command latency: %w", phase, err)
	}
	ct.phase = phase
	r.cmdRes = append(r.cmdRes, ct)
	return nil
}
