package cli

// WhoamiCmd shows the identity the server gives the key ssh offered.
type WhoamiCmd struct{}

func (c *WhoamiCmd) Run(r *runner) error { return r.forward("whoami") }
