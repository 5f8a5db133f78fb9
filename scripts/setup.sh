# SPDX-License-Identifier: GPL-3.0-or-later
# Shared set-up for demo.sh and test.sh (sourced): install the Debian packages that are missing,
# then configure and build with Meson. Safe to run again and again.

# Everything the build and the tests need, from Debian's archive.
ST_PACKAGES="ca-certificates gcc pkg-config meson ninja-build libcmocka-dev libcairo2-dev fonts-dejavu-core
libfftw3-dev libsndfile1-dev portaudio19-dev
jackd2 libjack-jackd2-dev
libopenmpi-dev openmpi-bin
libgtk-4-dev xvfb xauth dbus-daemon xdotool libglib2.0-bin
python3-numpy python3-scipy espeak-ng sox pulseaudio pulseaudio-utils libasound2-plugins
python3-dev python3-pytest python3-matplotlib
lv2-dev liblilv-dev lilv-utils sordi
desktop-file-utils appstream bash-completion groff-base man-db
clang libclang-rt-14-dev clang-14 lld-14 llvm-14 wasi-libc libclang-rt-14-dev-wasm32 nodejs chromium"
# npm, unless a node.js from elsewhere brings its own (NodeSource's conflicts with Debian's npm)
command -v npm >/dev/null 2>&1 || ST_PACKAGES="$ST_PACKAGES npm"

st_log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

st_install_packages() {
    local missing=() p
    for p in $ST_PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; return 1; }
        sudo="sudo"
    fi
    st_log "installing ${missing[*]}"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        "${missing[@]}"
}

# st_build DIR [MESON OPTIONS...]: configure DIR once (reconfigure with the given options
# afterwards) and build it.
st_build() {
    local dir=$1
    shift
    if [ -f "$dir/build.ninja" ]; then
        [ $# -gt 0 ] && meson configure "$dir" "$@" >/dev/null
    else
        st_log "configuring $dir"
        meson setup "$dir" "$@" >/dev/null
    fi
    st_log "building $dir"
    ninja -C "$dir" >/dev/null || ninja -C "$dir"
}

# The web tests' one dependency from npm (puppeteer-core, pinned in web/package-lock.json) in
# web/node_modules: `npm ci` once, and again only when the lock file changes. Never a browser
# download: the tests drive Debian's chromium.
st_install_web_deps() {
    local stamp=web/node_modules/.spiketalk-lock
    cmp -s web/package-lock.json "$stamp" 2>/dev/null && return 0
    command -v npm >/dev/null || { echo "npm is missing: the web tests will be skipped" >&2; return 1; }
    st_log "installing the web tests' npm dependency (npm ci in web/)"
    PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix web --no-audit --no-fund --loglevel=error >&2 &&
        cp web/package-lock.json "$stamp"
}
