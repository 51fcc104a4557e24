// Package testenv makes the Docker images botrunner's end-to-end tests need,
// on a machine that can reach no image registry: each is built locally from
// what this machine has (Debian's mirror, the Go toolchain), once per
// machine, and reused by every later run.
//
//	PythonImage        botrunner-test/python:3.11       Debian bookworm + python3, pip, venv (debootstrap)
//	FakeTelegramImage  botrunner-test/faketelegram:1    fake Bot API on :8081 (see ./faketelegram)
//	PipIndexImage      botrunner-test/pypi:1            PEP 503 index on :8080 with test wheels (see ./pypiserver)
//	CNBBuilder         botrunner-test/cnb-builder:1     CNB builder for buildpack builds (pack CreateBuilder): a shell
//	                   botrunner-test/cnb-stack:1       buildpack for Procfile apps, build+run image from PythonImage,
//	                   botrunner-test/cnb-lifecycle:…   and the lifecycle image; lifecycle v0.21.0 compiled from its
//	                                                    Go module once per machine under /var/tmp
//
// StartRegistry runs an image registry (distribution, compiled once per
// machine from its Go module into /var/tmp) on 127.0.0.1 with htpasswd auth,
// for image mode; Registry.Push pushes a local image to it.
//
// An image is rebuilt only when it is missing or its stamp label (the recipe,
// or a hash of the Go sources it was built from) no longer matches. A file
// lock keeps two test processes from building the same image at once.
//
// The helpers that start containers (NewNetwork, StartFakeTelegram,
// StartPipIndex) use only networks the test creates and publish no ports:
// test traffic stays on those networks (docs/architecture.md, last section).
// StartInternet (root only) makes a network namespace on TEST-NET-2 that
// stands for the internet in bot network tests; Close removes it.
// Everything here drives the docker CLI, which negotiates the API version
// with the engine (20.10 on our machines).
package testenv
