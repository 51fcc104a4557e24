package cli

// KeysCmd lists the caller's SSH keys.
type KeysCmd struct{}

func (c *KeysCmd) Run(r *runner) error { return r.forward("keys") }
