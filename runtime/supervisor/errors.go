package supervisor

import "errors"

// ErrRunTwice: Run was called a second time; a Supervisor runs once.
var ErrRunTwice = errors.New("supervisor: Run called twice")
