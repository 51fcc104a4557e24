package runtimetest

import "strconv"

// Images tells the suite how to make containers that behave in known ways
// on the driver under test.
type Images struct {
	Image   string            // an image whose entrypoint takes the commands below
	User    string            // a non-root user that can run it, e.g. "65534:65534"
	Network string            // network for the suite's containers; "" = the driver's default
	Labels  map[string]string // put on every container the suite creates, e.g. botrunner.test=1

	Sleep func() []string                // runs until stopped; exits 143 on SIGTERM
	Hang  func() []string                // ignores SIGTERM, then prints "ready"; only SIGKILL ends it
	Exit  func(code int) []string        // exits with code at once
	Print func(lines ...string) []string // as Sleep, but first each line to stdout, a moment later "stderr: "+line to stderr
	Env   func(name string) []string     // prints "NAME=value", then sleeps
}

// TestbotUser is the user the suite runs testbot as: nobody.
const TestbotUser = "65534:65534"

// Testbot returns the commands of the testbot program (see ./testbot) in
// image, run as TestbotUser.
func Testbot(image string) Images {
	return Images{
		Image: image,
		User:  TestbotUser,
		Sleep: func() []string { return []string{"sleep"} },
		Hang:  func() []string { return []string{"hang"} },
		Exit:  func(code int) []string { return []string{"exit", strconv.Itoa(code)} },
		Print: func(lines ...string) []string { return append([]string{"print"}, lines...) },
		Env:   func(name string) []string { return []string{"env", name} },
	}
}
