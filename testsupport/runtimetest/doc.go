// Package runtimetest is the conformance suite every runtime.Driver must
// pass (Run), so that the layers above behave the same on each engine, and
// the test image the suite runs (the static testbot program, imported as
// an image without any base image: no registry can be reached here).
//
// A driver's test supplies an Images: which image and which commands make
// a container that runs until stopped, ignores SIGTERM, exits with a code,
// prints lines, or prints an environment variable. Testbot returns the
// commands of ./testbot; the fake driver's test scripts the same commands.
package runtimetest
