// Command botctl is the client of botrunner; see package cli.
package main

import (
	"context"
	"os"

	"github.com/botrunner/botrunner/cli"
)

// version is set at release time: -ldflags "-X main.version=v1.2.3".
var version string

func main() {
	os.Exit(cli.Main(context.Background(), os.Args[1:], cli.OSSystem(version)))
}
