# Stallside in a container: the apps built by Trunk and the server in release, run as a
# non-root user with the database on a volume.
#
#   docker build -t stallside .
#   docker run -d --name stallside -p 8080:8080 -v stallside-data:/data stallside
#
# With TLS from the server itself (phones need HTTPS), mount the certificate and key:
#   docker run -d -p 443:8443 -v stallside-data:/data -v stallside-backups:/backups \
#     -v /etc/stallside/tls:/tls:ro -e STALLSIDE_BIND=0.0.0.0:8443 \
#     -e STALLSIDE_TLS_CERT=/tls/fullchain.pem -e STALLSIDE_TLS_KEY=/tls/privkey.pem \
#     -e STALLSIDE_BACKUP_DIR=/backups stallside
# See "Deploying Stallside" in README.md.

# ---- build: the same .ci/tools.sh as the README's commands, so the image builds what CI tests
FROM rust:1.95-bookworm AS build
# Node 20 (the build's npm tools: the NHS design system's Sass, workbox, wasm-opt).
COPY --from=node:20-bookworm-slim /usr/local/bin/node /usr/local/bin/node
COPY --from=node:20-bookworm-slim /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
WORKDIR /src
COPY . .
RUN bash -c 'source .ci/tools.sh && build_apps' \
 && cargo build --release --locked -p stallside-server

# ---- runtime: the binary, the built apps, nothing else
FROM debian:bookworm-slim
# curl for the health check only; ca-certificates for nothing the server needs today, but
# a TLS client in an operator's debugging session does.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin stallside \
 && mkdir -p /data /backups \
 && chown stallside:stallside /data /backups \
 && chmod 0700 /data /backups
COPY --from=build /src/target/release/stallside-server /app/stallside-server
COPY --from=build /src/dist /app/dist
ENV STALLSIDE_DATA_DIR=/data \
    STALLSIDE_DIST=/app/dist \
    STALLSIDE_BIND=0.0.0.0:8080 \
    STALLSIDE_LOG_FORMAT=json
VOLUME ["/data", "/backups"]
EXPOSE 8080
USER stallside
# /healthz over whichever scheme the server speaks (-k: the name on the certificate is not
# 127.0.0.1; this checks the process answers, not the certificate).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD port="${STALLSIDE_BIND##*:}"; \
      curl -fsS --max-time 4 "http://127.0.0.1:${port}/healthz" \
   || curl -fsSk --max-time 4 "https://127.0.0.1:${port}/healthz" \
   || exit 1
ENTRYPOINT ["/app/stallside-server"]
