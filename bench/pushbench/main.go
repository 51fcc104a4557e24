// Command pushbench measures first pushes to gitd against OpenSSH sshd +
// git-receive-pack on the same machine, in the same run, clones and
// fetches against git-upload-pack the same way, and deploy latency
// (push to a running bot) against the raw docker build/stop/run sequence,
// image deploys against docker pull/stop/run, and redeploys on a swarm
// against docker build/push/service update.
// bench/run.sh sets the stage (installs sshd, builds gitd, starts the
// servers, makes the Docker network) and calls it:
//
//	pushbench gen -out DIR          # the three source repos, deterministic
//	pushbench run -src DIR ...      # push them, print the table
//	pushbench fetch -src DIR ...    # clone, mirror-clone and fetch them, print the table
//	pushbench deploy -work DIR ...  # deploy a bot both ways, print the table
//	pushbench ops -work DIR ...     # logs -f and status latency, RSS with 50 bots
//	pushbench image -work DIR ...   # deploy:image both ways (registry on 127.0.0.1), print the table
//	pushbench swarm -work DIR ...   # redeploy on a swarm through gitd vs build + push + service update
//
// Nothing here fails on a timing: the tables report gitd/OpenSSH and
// gitd/raw-docker ratios measured side by side, and the goals for context.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = genMain(os.Args[2:])
	case "run":
		err = runMain(os.Args[2:])
	case "fetch":
		err = fetchMain(os.Args[2:])
	case "deploy":
		err = deployMain(os.Args[2:])
	case "ops":
		err = opsMain(os.Args[2:])
	case "image":
		err = imageMain(os.Args[2:])
	case "swarm":
		err = swarmMain(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "pushbench: %v\n", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: pushbench gen -out DIR | pushbench run -src DIR ... | pushbench fetch -src DIR ... | pushbench deploy -work DIR ... | pushbench ops -work DIR ... | pushbench image -work DIR ... | pushbench swarm -work DIR ... (see bench/run.sh)")
	os.Exit(2)
}
