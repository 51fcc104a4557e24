package cli

// VersionCmd shows the server's version; botctl's own is `botctl --version`.
type VersionCmd struct{}

func (c *VersionCmd) Run(r *runner) error { return r.forward("version") }
