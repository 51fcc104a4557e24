package cli

// UsersCmd lists the server's users (admins only).
type UsersCmd struct{}

func (c *UsersCmd) Run(r *runner) error { return r.forward("users") }
