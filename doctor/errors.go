package doctor

import "github.com/botrunner/botrunner/hint"

// ErrFailed is what `gitd doctor` returns when a check failed; the report
// printed before it has each failure's fix.
var ErrFailed = hint.New("DOCTOR_FAILED", "checks failed",
	"apply the fix printed under each FAIL line, then run `gitd doctor` again")
