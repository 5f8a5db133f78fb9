#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the web page's WebAssembly module from inside the native build: a Meson cross build
# of this project with web/wasm32.ini in a directory of the native build, then a copy of
# spiketalk.wasm to OUT when it changed.
#   build-wasm.sh MESON SOURCE_ROOT BUILD_DIR OUT WERROR
set -euo pipefail
meson=$1 src=$2 dir=$3 out=$4 werror=$5
if [ ! -f "$dir/build.ninja" ]; then
    rm -rf "$dir"
    "$meson" setup "$dir" "$src" --cross-file "$src/web/wasm32.ini" -Dwerror="$werror" \
        >"$dir.log" 2>&1 || { cat "$dir.log" >&2; exit 1; }
fi
ninja -C "$dir" >"$dir.log" 2>&1 || { cat "$dir.log" >&2; exit 1; }
cmp -s "$dir/web/spiketalk.wasm" "$out" 2>/dev/null || cp "$dir/web/spiketalk.wasm" "$out"
