package cli

// KeyAddCmd adds a key to the caller's account; the key goes on stdin.
type KeyAddCmd struct {
	KeyInput `embed:""`
}

func (c *KeyAddCmd) Run(r *runner) error { return r.forwardKey(c.KeyInput, "keys:add") }
