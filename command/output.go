package command

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/hint"
)

// call is one running command: the router's parts plus this invocation.
type call struct {
	*Router
	env  Env
	cmd  *command
	p    parsed
	json bool // --json: results and errors as JSON
}

func (c *call) id() auth.Identity { return c.env.Identity }

// emit prints a result: v as JSON with --json, else what text writes, through
// a tabwriter so that tab-separated cells line up in columns.
func (c *call) emit(v any, text func(w io.Writer)) error {
	if c.json {
		return writeJSON(c.env.Stdout, v)
	}
	tw := tabwriter.NewWriter(c.env.Stdout, 0, 0, 2, ' ', 0)
	text(tw)
	return tw.Flush()
}

// row writes one tab-separated line for the tabwriter.
func row(w io.Writer, cells ...string) {
	fmt.Fprintln(w, strings.Join(cells, "\t"))
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // "<app>" in hints should read as written
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeJSONLine writes v as one compact line (a stream of records, as
// `logs --json` prints them).
func writeJSONLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// stamp formats a time the same way in text and JSON: RFC 3339 in UTC, to
// the second, so output is stable across server time zones.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// errorJSON is the shape of an error with --json; the field names are part of
// the interface scripts depend on.
type errorJSON struct {
	Error string `json:"error"`
	Code  string `json:"code"`
	Hint  string `json:"hint"`
}

// WriteError prints err for a user and returns the exit status it maps to:
// 2 for a wrong command line (USAGE, UNKNOWN_COMMAND, BAD_COMMAND_LINE), else
// 1. Errors without a hint are failures of the server: their text may carry
// internals (paths, database errors), so the user sees only INTERNAL and the
// caller should log err. The SSH server uses this for Split's errors too, so
// every error a user sees has the same form.
func WriteError(w io.Writer, err error, asJSON bool) int {
	h := hint.Of(err)
	if h == nil {
		h = ErrInternal
	}
	if asJSON {
		_ = writeJSON(w, errorJSON{Error: h.Msg, Code: h.Code, Hint: h.Tip})
	} else {
		fmt.Fprintf(w, "error: %s\n", h.Msg)
		if h.Tip != "" {
			fmt.Fprintf(w, "hint: %s\n", h.Tip)
		}
	}
	if usageCodes[h.Code] {
		return 2
	}
	return 1
}

// joinComma lists names for text output; "none" reads better than a blank.
func joinComma(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
