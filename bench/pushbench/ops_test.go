package main

import (
	"testing"
	"time"
)

// Both followers' -t lines parse to the same ping.
func TestParsePing(t *testing.T) {
	recv := time.Unix(100, 0)
	for _, line := range []string{
		"2024-05-01T12:00:00.5Z [v1] ping 12 1714564800250000000",
		"2024-05-01T12:00:00.500000000Z ping 12 1714564800250000000",
	} {
		p, ok := parsePing(line, recv)
		if !ok {
			t.Fatalf("%q: not parsed", line)
		}
		if p.seq != 12 || p.stamp.Sub(p.sent) != 250*time.Millisecond || !p.recv.Equal(recv) {
			t.Errorf("%q: got %+v", line, p)
		}
	}
	for _, line := range []string{"", "[gitd] started v1", "2024-05-01T12:00:00Z [v1] pong 1 2", "x ping 1 2"} {
		if _, ok := parsePing(line, recv); ok {
			t.Errorf("%q parsed", line)
		}
	}
}

func TestPct(t *testing.T) {
	var s []time.Duration
	for i := 1; i <= 200; i++ {
		s = append(s, time.Duration(i))
	}
	if got := pct(s, 0.99); got != 198 {
		t.Errorf("p99 of 1..200 = %d, want 198", got)
	}
	if got := pct(s, 0.5); got != 100 {
		t.Errorf("p50 of 1..200 = %d, want 100", got)
	}
	if got := pct(s[:1], 0.99); got != 1 {
		t.Errorf("p99 of one = %d", got)
	}
}
