// Package backup writes a gitd data dir into one archive while gitd runs,
// and restores such an archive into an empty data dir. The database is
// copied from one read transaction of the running gitd (over a unix socket
// in the data dir) or, when no gitd runs, of the file itself; then the
// repositories (refs before objects, so every ref copied has its objects),
// the log store, the host keys and the instance id. The key that seals
// config values goes in only when asked for.
package backup
