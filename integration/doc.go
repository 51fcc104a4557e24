// Package integration holds botrunner's end-to-end stories: testscript
// .txtar files in testdata/ that run the real gitd and botctl binaries with
// the real git and OpenSSH clients, the way a user would. Each script gets
// its own gitd on a free loopback port, a data dir, and an ssh config with
// host aliases bots (the admin), alice, bob and ci (spare keys) — see
// setup_test.go for the environment a script sees.
package integration
