#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# GUI tests of spiketalk-gtk under Xvfb with a private D-Bus session and the cairo renderer.
# usage: test-gui.sh SPIKETALK-GTK PNG-COUNT DATA-DIR
# Drives the real app: start/quit per page, --screenshot pixel statistics, an action over
# D-Bus that changes the plot, and a bad file that must show the banner, not end the app.
set -uo pipefail

if [ -z "${ST_GUI_INNER:-}" ]; then
    for tool in xvfb-run dbus-run-session gapplication xauth; do
        command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
    done
    exec env ST_GUI_INNER=1 GSK_RENDERER=cairo GDK_BACKEND=x11 NO_AT_BRIDGE=1 \
        dbus-run-session -- xvfb-run -a -s "-screen 0 1600x1000x24" "$0" "$@"
fi

APP=$1
COUNT=$2
DATA=$3
ID=org.spiketalk.Spiketalk
TMP=$(mktemp -d)
trap 'kill "${PID:-}" 2>/dev/null; rm -rf "$TMP"' EXIT
fails=0
pass() { echo "ok - $*"; }
fail() { echo "FAIL - $*"; fails=$((fails + 1)); }

# wait_for LOG PATTERN [SECONDS]: polls the log for an extended regex.
wait_for() {
    local i
    for ((i = 0; i < ${3:-30} * 10; i++)); do
        grep -Eq "$2" "$1" && return 0
        sleep 0.1
    done
    echo "timed out waiting for '$2' in $1:" >&2
    cat "$1" >&2
    return 1
}

# start LOG ARGS...: runs the app in the background (PID), logs to LOG, waits until ready.
start() {
    local log=$1
    shift
    : >"$log"
    "$APP" "$@" >>"$log" 2>&1 &   # appending, so the log can be emptied between steps
    PID=$!
    wait_for "$log" 'spiketalk-gtk: ready page='
}

# quit_app: asks over D-Bus, then expects a clean exit 0.
quit_app() {
    gapplication action "$ID" quit
    local rc
    wait "$PID"
    rc=$?
    PID=
    return $rc
}

# blue LOG/PNG: pixels of the v trace's blue in the plot (the right 55 % of the window).
blue() { "$COUNT" "$1" 31 119 180 24 0.45 0.05 1 1 | awk '{print $3}'; }

# ---- 1. every page starts and quits cleanly --------------------------------------------------
for page in simulate listen live axon; do
    if start "$TMP/$page.log" --page "$page" && grep -q "ready page=$page" "$TMP/$page.log" &&
        quit_app; then
        pass "page $page starts and quits with status 0"
    else
        fail "page $page"
    fi
done

# ---- 2. screenshots --------------------------------------------------------------------------
check_shot() { # NAME PNG LOG MIN-BLUE
    local dims w h n
    dims=$(grep -Eo 'screenshot .* [0-9]+x[0-9]+' "$3" | awk '{print $NF}')
    read -r w h n < <("$COUNT" "$2" 31 119 180 24 0.45 0.05 1 1) || { fail "$1: unreadable PNG"; return; }
    if [ "${w}x${h}" != "$dims" ] || [ "$w" -lt 800 ] || [ "$h" -lt 500 ]; then
        fail "$1: PNG is ${w}x${h}, the window ${dims:-unknown}"
    elif [ "$n" -lt "$4" ]; then
        fail "$1: only $n blue trace pixels in the plot (want >= $4)"
    else
        pass "$1: ${w}x${h} PNG of the window, $n blue trace pixels in the plot"
    fi
}
"$APP" --page simulate --preset RS --screenshot "$TMP/rs.png" >"$TMP/rs.log" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q 'simulated model=izhikevich preset=RS spikes=8' "$TMP/rs.log" &&
    pass "--screenshot simulate exits 0 after simulating RS (8 spikes)" ||
    fail "--screenshot simulate: rc $rc"
