#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# spiketalk in the browser: installs what is missing, builds the WebAssembly module (build-web,
# the Meson cross build of web/wasm32.ini) and serves the page on http://127.0.0.1:8000/ with
# the headers its audio worklet needs (web/serve.mjs). Arguments go to the server: --port N,
# --host ADDR, --no-isolation.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
st_install_packages
if [ ! -f build-web/build.ninja ]; then
    st_log "configuring build-web (wasm32-wasi)"
    meson setup build-web --cross-file web/wasm32.ini >/dev/null
fi
st_log "building build-web"
ninja -C build-web >/dev/null || ninja -C build-web
exec node web/serve.mjs --wasm build-web/web/spiketalk.wasm --data data "$@"
