package cli

// WebhookDeleteCmd deletes the bot's Telegram webhook:
// `telegram:webhook-delete [APP]`.
type WebhookDeleteCmd struct {
	AppFlag `embed:""`
	Name    string `arg:"" optional:"" name:"app" help:"App name (default: -a, else the remote's app)."`
}

func (c *WebhookDeleteCmd) Run(r *runner) error {
	return r.forwardApp("telegram:webhook-delete", c.AppFlag, []string{c.Name}, 0)
}
