// Package fakeruntime is an in-memory runtime.Driver for tests of the
// layers above (deploy, the supervisor, commands): no engine, and
// containers do what the test scripts. A test says what an image does — "exits with 1 after a
// second", "prints these lines and runs", "is OOM-killed" — with a
// Behaviour per image name, or a hook that decides from the whole Spec.
//
// It keeps docker's semantics where callers can tell (the conformance suite
// in testsupport/runtimetest checks): Create refuses root and unknown images,
// Wait registered before Start sees an immediate exit, Stop sends SIGTERM
// (exit 143) and kills after the grace (exit 137), Stop of a stopped
// container is nil, Remove kills, List includes stopped containers, Logs
// follows until the container stops, Events reports start/die/oom/stop/
// destroy of containers labelled runtime.LabelApp. Time is real: ExitAfter
// and grace periods pass on the wall clock; the timestamps can come from a
// test's clock (SetClock). DropEvents and Fail("events", …) break event
// streams as an engine restart would. Safe for concurrent use.
package fakeruntime
