// Package server is gitd's SSH front: the listener with its connection caps
// and fairly shared pre-auth slots, the host keys, public-key
// authentication re-checked inside each session, the idle watch (a
// connection is closed after the idle timeout of waiting for a client that
// sends nothing), keepalives that find dead peers, and the routing of a
// session to git (receive-pack, upload-pack) or to the command router. Its
// API follows net/http: New, Serve, ListenAndServe, Shutdown, Close,
// ErrServerClosed.
package server
