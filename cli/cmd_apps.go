package cli

// AppsCmd lists the apps the caller can see (alias `list`).
type AppsCmd struct{}

func (c *AppsCmd) Run(r *runner) error { return r.forward("apps") }
