package build

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/botrunner/botrunner/hint"
)

// procfileName is Heroku's process list: one `name: command` a line.
const procfileName = "Procfile"

// maxProcfile bounds how much of a Procfile is read.
const maxProcfile = 64 << 10

// process is one Procfile line.
type process struct {
	Name, Command string
}

// procfileLine is Heroku's syntax (blank lines and # comments aside).
var procfileLine = regexp.MustCompile(`^([A-Za-z0-9_-]+)\s*:\s*(.*?)\s*$`)

// parseProcfile reads the processes in file order. A line that is not
// `name: command`, an empty command or a name given twice is an error.
func parseProcfile(r io.Reader) ([]process, error) {
	var procs []process
	seen := map[string]bool{}
	sc := bufio.NewScanner(io.LimitReader(r, maxProcfile))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := procfileLine.FindStringSubmatch(line)
		switch {
		case m == nil:
			return nil, badProcfile("line %d is not `name: command`: %q", n, line)
		case m[2] == "":
			return nil, badProcfile("line %d: process %s has no command", n, m[1])
		case seen[m[1]]:
			return nil, badProcfile("line %d: process %s is listed twice", n, m[1])
		}
		seen[m[1]] = true
		procs = append(procs, process{Name: m[1], Command: m[2]})
	}
	if err := sc.Err(); err != nil {
		return nil, badProcfile("cannot read it: %v", err)
	}
	if len(procs) == 0 {
		return nil, badProcfile("it lists no process")
	}
	return procs, nil
}

// defaultProcess picks the process a bot runs: worker (a polling bot needs
// no port), else web, else the only one there is.
func defaultProcess(procs []process) (string, error) {
	for _, want := range []string{"worker", "web"} {
		for _, p := range procs {
			if p.Name == want {
				return want, nil
			}
		}
	}
	if len(procs) == 1 {
		return procs[0].Name, nil
	}
	names := make([]string, len(procs))
	for i, p := range procs {
		names[i] = p.Name
	}
	return "", badProcfile("it lists %s but no worker or web process, so which one runs is unclear",
		strings.Join(names, ", "))
}

// procfileProcess reads a Procfile and picks its process.
func procfileProcess(data []byte) (string, error) {
	procs, err := parseProcfile(bytes.NewReader(data))
	if err != nil {
		return "", err
	}
	return defaultProcess(procs)
}

func badProcfile(format string, args ...any) error {
	return &hint.Error{Code: ErrBadProcfile.Code, Msg: "invalid Procfile: " + fmt.Sprintf(format, args...),
		Tip: ErrBadProcfile.Tip}
}
