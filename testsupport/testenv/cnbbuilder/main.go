// Command cnbbuilder makes the local buildpack builder (lifecycle v0.21.0
// built from source, a small Python buildpack, build and run images from
// the local Python base image; no registry needed) and prints the builder
// and lifecycle image tags, one per line. `make run` uses it on a machine
// that cannot pull images.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/botrunner/botrunner/testsupport/testenv"
)

func main() {
	builder, lifecycle, err := testenv.CNBBuilder(context.Background())
	if err != nil {
		fmt.Fprintf(os.Stderr, "cnbbuilder: %v\n", err)
		os.Exit(1)
	}
	fmt.Println(builder)
	fmt.Println(lifecycle)
}
