// Package pyindex builds tiny pure-Python wheels in Go and serves them as a
// PEP 503 "simple" package index, so that tests of requirements.txt builds
// need no network beyond a container the test starts itself.
package pyindex
