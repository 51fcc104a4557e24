package integration

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/sys/unix"

	"github.com/botrunner/botrunner/hooks"
	"github.com/botrunner/botrunner/runtime/firewall"
	"github.com/botrunner/botrunner/testenv/ci"
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

// netlab: the story's small internet and host service. It makes a network
// namespace standing for the internet behind a veth pair on
// 198.51.100.0/24 (TEST-NET-2, which bots may reach), with a server on
// $INTERNET:8080 that sends "internet-secret"; 169.254.77.77 (link-local,
// which bots may not reach) is routed to the same server. It listens on
// 0.0.0.0:$HOST_PORT on the host itself, sending "host-secret". When the
// story ends it removes all that, and the bot firewall chains and app
// networks of the story's gitd.
func cmdNetlab(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: netlab")
	}
	tok := randHex(3)
	ns, hostIf, nsIf := "brst-"+tok, "bst"+tok+"h", "bst"+tok+"n"
	ts.Defer(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
	ts.Defer(func() { cleanupGitdNetwork(ts) })
	for _, a := range [][]string{
		{"netns", "add", ns},
		{"link", "add", hostIf, "type", "veth", "peer", "name", nsIf},
		{"link", "set", nsIf, "netns", ns},
		{"addr", "add", "198.51.100.1/24", "dev", hostIf},
		{"link", "set", hostIf, "up"},
		{"-n", ns, "addr", "add", "198.51.100.2/24", "dev", nsIf},
		{"-n", ns, "addr", "add", "169.254.77.77/32", "dev", nsIf},
		{"-n", ns, "link", "set", nsIf, "up"},
		{"-n", ns, "link", "set", "lo", "up"},
		{"-n", ns, "route", "add", "default", "via", "198.51.100.1"},
		{"route", "add", "169.254.77.77/32", "via", "198.51.100.2", "dev", hostIf},
	} {
		if out, err := exec.Command("ip", a...).CombinedOutput(); err != nil {
			ts.Fatalf("ip %s: %v: %s", strings.Join(a, " "), err, out)
		}
	}
	done := make(chan error, 1)
	go func() { // a thread in the namespace opens the internet's socket
		goruntime.LockOSThread() // never unlocked: the thread ends with the goroutine
		fd, err := unix.Open("/var/run/netns/"+ns, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err == nil {
			err = unix.Setns(fd, unix.CLONE_NEWNET)
			unix.Close(fd)
		}
		if err == nil {
			err = serveBytes(ts, "tcp4", "0.0.0.0:8080", "internet-secret", nil)
		}
		done <- err
	}()
	ts.Check(<-done)
	ts.Check(serveBytes(ts, "tcp4", "0.0.0.0:0", "host-secret", func(port int) {
		ts.Setenv("HOST_PORT", strconv.Itoa(port))
	}))
	ts.Setenv("INTERNET", "198.51.100.2")
}

// serveBytes sends msg to every connection on addr until the story ends.
func serveBytes(ts *testscript.TestScript, network, addr, msg string, port func(int)) error {
	l, err := net.Listen(network, addr)
	if err != nil {
		return err
	}
	ts.Defer(func() { l.Close() })
	if port != nil {
		port(l.Addr().(*net.TCPAddr).Port)
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			_, _ = c.Write([]byte(msg))
			c.Close()
		}
	}()
	return nil
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
	prefix := hooks.AppNetwork(inst, "")
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
