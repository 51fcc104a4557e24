package receive

import "github.com/botrunner/botrunner/hint"

var (
	// ErrBadRequest is a malformed or oversized receive-pack request.
	ErrBadRequest = hint.New("BAD_REQUEST", "malformed push request",
		"push with a stock git client")
	// ErrBadRefName is a ref name git's check-ref-format would refuse.
	ErrBadRefName = hint.New("BAD_REF_NAME", "invalid ref name",
		"push branches (refs/heads/...) or tags (refs/tags/...) with valid git names")
	// ErrStale is a ref that moved since the client read it.
	ErrStale = hint.New("STALE_REF", "the ref moved while you pushed",
		"fetch, merge or rebase, and push again")
	// ErrHungUp is a client that closed its side before its request was
	// whole: git does so when it gives up on its own (a --signed or an
	// --atomic push it knows will fail, a shallow clone the server refuses).
	// It is no server error.
	ErrHungUp = hint.New("CLIENT_HUNG_UP", "the client hung up before its request was complete",
		"if your git client did not say why, run it again with GIT_TRACE_PACKET=1")
	// ErrNotStored is a push whose objects or refs could not be written into
	// the repository after its pipeline ran; the pipeline takes its work back.
	ErrNotStored = hint.New("PUSH_NOT_STORED", "the push could not be stored",
		"push again; if it keeps failing, the server's disk may be full or read-only: tell its admin")
)

var (
	// ErrBadFetch is a malformed or oversized upload-pack request.
	ErrBadFetch = hint.New("BAD_FETCH_REQUEST", "upload-pack: malformed fetch request",
		"fetch or clone with a stock git client")
	// ErrNotOurRef is a want of an object no ref points at, as git says it.
	ErrNotOurRef = hint.New("NOT_OUR_REF", "upload-pack: not our ref",
		"fetch again: the branch moved since your client read the refs")
)
