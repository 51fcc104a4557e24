# botrunner — git-push hosting for Telegram bots.
# make build | run | image | test | bench | lint

GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
export CGO_ENABLED ?= 0

.PHONY: build run image test unit e2e bench lint fuzz clean FORCE

build: bin/gitd bin/botctl

# go build says nothing while it works, and the first build on a machine
# downloads the Go modules and compiles them all (many minutes on a small
# machine): say so, and list packages as they compile (-v; a later build
# that is up to date lists none).
bin/%: FORCE
	@echo "go build $@ (./cmd/$*): the first build downloads the Go modules and compiles them (minutes); packages compiled are listed"
	$(GO) build -v -trimpath -ldflags "$(LDFLAGS)" -o $@ ./cmd/$*

# Starts gitd with its defaults: data in ./data, SSH on :2222, your own
# ~/.ssh/id_*.pub as the admin key (one is created if you have none). When
# python:3.11-slim can be neither found nor pulled (no registry), a local
# Debian Python base image is built once and used instead, and so is a local
# buildpack builder for Procfile apps (heroku/builder:24 cannot be pulled).
run: build
	@ls $(HOME)/.ssh/id_*.pub >/dev/null 2>&1 || { \
	  echo "no SSH key in ~/.ssh: creating ~/.ssh/id_ed25519 (no passphrase) so you can log in"; \
	  mkdir -p $(HOME)/.ssh && chmod 700 $(HOME)/.ssh && \
	  ssh-keygen -q -t ed25519 -N "" -f $(HOME)/.ssh/id_ed25519; }
	@if [ -z "$$GITD_BASE_IMAGE" ] && [ "$${GITD_RUNTIME:-docker}" = docker ] && \
	   ! docker image inspect python:3.11-slim >/dev/null 2>&1 && \
	   ! docker pull -q python:3.11-slim >/dev/null 2>&1; then \
	  echo "python:3.11-slim is not available: using a local Python base image (built once per machine, 10-20 minutes on 2 cores; reused after)"; \
	  GITD_BASE_IMAGE=$$($(GO) run ./testsupport/testenv/baseimage) || exit 1; export GITD_BASE_IMAGE; \
	  echo "using GITD_BASE_IMAGE=$$GITD_BASE_IMAGE"; \
	  if [ -z "$$GITD_BUILDPACK_BUILDER" ] && ! docker image inspect heroku/builder:24 >/dev/null 2>&1; then \
	    echo "heroku/builder:24 is not available either: using a local buildpack builder (built once per machine, 5-15 minutes; reused after)"; \
	    set -- $$($(GO) run ./testsupport/testenv/cnbbuilder) && [ -n "$$2" ] || exit 1; \
	    export GITD_BUILDPACK_BUILDER=$$1 GITD_BUILDPACK_LIFECYCLE_IMAGE=$$2 GITD_BUILDPACK_PULL=never; \
	    echo "using GITD_BUILDPACK_BUILDER=$$1 GITD_BUILDPACK_LIFECYCLE_IMAGE=$$2"; \
	  fi; \
	fi; exec bin/gitd

# gitd's container image, from the gitd built here (static: CGO_ENABLED=0)
# and this host's CA bundle: no Go image is pulled, so it works offline and
# with the classic builder (the Dockerfile's "prebuilt" stage). Then
# `docker-compose up -d` (README, "Running gitd as a service").
GITD_IMAGE ?= botrunner/gitd:latest
image: bin/gitd
	sh contrib/docker/image.sh bin/gitd $(GITD_IMAGE)

# Unit tests with the race detector, then the end-to-end stories.
test: unit e2e

unit:
	$(GO) vet ./...
	CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 25m $$($(GO) list ./... | grep -v /integration)

e2e:
	$(GO) test -count=1 -timeout 20m ./integration/...

# Benchmarks (bench/run.sh): push and fetch against OpenSSH sshd + git, deploy, ops, image.
bench:
	bash bench/run.sh

# Every fuzz target in the module (found, not listed), each for a short
# while (FUZZTIME=1m make fuzz for longer).
FUZZTIME ?= 20s
fuzz:
	@set -e; for f in $$(grep -rl --include='*_test.go' '^func Fuzz' . | sort); do \
	  for n in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$f); do \
	    echo "== $$n ($$(dirname $$f))"; \
	    $(GO) test -run='^$$' -fuzz="^$$n\$$" -fuzztime=$(FUZZTIME) ./$$(dirname $$f); \
	  done; \
	done

lint:
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...

clean:
	rm -rf bin
