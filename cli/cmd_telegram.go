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

// NotifyCmd shows where the app's notices go: `notify [APP]`.
type NotifyCmd struct {
	AppFlag `embed:""`
	Name    string `arg:"" optional:"" name:"app" help:"App name (default: -a, else the remote's app)."`
}

func (c *NotifyCmd) Run(r *runner) error {
	return r.forwardApp("notify", c.AppFlag, []string{c.Name}, 0)
}

// NotifySetCmd sets notice targets: `notify:set [APP] telegram=CHAT webhook=URL`.
type NotifySetCmd struct {
	AppFlag `embed:""`
	Words   []string `arg:"" name:"target=value" help:"telegram=CHAT_ID and/or webhook=https://… (optionally preceded by the app); key= removes one."`
}

func (c *NotifySetCmd) Run(r *runner) error {
	return r.forwardPairs("notify:set", c.AppFlag, c.Words)
}

// NotifyTestCmd sends a test notice: `notify:test [APP]`.
type NotifyTestCmd struct {
	AppFlag `embed:""`
	Name    string `arg:"" optional:"" name:"app" help:"App name (default: -a, else the remote's app)."`
}

func (c *NotifyTestCmd) Run(r *runner) error {
	return r.forwardApp("notify:test", c.AppFlag, []string{c.Name}, 0)
}
