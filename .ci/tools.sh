#!/usr/bin/env bash
# Installs everything Stallside needs, idempotently: a tool already at the right version is
# not rebuilt. Sourced by .ci/serve and .ci/test (it also sets PATH for them).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

say() { printf '\n==> %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32 target"
    rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
    say "installing trunk $TRUNK_VERSION (about 7 minutes, once)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes, once)"
    # Not --locked: its lockfile wants a webpki-roots version the registry does not have.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# `npm install` keeps the locked versions and is a quick no-op once they are there. (`npm ci`
# refuses this lock file: the registry mirror leaves rollup's optional per-platform packages out.)
say "npm packages (nhsuk-frontend, sass, purgecss, terser, workbox-build, binaryen, playwright-core, axe-core)"
npm install --no-audit --no-fund --loglevel=error

if [ "${STALLSIDE_NEED_BROWSER:-0}" = 1 ] && ! { [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && [ -x /usr/bin/openssl ] && fc-list | grep -q Lohit-Bengali; }; then
    say "installing Debian's chromium, chromedriver, openssl (the HTTPS test's certificate) and Bengali and Gujarati fonts (the language screenshots)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium chromium-driver fonts-dejavu-core fonts-lohit-beng-bengali fonts-lohit-gujr openssl
fi

cargo fetch --quiet

# Builds both apps with Trunk, offline: the volunteers' phone app into dist/, then the
# coordinators' and supervisors' screens into dist/staff/ (the first build replaces dist/).
build_apps() {
    trunk build --release --offline
    trunk build app/staff.html --release --offline --dist dist/staff --public-url /staff/
}
