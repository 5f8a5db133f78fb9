#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# GUI tests of spiketalk-gtk under Xvfb with a private D-Bus session and the cairo renderer.
# usage: test-gui.sh SPIKETALK-GTK PNG-COUNT DATA-DIR [JACK-CLIENT]
# Drives the real app: start/quit per page, --screenshot pixel statistics, an action over
# D-Bus that changes the plot, and a bad file that must show the banner, not end the app.
# The Live page: with no audio device, Start shows the banner; on a private JACK dummy server
# (when jackd is installed and JACK-CLIENT, tests/live/jack-client, is given) live-start over
# D-Bus runs a session fed with the demo voice, whose scope must show the input and v, then
# live-preset switches the neuron on the fly and live-stop ends it; then the server is killed
# under a running session, which must end with the banner while the app goes on.
set -uo pipefail

. "$(dirname "$0")/gui-lib.sh"
gui_session "$@"

APP=$1
COUNT=$2
DATA=$3
JC=${4:-}
ID=org.spiketalk.Spiketalk
TMP=$(mktemp -d)
JACKD=
trap 'kill "${PID:-}" 2>/dev/null; [ -n "$JACKD" ] && kill "$JACKD" 2>/dev/null; rm -rf "$TMP"' EXIT
# a private JACK server name: never one that a desktop session or another test runs
export JACK_DEFAULT_SERVER="spiketalk-gui-$$"
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

# ---- 5. the Live page -------------------------------------------------------------------------
# no server under our private name (and no sound card here): Start shows the banner, no crash
if start "$TMP/nodev.log" --page live; then
    gapplication action "$ID" live-start
    if wait_for "$TMP/nodev.log" 'spiketalk-gtk: error: (no audio device; open a file on the Listen page|live: )' &&
        sleep 0.3 && kill -0 "$PID" 2>/dev/null; then
        pass "live-start without a device: banner ($(grep -o 'error: .*' "$TMP/nodev.log" | head -1)), app alive"
    else
        fail "live-start without a device"
    fi
    quit_app && pass "quits with status 0 after a failed start" || fail "quit after a failed start"
else
    fail "start for the no-device test"
fi

if [ -z "$JC" ] || ! command -v jackd >/dev/null || ! command -v jack_lsp >/dev/null; then
    echo "skip - the live session on JACK (jackd, jack_lsp or the test client missing)"
else
    start_jackd
    if start "$TMP/live.log" --page live; then
        gapplication action "$ID" live-start
        if wait_for "$TMP/live.log" 'live started fs=44100 block=64 '; then
            pass "live-start over D-Bus: $(grep -o 'live started.*' "$TMP/live.log")"
            # the demo voice into the session's input, in real time
            "$JC" play "$DATA/demo-voice.wav" "$TMP/rec.wav" --to spiketalk:in_0 \
                --from spiketalk:out_0 --tail 0 >"$TMP/client.out" 2>&1 &
            CLIENT=$!
            sleep 1.5
            gapplication action "$ID" screenshot "'$TMP/live.png'"
            wait_for "$TMP/live.log" "screenshot $TMP/live.png"
            # the scope: the input (purple) in the upper panel, v (blue) in the lower one
            in_px=$("$COUNT" "$TMP/live.png" 148 102 189 30 0.3 0.05 1 0.55 | awk '{print $3}')
            v_px=$("$COUNT" "$TMP/live.png" 31 119 180 24 0.3 0.55 1 1 | awk '{print $3}')
            [ "${in_px:-0}" -ge 800 ] && [ "${v_px:-0}" -ge 1500 ] &&
                pass "the scope shows traces: $in_px input (purple), $v_px v (blue) pixels" ||
                fail "the scope: only ${in_px:-0} input and ${v_px:-0} v pixels"
            : >"$TMP/live.log"
            gapplication action "$ID" live-preset "'LTS'"
            wait_for "$TMP/live.log" 'live preset LTS at [0-9.]+ s' &&
                pass "live-preset LTS on the fly: $(grep -o 'live preset.*' "$TMP/live.log")" ||
                fail "live-preset LTS"
            gapplication action "$ID" live-preset "'XYZ'"
            wait_for "$TMP/live.log" "error: live: unknown preset 'XYZ'" &&
                pass "an unknown live preset shows the banner" || fail "unknown live preset"
            wait "$CLIENT"
            gapplication action "$ID" live-stop
            if wait_for "$TMP/live.log" 'live stopped frames=[1-9][0-9]* xruns=[0-9]+ spikes=[1-9]'; then
                line=$(grep -o 'live stopped.*' "$TMP/live.log")
                fps=$(echo "$line" | grep -oE 'scope_fps=[0-9.]+' | cut -d= -f2)
                awk -v f="${fps:-0}" 'BEGIN { exit !(f >= 30) }' &&
                    pass "live-stop: $line" || fail "the scope ran at ${fps:-0} fps (< 30): $line"
            else
                fail "live-stop: no marker with frames and spikes"
            fi
        else
            fail "live-start on the JACK dummy server"
        fi
        quit_app && pass "quits with status 0 after a live session" || fail "quit after live"
    else
        fail "start for the live test"
    fi
    # the server goes away mid-session: the banner, the session closed, the app alive
    if start "$TMP/gone.log" --page live; then
        gapplication action "$ID" live-start
        wait_for "$TMP/gone.log" 'live started' && sleep 0.5
        kill "$JACKD" 2>/dev/null
        wait "$JACKD" 2>/dev/null
        JACKD=
        wait_for "$TMP/gone.log" 'error: live: .*went away.*session is closed' &&
            grep -q 'live stopped frames=' "$TMP/gone.log" && kill -0 "$PID" 2>/dev/null &&
            pass "the server went away: banner, session closed, app alive" ||
            fail "the server went away"
        quit_app && pass "quits with status 0 after losing the server" ||
            fail "quit after losing the server"
    else
        fail "start for the lost-server test"
    fi
    [ -n "$JACKD" ] && kill "$JACKD" 2>/dev/null && wait "$JACKD" 2>/dev/null
    JACKD=
fi

echo "$fails failed"
[ "$fails" -eq 0 ]
