package intake

import (
	"fmt"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/botrunner/botrunner/gittree"
)

// Commit stores, next to the tree's objects, a commit of the tree with the
// given parent (zero for none), made by who (the pusher as auth names
// them) with message msg, and returns its hash.
func (t *Tree) Commit(parent plumbing.Hash, who, msg string, when time.Time) (plumbing.Hash, error) {
	sig := object.Signature{Name: who, Email: email(who), When: when}
	h, err := gittree.Commit(t.Objects, t.Hash, parent, sig, msg+"\n")
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("make commit: %w", err)
	}
	return h, nil
}

// email makes a stable address from a user name: git wants one, and the
// server knows no real address ("deploy key for x" -> "deploy-key-for-x@botrunner").
func email(who string) string {
	var b strings.Builder
	for _, r := range who {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "botrunner"
	}
	return b.String() + "@botrunner"
}
