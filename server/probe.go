package server

import (
	"bufio"
	"context"
	"net"
	"strings"
	"time"
)

// Probe asks the SSH server at addr whether it serves: it connects, reads
// the version line every SSH server sends first, and hangs up before the
// handshake. A health check (the container image's, `gitd healthcheck`)
// needs no key and leaves nothing in the log. An addr without a host, or
// with a wildcard one, is probed on the loopback address.
func Probe(ctx context.Context, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ErrProbe.Reword("", "listen address %s: %v", addr, err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		return ErrProbe.Reword("", "%v", err)
	}
	defer c.Close()
	deadline, _ := ctx.Deadline()
	_ = c.SetReadDeadline(deadline)
	line, err := bufio.NewReaderSize(c, 256).ReadString('\n')
	if err != nil {
		return ErrProbe.Reword("", "%s: no SSH version line: %v", addr, err)
	}
	if !strings.HasPrefix(line, "SSH-2.0-") {
		return ErrProbe.Reword("", "%s: not an SSH server (it said %q)", addr, strings.TrimSpace(line))
	}
	return nil
}
