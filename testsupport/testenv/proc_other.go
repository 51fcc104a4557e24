//go:build !unix

package testenv

import (
	"os/exec"
	"time"
)

func killGroupOnCancel(cmd *exec.Cmd) { cmd.WaitDelay = 10 * time.Second }
