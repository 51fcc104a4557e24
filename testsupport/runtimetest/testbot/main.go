// Command testbot is the process inside the test image the runtime
// conformance suite and the docker hardening tests run. It is a static Go
// binary so that the image needs no base image (no registry can be reached
// here): the image is just /testbot and an empty /tmp.
//
// The first argument picks a behaviour:
//
//	sleep            run until SIGTERM, then exit 143 like a process killed by it
//	hang             ignore SIGTERM, print "ready"; only SIGKILL ends it
//	exit N           exit with status N at once
//	exitafter MS N   run MS milliseconds (SIGTERM ends it early with 143), then exit with status N
//	print W...       each W as a line to stdout; 200 ms later "stderr: W" to stderr; then sleep
//	                 (SIGTERM is handled before the first line: a test can wait for it)
//	env NAME         print "NAME=<value>" (or "NAME unset"), then sleep
//	write PATH       try to create PATH; print "write PATH: ok" or "write PATH: error: ...", then sleep
//	fork N           try to fork N processes that stay; print how many started and the error, then sleep
//	alloc MB         allocate and touch MB MiB, printing progress; print "alloc: done", then sleep
//	status           print Uid, NoNewPrivs and the capability lines of /proc/self/status, then sleep
package main

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: testbot sleep|hang|exit N|exitafter MS N|print W...|env NAME|write PATH|fork N|alloc MB|status")
		os.Exit(2)
	}
	arg := ""
	if len(os.Args) > 2 {
		arg = os.Args[2]
	}
	if os.Args[1] == "hang" {
		signal.Ignore(syscall.SIGTERM, syscall.SIGINT)
		fmt.Println("ready")
		for { // not select{}: with nothing else to run, that is a deadlock crash
			time.Sleep(time.Hour)
		}
	}
	// Subscribe before any behaviour runs: it starts a runtime thread,
	// which "fork" would leave no room for (a failed thread start is fatal).
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM, syscall.SIGINT)
	behave(os.Args[1], arg, term)
	// PID 1 in a container gets no default signal handling from the kernel,
	// so the handler is explicit; 143 is what a process killed by SIGTERM
	// reports.
	<-term
	os.Exit(143)
}

// behave does what the arguments say, up to the point where the process
// would sleep until SIGTERM.
func behave(what, arg string, term <-chan os.Signal) {
	switch what {
	case "sleep":
	case "exit":
		n, _ := strconv.Atoi(arg)
		os.Exit(n)
	case "exitafter":
		exitAfter(arg, os.Args[3:], term)
	case "print":
		printWords(os.Args[2:])
	case "env":
		if v, ok := os.LookupEnv(arg); ok {
			fmt.Printf("%s=%s\n", arg, v)
		} else {
			fmt.Printf("%s unset\n", arg)
		}
	case "write":
		write(arg)
	case "fork":
		n, _ := strconv.Atoi(arg)
		forkMany(n)
	case "alloc":
		mb, _ := strconv.Atoi(arg)
		alloc(mb)
	case "status":
		status()
	default:
		fmt.Fprintf(os.Stderr, "testbot: unknown behaviour %q\n", what)
		os.Exit(2)
	}
}

// exitAfter is a bot that crashes after a while: it runs ms
// milliseconds, then exits with the code in rest; SIGTERM before then ends
// it as "sleep" would.
func exitAfter(ms string, rest []string, term <-chan os.Signal) {
	n, _ := strconv.Atoi(ms)
	code := 1
	if len(rest) > 0 {
		code, _ = strconv.Atoi(rest[0])
	}
	fmt.Printf("running %d ms, then exiting with %d\n", n, code)
	select {
	case <-time.After(time.Duration(n) * time.Millisecond):
		os.Exit(code)
	case <-term:
		os.Exit(143)
	}
}

// printWords writes the streams apart in time so that the tail of the
// combined log is the stderr lines, in order.
func printWords(words []string) {
	for _, w := range words {
		fmt.Fprintln(os.Stdout, w)
	}
	time.Sleep(200 * time.Millisecond)
	for _, w := range words {
		fmt.Fprintln(os.Stderr, "stderr: "+w)
	}
}

func write(path string) {
	if err := os.WriteFile(path, []byte("x\n"), 0o644); err != nil {
		fmt.Printf("write %s: error: %v\n", path, err)
		return
	}
	fmt.Printf("write %s: ok\n", path)
}

func alloc(mb int) {
	var keep [][]byte
	for i := 1; i <= mb; i++ {
		b := make([]byte, 1<<20)
		for j := 0; j < len(b); j += 4096 {
			b[j] = 1 // touch every page so it is really resident
		}
		keep = append(keep, b)
		if i%64 == 0 {
			fmt.Printf("alloc: %d MiB\n", i)
		}
	}
	fmt.Printf("alloc: done (%d chunks)\n", len(keep))
	runtime.KeepAlive(keep)
}

func status() {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		fmt.Printf("status: error: %v\n", err)
		return
	}
	for _, line := range strings.Split(string(b), "\n") {
		for _, p := range []string{"Uid:", "Gid:", "NoNewPrivs:", "CapEff:", "CapPrm:", "CapBnd:", "CapAmb:"} {
			if strings.HasPrefix(line, p) {
				fmt.Println(strings.Join(strings.Fields(line), " "))
			}
		}
	}
}
