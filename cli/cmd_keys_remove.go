package cli

// KeyRemoveCmd removes one of the caller's keys by fingerprint.
type KeyRemoveCmd struct {
	Fingerprint string `arg:"" help:"The key's SHA256 fingerprint, as listed by botctl keys."`
}

func (c *KeyRemoveCmd) Run(r *runner) error { return r.forward("keys:remove", c.Fingerprint) }
