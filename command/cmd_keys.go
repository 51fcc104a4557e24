package command

import (
	"fmt"
	"io"
)

var keysCmd = &command{
	name:    "keys",
	summary: "list your SSH keys",
	run:     runKeys,
}

// userKeyJSON is one of the caller's keys; current marks the key of this
// connection, which tells them which one not to remove.
type userKeyJSON struct {
	keyJSON
	Current bool `json:"current"`
}

func runKeys(c *call) error {
	keys, err := c.d.Store.KeysOf(c.id().User)
	if err != nil {
		return err
	}
	list := make([]userKeyJSON, 0, len(keys))
	for _, k := range keys {
		list = append(list, userKeyJSON{keyJSON: toKeyJSON(k), Current: k.Fingerprint == c.id().Fingerprint})
	}
	return c.emit(list, func(w io.Writer) {
		if len(list) == 0 {
			fmt.Fprintln(w, "no keys")
			return
		}
		row(w, "FINGERPRINT", "COMMENT", "ADDED")
		for _, k := range list {
			if k.Current {
				row(w, k.Fingerprint, k.Comment, k.Added, "(this key)")
			} else {
				row(w, k.Fingerprint, k.Comment, k.Added)
			}
		}
	})
}
