#!/usr/bin/env bash
# Five benchmarks, each against its physical limit measured in the same run,
# on the same machine:
#
# push: gitd against OpenSSH sshd + git-receive-pack, same client. Pushes
# three generated repos (small bot, 2,000 files, 100 MiB random) to fresh
# targets on both and prints median wall time, CPU seconds per push, peak
# RSS and the gitd/OpenSSH ratios. gitd runs with GITD_RUNTIME=none here:
# this part measures git over SSH, not builds. Needs root (installs
# openssh-server if missing, runs a private sshd as root).
#
# fetch: gitd's upload-pack against OpenSSH sshd + git-upload-pack, same
# client, on a fresh gitd and sshd of its own (the push part's ports, after
# it). The three repos and a fourth of 3,500 refs (500 branches, 3,000
# tags) are pushed once to both (untimed); then, alternating sides, medians
# of: a bare clone of each repo, a mirror clone of the refs repo, an
# up-to-date `git fetch` (of small, and in the refs mirror), and ten
# concurrent clones of the 100 MiB repo. Prints gitd/OpenSSH ratios, CPU,
# and gitd's peak RSS above its idle RSS per case: VmHWM reset through
# /proc/PID/clear_refs before each run and read after it, together with
# VmRSS sampled every 10 ms (the largest of the two), minus the VmRSS of
# the fresh gitd before anything was pushed to it. GITD_RUNTIME=none.
# Needs root (sshd). ~4 min on an idle machine.
#
# deploy: first deploy and code-only redeploy of examples/bots/multi_file_bot
# through a second gitd (GITD_RUNTIME=docker, the local Python base image
# from testenv, a bridge network of its own), push start to running, against
# the raw `docker build` + `docker stop` + `docker run -d` of the same
# context, Dockerfile and container flags. Prints medians, the gitd/raw
# ratio and where gitd's time goes. Needs a Docker Engine (never pulls;
# builds the base image once per machine, which needs root for debootstrap).
# Removes every container, image (botrunner/bench-<run id>-*) and network it
# made, and nothing else.
#
# ops: day-2 operations on a third gitd (GITD_RUNTIME=docker, its own bridge
# network, GITD_MEMORY=32m) running a tiny bot that prints "ping <n>
# <unix-nanos>" every 200 ms: `logs -f` latency (line printed → read by the
# client; median, p99) next to `docker logs -f` on the same lines;
# `ssh gitd status APP` against `ssh host true` on a private OpenSSH sshd;
# gitd's VmRSS/VmHWM idle, with 1 bot and with 50 running bots (the same
# repo pushed to bench-ops-<run id>-01..50; builds after the first come from
# the cache). Latency and status are measured with 1 and with 50 bots.
# Needs root (sshd) and a Docker Engine (never pulls). Removes its containers
# (label botrunner.app=bench-ops-<run id>-*), images
# (botrunner/bench-ops-<run id>-*) and network, and nothing else. ~6 min.
#
# image: `ssh gitd deploy:image APP REF --username U --password-stdin` on a
# fourth gitd (GITD_RUNTIME=docker, its own bridge network) against the raw
# `docker pull REF` (after an untimed `docker login` into a config dir of
# its own) + `docker stop` + `docker run -d` with gitd's container flags,
# for a first deploy and a redeploy of a tag that differs only in its top
# layer (the bot's code). The registry is distribution/v3 from testenv
# (built once per machine from its Go module), a process on 127.0.0.1 with
# an htpasswd login. The images are built locally from the base image,
# flattened with a marker of the run (so no local image shares a layer),
# pushed, and removed from the engine. First deploys are COLD (no layer of
# the image on the engine), redeploys WARM (release 1 there, only the top
# layer new): after each side's two deploys its app, containers and images
# are removed and checked gone, and the table shows the layers each pull
# downloaded. Prints medians, gitd/raw ratios, and where gitd's time goes
# (ssh, pull, tag, stop, create, start; start check subtracted as in
# deploy). Needs a Docker Engine (pulls only from its own registry).
# Removes its containers (botrunner-bench-img-<run id>-*), images (names
# holding /bench-img-<run id>-) and network; the registry stops with
# pushbench and its storage goes with the temp dir. ~2 min with 3 runs.
#
# swarm: a code-only redeploy of examples/bots/multi_file_bot through a
# fifth gitd with GITD_SCHEDULER=swarm (pushbench starts it, after the
# registry it pushes to), from `git push` start to push end (the new task
# running, start check passed), against `docker build` + `docker push` (to
# the same registry) + `docker service update --force --image` of a service
# whose spec is a copy of gitd's (same flags; the CLI waits for the task to
# run and then the update monitor window, which gitd sets to the start
# check: both sides end at the same state). Alternating, medians; splits
# gitd's time into build, registry push, service update, start check. The
# engine becomes a single-node swarm (`docker swarm init --advertise-addr
# 127.0.0.1`) only if it is in none, and leaves it again at the end (with
# docker_gwbridge, if that was not there); a swarm it is already a manager
# of is used and left alone. Registry: as in image. Removes its services,
# overlay networks, images (names holding /bench-sw-<run id>-) and build
# network, and nothing else. ~2 min with 5 runs.
#
# Only 127.0.0.1 and the benchmark's own Docker network are used.
#
# Environment:
#   BENCH_ONLY        push | fetch | deploy | ops | image | swarm | all   (default all: all six)
#   BENCH_TMPDIR      where the temp dir goes (default $TMPDIR or /tmp; /dev/shm
#                     takes the disk, and other tenants' I/O, out of the walls)
#   BENCH_KEEP=1      keep the temp dir (logs, repos) and print its path
# push:
#   BENCH_GITD_PORT   gitd's port              (default 22922)
#   BENCH_SSHD_PORT   the private sshd's port  (default 22923)
#   BENCH_RUNS        measured pushes per repo and server (default small=5,many=5,big=3)
#   BENCH_WARMUP      unmeasured pushes first  (default 1)
#   BENCH_BIG_FILES   files the 100 MiB is split into (default 1: one 100 MiB file)
#   BENCH_OPENSSH_GIT_CONFIG  git config for the OpenSSH targets, e.g.
#                     receive.unpackLimit=1 (default: none, git's defaults)
#   BENCH_GITD_PRECREATE=1  create each gitd app (apps:create) before its push,
#                     untimed, like the OpenSSH targets (default: the push creates it)
# fetch (uses BENCH_GITD_PORT, BENCH_SSHD_PORT and BENCH_WARMUP too):
#   BENCH_FETCH_RUNS  measured runs per case and server (default clone-small=7,clone-many=7,
#                     clone-big=5,mirror-refs=5,fetch-small=9,fetch-refs=7,clone-big-x10=3)
#   BENCH_OPENSSH_REPACK=1  `git repack -ad` the OpenSSH repos after their push (a gc'd git
#                     server, with bitmaps; default: as git-receive-pack left them)
# deploy:
#   BENCH_DEPLOY_PORT   the deploying gitd's port (default 22924)
#   BENCH_DEPLOY_RUNS   measured rounds (each: first deploy + redeploy, both sides; default 5)
#   BENCH_DEPLOY_WARMUP unmeasured rounds first (default 1)
#   BENCH_START_CHECK   GITD_START_CHECK, subtracted from gitd's push walls (default 1s)
#   BENCH_STOP_GRACE    GITD_STOP_GRACE = the raw `docker stop -t` (default 10s)
#   BENCH_BASE_IMAGE    base image (default: `go run ./testsupport/testenv/baseimage`, built once per
#                       machine; ops and image use it too)
#   (image uses BENCH_DEPLOY_RUNS, BENCH_DEPLOY_WARMUP, BENCH_START_CHECK and
#   BENCH_STOP_GRACE too)
# ops:
#   BENCH_OPS_PORT      the ops gitd's port (default 22925)
#   BENCH_OPS_SSHD_PORT the ops sshd's port (default 22926)
#   BENCH_OPS_APPS      running bots for the memory measurement (default 50)
#   BENCH_OPS_LINES     measured log lines per follow (default 200, at 5 a second)
#   BENCH_OPS_STATUS_RUNS  runs of each command in the status comparison (default 30)
#   BENCH_OPS_PARALLEL  pushes at a time deploying apps 2..N (default 4: a cached
#                       build still runs its per-app LABEL step(s), ~3 s each on
#                       this engine; measured ~9 s a push at 2, ~7 s at 4)
# image:
#   BENCH_IMAGE_PORT    the image gitd's port (default 22927)
# swarm (uses BENCH_DEPLOY_RUNS, BENCH_DEPLOY_WARMUP, BENCH_START_CHECK and BENCH_STOP_GRACE too):
#   BENCH_SWARM_PORT    the swarm gitd's port (default 22928)
set -euo pipefail

