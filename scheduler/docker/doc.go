// Package docker is the default scheduler.Scheduler: each bot is one
// container on gitd's own Docker Engine, made through a runtime.Driver
// (runtime/docker, hardened) and kept running by runtime/supervisor (crash
// restarts with backoff, the run-time limit, adoption after a gitd
// restart), whose hooks become scheduler Events.
//
// A release is a container named botrunner-<app>-v<N>, labelled with the
// app, owner, release and this gitd's instance. A deploy (swap.go) follows
// the supervisor's protocol: Stopped(app, "deploy"); stop the running
// container (kept); create, start and check the new one, or start the old
// one again; Started(app) if one of them runs. The Pending it returns
// removes the old containers on Accept and starts them again on TakeBack.
//
// Over testsupport/fakeruntime it is also the fake scheduler the layers
// above test with (testsupport/fakescheduler).
package docker
