package receive

import (
	"errors"
	"fmt"
	"strings"
)

// FetchError says an upload-pack failure in a fetch's words. The pkt-line
// reader and the request checks are shared with receive-pack, whose
// ErrBadRequest speaks of a push; a fetch that breaks them is told it sent a
// malformed fetch request (ErrBadFetch), with the same detail. A client
// that hung up stays ErrHungUp; every other error is returned as it is.
func FetchError(err error) error {
	if err == nil || errors.Is(err, ErrHungUp) || !errors.Is(err, ErrBadRequest) {
		return err
	}
	detail := strings.TrimSuffix(err.Error(), ErrBadRequest.Error())
	detail = strings.TrimSuffix(detail, ": ")
	if detail == "" {
		return ErrBadFetch
	}
	return fmt.Errorf("%s: %w", detail, ErrBadFetch)
}
