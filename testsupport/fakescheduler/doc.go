// Package fakescheduler is the scheduler the layers above test with: the
// docker scheduler (scheduler/docker) over the in-memory driver
// (testsupport/fakeruntime), so it keeps every guarantee the conformance
// suite (testsupport/schedulertest) checks, with no engine. Tests script
// what a bot does through the driver (Runtime): per image, or testbot's
// commands (fakeruntime.Testbot).
package fakescheduler
