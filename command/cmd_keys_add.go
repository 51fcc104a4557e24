package command

import (
	"fmt"
	"io"
)

var keysAddCmd = &command{
	name:    "keys:add",
	summary: "add an SSH key to your account (the public key on stdin)",
	stdin:   "one public key as an authorized_keys line, e.g. < ~/.ssh/id_ed25519.pub",
	run:     runKeysAdd,
}

func runKeysAdd(c *call) error {
	k, err := c.readKey()
	if err != nil {
		return err
	}
	k.User = c.id().User
	if err := c.d.Store.AddKey(k); err != nil {
		return err
	}
	c.log.Info("key added", "user", k.User, "fingerprint", k.Fingerprint)
	return c.emit(toKeyJSON(k), func(w io.Writer) {
		fmt.Fprintf(w, "added key %s\n", k.Fingerprint)
	})
}
