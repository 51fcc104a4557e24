package promtext

import (
	"io"
	"strings"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Parse returns each sample as `name{label="value",…}` → value; a
// histogram gives its sample count as `name_count{…}`.
func Parse(r io.Reader) (map[string]float64, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(r)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for name, f := range families {
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+`="`+l.GetValue()+`"`)
			}
			set := "{" + strings.Join(labels, ",") + "}"
			switch {
			case m.Counter != nil:
				out[name+set] = m.GetCounter().GetValue()
			case m.Gauge != nil:
				out[name+set] = m.GetGauge().GetValue()
			case m.Histogram != nil:
				out[name+"_count"+set] = float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return out, nil
}
