#!/usr/bin/env bash
# Push benchmark: gitd against OpenSSH sshd + git-receive-pack, same run,
# same machine, same client. Pushes three generated repos (small bot,
# 2,000 files, 100 MiB random) to fresh targets on both and prints median
# wall time, CPU seconds per push, peak RSS and the gitd/OpenSSH ratios.
# Only 127.0.0.1 is used. Needs root (installs openssh-server if missing,
# runs a private sshd as root).
#
# Environment:
#   BENCH_GITD_PORT   gitd's port              (default 22922)
#   BENCH_SSHD_PORT   the private sshd's port  (default 22923)
#   BENCH_RUNS        measured pushes per repo and server (default small=5,many=5,big=3)
#   BENCH_WARMUP      unmeasured pushes first  (default 1)
#   BENCH_BIG_FILES   files the 100 MiB is split into (default 1: one 100 MiB file)
#   BENCH_OPENSSH_GIT_CONFIG  git config for the OpenSSH targets, e.g.
#                     receive.unpackLimit=1 (default: none, git's defaults)
#   BENCH_GITD_PRECREATE=1  create each gitd app (apps:create) before its push,
#                     untimed, like the OpenSSH targets (default: the push creates it)
#   BENCH_TMPDIR      where the temp dir goes (default $TMPDIR or /tmp; /dev/shm
#                     takes the disk, and other tenants' I/O, out of the walls)
#   BENCH_KEEP=1      keep the temp dir (logs, repos) and print its path
set -euo pipefail

cd "$(dirname "$0")/.."
GITD_PORT=${BENCH_GITD_PORT:-22922}
SSHD_PORT=${BENCH_SSHD_PORT:-22923}
RUNS=${BENCH_RUNS:-small=5,many=5,big=3}
WARMUP=${BENCH_WARMUP:-1}
BIG_FILES=${BENCH_BIG_FILES:-1}
OPENSSH_GIT_CONFIG=${BENCH_OPENSSH_GIT_CONFIG:-}

log() { printf '==> %s\n' "$*" >&2; }

if [ "$(id -u)" != 0 ]; then
	echo "bench/run.sh: run as root (it installs openssh-server and runs sshd)" >&2
	exit 1
fi

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
for tool in git ssh ssh-keygen go; do
	command -v "$tool" >/dev/null || { echo "bench/run.sh: $tool not found" >&2; exit 1; }
done
mkdir -p /run/sshd # sshd's privilege separation dir; a package install without init leaves none

TMP=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/pushbench.XXXXXX")
GITD_PID=
SSHD_PID=
cleanup() {
	local rc=$?
	for pid in $GITD_PID $SSHD_PID; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in $GITD_PID $SSHD_PID; do
		wait "$pid" 2>/dev/null || true
	done
	if [ $rc != 0 ]; then
		for f in gitd.log sshd.log; do
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

log "generating repos in $TMP/src (fixed seeds; big = 100 MiB random in $BIG_FILES file(s))"
"$TMP/pushbench" gen -out "$TMP/src" -big-files "$BIG_FILES"

# One client key for both servers; sshd gets its own host key.
ssh-keygen -q -t ed25519 -N '' -C pushbench -f "$TMP/client_key"
ssh-keygen -q -t ed25519 -N '' -C pushbench-host -f "$TMP/ssh_host_ed25519_key"
cp "$TMP/client_key.pub" "$TMP/authorized_keys"
mkdir -p "$TMP/work/openssh"

# Same client, same crypto on both sides: gitd offers curve25519 and
# chacha20-poly1305, so sshd is held to that KEX too (its default here,
# sntrup761x25519, costs ~60 ms more per connection). SetEnv SHLVL=1 stops
# bash from sourcing root's ~/.bashrc for the session command (bash does that
# for sshd commands when SHLVL is unset); on this machine that rc runs
# `pyenv init`, ~0.25 s per login that a real git host's user would not pay.
cat >"$TMP/sshd_config" <<EOF
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $TMP/ssh_host_ed25519_key
AuthorizedKeysFile $TMP/authorized_keys
PidFile $TMP/sshd.pid
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
SetEnv SHLVL=1
LogLevel INFO
EOF
"$SSHD" -t -f "$TMP/sshd_config"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$GITD_PORT" "$SSHD_PORT"; do
	if port_busy "$p"; then
		echo "bench/run.sh: 127.0.0.1:$p is in use; set BENCH_GITD_PORT / BENCH_SSHD_PORT" >&2
		exit 1
	fi
done

log "starting sshd on 127.0.0.1:$SSHD_PORT and gitd on 127.0.0.1:$GITD_PORT"
"$SSHD" -D -e -f "$TMP/sshd_config" 2>"$TMP/sshd.log" &
SSHD_PID=$!
"$GITD" --data "$TMP/gitd-data" --listen "127.0.0.1:$GITD_PORT" \
	--admin-key "$TMP/client_key.pub" --log-level warn 2>"$TMP/gitd.log" &
GITD_PID=$!

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
wait_port "$SSHD_PORT" "$SSHD_PID" sshd
wait_port "$GITD_PORT" "$GITD_PID" gitd

echo
echo "push benchmark: gitd vs OpenSSH $("$SSHD" -V 2>&1 | head -n1 || true) + git-receive-pack"
echo "client: $(git --version), $(ssh -V 2>&1); $(nproc) cores; $(uname -sr)"
echo "gitd: $("$GITD" --version 2>&1 || true) ($(go version | cut -d' ' -f3))"
echo "big repo: 100 MiB of ChaCha8 output in $BIG_FILES file(s)"
echo

"$TMP/pushbench" run -src "$TMP/src" -work "$TMP/work" -key "$TMP/client_key" \
	-gitd-pid "$GITD_PID" -gitd-addr "127.0.0.1:$GITD_PORT" -gitd-repos "$TMP/gitd-data/repos" \
	-sshd-pid "$SSHD_PID" -sshd-addr "127.0.0.1:$SSHD_PORT" \
	-runs "$RUNS" -warmup "$WARMUP" -openssh-git-config "$OPENSSH_GIT_CONFIG" \
	-gitd-precreate="${BENCH_GITD_PRECREATE:-0}"
