package backup

import "github.com/botrunner/botrunner/hint"

var (
	// ErrNotEmpty: restore writes only into an empty (or new) data dir.
	ErrNotEmpty = hint.New("RESTORE_NOT_EMPTY", "the data dir is not empty",
		"restore into a new directory (--data DIR), then start gitd with it")
	// ErrBadArchive: the file is not a gitd backup, or a damaged one.
	ErrBadArchive = hint.New("BACKUP_BAD_ARCHIVE", "not a gitd backup",
		"give a file written by `gitd backup`")
	// ErrDatabase: neither the running gitd nor the file gave a snapshot.
	ErrDatabase = hint.New("BACKUP_NO_SNAPSHOT", "cannot read the database",
		"run gitd backup with the same --data as the gitd that uses it, as the same user")
)
