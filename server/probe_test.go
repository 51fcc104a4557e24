package server

import (
	"errors"
	"net"
	"testing"
)

func TestProbe(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	banner := make(chan string, 2)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			_, _ = c.Write([]byte(<-banner))
			c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(l.Addr().String())

	banner <- "SSH-2.0-botrunner\r\n"
	if err := Probe(t.Context(), ":"+port); err != nil {
		t.Fatalf("an SSH server: %v", err)
	}
	banner <- "HTTP/1.1 400 Bad Request\r\n"
	if err := Probe(t.Context(), "127.0.0.1:"+port); !errors.Is(err, ErrProbe) {
		t.Fatalf("not SSH: got %v", err)
	}
	l.Close()
	if err := Probe(t.Context(), "127.0.0.1:"+port); !errors.Is(err, ErrProbe) {
		t.Fatalf("nothing listening: got %v", err)
	}
	if err := Probe(t.Context(), "no-port"); !errors.Is(err, ErrProbe) {
		t.Fatalf("bad address: got %v", err)
	}
}
