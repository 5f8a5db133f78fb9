#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `meson install` into a temporary DESTDIR, then everything run from there, away from the
# build tree: the binaries, the Python module (and the README's Python example), the LV2
# plugin through lilv, the man pages through man, the bash completion through
# bash-completion's own loader, the desktop entry and metainfo through their validators.
# usage: test-install.sh MESON BUILD-DIR SOURCE-DIR PREFIX PYTHON PYTHON-DIR LV2-BUNDLE-DIR
#                        LV2-HOST (each optional part may be '-': not built)
set -uo pipefail
MESON=$1 BUILD=$2 SRC=$3 PREFIX=$4 PY=$5 PYDIR=$6 LV2DIR=$7 HOST=$8
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }

DEST=$T/dest
if "$MESON" install -C "$BUILD" --destdir "$DEST" --no-rebuild --quiet >"$T/install" 2>&1; then
    ok "meson install --destdir"
else
    bad "meson install: $(tail -5 "$T/install")"
    echo "1..$n"
    exit 1
fi
D=$DEST$PREFIX
cd "$T" || exit 1

# ---- the binaries -------------------------------------------------------------------------------
ST=$D/bin/spiketalk
"$ST" --version | grep -qx 'spiketalk [0-9.]*' && ok "installed spiketalk --version" ||
    bad "installed spiketalk: $("$ST" --version 2>&1)"
# the study's RS cell fires 8 spikes under its protocol (README)
"$ST" simulate --preset RS --json | grep -q '"spike_count": 8,' &&
    ok "installed spiketalk simulate: RS fires 8 spikes" || bad "installed spiketalk simulate"
"$ST" process "$SRC/data/demo-voice.wav" -o "$T/cli.wav" --block 64 --quiet &&
    ok "installed spiketalk process" || bad "installed spiketalk process"
if [ -x "$D/bin/spiketalk-gtk" ]; then
    "$D/bin/spiketalk-gtk" --help | grep -q -- '--open' && ok "installed spiketalk-gtk --help" ||
        bad "installed spiketalk-gtk --help"
fi

# ---- the Python module -------------------------------------------------------------------------
if [ "$PYDIR" != - ]; then
    export PYTHONPATH=$DEST$PYDIR PYTHONDONTWRITEBYTECODE=1
    "$PY" - "$DEST" <<'PY' && ok "installed module: imported from DESTDIR, RS fires 8 spikes" ||
import sys
import spiketalk
assert spiketalk.__file__.startswith(sys.argv[1]), spiketalk.__file__
r = spiketalk.simulate(preset="RS")
assert r.spike_count == 8 and len(r.v) == 2001, r
PY
        bad "installed Python module"
    if "$PY" -c 'import matplotlib' 2>/dev/null; then
        (cd "$SRC" && "$PY" docs/python-example.py "$T/example.png") &&
            [ -s "$T/example.png" ] && ok "the README's Python example runs on the installed module" ||
            bad "docs/python-example.py"
    fi
    unset PYTHONPATH
fi

# ---- the LV2 plugin ------------------------------------------------------------------------------
if [ "$LV2DIR" != - ]; then
    export LV2_PATH=$DEST$(dirname "$LV2DIR")
    lv2info urn:spiketalk:neuron | grep -q "Bundle:.*$DEST" && ok "lilv finds the installed plugin" ||
        bad "lv2info with LV2_PATH=$LV2_PATH"
    "$HOST" f32 "$SRC/data/demo-voice.wav" "$T/voice.wav" &&
        lv2apply -i "$T/voice.wav" -o "$T/lv2.wav" urn:spiketalk:neuron >/dev/null 2>&1 &&
        "$HOST" same "$T/cli.wav" "$T/lv2.wav" >/dev/null &&
        ok "lv2apply with the installed plugin = installed spiketalk process --block 64" ||
        bad "lv2apply with the installed plugin"
    unset LV2_PATH
    # where hosts look by default (lilv's LV2_PATH on Debian)
    case $PREFIX in
    /usr | /usr/local)
        [ "$(dirname "$LV2DIR")" = "$PREFIX/lib/lv2" ] && ok "bundle on the default LV2 path" ||
            bad "bundle in $LV2DIR, not on the default LV2 path" ;;
    esac
fi

# ---- man pages, completion, desktop files ---------------------------------------------------------
count=$(ls "$D"/share/man/man1/spiketalk*.1 2>/dev/null | wc -l)
[ "$count" -ge 9 ] && ok "$count man pages installed" || bad "man pages: $count"
if command -v man >/dev/null; then
    MANPATH=$D/share/man man -w spiketalk-process | grep -q "^$D/share/man/man1/spiketalk-process.1" &&
        ok "man finds spiketalk-process(1)" || bad "man -w: $(MANPATH=$D/share/man man -w spiketalk-process 2>&1)"
fi
if [ -f /usr/share/bash-completion/bash_completion ]; then
    # bash-completion's own loader, as an interactive shell runs it on the first TAB
    XDG_DATA_DIRS=$D/share bash -c '. /usr/share/bash-completion/bash_completion
        __load_completion spiketalk && complete -p spiketalk' >"$T/comp" 2>&1 &&
        grep -q -- '-F _spiketalk spiketalk' "$T/comp" &&
        ok "bash-completion loads the installed completion" || bad "completion: $(cat "$T/comp")"
else
    [ -f "$D/share/bash-completion/completions/spiketalk" ] && ok "completion installed" ||
        bad "no installed completion"
fi
if [ -x "$D/bin/spiketalk-gtk" ]; then
    id=org.spiketalk.Spiketalk
    desktop-file-validate "$D/share/applications/$id.desktop" &&
        appstreamcli validate --no-net "$D/share/metainfo/$id.metainfo.xml" >/dev/null &&
        [ -f "$D/share/icons/hicolor/scalable/apps/$id.svg" ] &&
        ok "desktop entry, metainfo and icon installed and valid" || bad "desktop files"
fi
echo "1..$n"
[ $failed = 0 ]
