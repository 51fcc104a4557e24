# gitd's container image: one static binary on an empty base, with CA
# certificates, a non-root user (10001) and the data dir as a volume.
#
#   docker build -t botrunner/gitd .   compiles gitd in a Go image (BuildKit, the default builder since Docker 23)
#   make image                         compiles gitd on this host and builds the "prebuilt" stage: no Go image
#                                      needed, so it works offline and with the classic builder
#
# The "prebuilt" stage comes before the Go stage on purpose: the classic
# builder builds every stage up to --target, and BuildKit skips the stages
# the target does not need.
#
# The socket of the Docker Engine is mounted at run time (docker-compose.yml),
# and the user is given its group: that is root on the host (README, "Running
# gitd as a service").

FROM scratch AS base
COPY contrib/docker/rootfs/ /
# The data dir belongs to the gitd user, so that a new named volume (a copy of it) is writable.
COPY --chown=10001:10001 contrib/docker/data/ /data/
USER 10001:10001
ENV GITD_DATA=/data GITD_LISTEN=:2222 HOME=/data
VOLUME /data
EXPOSE 2222
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s CMD ["/usr/local/bin/gitd", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/gitd"]

# make image: bin/gitd and the host's CA bundle, staged by contrib/docker/image.sh.
FROM base AS prebuilt
COPY bin/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY bin/gitd /usr/local/bin/gitd

FROM golang:1.26-bookworm AS compile
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/gitd ./cmd/gitd

FROM base
COPY --from=compile /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=compile /out/gitd /usr/local/bin/gitd
