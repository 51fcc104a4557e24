#!/bin/sh
# image.sh GITD_BINARY TAG: builds gitd's image (the Dockerfile's "prebuilt"
# stage) from a gitd compiled on this host, with this host's CA bundle. No
# Go image is pulled, so it works where no registry can be reached.
set -eu
[ $# -eq 2 ] || { echo "usage: image.sh GITD_BINARY TAG" >&2; exit 2; }
bin=$1 tag=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
ca=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
[ -r "$ca" ] || { echo "image.sh: no CA bundle at $ca (apt-get install ca-certificates, or set CA_BUNDLE)" >&2; exit 1; }
if ! file -b "$bin" 2>/dev/null | grep -q 'statically linked' && command -v file >/dev/null; then
  echo "image.sh: $bin is not statically linked (build it with CGO_ENABLED=0)" >&2; exit 1
fi
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
mkdir -p "$ctx/bin" "$ctx/contrib/docker"
cp "$bin" "$ctx/bin/gitd"
cp "$ca" "$ctx/bin/ca-certificates.crt"
cp -R "$root/contrib/docker/rootfs" "$root/contrib/docker/data" "$ctx/contrib/docker/"
docker build -q --target prebuilt -f "$root/Dockerfile" -t "$tag" "$ctx"
