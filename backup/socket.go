package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// SocketName is the unix socket, in the data dir, through which a running
// gitd hands out database snapshots (mode 0600: gitd's user only).
const SocketName = "backup.sock"

// Snapshotter writes a consistent copy of the database (store.Store).
type Snapshotter interface {
	Snapshot(w io.Writer) (int64, error)
}

// Listen opens the data dir's socket, replacing one a stopped gitd left.
func Listen(data string) (net.Listener, error) {
	path := filepath.Join(data, SocketName)
	_ = os.Remove(path)
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("backup socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		l.Close()
		return nil, fmt.Errorf("backup socket: %w", err)
	}
	return l, nil
}

// Serve answers snapshot requests on l until l is closed.
func Serve(l net.Listener, db Snapshotter) error {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /snapshot", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		if _, err := db.Snapshot(w); err != nil {
			// Cut the connection: the client must see a failed fetch, never
			// a short body that reads as a smaller database.
			panic(http.ErrAbortHandler)
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	err := srv.Serve(l)
	if errors.Is(err, net.ErrClosed) || errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// errNoServer: no gitd answers on the socket (none runs).
var errNoServer = errors.New("no gitd answers on the backup socket")

// fetch asks the gitd running on data for a snapshot into w.
func fetch(ctx context.Context, data string, w io.Writer) (int64, error) {
	path := filepath.Join(data, SocketName)
	c := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", path)
		},
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://gitd/snapshot", nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", errNoServer, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("backup socket: %s", resp.Status)
	}
	return io.Copy(w, resp.Body)
}
