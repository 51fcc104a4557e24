package firewall_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/runtime/docker"
	"github.com/botrunner/botrunner/runtime/firewall"
	"github.com/botrunner/botrunner/testsupport/runtimetest"
	"github.com/botrunner/botrunner/testsupport/testenv"
	"github.com/botrunner/botrunner/testsupport/testenv/ci"
)

// probe connects to each TARGETS entry (name=host:port) and prints the
// name and the hex of the bytes it read, or "-" when it could not connect
// or read nothing.
const probe = `
import os, socket
for t in os.environ["TARGETS"].split(","):
    name, addr = t.split("=")
    host, port = addr.rsplit(":", 1)
    got = b""
    try:
        s = socket.create_connection((host, int(port)), timeout=3)
        s.settimeout(3)
        got = s.recv(64)
        s.close()
    except Exception:
        pass
    print(name, got.hex() or "-", flush=True)
`

// serve is a bot that sends who it is to every connection.
const serve = `
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8000))
s.listen(8)
while True:
    c, _ = s.accept()
    c.sendall(b"alice-secret")
    c.close()
`

// TestBotNetwork is the isolation story on the real engine and the host's
// real iptables: bob's bot, on its app's network behind the firewall,
// reaches an "internet" server and nothing else — not alice's bot, not the
// host (a listener on 0.0.0.0 through the bridge gateway and through
// another host address), not link-local addresses. A second container on
// alice's own network cannot reach her bot either (ICC off).
//
// The internet is testenv.Internet, a network namespace on TEST-NET-2; it
// also serves 169.254.77.77, so that a link-local address that answers is
// tried, not only 169.254.169.254.
func TestBotNetwork(t *testing.T) {
	ci.NeedTools(t, "iptables", "iptables-restore", "ip")
	if os.Geteuid() != 0 {
		ci.Missing(t, "network namespaces and iptables need root")
	}
	c := runtimetest.Engine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	img, err := testenv.PythonImage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tok := randHex(3)
	pool := []netip.Prefix{netip.MustParsePrefix("10.254.240.0/24")}
	fw := firewall.Config{Instance: "e2e" + tok, Bots: pool}
	t.Cleanup(func() { _ = fw.Remove(context.Background(), firewall.Exec) })
	if err := fw.Apply(ctx, firewall.Exec); err != nil {
		t.Fatal(err)
	}
	internet, err := testenv.StartInternet("internet-secret")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(internet.Close)
	host := listen(t, "tcp4", "0.0.0.0:0", "host-secret")

	d := docker.New(c, nil)
	d.IsolateNetworks(pool)
	alice, bob := "botrunner-test-fw-alice-"+tok, "botrunner-test-fw-bob-"+tok
	for _, n := range []string{alice, bob} {
		t.Cleanup(func() { _ = d.RemoveNetwork(context.Background(), n) })
	}
	aliceID := start(t, d, img, alice, "alice", nil, serve)
	aliceIP, _ := address(t, c, aliceID)
	waitListening(t, d, img, alice, aliceIP)

	hostPort := host.Addr().(*net.TCPAddr).Port
	targets := map[string]string{
		"internet":  internet.Addr + ":8080",
		"alice":     aliceIP + ":8000",
		"host-gw":   "GATEWAY:" + fmt.Sprint(hostPort),
		"host-veth": internet.HostAddr + ":" + fmt.Sprint(hostPort),
		"linklocal": internet.LinkLocal + ":8080",
		"metadata":  "169.254.169.254:80",
	}
	got := runProbe(t, d, c, img, bob, targets)
	want := map[string]string{"internet": hex.EncodeToString([]byte("internet-secret")),
		"alice": "-", "host-gw": "-", "host-veth": "-", "linklocal": "-", "metadata": "-"}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("bob's bot → %s (%s): read %q, want %q", name, targets[name], got[name], w)
		}
	}
	// ICC off: a second container on alice's own network.
	if got := runProbe(t, d, c, img, alice, map[string]string{"alice": aliceIP + ":8000"}); got["alice"] != "-" {
		t.Errorf("a container on alice's network read %q from her bot, want nothing (ICC off)", got["alice"])
	}
}

// runProbe runs the probe on network, GATEWAY in targets standing for the
// network's gateway, and returns what it read from each target.
func runProbe(t *testing.T, d *docker.Driver, c *client.Client, img, network string, targets map[string]string) map[string]string {
	t.Helper()
	ctx := context.Background()
	id := start(t, d, img, network, "probe", nil, "import time; time.sleep(600)")
	_, gw := address(t, c, id)
	_ = d.Remove(ctx, id)
	var list []string
	for name, addr := range targets {
		list = append(list, name+"="+strings.ReplaceAll(addr, "GATEWAY", gw))
	}
	id = start(t, d, img, network, "probe", []string{"TARGETS=" + strings.Join(list, ",")}, probe)
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	<-d.Wait(wctx, id)
	rc, err := d.Logs(ctx, id, runtime.LogOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	out, _ := io.ReadAll(rc)
	got := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if name, v, ok := strings.Cut(strings.TrimSpace(line), " "); ok {
			got[name] = v
		}
	}
	return got
}

// start runs a Python script as a hardened bot on network.
func start(t *testing.T, d *docker.Driver, img, network, name string, env []string, script string) string {
	t.Helper()
	ctx := context.Background()
	id, err := d.Create(ctx, runtime.Spec{
		Name: fmt.Sprintf("%s-%s-%s", network, name, randHex(2)), Image: img, User: runtimetest.TestbotUser,
		Network: network, Env: env, Cmd: []string{"python3", "-c", script},
		Labels: map[string]string{"botrunner.test": "1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Remove(context.Background(), id) })
	_ = d.Wait(ctx, id)
	if err := d.Start(ctx, id); err != nil {
		t.Fatal(err)
	}
	return id
}

// address is the container's address and its network's gateway.
func address(t *testing.T, c *client.Client, id string) (ip, gateway string) {
	t.Helper()
	in, err := c.ContainerInspect(context.Background(), id, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ep := range in.Container.NetworkSettings.Networks {
		return ep.IPAddress.String(), ep.Gateway.String()
	}
	t.Fatalf("container %s has no network", id)
	return "", ""
}

// waitListening waits until alice's bot has bound its port: a probe from
// the host's side of her network (the host itself may connect in) reads.
func waitListening(t *testing.T, d *docker.Driver, img, network, ip string) {
	t.Helper()
	for range 100 {
		conn, err := net.DialTimeout("tcp", ip+":8000", time.Second)
		if err == nil {
			b, _ := io.ReadAll(conn)
			conn.Close()
			if string(b) == "alice-secret" {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("alice's bot does not answer on %s:8000", ip)
}

// listen serves msg to every connection until the test ends.
func listen(t *testing.T, network, addr, msg string) net.Listener {
	t.Helper()
	l, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go testenv.ServeBytes(l, msg)
	return l
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
