package cli

// UserRemoveCmd removes a user and their keys (admins only).
type UserRemoveCmd struct {
	Name string `arg:"" name:"name" help:"The user to remove."`
}

func (c *UserRemoveCmd) Run(r *runner) error { return r.forward("users:remove", c.Name) }
