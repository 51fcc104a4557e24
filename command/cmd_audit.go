package command

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/botrunner/botrunner/audit"
	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/names"
)

var auditCmd = &command{
	name: "audit",
	args: []string{"[app]"},
	flags: []flagSpec{
		{short: "n", name: "num", value: "n", help: "how many entries, newest last (default 50; 0 = all kept, up to 100,000)"},
	},
	summary: "who did what, from where: pushes, deploys, changes (admins: all; owners: their apps')",
	run:     runAudit,
}

// AuditReader reads the audit log (audit.Log).
type AuditReader interface {
	Read(match func(audit.Entry) bool, n int) ([]audit.Entry, error)
}

var (
	// ErrNoAudit is a server wired without an audit log.
	ErrNoAudit = hint.New("NO_AUDIT", "this server keeps no audit log", "ask the admin")
	// ErrAuditOwnersOnly: collaborators do not read an app's audit log.
	ErrAuditOwnersOnly = hint.New("AUDIT_OWNERS_ONLY", "only the app's owner and admins read its audit log",
		"ask the owner (apps:info shows who)")
)

func runAudit(c *call) error {
	if c.d.Audit == nil {
		return ErrNoAudit
	}
	n := 50
	if v, ok := c.p.flag("num"); ok {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 0 {
			return ErrUsage.With(fmt.Sprintf("-n %s is not a number of entries", names.Quote(v)), err)
		}
	}
	match, err := c.auditScope(c.p.arg(0))
	if err != nil {
		return err
	}
	entries, err := c.d.Audit.Read(match, n)
	if err != nil {
		return err
	}
	if entries == nil {
		entries = []audit.Entry{} // --json: [], not null
	}
	return c.emit(entries, func(w io.Writer) { auditTable(w, entries) })
}

// auditScope is what the caller may read: admins everything (or one app),
// owners the entries of the apps they own (or one of them).
func (c *call) auditScope(app string) (func(audit.Entry) bool, error) {
	id := c.id()
	if app != "" {
		a, err := c.d.Auth.Authorize(id, app, auth.Read)
		if err != nil {
			return nil, err
		}
		if !id.Admin && a.Owner != id.User {
			return nil, ErrAuditOwnersOnly
		}
		if id.Admin {
			return func(e audit.Entry) bool { return e.App == a.Name }, nil
		}
		return ownedSince(map[string]time.Time{a.Name: a.Created}), nil
	}
	if id.Admin {
		return func(audit.Entry) bool { return true }, nil
	}
	apps, err := c.d.Store.Apps()
	if err != nil {
		return nil, err
	}
	owned := map[string]time.Time{}
	for _, a := range apps {
		if a.Owner == id.User {
			owned[a.Name] = a.Created
		}
	}
	return ownedSince(owned), nil
}

// ownedSince matches the entries of the owned apps from each one's
// creation on: an app destroyed and made again under its name by another
// user has an earlier history that is not the new owner's to read.
func ownedSince(created map[string]time.Time) func(audit.Entry) bool {
	return func(e audit.Entry) bool {
		t, ok := created[e.App]
		return ok && !e.Time.Before(t.Truncate(time.Second))
	}
}

func auditTable(w io.Writer, entries []audit.Entry) {
	if len(entries) == 0 {
		fmt.Fprintln(w, "nothing recorded yet")
		return
	}
	row(w, "TIME", "WHO", "FROM", "ACTION", "APP", "NAMED", "RESULT")
	for _, e := range entries {
		result := "ok"
		if !e.OK {
			result = "failed"
		}
		if e.Detail != "" {
			result += ": " + e.Detail
		}
		row(w, stamp(e.Time), dash(e.Actor), dash(e.Remote), e.Action, dash(e.App), dash(strings.Join(e.Args, " ")), result)
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
