package runtimetest

import "errors"

// ErrNoSource: the testbot sources are not next to this package (a binary
// built elsewhere), so the test image cannot be built.
var ErrNoSource = errors.New("runtimetest: testbot sources not found")