cd "$(dirname "$0")/.."
ONLY=${BENCH_ONLY:-all}
case $ONLY in
all | push | fetch | deploy | ops | image | swarm) ;;
*)
	echo "bench/run.sh: BENCH_ONLY is push, fetch, deploy, ops, image, swarm or all, not '$ONLY'" >&2
	exit 2
	;;
esac
want() { [ "$ONLY" = all ] || [ "$ONLY" = "$1" ]; }
GITD_PORT=${BENCH_GITD_PORT:-22922}
SSHD_PORT=${BENCH_SSHD_PORT:-22923}
RUNS=${BENCH_RUNS:-small=5,many=5,big=3}
FETCH_RUNS=${BENCH_FETCH_RUNS:-clone-small=7,clone-many=7,clone-big=5,mirror-refs=5,fetch-small=9,fetch-refs=7,clone-big-x10=3}
WARMUP=${BENCH_WARMUP:-1}
BIG_FILES=${BENCH_BIG_FILES:-1}
OPENSSH_GIT_CONFIG=${BENCH_OPENSSH_GIT_CONFIG:-}
DEPLOY_PORT=${BENCH_DEPLOY_PORT:-22924}
DEPLOY_RUNS=${BENCH_DEPLOY_RUNS:-5}
DEPLOY_WARMUP=${BENCH_DEPLOY_WARMUP:-1}
START_CHECK=${BENCH_START_CHECK:-1s}
STOP_GRACE=${BENCH_STOP_GRACE:-10s}
OPS_PORT=${BENCH_OPS_PORT:-22925}
OPS_SSHD_PORT=${BENCH_OPS_SSHD_PORT:-22926}
OPS_APPS=${BENCH_OPS_APPS:-50}
OPS_LINES=${BENCH_OPS_LINES:-200}
OPS_STATUS_RUNS=${BENCH_OPS_STATUS_RUNS:-30}
OPS_PARALLEL=${BENCH_OPS_PARALLEL:-4}
IMAGE_PORT=${BENCH_IMAGE_PORT:-22927}
SWARM_PORT=${BENCH_SWARM_PORT:-22928}

