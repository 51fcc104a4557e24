package intake

import "github.com/botrunner/botrunner/hint"

var (
	// ErrBadArchive is an archive entry that could escape a checkout or
	// that git cannot hold.
	ErrBadArchive = hint.New("BAD_ARCHIVE", "the archive has an unsafe or unsupported entry",
		"make the archive with `tar -czf app.tar.gz -C DIR .`: relative paths, regular files, dirs and links that stay inside")
	// ErrNotGzip is input that is neither a gzip-compressed tar nor a tar.
	ErrNotGzip = hint.New("NOT_TAR_GZ", "the input is not a tar.gz (or tar) archive",
		"send a gzip-compressed tar on stdin, e.g. `tar -czf - -C DIR . | ssh HOST deploy:archive APP`")
	// ErrArchiveTooLarge is an archive over one of the size or count limits.
	ErrArchiveTooLarge = hint.New("ARCHIVE_TOO_LARGE", "the archive is larger than the server allows",
		"leave large files out of the archive, or ask the admin to raise GITD_MAX_PUSH_SIZE")
	// ErrEmptyArchive is an archive without a single file.
	ErrEmptyArchive = hint.New("EMPTY_ARCHIVE", "the archive has no files",
		"archive the app's directory: `tar -czf app.tar.gz -C DIR .`")
	// ErrBadURL is a Git URL deploy:git does not fetch from.
	ErrBadURL = hint.New("BAD_GIT_URL", "unsupported Git URL",
		"use an https://, http:// or git:// URL without credentials, e.g. https://example.com/owner/repo.git")
	// ErrHostNotAllowed is a Git URL whose host the admin has not allowed.
	ErrHostNotAllowed = hint.New("GIT_HOST_NOT_ALLOWED", "the Git host is not allowed on this server",
		"the admin must add the host (or host:port) to GITD_GIT_ALLOW_HOSTS")
	// ErrBadRef is a branch or tag name that cannot be fetched.
	ErrBadRef = hint.New("BAD_GIT_REF", "invalid branch or tag",
		"name a branch or tag of the remote repository, e.g. main or v1.2.0")
	// ErrRefNotFound is a branch or tag the remote does not have.
	ErrRefNotFound = hint.New("GIT_REF_NOT_FOUND", "the remote repository has no such branch or tag",
		"check the name with `git ls-remote URL`")
	// ErrFetch is a fetch that failed: unreachable, refused, not a repository.
	ErrFetch = hint.New("GIT_FETCH_FAILED", "could not fetch from the Git URL",
		"check that the URL is a public repository that `git clone URL` can read from this server")
	// ErrFetchTooLarge is a fetch over the size limit.
	ErrFetchTooLarge = hint.New("GIT_FETCH_TOO_LARGE", "the fetched commit is larger than the server allows",
		"deploy a smaller commit, or ask the admin to raise GITD_MAX_PUSH_SIZE")
)
