package swarm

import "github.com/botrunner/botrunner/hint"

// ErrNotManager is an engine that cannot run services: in no swarm, or a
// worker node.
var ErrNotManager = hint.New("SWARM_NOT_MANAGER", "gitd's Docker Engine is not a Swarm manager",
	"run `docker swarm init` (or join gitd's engine as a manager), or set GITD_SCHEDULER=docker")
