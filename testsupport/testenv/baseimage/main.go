// Command baseimage makes the local Python base image (Debian bookworm with
// Python 3.11, built with debootstrap; no registry needed) and prints its
// tag. `make run` uses it when python:3.11-slim cannot be had.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/botrunner/botrunner/testsupport/testenv"
)

func main() {
	tag, err := testenv.PythonImage(context.Background())
	if err != nil {
		fmt.Fprintf(os.Stderr, "baseimage: %v\n", err)
		os.Exit(1)
	}
	fmt.Println(tag)
}
