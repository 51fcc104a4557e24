package integration

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/botrunner/botrunner/runtime/firewall"
	dockersched "github.com/botrunner/botrunner/scheduler/docker"
	"github.com/botrunner/botrunner/testsupport/testenv"
	"github.com/botrunner/botrunner/testsupport/testenv/ci"
)

// netAdmin says whether stories may build network namespaces and read
// iptables: root with ip and iptables. In CI that must hold.
func netAdmin() (bool, error) {
	_, ipErr := exec.LookPath("ip")
	_, iptErr := exec.LookPath("iptables")
	ok := os.Geteuid() == 0 && ipErr == nil && iptErr == nil
	if !ok && ci.On() {
		return false, fmt.Errorf("CI must run stories as root with ip and iptables")
	}
	return ok, nil
}

// netlab: the story's small internet and host service. It starts
// testenv.Internet, whose server on $INTERNET:8080 (and on link-local
// 169.254.77.77) sends "internet-secret", and listens on 0.0.0.0:$HOST_PORT
// on the host itself, sending "host-secret". When the story ends it removes
// all that, and the bot firewall chains and app networks of the story's
// gitd.
func cmdNetlab(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: netlab")
	}
	in, err := testenv.StartInternet("internet-secret")
	ts.Check(err)
	ts.Defer(in.Close)
	ts.Defer(func() { cleanupGitdNetwork(ts) })
	l, err := net.Listen("tcp4", "0.0.0.0:0")
	ts.Check(err)
	ts.Defer(func() { l.Close() })
	go testenv.ServeBytes(l, "host-secret")
	ts.Setenv("HOST_PORT", strconv.Itoa(l.Addr().(*net.TCPAddr).Port))
	ts.Setenv("INTERNET", in.Addr)
}

// cleanupGitdNetwork removes the bot firewall chains and the app networks
// of the story's gitd (its instance id is in its data dir); the story's
// bots go first, as the engine keeps a network that containers use.
func cleanupGitdNetwork(ts *testscript.TestScript) {
	cleanupApps(ts.Getenv("APP"))
	b, err := os.ReadFile(filepath.Join(ts.Getenv("WORK"), "data", "instance-id"))
	if err != nil {
		return
	}
	inst := strings.TrimSpace(string(b))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_ = firewall.Config{Instance: inst}.Remove(ctx, firewall.Exec)
	prefix := dockersched.AppNetwork(inst, "")
	out, _ := exec.CommandContext(ctx, "docker", "network", "ls", "--filter", "name="+prefix, "--format", "{{.Name}}").Output()
	for _, n := range strings.Fields(string(out)) {
		if strings.HasPrefix(n, prefix) {
			_ = exec.CommandContext(ctx, "docker", "network", "rm", n).Run()
		}
	}
}

// botaddr VAR APP: sets $VAR_IP to the address of APP's running bot,
// $VAR_GW to its network's gateway and $VAR_NET to the network's name.
func cmdBotaddr(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: botaddr var app")
	}
	out, err := exec.Command("docker", "ps", "--filter", "label=botrunner.app="+args[1], "--format", "{{.ID}}").Output()
	ts.Check(err)
	ids := strings.Fields(string(out))
	if len(ids) != 1 {
		ts.Fatalf("app %s runs %d containers, want 1", args[1], len(ids))
	}
	out, err = exec.Command("docker", "inspect", "--format",
		"{{range $n, $e := .NetworkSettings.Networks}}{{$n}} {{$e.IPAddress}} {{$e.Gateway}}{{end}}", ids[0]).Output()
	ts.Check(err)
	f := strings.Fields(string(out))
	if len(f) != 3 {
		ts.Fatalf("container %s: networks %q, want one", ids[0], out)
	}
	ts.Setenv(args[0]+"_NET", f[0])
	ts.Setenv(args[0]+"_IP", f[1])
	ts.Setenv(args[0]+"_GW", f[2])
}
