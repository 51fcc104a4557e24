package testenv

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os/exec"
	goruntime "runtime"
	"strings"

	"golang.org/x/sys/unix"
)

// Internet stands for the internet in network tests (root only): a network
// namespace behind a veth pair on 198.51.100.0/24 (TEST-NET-2, which no
// bot firewall blocks), with a server on port 8080 that sends Msg to every
// connection. LinkLocal (169.254.77.77) is routed to the same server, so
// that a test can try a link-local address that answers.
type Internet struct {
	Addr      string // the server's address, 198.51.100.2
	HostAddr  string // the host's end of the veth pair, 198.51.100.1
	LinkLocal string // 169.254.77.77, served by the same server
	ns        string
	l         net.Listener
}

// StartInternet makes the namespace and starts the server; Close removes
// both (the veth pair and the host's route go with the namespace).
func StartInternet(msg string) (*Internet, error) {
	raw := make([]byte, 3)
	_, _ = rand.Read(raw)
	tok := hex.EncodeToString(raw)
	in := &Internet{Addr: "198.51.100.2", HostAddr: "198.51.100.1", LinkLocal: "169.254.77.77", ns: "brnet-" + tok}
	hostIf, nsIf := "bnt"+tok+"h", "bnt"+tok+"n"
	for _, a := range [][]string{
		{"netns", "add", in.ns},
		{"link", "add", hostIf, "type", "veth", "peer", "name", nsIf},
		{"link", "set", nsIf, "netns", in.ns},
		{"addr", "add", in.HostAddr + "/24", "dev", hostIf},
		{"link", "set", hostIf, "up"},
		{"-n", in.ns, "addr", "add", in.Addr + "/24", "dev", nsIf},
		{"-n", in.ns, "addr", "add", in.LinkLocal + "/32", "dev", nsIf},
		{"-n", in.ns, "link", "set", nsIf, "up"},
		{"-n", in.ns, "link", "set", "lo", "up"},
		{"-n", in.ns, "route", "add", "default", "via", in.HostAddr},
		{"route", "add", in.LinkLocal + "/32", "via", in.Addr, "dev", hostIf},
	} {
		if out, err := exec.Command("ip", a...).CombinedOutput(); err != nil {
			in.Close()
			return nil, fmt.Errorf("ip %s: %w: %s", strings.Join(a, " "), err, out)
		}
	}
	l, err := in.listen()
	if err != nil {
		in.Close()
		return nil, err
	}
	in.l = l
	go ServeBytes(l, msg)
	return in, nil
}

// listen opens the server's socket from a thread in the namespace; the
// socket stays there.
func (in *Internet) listen() (net.Listener, error) {
	type result struct {
		l   net.Listener
		err error
	}
	done := make(chan result, 1)
	go func() {
		goruntime.LockOSThread() // never unlocked: the thread ends with the goroutine
		fd, err := unix.Open("/var/run/netns/"+in.ns, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			done <- result{err: err}
			return
		}
		defer unix.Close(fd)
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			done <- result{err: err}
			return
		}
		l, err := net.Listen("tcp4", "0.0.0.0:8080")
		done <- result{l, err}
	}()
	r := <-done
	return r.l, r.err
}

// Close stops the server and removes the namespace.
func (in *Internet) Close() {
	if in.l != nil {
		in.l.Close()
	}
	_ = exec.Command("ip", "netns", "del", in.ns).Run()
}

// ServeBytes sends msg to every connection on l until l is closed.
func ServeBytes(l net.Listener, msg string) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		_, _ = c.Write([]byte(msg))
		c.Close()
	}
}
