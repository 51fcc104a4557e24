package hint

import (
	"errors"
	"fmt"
)

// Error is an error a user sees, with a code scripts can match on and a hint a
// person can act on.
type Error struct {
	Code string // e.g. "QUOTA_EXCEEDED"; stable, upper snake case
	Msg  string // what went wrong, one line
	Tip  string // what to do about it, one line; may be empty
	Err  error  // optional cause, for errors.Is/As
}

func (e *Error) Error() string { return e.Msg }

// Hint says what to do about the error.
func (e *Error) Hint() string { return e.Tip }

// Unwrap returns the cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is a hint error with the same code, so that
// sentinel values declared with New work with errors.Is even when wrapped
// or re-created with another message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code != "" && t.Code == e.Code
}

// New returns a user-facing error.
func New(code, msg, tip string) *Error { return &Error{Code: code, Msg: msg, Tip: tip} }

// Errorf returns a user-facing error with a formatted message.
func Errorf(code, tip, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...), Tip: tip}
}

// With returns a copy of e that wraps cause and says msg.
func (e *Error) With(msg string, cause error) *Error {
	return &Error{Code: e.Code, Msg: msg, Tip: e.Tip, Err: cause}
}

// Reword returns a copy of e with its own message (and tip, unless tip is
// empty): the same condition in other words, still errors.Is e.
func (e *Error) Reword(tip, format string, args ...any) *Error {
	if tip == "" {
		tip = e.Tip
	}
	return &Error{Code: e.Code, Msg: fmt.Sprintf(format, args...), Tip: tip}
}

// ErrInternal is what a user sees of a failure that is the server's, not
// theirs: the details go to the server's log, never to the client.
var ErrInternal = New("INTERNAL", "internal error",
	"try again; if it keeps failing, tell the server's admin (gitd's log has the details)")

// Of returns the first hint error in err's chain, or nil.
func Of(err error) *Error {
	var h *Error
	if errors.As(err, &h) {
		return h
	}
	return nil
}

// CodeOf returns the code of the first hint error in err's chain, or
// "INTERNAL" when there is none.
func CodeOf(err error) string {
	if h := Of(err); h != nil {
		return h.Code
	}
	return ErrInternal.Code
}

// TipOf returns the hint of the first hint error in err's chain, or "".
func TipOf(err error) string {
	if h := Of(err); h != nil {
		return h.Tip
	}
	return ""
}
