//go:build unix

package testenv

import (
	"os/exec"
	"syscall"
	"time"
)

// killGroupOnCancel makes a cancelled context kill cmd's whole process
// group: debootstrap leaves its children (wget, dpkg) holding the output
// pipe otherwise.
func killGroupOnCancel(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
}
