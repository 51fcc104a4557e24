package runtime

import (
	"fmt"
	"maps"
	"regexp"
	"strconv"
	"strings"
)

// Defaults for a bot's container (README, "Configuration").
const (
	DefaultTmpfsSize  = "64m"
	DefaultLogMaxSize = "10m"
	DefaultLogMaxFile = 3
	DefaultNetwork    = "bot_runner_network"
)

// DefaultLimits are the seed limits: 256 MiB, half a CPU, 100 pids.
var DefaultLimits = Limits{Memory: 256 << 20, NanoCPUs: 500_000_000, Pids: 100}

// Label keys every bot container carries, so that gitd can find (and adopt
// after a restart) what it runs.
const (
	LabelApp     = "botrunner.app"
	LabelOwner   = "botrunner.owner"
	LabelRelease = "botrunner.release"
	// LabelInstance names the gitd (by its data dir's instance id) that
	// runs the container: several gitd may share one engine, and each
	// supervises only its own bots.
	LabelInstance = "botrunner.gitd"
)

// ShortInstance is the part of an instance id that engine object names
// carry (networks, services): 8 hex digits tell instances on one engine
// apart and keep the names short.
func ShortInstance(instance string) string {
	if len(instance) > 8 {
		return instance[:8]
	}
	return instance
}

// Labels returns the labels of release n of an app.
func Labels(app, owner string, release int) map[string]string {
	return map[string]string{LabelApp: app, LabelOwner: owner, LabelRelease: strconv.Itoa(release)}
}

// WithDefaults returns a copy of s with every unset field defaulted. Labels
// and slices are copied, so a driver may keep the result.
func (s Spec) WithDefaults() Spec {
	s.Cmd = append([]string(nil), s.Cmd...)
	s.Env = append([]string(nil), s.Env...)
	s.Labels = maps.Clone(s.Labels)
	if s.Labels == nil {
		s.Labels = map[string]string{}
	}
	if s.Limits.Memory == 0 {
		s.Limits.Memory = DefaultLimits.Memory
	}
	if s.Limits.NanoCPUs == 0 {
		s.Limits.NanoCPUs = DefaultLimits.NanoCPUs
	}
	if s.Limits.Pids == 0 {
		s.Limits.Pids = DefaultLimits.Pids
	}
	if s.Network == "" {
		s.Network = DefaultNetwork
	}
	if s.TmpfsSize == "" {
		s.TmpfsSize = DefaultTmpfsSize
	}
	if s.LogMaxSize == "" {
		s.LogMaxSize = DefaultLogMaxSize
	}
	if s.LogMaxFile == 0 {
		s.LogMaxFile = DefaultLogMaxFile
	}
	return s
}

// sizeRule is a docker size ("64m"). It is strict because the tmpfs size is
// spliced into mount options: "64m,exec" must not get through.
var sizeRule = regexp.MustCompile(`^[1-9][0-9]*[kmg]?$`)

// Validate checks a defaulted spec (see WithDefaults). Errors are
// ErrRootUser or ErrInvalidSpec.
func (s Spec) Validate() error {
	if err := CheckUser(s.User); err != nil {
		return err
	}
	var problems []string
	if s.Image == "" {
		problems = append(problems, "no image")
	}
	if s.Limits.Memory < 6<<20 || s.Limits.NanoCPUs < 0 || s.Limits.Pids < 0 {
		problems = append(problems, fmt.Sprintf("limits %+v (memory at least 6 MiB, none negative)", s.Limits))
	}
	if s.Network == "host" || strings.Contains(s.Network, ":") {
		problems = append(problems, fmt.Sprintf("network %q (host and container:<id> networking are not allowed)", s.Network))
	}
	if !sizeRule.MatchString(s.TmpfsSize) || !sizeRule.MatchString(s.LogMaxSize) {
		problems = append(problems, fmt.Sprintf("sizes %q/%q (want e.g. 64m)", s.TmpfsSize, s.LogMaxSize))
	}
	if s.LogMaxFile < 1 {
		problems = append(problems, fmt.Sprintf("log max-file %d", s.LogMaxFile))
	}
	for _, e := range s.Env {
		if k, _, _ := strings.Cut(e, "="); k == "" {
			problems = append(problems, "an environment entry without a name")
			break
		}
	}
	if len(problems) > 0 {
		return ErrInvalidSpec.With("invalid container spec: "+strings.Join(problems, "; "), nil)
	}
	return nil
}

// CheckUser refuses users that run as root: "", "root", uid 0 with any
// group. A name other than root cannot be resolved here; the image's
// /etc/passwd decides what it means (the container has no capabilities and
// no-new-privileges either way).
func CheckUser(user string) error {
	name, _, _ := strings.Cut(user, ":")
	if name == "" || name == "root" {
		return ErrRootUser.With(fmt.Sprintf("refusing to run as user %q (root)", user), nil)
	}
	if uid, err := strconv.ParseUint(name, 10, 32); err == nil && uid == 0 {
		return ErrRootUser.With(fmt.Sprintf("refusing to run as user %q (uid 0)", user), nil)
	}
	return nil
}