check_shot "simulate RS screenshot" "$TMP/rs.png" "$TMP/rs.log" 1500

"$APP" --open "$DATA/demo-voice.wav" --screenshot "$TMP/listen.png" >"$TMP/listen.log" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -Eq 'processed .*demo-voice.wav spikes=[1-9]' "$TMP/listen.log" &&
    pass "--screenshot listen exits 0 after processing the demo voice" ||
    fail "--screenshot listen: rc $rc"
check_shot "listen screenshot" "$TMP/listen.png" "$TMP/listen.log" 1500
purple=$("$COUNT" "$TMP/listen.png" 148 102 189 30 0.45 0.05 1 0.55 | awk '{print $3}')
[ "${purple:-0}" -ge 500 ] && pass "listen: $purple raw-signal (purple) pixels" ||
    fail "listen: only ${purple:-0} purple pixels of the raw signal"

# ---- 3. an action over D-Bus changes what is plotted ----------------------------------------
if start "$TMP/act.log" --page simulate --preset RS; then
    wait_for "$TMP/act.log" 'preset=RS spikes=8'
    gapplication action "$ID" screenshot "'$TMP/act-rs.png'"
    wait_for "$TMP/act.log" "screenshot $TMP/act-rs.png"
    : >"$TMP/act.log"
    gapplication action "$ID" set-preset "'FS'"
    if wait_for "$TMP/act.log" 'simulated model=izhikevich preset=FS spikes=[0-9]+'; then
        fs=$(grep -Eo 'preset=FS spikes=[0-9]+' "$TMP/act.log" | tail -1 | cut -d= -f3)
        [ "$fs" -gt 8 ] && pass "set-preset FS over D-Bus: $fs spikes (RS had 8)" ||
            fail "set-preset FS: $fs spikes"
        gapplication action "$ID" screenshot "'$TMP/act-fs.png'"
        wait_for "$TMP/act.log" "screenshot $TMP/act-fs.png"
        b_rs=$(blue "$TMP/act-rs.png")
        b_fs=$(blue "$TMP/act-fs.png")
        [ "$b_fs" -gt $((b_rs + 200)) ] &&
            pass "the plot changed: $b_rs blue pixels for RS, $b_fs for FS" ||
            fail "the plot did not change: $b_rs blue pixels for RS, $b_fs for FS"
    else
        fail "set-preset FS over D-Bus: no marker"
    fi
    gapplication action "$ID" set-preset "'XYZ'"
    wait_for "$TMP/act.log" "error: --preset: unknown preset 'XYZ'" &&
        pass "an unknown preset shows the banner" || fail "unknown preset: no banner"
    quit_app && pass "quits with status 0 after the actions" || fail "quit after actions"
else
    fail "start for the action test"
fi

# ---- 4. bad files show the banner; the app keeps running ------------------------------------
printf 'this is not audio\n' >"$TMP/bad.wav"
if start "$TMP/bad.log" --page listen; then
    for f in "$TMP/bad.wav" "$TMP/missing.wav"; do
        : >"$TMP/bad.log"
        gapplication action "$ID" open "'$f'"
        if wait_for "$TMP/bad.log" "spiketalk-gtk: error: $f: " && sleep 0.3 &&
            kill -0 "$PID" 2>/dev/null; then
            pass "bad file $(basename "$f"): banner shown ($(grep -o 'error: .*' "$TMP/bad.log" | head -1)), app alive"
        else
            fail "bad file $(basename "$f")"
        fi
    done
    gapplication action "$ID" open "'$DATA/demo-voice.wav'"
    wait_for "$TMP/bad.log" 'processed .*demo-voice.wav' &&
        pass "a good file after bad ones is processed" || fail "good file after bad ones"
    quit_app && pass "quits with status 0 after bad files" || fail "quit after bad files"
else
    fail "start for the bad-file test"
fi

echo "$fails failed"
[ "$fails" -eq 0 ]
