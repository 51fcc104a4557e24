package command

import (
	"errors"
	"fmt"
	"io"

	"github.com/botrunner/botrunner/store"
)

var keysRemoveCmd = &command{
	name:    "keys:remove",
	args:    []string{"fingerprint"},
	summary: "remove one of your SSH keys (not the last one)",
	run:     runKeysRemove,
}

func runKeysRemove(c *call) error {
	fp := fingerprintArg(c.p.arg(0))
	user := c.id().User
	k, err := c.d.Store.KeyByFingerprint(fp)
	if errors.Is(err, store.ErrNotFound) || (err == nil && k.User != user) {
		return keyNotFound(fp, "among your keys")
	}
	if err != nil {
		return err
	}
	keys, err := c.d.Store.KeysOf(user)
	if err != nil {
		return err
	}
	if len(keys) <= 1 {
		return ErrLastKey
	}
	if err := c.d.Store.RemoveKey(fp); err != nil {
		return err
	}
	c.log.Info("key removed", "user", user, "fingerprint", fp)
	return c.emit(struct {
		Fingerprint string `json:"fingerprint"`
		Removed     bool   `json:"removed"`
	}{fp, true}, func(w io.Writer) { fmt.Fprintf(w, "removed key %s\n", fp) })
}
