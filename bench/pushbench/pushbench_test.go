package main

import (
	"os"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	// A command name with spaces and parentheses: fields count from the last ')'.
	line := "4242 (sshd: root (x)) S 17 4242 4242 0 -1 4194560 900 0 0 0 12 34 56 78 20 0 1 0 123 9000000 2000 " +
		"18446744073709551615 1 1 0 0 0 0 0 4096 81923 0 0 0 17 1 0 0 0 0 0\n"
	st, err := parseStat([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	want := procStat{PPID: 17, UTime: 12, STime: 34, CUTime: 56, CSTime: 78}
	if st != want {
		t.Fatalf("parseStat = %+v, want %+v", st, want)
	}
	if _, err := parseStat([]byte("1 (x) S 0")); err == nil {
		t.Fatal("short stat line: want an error")
	}
}

func TestParseStatusKiB(t *testing.T) {
	status := "Name:\tgitd\nVmPeak:\t  900000 kB\nVmHWM:\t   65432 kB\nVmRSS:\t   12345 kB\n"
	for key, want := range map[string]int64{"VmHWM": 65432, "VmRSS": 12345} {
		got, err := parseStatusKiB([]byte(status), key)
		if err != nil || got != want {
			t.Fatalf("%s = %d, %v; want %d", key, got, err, want)
		}
	}
	if _, err := parseStatusKiB([]byte(status), "VmSwap"); err == nil {
		t.Fatal("missing key: want an error")
	}
}

func TestOwnProcess(t *testing.T) {
	st, err := readStat(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if st.PPID != os.Getppid() {
		t.Fatalf("ppid %d, want %d", st.PPID, os.Getppid())
	}
	if rss, err := statusKiB(os.Getpid(), "VmRSS"); err != nil || rss <= 0 {
		t.Fatalf("VmRSS = %d, %v", rss, err)
	}
}

func TestSummarize(t *testing.T) {
	ms := time.Millisecond
	s := summarize([]push{
		{Wall: 300 * ms, CPU: 0.3, PeakKiB: 2048},
		{Wall: 100 * ms, CPU: 0.1, PeakKiB: 4096},
		{Wall: 200 * ms, CPU: 0.2, PeakKiB: 1024},
	})
	if s.Median != 200*ms || s.Min != 100*ms || s.Max != 300*ms || s.PeakMiB != 4 {
		t.Fatalf("summarize = %+v", s)
	}
	if d := s.CPU - 0.2; d > 1e-9 || d < -1e-9 {
		t.Fatalf("mean CPU %v, want 0.2", s.CPU)
	}
	if m := median([]time.Duration{1 * ms, 3 * ms}); m != 2*ms {
		t.Fatalf("even median %v", m)
	}
}

func TestParseRuns(t *testing.T) {
	m, err := parseRuns("small=5,many=5,big=3", repoNames, "small=5")
	if err != nil || m["small"] != 5 || m["big"] != 3 {
		t.Fatalf("parseRuns = %v, %v", m, err)
	}
	for _, bad := range []string{"huge=1", "small", "small=-1", "small=x"} {
		if _, err := parseRuns(bad, repoNames, "small=5"); err == nil {
			t.Fatalf("parseRuns(%q): want an error", bad)
		}
	}
}

// The generator is deterministic: the same seed gives the same text.
func TestTexterDeterministic(t *testing.T) {
	a, b := newTexter(seedSmall), newTexter(seedSmall)
	if x, y := a.code(2000)+a.prose(500)+a.json(500), b.code(2000)+b.prose(500)+b.json(500); x != y {
		t.Fatal("two texters with one seed wrote different text")
	}
	if newTexter(seedMany).code(200) == newTexter(seedSmall).code(200) {
		t.Fatal("different seeds wrote the same text")
	}
}
