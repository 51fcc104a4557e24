package cli

// UserAddCmd adds a user with their first key, sent on stdin (admins only).
type UserAddCmd struct {
	KeyInput `embed:""`
	Name     string `arg:"" name:"name" help:"The new user's name."`
	Admin    bool   `help:"Make the user an admin."`
}

func (c *UserAddCmd) Run(r *runner) error {
	args := []string{c.Name}
	if c.Admin {
		args = append(args, "--admin")
	}
	return r.forwardKey(c.KeyInput, "users:add", args...)
}