log() { printf '==> %s\n' "$*" >&2; }

# The benchmark decides every gitd setting: none leaks in from the caller's
# environment (GITD_* and the seed aliases).
for v in $(compgen -e); do
	case $v in
	GITD_* | BASE_IMAGE | DOCKER_NETWORK | MAX_BOTS_PER_USER) unset "$v" ;;
	esac
done

if { want push || want fetch || want ops; } && [ "$(id -u)" != 0 ]; then
	echo "bench/run.sh: run as root (the push, fetch and ops benchmarks install openssh-server and run sshd), or BENCH_ONLY=deploy, image or swarm" >&2
	exit 1
fi

SSHD=
if want push || want fetch || want ops; then
	# OpenSSH server, from Debian's packages, only if missing. policy-rc.d (or
	# the lack of an init system) keeps the package from starting its own sshd.
	SSHD=$(command -v sshd || true)
	[ -n "$SSHD" ] || [ ! -x /usr/sbin/sshd ] || SSHD=/usr/sbin/sshd
	if [ -z "$SSHD" ]; then
		log "installing openssh-server"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq openssh-server >/dev/null
		SSHD=/usr/sbin/sshd
	fi
	mkdir -p /run/sshd # sshd's privilege separation dir; a package install without init leaves none
fi
tools="git ssh ssh-keygen go"
{ want deploy || want ops || want image || want swarm; } && tools="$tools docker"
for tool in $tools; do
	command -v "$tool" >/dev/null || { echo "bench/run.sh: $tool not found" >&2; exit 1; }
done
if { want deploy || want ops || want image || want swarm; } && ! docker version >/dev/null 2>&1; then
	echo "bench/run.sh: the deploy, ops, image and swarm benchmarks need a Docker Engine (docker version fails); or BENCH_ONLY=push" >&2
	exit 1
fi

