# SPDX-License-Identifier: GPL-3.0-or-later
# Shared set-up for demo.sh and test.sh (sourced): install the Debian packages that are missing,
# then configure and build with Meson. Safe to run again and again.

# Everything the build and the tests need, from Debian's archive.
ST_PACKAGES="gcc pkg-config meson ninja-build libcmocka-dev libcairo2-dev fonts-dejavu-core
libfftw3-dev libsndfile1-dev portaudio19-dev
jackd2 libjack-jackd2-dev
libopenmpi-dev openmpi-bin
libgtk-4-dev xvfb xauth dbus-daemon xdotool libglib2.0-bin"

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
