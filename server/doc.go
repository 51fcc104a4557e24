// Package server is gitd's SSH front: the listener with its connection and
// handshake caps, public-key authentication re-checked inside each session,
// keepalives, and the routing of a session to git (receive-pack, upload-pack)
// or to the command router. Its API follows net/http: New, Serve,
// ListenAndServe, Shutdown, Close, ErrServerClosed.
package server
