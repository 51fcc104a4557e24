package integration

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/rogpeppe/go-internal/testscript"
)

// secretserver starts an HTTP server on 127.0.0.1 that answers every
// request with a random secret, as a host service listening on loopback
// only would; $SECRET_PORT is its port and $SECRET the secret.
// secretserver hits N checks it got exactly N requests.
func cmdSecretServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("usage: secretserver [hits N]")
	}
	if len(args) == 2 && args[0] == "hits" {
		got := secretHits(ts).Load()
		if strconv.FormatInt(got, 10) != args[1] {
			ts.Fatalf("the secret server got %d requests, want %s", got, args[1])
		}
		return
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	secret := "s3cret-" + hex.EncodeToString(b[:])
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	hits := new(atomic.Int64)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte(secret + "\n"))
	})}
	go func() { _ = srv.Serve(ln) }()
	ts.Defer(func() { _ = srv.Close() })
	secretServers.Store(ts.Getenv("WORK"), hits)
	ts.Setenv("SECRET_PORT", strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	ts.Setenv("SECRET", secret)
}

// secretServers holds each story's request count by its $WORK.
var secretServers sync.Map

func secretHits(ts *testscript.TestScript) *atomic.Int64 {
	h, ok := secretServers.Load(ts.Getenv("WORK"))
	if !ok {
		ts.Fatalf("secretserver was not started")
	}
	return h.(*atomic.Int64)
}
