package fakeruntime

import (
	"strconv"
	"strings"
	"time"

	"github.com/botrunner/botrunner/runtime"
)

// Testbot scripts the fake with the commands of runtimetest's testbot, so
// the fake runs the same conformance suite as real engines.
func Testbot(s runtime.Spec) Behaviour {
	if len(s.Cmd) == 0 {
		return Behaviour{}
	}
	args := s.Cmd[1:]
	switch s.Cmd[0] {
	case "hang":
		return Behaviour{IgnoreTerm: true, Logs: []string{"ready"}}
	case "exitafter":
		ms, _ := strconv.Atoi(args[0])
		code, _ := strconv.Atoi(args[1])
		return Behaviour{Exit: true, ExitAfter: time.Duration(ms) * time.Millisecond, ExitCode: code}
	case "exit":
		code, _ := strconv.Atoi(args[0])
		return Behaviour{Exit: true, ExitCode: code}
	case "print":
		b := Behaviour{Logs: append([]string(nil), args...)}
		for _, a := range args {
			b.Logs = append(b.Logs, "stderr: "+a)
		}
		return b
	case "env":
		line := args[0] + " unset"
		for _, e := range s.Env {
			if k, _, _ := strings.Cut(e, "="); k == args[0] {
				line = e
			}
		}
		return Behaviour{Logs: []string{line}}
	}
	return Behaviour{}
}
