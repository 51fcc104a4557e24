package deploy

// Phase is where an app's deploy is, while one runs.
type Phase string

// Phases of a deploy in progress.
const (
	PhaseBuilding Phase = "building"
	PhasePulling  Phase = "pulling" // image mode: the engine pulls the app's image
	PhaseStarting Phase = "starting"
)

func (d *Engine) setPhase(app string, p Phase) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if p == "" {
		delete(d.state, app)
		return
	}
	d.state[app] = p
}

// PhaseOf returns the phase of the app's deploy in progress, or "".
func (d *Engine) PhaseOf(app string) Phase {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.state[app]
}
