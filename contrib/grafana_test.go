package contrib

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/botrunner/botrunner/metrics"
)

// TestGrafanaDashboard: the dashboard is valid JSON, every query names
// only metrics gitd has, and every metric gitd has is on it.
func TestGrafanaDashboard(t *testing.T) {
	b, err := os.ReadFile("grafana/botrunner-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	names := metrics.Names()
	used := map[string]bool{}
	re := regexp.MustCompile(`botrunner_[a-z_]+`)
	for _, p := range d.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			for _, n := range re.FindAllString(tg.Expr, -1) {
				base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(n, "_bucket"), "_count"), "_sum")
				if !slices.Contains(names, base) {
					t.Errorf("panel %q queries %s, which gitd does not have", p.Title, n)
				}
				used[base] = true
			}
		}
	}
	for _, n := range names {
		if !used[n] {
			t.Errorf("metric %s is on no panel", n)
		}
	}
}
