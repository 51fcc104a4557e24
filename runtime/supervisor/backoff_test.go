package supervisor_test

import (
	"testing"
	"time"

	"github.com/botrunner/botrunner/runtime/supervisor"
)

func TestBackoff(t *testing.T) {
	p := supervisor.DefaultPolicy()
	for _, tc := range []struct {
		failures int
		want     time.Duration
	}{
		{0, 10 * time.Second}, {1, 10 * time.Second}, {2, 20 * time.Second}, {3, 40 * time.Second},
		{4, 80 * time.Second}, {5, 160 * time.Second}, {6, 5 * time.Minute}, {7, 5 * time.Minute},
		{1000, 5 * time.Minute},
	} {
		if got := supervisor.Backoff(p, tc.failures); got != tc.want {
			t.Errorf("Backoff(default, %d) = %v, want %v", tc.failures, got, tc.want)
		}
	}
	small := supervisor.Policy{BaseDelay: 200 * time.Millisecond, MaxDelay: time.Second}
	for failures, want := range map[int]time.Duration{1: 200 * time.Millisecond, 3: 800 * time.Millisecond, 4: time.Second} {
		if got := supervisor.Backoff(small, failures); got != want {
			t.Errorf("Backoff(200ms..1s, %d) = %v, want %v", failures, got, want)
		}
	}
	if got := supervisor.Backoff(supervisor.Policy{}, 2); got != 20*time.Second {
		t.Errorf("Backoff(zero policy, 2) = %v, want the defaults' 20s", got)
	}
}