TMP=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/pushbench.XXXXXX")
GITD_PID=
SSHD_PID=
DGITD_PID=
RUN_ID= # set once the deploy benchmark makes Docker objects: they carry it
NET=
OGITD_PID=
OSSHD_PID=
OPS_ID= # set once the ops benchmark makes Docker objects: they carry it
OPS_NET=
IGITD_PID=
IMG_ID= # set once the image benchmark makes Docker objects: they carry it
IMG_NET=
SW_PID=
SW_NET=
cleanup() {
	local rc=$?
	for pid in $GITD_PID $SSHD_PID $DGITD_PID $OGITD_PID $OSSHD_PID $IGITD_PID $SW_PID; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in $GITD_PID $SSHD_PID $DGITD_PID $OGITD_PID $OSSHD_PID $IGITD_PID $SW_PID; do
		wait "$pid" 2>/dev/null || true
	done
	[ -z "$OPS_ID" ] || ops_cleanup
	[ -z "$IMG_ID" ] || image_cleanup
	# pushbench swarm removes its services, images and the swarm it made
	# itself (on exit and on SIGTERM, which kill above sends); the build
	# network is ours.
	[ -z "$SW_NET" ] || docker network rm "$SW_NET" >/dev/null 2>&1 || echo "bench/run.sh: could not remove network $SW_NET" >&2
	if [ -n "$RUN_ID" ]; then
		# Only what this run made: names and tags carry its id.
		local ids refs
		ids=$(docker ps -aq --filter "name=botrunner-bench-$RUN_ID-" 2>/dev/null || true)
		[ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1 || echo "bench/run.sh: could not remove containers $ids" >&2
		refs=$(docker images --format '{{.Repository}}:{{.Tag}}' --filter "reference=botrunner/bench-$RUN_ID-*" 2>/dev/null || true)
		[ -z "$refs" ] || docker rmi $refs >/dev/null 2>&1 || echo "bench/run.sh: could not remove images $refs" >&2
		[ -z "$NET" ] || docker network rm "$NET" >/dev/null 2>&1 || echo "bench/run.sh: could not remove network $NET" >&2
	fi
	if [ $rc != 0 ]; then
		for f in gitd.log sshd.log gitd-deploy.log gitd-ops.log sshd-ops.log gitd-image.log swarm/gitd.log; do
			[ -s "$TMP/$f" ] && { echo "--- last lines of $f" >&2; tail -n 20 "$TMP/$f" >&2; }
		done
	fi
	if [ "${BENCH_KEEP:-}" = 1 ]; then
		echo "kept $TMP" >&2
	else
		rm -rf "$TMP"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# gitd is built into the temp dir, as `make build` would build it, so the
# benchmark neither needs nor overwrites bin/gitd.
VERSION=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
log "building gitd ($VERSION) and pushbench"
go build -trimpath -ldflags "-X main.version=$VERSION" -o "$TMP/gitd" ./cmd/gitd
go build -o "$TMP/pushbench" ./bench/pushbench
GITD=$TMP/gitd

# One client key for every server (an admin of both gitd); sshd gets its own host key.
ssh-keygen -q -t ed25519 -N '' -C pushbench -f "$TMP/client_key"
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
	local i
	for i in $(seq 100); do
		port_busy "$1" && return 0
		kill -0 "$2" 2>/dev/null || { echo "bench/run.sh: $3 exited" >&2; return 1; }
		sleep 0.1
	done
	echo "bench/run.sh: $3 not listening on 127.0.0.1:$1 after 10s" >&2
	return 1
}

# write_sshd_config PORT CONFIG PIDFILE: a private sshd on 127.0.0.1:PORT
# that lets the client key in as root (the push and ops benchmarks' OpenSSH).
write_sshd_config() {
	[ -e "$TMP/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C pushbench-host -f "$TMP/ssh_host_ed25519_key"
	cp "$TMP/client_key.pub" "$TMP/authorized_keys"
	# Same client, same crypto on both sides: gitd offers curve25519 and
	# chacha20-poly1305, so sshd is held to that KEX too (its default here,
	# sntrup761x25519, costs ~60 ms more per connection). SetEnv SHLVL=1 stops
	# bash from sourcing root's ~/.bashrc for the session command (bash does that
	# for sshd commands when SHLVL is unset); on this machine that rc runs
	# `pyenv init`, ~0.25 s per login that a real git host's user would not pay.
	# AcceptEnv GIT_PROTOCOL lets git's client speak protocol v2 to
	# git-upload-pack, as it does to gitd (git hosts accept it).
	cat >"$2" <<-EOF
	Port $1
	ListenAddress 127.0.0.1
	HostKey $TMP/ssh_host_ed25519_key
	AuthorizedKeysFile $TMP/authorized_keys
	PidFile $3
	UsePAM no
	StrictModes no
	PermitRootLogin prohibit-password
	PubkeyAuthentication yes
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	UseDNS no
	PrintMotd no
	PrintLastLog no
	X11Forwarding no
	AllowTcpForwarding no
	KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org
	AcceptEnv GIT_PROTOCOL
	MaxStartups 32
	SetEnv SHLVL=1
	LogLevel INFO
	EOF
	"$SSHD" -t -f "$2"
}

# gen_repos generates the source repos into $TMP/src once (push and fetch share them).
gen_repos() {
	[ ! -d "$TMP/src" ] || return 0
	log "generating repos in $TMP/src (fixed seeds; big = 100 MiB random in $BIG_FILES file(s))"
	"$TMP/pushbench" gen -out "$TMP/src" -big-files "$BIG_FILES"
}

# start_git_servers PART starts a fresh sshd and gitd (GITD_RUNTIME=none)
# for the push or fetch part, on BENCH_SSHD_PORT and BENCH_GITD_PORT, data
# and logs in $TMP (gitd-PART-data, gitd.log and sshd.log, appended).
start_git_servers() {
	mkdir -p "$TMP/work-$1/openssh"
	write_sshd_config "$SSHD_PORT" "$TMP/sshd_config" "$TMP/sshd.pid"

	for p in "$GITD_PORT" "$SSHD_PORT"; do
		if port_busy "$p"; then
			echo "bench/run.sh: 127.0.0.1:$p is in use; set BENCH_GITD_PORT / BENCH_SSHD_PORT" >&2
			exit 1
		fi
	done

	log "starting sshd on 127.0.0.1:$SSHD_PORT and gitd on 127.0.0.1:$GITD_PORT"
	"$SSHD" -D -e -f "$TMP/sshd_config" 2>>"$TMP/sshd.log" &
	SSHD_PID=$!
	# GITD_RUNTIME=none: these parts measure git over SSH; the deploy part builds.
	# Sixteen handshakes from one address (default 8): the fetch part's ten
	# concurrent clones all come from 127.0.0.1, where ten users would come
	# from ten addresses. sshd's MaxStartups likewise.
	GITD_RUNTIME=none GITD_MAX_HANDSHAKES_PER_IP=16 "$GITD" --data "$TMP/gitd-$1-data" --listen "127.0.0.1:$GITD_PORT" \
		--admin-key "$TMP/client_key.pub" --log-level warn 2>>"$TMP/gitd.log" &
	GITD_PID=$!

	wait_port "$SSHD_PORT" "$SSHD_PID" sshd
	wait_port "$GITD_PORT" "$GITD_PID" gitd
}

stop_git_servers() {
	kill "$GITD_PID" "$SSHD_PID" 2>/dev/null || true
	wait "$GITD_PID" "$SSHD_PID" 2>/dev/null || true
	GITD_PID= SSHD_PID=
}

push_bench() {
	gen_repos

	start_git_servers push

	echo
	echo "push benchmark: gitd vs OpenSSH $("$SSHD" -V 2>&1 | head -n1 || true) + git-receive-pack"
	echo "client: $(git --version), $(ssh -V 2>&1); $(nproc) cores; $(uname -sr)"
	echo "gitd: $("$GITD" --version 2>&1 || true) ($(go version | cut -d' ' -f3))"
	echo "big repo: 100 MiB of ChaCha8 output in $BIG_FILES file(s)"
	echo

	"$TMP/pushbench" run -src "$TMP/src" -work "$TMP/work-push" -key "$TMP/client_key" \
		-gitd-pid "$GITD_PID" -gitd-addr "127.0.0.1:$GITD_PORT" -gitd-repos "$TMP/gitd-push-data/repos" \
		-sshd-pid "$SSHD_PID" -sshd-addr "127.0.0.1:$SSHD_PORT" \
		-runs "$RUNS" -warmup "$WARMUP" -openssh-git-config "$OPENSSH_GIT_CONFIG" \
		-gitd-precreate="${BENCH_GITD_PRECREATE:-0}"
	stop_git_servers
}

fetch_bench() {
	gen_repos
	start_git_servers fetch
	echo
	echo "fetch benchmark: gitd vs OpenSSH $("$SSHD" -V 2>&1 | head -n1 || true) + git-upload-pack"
	echo "client: $(git --version), $(ssh -V 2>&1); $(nproc) cores; $(uname -sr)"
	echo "gitd: $("$GITD" --version 2>&1 || true) ($(go version | cut -d' ' -f3))"
	echo
	"$TMP/pushbench" fetch -src "$TMP/src" -work "$TMP/work-fetch" -key "$TMP/client_key" \
		-gitd-pid "$GITD_PID" -gitd-addr "127.0.0.1:$GITD_PORT" \
		-sshd-pid "$SSHD_PID" -sshd-addr "127.0.0.1:$SSHD_PORT" \
		-runs "$FETCH_RUNS" -warmup "$WARMUP" -openssh-repack="${BENCH_OPENSSH_REPACK:-0}"
	stop_git_servers
}

# base_image prints the base image the deploy, ops and image benchmarks
# build on: BENCH_BASE_IMAGE, or testenv's local Python image (built once
# per machine). It must be on the engine: nothing is pulled.
base_image() {
	local base
	if [ -n "${BENCH_BASE_IMAGE:-}" ]; then
		base=$BENCH_BASE_IMAGE
	else
		log "local Python base image (go run ./testsupport/testenv/baseimage; built once per machine, ~90 s)"
		base=$(go run ./testsupport/testenv/baseimage)
	fi
	docker image inspect "$base" >/dev/null 2>&1 || { echo "bench/run.sh: base image $base is not on this engine (no pulls here)" >&2; exit 1; }
	echo "$base"
}

# docker_gitd KIND PORT NET BOT_ENV BASE starts a gitd with the Docker
# runtime for one benchmark (data and log in $TMP/gitd-KIND*), its bots on
# NET; its pid is left in LAST_GITD_PID for the caller's cleanup variable.
docker_gitd() {
	local kind=$1 port=$2 net=$3 bot_env=$4 base=$5
	log "starting gitd (GITD_RUNTIME=docker) on 127.0.0.1:$port, bots on network $net"
	GITD_RUNTIME=docker GITD_BASE_IMAGE="$base" GITD_DOCKER_NETWORK="$net" \
		GITD_START_CHECK="$START_CHECK" GITD_STOP_GRACE="$STOP_GRACE" GITD_BOT_ENV="$bot_env" \
		"$GITD" --data "$TMP/gitd-$kind-data" --listen "127.0.0.1:$port" \
		--admin-key "$TMP/client_key.pub" --log-level info 2>"$TMP/gitd-$kind.log" &
	LAST_GITD_PID=$!
}

# bench_header TITLE says what a benchmark's numbers were measured on.
bench_header() {
	echo
	echo "$1"
	echo "engine: Docker $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})'), storage driver $(docker info --format '{{.Driver}}'); $(nproc) cores; $(uname -sr)"
	echo "gitd: $("$GITD" --version 2>&1 || true) ($(go version | cut -d' ' -f3))"
	echo
}

deploy_bench() {
	if port_busy "$DEPLOY_PORT"; then
		echo "bench/run.sh: 127.0.0.1:$DEPLOY_PORT is in use; set BENCH_DEPLOY_PORT" >&2
		exit 1
	fi
	local base
	base=$(base_image)

	# Everything the deploy part makes in Docker carries RUN_ID: bench-$RUN_ID-*
	# apps (images botrunner/bench-$RUN_ID-*, containers botrunner-bench-$RUN_ID-*)
	# and this network, so cleanup removes exactly those.
	RUN_ID=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
	NET=botrunner-bench-net-$RUN_ID
	docker network create --internal --label "botrunner.bench=$RUN_ID" "$NET" >/dev/null
	# The bot only needs to stay up: with nothing on 127.0.0.1:9 (in its own
	# network namespace) it retries getUpdates every 2 s, forever.
	local bot_env="BOT_TOKEN=123456789:pushbench-$RUN_ID,TELEGRAM_API=http://127.0.0.1:9"

	docker_gitd deploy "$DEPLOY_PORT" "$NET" "$bot_env" "$base"
	DGITD_PID=$LAST_GITD_PID
	wait_port "$DEPLOY_PORT" "$DGITD_PID" "gitd (deploy)"

	bench_header "deploy benchmark: gitd vs the raw docker sequence"
	"$TMP/pushbench" deploy -src examples/bots/multi_file_bot -work "$TMP/deploy" -key "$TMP/client_key" \
		-gitd-addr "127.0.0.1:$DEPLOY_PORT" -base-image "$base" -network "$NET" -prefix "bench-$RUN_ID" \
		-bot-env "$bot_env" -start-check "$START_CHECK" -stop-grace "$STOP_GRACE" \
		-runs "$DEPLOY_RUNS" -warmup "$DEPLOY_WARMUP"
}

# ops_cleanup removes what the ops benchmark made in Docker, by its run id:
# containers labelled botrunner.app=bench-ops-$OPS_ID-*, images
# botrunner/bench-ops-$OPS_ID-* and its network. gitd is stopped first (the
# caller), so its supervisor restarts nothing meanwhile.
ops_cleanup() {
	local ids refs
	ids=$(docker ps -a --filter label=botrunner.app --format '{{.ID}} {{.Label "botrunner.app"}}' 2>/dev/null |
		awk -v p="bench-ops-$OPS_ID-" 'index($2, p) == 1 { print $1 }' || true)
	[ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1 || echo "bench/run.sh: could not remove containers $ids" >&2
	refs=$(docker images --format '{{.Repository}}:{{.Tag}}' --filter "reference=botrunner/bench-ops-$OPS_ID-*" 2>/dev/null || true)
	[ -z "$refs" ] || docker rmi $refs >/dev/null 2>&1 || echo "bench/run.sh: could not remove images $refs" >&2
	[ -z "$OPS_NET" ] || docker network rm "$OPS_NET" >/dev/null 2>&1 || echo "bench/run.sh: could not remove network $OPS_NET" >&2
	OPS_ID=
}

ops_bench() {
	for p in "$OPS_PORT" "$OPS_SSHD_PORT"; do
		if port_busy "$p"; then
			echo "bench/run.sh: 127.0.0.1:$p is in use; set BENCH_OPS_PORT / BENCH_OPS_SSHD_PORT" >&2
			exit 1
		fi
	done
	local base
	base=$(base_image)

	# Apps bench-ops-$OPS_ID-NN (images botrunner/bench-ops-$OPS_ID-NN,
	# containers labelled botrunner.app=bench-ops-$OPS_ID-NN) and this
	# network: ops_cleanup removes exactly those.
	OPS_ID=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
	OPS_NET=botrunner-bench-ops-net-$OPS_ID
	docker network create --internal --label "botrunner.bench=ops-$OPS_ID" "$OPS_NET" >/dev/null

	write_sshd_config "$OPS_SSHD_PORT" "$TMP/sshd-ops_config" "$TMP/sshd-ops.pid"
	log "starting sshd on 127.0.0.1:$OPS_SSHD_PORT and gitd (GITD_RUNTIME=docker, GITD_MEMORY=32m) on 127.0.0.1:$OPS_PORT, bots on network $OPS_NET"
	"$SSHD" -D -e -f "$TMP/sshd-ops_config" 2>"$TMP/sshd-ops.log" &
	OSSHD_PID=$!
	# 32 MiB per bot (the bot takes ~10); the admin has no app quota, and the
	# memory quota is set far above 50 bots' worth.
	GITD_RUNTIME=docker GITD_BASE_IMAGE="$base" GITD_DOCKER_NETWORK="$OPS_NET" \
		GITD_MEMORY=32m GITD_USER_MEMORY=64g GITD_MAX_BOTS_PER_USER=1000 \
		GITD_START_CHECK=1s GITD_STOP_GRACE=2s \
		"$GITD" --data "$TMP/gitd-ops-data" --listen "127.0.0.1:$OPS_PORT" \
		--admin-key "$TMP/client_key.pub" --log-level info 2>"$TMP/gitd-ops.log" &
	OGITD_PID=$!
	wait_port "$OPS_SSHD_PORT" "$OSSHD_PID" "sshd (ops)"
	wait_port "$OPS_PORT" "$OGITD_PID" "gitd (ops)"

	echo
	echo "ops benchmark: logs -f and status latency, gitd memory with $OPS_APPS bots"
	echo "engine: Docker $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})'), storage driver $(docker info --format '{{.Driver}}'), $(docker info --format '{{.LoggingDriver}}') logs; $(nproc) cores; $(uname -sr)"
	echo "gitd: $("$GITD" --version 2>&1 || true) ($(go version | cut -d' ' -f3)); OpenSSH $("$SSHD" -V 2>&1 | head -n1 || true); client $(ssh -V 2>&1)"
	echo
	"$TMP/pushbench" ops -work "$TMP/ops" -key "$TMP/client_key" \
		-gitd-addr "127.0.0.1:$OPS_PORT" -gitd-pid "$OGITD_PID" -sshd-addr "127.0.0.1:$OPS_SSHD_PORT" \
		-prefix "bench-ops-$OPS_ID" -apps "$OPS_APPS" -lines "$OPS_LINES" \
		-status-runs "$OPS_STATUS_RUNS" -parallel "$OPS_PARALLEL"

	kill "$OGITD_PID" "$OSSHD_PID" 2>/dev/null || true
	wait "$OGITD_PID" "$OSSHD_PID" 2>/dev/null || true
	OGITD_PID= OSSHD_PID=
	log "removing the ops benchmark's containers, images and network"
	ops_cleanup
}

# image_cleanup removes what the image benchmark made in Docker, by its run
# id: containers botrunner-bench-img-$IMG_ID-* (gitd's and the raw side's
# bots, the export container), images whose name holds /bench-img-$IMG_ID-
# (botrunner/… release and build images, 127.0.0.1:PORT/… pulled refs) and
# its network. gitd is stopped first (the caller). The registry is
# pushbench's child and stops with it; its storage is in the temp dir.
image_cleanup() {
	local ids refs
	ids=$(docker ps -aq --filter "name=botrunner-bench-img-$IMG_ID-" 2>/dev/null || true)
	[ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1 || echo "bench/run.sh: could not remove containers $ids" >&2
	refs=$(docker images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | grep -F "/bench-img-$IMG_ID-" || true)
	[ -z "$refs" ] || docker rmi $refs >/dev/null 2>&1 || echo "bench/run.sh: could not remove images $refs" >&2
	[ -z "$IMG_NET" ] || docker network rm "$IMG_NET" >/dev/null 2>&1 || echo "bench/run.sh: could not remove network $IMG_NET" >&2
	IMG_ID=
}

image_bench() {
	if port_busy "$IMAGE_PORT"; then
		echo "bench/run.sh: 127.0.0.1:$IMAGE_PORT is in use; set BENCH_IMAGE_PORT" >&2
		exit 1
	fi
	local base
	base=$(base_image)

	# Apps bench-img-$IMG_ID-* (containers botrunner-bench-img-$IMG_ID-*),
	# images named …/bench-img-$IMG_ID-* and this network: image_cleanup
	# removes exactly those.
	IMG_ID=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
	IMG_NET=botrunner-bench-img-net-$IMG_ID
	docker network create --internal --label "botrunner.bench=img-$IMG_ID" "$IMG_NET" >/dev/null
	local bot_env="BOT_TOKEN=123456789:pushbench-$IMG_ID,TELEGRAM_API=http://127.0.0.1:9"

	docker_gitd image "$IMAGE_PORT" "$IMG_NET" "$bot_env" "$base"
	IGITD_PID=$LAST_GITD_PID
	wait_port "$IMAGE_PORT" "$IGITD_PID" "gitd (image)"

	bench_header "image benchmark: gitd deploy:image vs docker pull + stop + run"
	"$TMP/pushbench" image -src examples/bots/multi_file_bot -work "$TMP/image" -key "$TMP/client_key" \
		-gitd-addr "127.0.0.1:$IMAGE_PORT" -base-image "$base" -network "$IMG_NET" -prefix "bench-img-$IMG_ID" \
		-bot-env "$bot_env" -start-check "$START_CHECK" -stop-grace "$STOP_GRACE" \
		-runs "$DEPLOY_RUNS" -warmup "$DEPLOY_WARMUP"

	kill "$IGITD_PID" 2>/dev/null || true
	wait "$IGITD_PID" 2>/dev/null || true
	IGITD_PID=
	log "removing the image benchmark's containers, images and network"
	image_cleanup
}

swarm_bench() {
	if port_busy "$SWARM_PORT"; then
		echo "bench/run.sh: 127.0.0.1:$SWARM_PORT is in use; set BENCH_SWARM_PORT" >&2
		exit 1
	fi
	local base id
	base=$(base_image)
	# Apps bench-sw-$id-g (gitd's) and -r (the raw side's): pushbench
	# removes the services, overlay networks and images named after them.
	id=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
	SW_NET=botrunner-bench-sw-net-$id
	docker network create --internal --label "botrunner.bench=sw-$id" "$SW_NET" >/dev/null
	local bot_env="BOT_TOKEN=123456789:pushbench-$id,TELEGRAM_API=http://127.0.0.1:9"
	bench_header "swarm benchmark: gitd (GITD_SCHEDULER=swarm) vs docker build + push + service update"
	# pushbench runs in the background so that cleanup can stop it (it then
	# removes what it made and leaves the swarm).
	"$TMP/pushbench" swarm -gitd "$GITD" -src examples/bots/multi_file_bot -work "$TMP/swarm" -key "$TMP/client_key" \
		-gitd-addr "127.0.0.1:$SWARM_PORT" -base-image "$base" -network "$SW_NET" -prefix "bench-sw-$id" \
		-bot-env "$bot_env" -start-check "$START_CHECK" -stop-grace "$STOP_GRACE" \
		-runs "$DEPLOY_RUNS" -warmup "$DEPLOY_WARMUP" &
	SW_PID=$!
	wait "$SW_PID"
	SW_PID=
	docker network rm "$SW_NET" >/dev/null
	SW_NET=
}

if want push; then
	push_bench
fi
if want fetch; then
	fetch_bench
fi
if want deploy; then
	deploy_bench
fi
if want ops; then
	ops_bench
fi
if want image; then
	image_bench
fi
if want swarm; then
	swarm_bench
fi
