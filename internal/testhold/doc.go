// Package testhold is test support for crash tests: it stops gitd at a
// named point of a deploy so that a test can kill it there (kill -9) and
// check what the next start reconciles.
//
// It is compiled in only with the build tag "testhold"; a gitd built
// without it (every release build) has At as an empty function and never
// reads the environment for it. With the tag, GITD_TEST_HOLD=POINT:APP
// makes At(POINT, APP) create the file GITD_TEST_HOLD_FILE and block
// forever. Only whoever starts gitd sets its environment: no tenant can
// reach it (SSH environment requests are ignored, bots run elsewhere).
//
// Points: "build" (tree checked out, release recorded as building, before
// the build), "context" (build context tar written, not sent),
// "stopped" (old container stopped, new one not created), "started" (new
// container passed its start check, push not committed), "committed" (refs
// updated, release not yet accepted).
package testhold
