package hint_test

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"github.com/botrunner/botrunner/hint"
)

var errQuota = hint.New("TEST_QUOTA", "quota exceeded", "destroy an app first")

// TestCopiesKeepTheCondition: With and Reword make errors that say other
// words but are still the sentinel for errors.Is, keep or replace the tip
// as documented, and wrap (or not) a cause.
func TestCopiesKeepTheCondition(t *testing.T) {
	cause := fs.ErrNotExist
	for name, tc := range map[string]struct {
		err              *hint.Error
		msg, tip         string
		wantCause        bool
		wantCauseMatches bool
	}{
		"with":          {errQuota.With("app x: 3 of 3 apps", cause), "app x: 3 of 3 apps", "destroy an app first", true, true},
		"with no cause": {errQuota.With("3 of 3", nil), "3 of 3", "destroy an app first", false, false},
		"reword":        {errQuota.Reword("", "%d of %d apps", 3, 3), "3 of 3 apps", "destroy an app first", false, false},
		"reword tip":    {errQuota.Reword("ask the admin", "over"), "over", "ask the admin", false, false},
	} {
		if tc.err.Error() != tc.msg || tc.err.Hint() != tc.tip || tc.err.Code != "TEST_QUOTA" {
			t.Errorf("%s: %q / %q / %s; want %q / %q / TEST_QUOTA", name, tc.err.Error(), tc.err.Hint(), tc.err.Code, tc.msg, tc.tip)
		}
		wrapped := fmt.Errorf("create: %w", tc.err)
		if !errors.Is(wrapped, errQuota) {
			t.Errorf("%s: wrapped copy is not errors.Is the sentinel", name)
		}
		if got := errors.Is(wrapped, cause); got != tc.wantCauseMatches {
			t.Errorf("%s: errors.Is(cause) = %v", name, got)
		}
		if got := tc.err.Unwrap() != nil; got != tc.wantCause {
			t.Errorf("%s: Unwrap = %v", name, tc.err.Unwrap())
		}
	}
	if errQuota.Error() != "quota exceeded" || errQuota.Hint() != "destroy an app first" {
		t.Errorf("the sentinel changed: %q / %q", errQuota.Error(), errQuota.Hint())
	}
}

// TestIsNeedsTheSameCode: other codes, plain errors and a codeless hint
// error are never the sentinel.
func TestIsNeedsTheSameCode(t *testing.T) {
	for name, err := range map[string]error{
		"other code": hint.New("TEST_OTHER", "quota exceeded", "destroy an app first"),
		"plain":      errors.New("quota exceeded"),
		"no code":    &hint.Error{Msg: "quota exceeded"},
	} {
		if errors.Is(err, errQuota) {
			t.Errorf("%s: errors.Is the sentinel", name)
		}
	}
	if errors.Is(&hint.Error{Msg: "a"}, &hint.Error{Msg: "a"}) {
		t.Error("two codeless hint errors are errors.Is each other")
	}
}

// TestOfCodeOfTipOf: the first hint error in a chain decides; a chain
// without one is INTERNAL with no tip.
func TestOfCodeOfTipOf(t *testing.T) {
	inner := hint.Errorf("TEST_INNER", "inner tip", "inner %s", "msg")
	for name, tc := range map[string]struct {
		err       error
		code, tip string
		of        *hint.Error
	}{
		"nil":      {nil, "INTERNAL", "", nil},
		"plain":    {errors.New("disk full"), "INTERNAL", "", nil},
		"wrapped":  {fmt.Errorf("push: %w", errQuota), "TEST_QUOTA", "destroy an app first", errQuota},
		"outer":    {errQuota.With("x", inner), "TEST_QUOTA", "destroy an app first", nil},
		"errorf":   {fmt.Errorf("a: %w", inner), "TEST_INNER", "inner tip", inner},
		"internal": {hint.ErrInternal, "INTERNAL", hint.ErrInternal.Tip, hint.ErrInternal},
	} {
		if got := hint.CodeOf(tc.err); got != tc.code {
			t.Errorf("%s: CodeOf = %s, want %s", name, got, tc.code)
		}
		if got := hint.TipOf(tc.err); got != tc.tip {
			t.Errorf("%s: TipOf = %q, want %q", name, got, tc.tip)
		}
		if got := hint.Of(tc.err); tc.of != nil && got != tc.of {
			t.Errorf("%s: Of = %v, want %v", name, got, tc.of)
		}
	}
	if inner.Error() != "inner msg" {
		t.Errorf("Errorf message = %q", inner.Error())
	}
}
