//go:build linux

package main

import (
	"fmt"
	"syscall"
	"unsafe"
)

// forkMany forks with the raw clone system call, like a C fork bomb: each
// child is exactly one task in the pids cgroup, and a refused fork is a
// plain EAGAIN here instead of a Go runtime crash (which is what a failed
// thread creation would be).
func forkMany(n int) {
	ts := &syscall.Timespec{Sec: 3600}
	started := 0
	var err error
	for started < n {
		pid, _, errno := syscall.RawSyscall6(syscall.SYS_CLONE, uintptr(syscall.SIGCHLD), 0, 0, 0, 0, 0)
		if errno != 0 {
			err = errno
			break
		}
		if pid == 0 {
			// The child is a copy of this one thread: it must not run the Go
			// runtime, so it only ever makes raw system calls.
			for {
				syscall.RawSyscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(ts)), 0, 0)
			}
		}
		started++
	}
	if err != nil {
		fmt.Printf("fork: started %d of %d: error: %v\n", started, n, err)
		return
	}
	fmt.Printf("fork: started %d of %d\n", started, n)
}
