package scheduler_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/botrunner/botrunner/scheduler"
)

// A *StartError is ErrStartCheck, also wrapped, and says what ended it.
func TestStartError(t *testing.T) {
	for _, tc := range []struct {
		e    scheduler.StartError
		want string
	}{
		{scheduler.StartError{Release: 3, ExitCode: 1}, "v3 exited with code 1 during the start check"},
		{scheduler.StartError{Release: 4, ExitCode: 137, OOMKilled: true}, "v4 was killed (out of memory) during the start check"},
	} {
		err := fmt.Errorf("deploy: %w", &tc.e)
		var se *scheduler.StartError
		if !errors.Is(err, scheduler.ErrStartCheck) || !errors.As(err, &se) || se.Error() != tc.want {
			t.Errorf("%v: Is %v, As %v, text %q", tc.e, errors.Is(err, scheduler.ErrStartCheck), se, tc.e.Error())
		}
	}
}
