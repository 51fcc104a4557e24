package cli

import "strconv"

// AuditCmd shows the audit log: `audit [APP] [-n N]` (admins: every entry;
// owners: their apps'). Without APP it does not take the remote's app: an
// admin reads the whole server's.
type AuditCmd struct {
	App string `arg:"" optional:"" help:"Only this app's entries."`
	Num *int   `short:"n" name:"num" help:"How many entries, newest last (default 50; 0 = all kept, up to 100,000)."`
}

func (c *AuditCmd) Run(r *runner) error {
	var args []string
	if c.App != "" {
		args = append(args, c.App)
	}
	if c.Num != nil {
		args = append(args, "-n", strconv.Itoa(*c.Num))
	}
	return r.forward("audit", args...)
}
