package build

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/moby/moby/api/types/jsonstream"
)

// buildMessage is one message of the engine's JSON stream. The classic
// builder sends a failure twice: as "error" text and as "errorDetail".
type buildMessage struct {
	jsonstream.Message
	ErrorText string `json:"error,omitempty"`
}

// streamResult is what the stream told us.
type streamResult struct {
	imageID    string // from the aux message; "" if the engine sent none
	depsCached bool   // the dependency step reported " ---> Using cache"
	failure    string // the engine's error message; "" when the build succeeded
	step       string // the instruction running last, e.g. "RUN python -m compileall -q /app"
	lastLayer  string // the short ID of the last layer the builder printed (" ---> 0123456789ab")
	// depsOffline: the dependency step said it could not reach the package
	// index (no network for builds, a wrong GITD_PIP_INDEX_URL).
	depsOffline bool
}

// offlineMarks are what pip (through urllib3) prints when it cannot reach
// the index at all, as opposed to a package the index does not have.
var offlineMarks = []string{"NewConnectionError", "Failed to establish a new connection",
	"Temporary failure in name resolution", "Name or service not known", "Network is unreachable",
	"ConnectTimeoutError", "ProxyError", "Connection refused"}

// maxLine bounds a line held back while waiting for its newline, so
// output without newlines cannot grow memory without limit.
const maxLine = 64 << 10

// stderrColor removes the colour codes the classic builder wraps a RUN
// step's stderr in: the lines end up in a git client's "remote:" output and
// in logs, where the codes are noise and the reset lands on the next line.
var stderrColor = strings.NewReplacer("\x1b[91m", "", "\x1b[0m", "")

// renderer turns the stream into plain lines on out and watches them.
type renderer struct {
	out        io.Writer
	depsStep   string // text of the dependency RUN step; "" = none to watch
	inDeps     bool   // the step running now is the dependency step
	partial    []byte
	lastStatus string
	res        streamResult
	onStep     func(container string) // called with each step container's short ID; nil = none
}

// renderStream reads the engine's build stream to its end. The error is
// for a stream that broke (a cancelled context, a dropped connection); a
// failed build is res.failure.
func renderStream(r io.Reader, out io.Writer, depsStep string, onStep func(string)) (streamResult, error) {
	rd := &renderer{out: out, depsStep: depsStep, onStep: onStep}
	dec := json.NewDecoder(r)
	for {
		var m buildMessage
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			rd.flush()
			return rd.res, fmt.Errorf("build output: %w", err)
		}
		rd.message(&m)
	}
	rd.flush()
	return rd.res, nil
}

func (rd *renderer) message(m *buildMessage) {
	switch {
	case m.ErrorText != "" || m.Error != nil:
		rd.flush()
		rd.res.failure = m.ErrorText
		if m.Error != nil && m.Error.Message != "" {
			rd.res.failure = m.Error.Message
		}
	case m.Aux != nil:
		var aux struct{ ID string }
		if json.Unmarshal(*m.Aux, &aux) == nil && aux.ID != "" {
			rd.res.imageID = aux.ID
		}
	case m.Stream != "":
		rd.text(m.Stream)
	case m.Status != "":
		rd.status(m)
	}
}

// text splits stream text, which arrives in arbitrary chunks, into lines.
func (rd *renderer) text(s string) {
	rd.partial = append(rd.partial, s...)
	for {
		i := bytes.IndexByte(rd.partial, '\n')
		if i < 0 {
			break
		}
		rd.line(string(rd.partial[:i]))
		rd.partial = rd.partial[i+1:]
	}
	if len(rd.partial) > maxLine {
		rd.flush()
	}
}

func (rd *renderer) flush() {
	if len(rd.partial) > 0 {
		rd.line(string(rd.partial))
		rd.partial = rd.partial[:0]
	}
}

// line writes one line and follows the classic builder's step markers
// ("Step 5/11 : RUN …", " ---> Using cache") to see whether the
// dependency step came from the cache.
func (rd *renderer) line(l string) {
	l = strings.TrimRight(stderrColor.Replace(l), "\r")
	fmt.Fprintln(rd.out, l)
	if strings.HasPrefix(l, "Step ") {
		if _, instr, ok := strings.Cut(l, " : "); ok {
			rd.res.step = instr
		}
		rd.inDeps = rd.depsStep != "" && strings.Contains(l, rd.depsStep)
		return
	}
	if rd.inDeps && strings.TrimSpace(l) == "---> Using cache" {
		rd.res.depsCached = true
	}
	if m := stepContainer.FindStringSubmatch(l); m != nil && rd.onStep != nil {
		rd.onStep(m[1])
	} else if m := layerID.FindStringSubmatch(l); m != nil {
		rd.res.lastLayer = m[1]
	}
	if rd.inDeps && !rd.res.depsOffline {
		for _, m := range offlineMarks {
			if strings.Contains(l, m) {
				rd.res.depsOffline = true
				break
			}
		}
	}
}

// The classic builder's lines naming a step's container and a layer.
var (
	stepContainer = regexp.MustCompile(`^ ---> Running in ([0-9a-f]{12,64})$`)
	layerID       = regexp.MustCompile(`^ ---> ([0-9a-f]{12,64})$`)
)

// status shows pull-style status messages once each, without progress
// bars: a build pushes text to a git client, not to a terminal.
func (rd *renderer) status(m *buildMessage) {
	s := m.Status
	if m.ID != "" {
		s = m.ID + ": " + s
	}
	if s == rd.lastStatus {
		return
	}
	rd.lastStatus = s
	rd.flush()
	fmt.Fprintln(rd.out, s)
}
