package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// procStat is what the benchmark reads from /proc/PID/stat: CPU times in
// clock ticks (utime, stime, and those of reaped children) and the parent.
type procStat struct {
	PPID                         int
	UTime, STime, CUTime, CSTime int64
}

func readStat(pid int) (procStat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procStat{}, err
	}
	return parseStat(b)
}

// parseStat reads a /proc/PID/stat line. The command name is in parentheses
// and may hold spaces or parentheses itself, so fields count from the last ')'.
func parseStat(b []byte) (procStat, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procStat{}, fmt.Errorf("stat: no ')'")
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state); field n is f[n-3].
	if len(f) < 15 {
		return procStat{}, fmt.Errorf("stat: %d fields", len(f))
	}
	n := func(field int) int64 { v, _ := strconv.ParseInt(f[field-3], 10, 64); return v }
	return procStat{PPID: int(n(4)), UTime: n(14), STime: n(15), CUTime: n(16), CSTime: n(17)}, nil
}

// statusKiB reads one "Key: N kB" line of /proc/PID/status.
func statusKiB(pid int, key string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	return parseStatusKiB(b, key)
}

func parseStatusKiB(b []byte, key string) (int64, error) {
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || k != key {
			continue
		}
		v = strings.TrimSuffix(strings.TrimSpace(v), " kB")
		return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	}
	return 0, fmt.Errorf("status: no %s", key)
}

// resetHWM resets the process's VmHWM to its current RSS (Linux >= 4.0),
// so VmHWM read after a push is that push's peak, not the lifetime's.
func resetHWM(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// descendants lists every process below root (not root itself).
func descendants(root int) []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := map[int][]int{}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := readStat(pid)
		if err != nil {
			continue // gone meanwhile
		}
		children[st.PPID] = append(children[st.PPID], pid)
	}
	var out []int
	queue := []int{root}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// waitNoDescendants waits until root has no children left: the processes
// of a finished push have exited and been reaped, so their CPU time is in
// root's cutime/cstime.
func waitNoDescendants(root int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for len(descendants(root)) > 0 {
		if time.Now().After(deadline) {
			return fmt.Errorf("pid %d still has children after %s", root, limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return nil
}

// rssSampler sums VmRSS over a set of processes every interval and keeps the
// largest sum seen.
type rssSampler struct {
	stop    chan struct{}
	done    chan struct{}
	mu      sync.Mutex
	peakKiB int64
	samples int
}

// sampleRSS starts sampling pids() every interval until stop is called.
func sampleRSS(every time.Duration, pids func() []int) *rssSampler {
	s := &rssSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			s.once(pids())
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *rssSampler) once(pids []int) {
	sum, _ := sumRSS(pids)
	s.mu.Lock()
	s.samples++
	if sum > s.peakKiB {
		s.peakKiB = sum
	}
	s.mu.Unlock()
}

// finish stops sampling and returns the peak in KiB and the sample count.
func (s *rssSampler) finish() (int64, int) {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peakKiB, s.samples
}

// sumRSS is the sum of VmRSS over pids in KiB, and how many were read
// (a process may exit meanwhile).
func sumRSS(pids []int) (int64, int) {
	var sum int64
	n := 0
	for _, p := range pids {
		if kib, err := statusKiB(p, "VmRSS"); err == nil {
			sum += kib
			n++
		}
	}
	return sum, n
}

// clockTicks is USER_HZ, the unit of the CPU times in /proc/PID/stat.
func clockTicks() float64 {
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(out))); err == nil && n > 0 {
			return float64(n)
		}
	}
	return 100
}
