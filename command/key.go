package command

import (
	"fmt"
	"strings"

	"github.com/botrunner/botrunner/names"
	"github.com/botrunner/botrunner/store"
)

// keyJSON is a key as keys and deploy-keys print it.
type keyJSON struct {
	Fingerprint string `json:"fingerprint"`
	Comment     string `json:"comment"`
	Added       string `json:"added"`
}

func toKeyJSON(k store.Key) keyJSON {
	return keyJSON{Fingerprint: k.Fingerprint, Comment: k.Comment, Added: stamp(k.Added)}
}

// fingerprintArg accepts a fingerprint with or without its "SHA256:"
// prefix, since people copy it from different tools.
func fingerprintArg(s string) string {
	if strings.HasPrefix(s, "SHA256:") {
		return s
	}
	return "SHA256:" + s
}

// keyNotFound is the answer for a key that is missing or not the caller's:
// the same words for both, so fingerprints of others cannot be probed.
func keyNotFound(fp, where string) error {
	return ErrKeyNotFound.With(fmt.Sprintf("key %s not found %s", names.Quote(fp), where), nil)
}
