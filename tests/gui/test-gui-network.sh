#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# GUI tests of the app's Network page under Xvfb with a private D-Bus session and the cairo
# renderer.
# usage: test-gui-network.sh SPIKETALK-GTK SPIKETALK PNG-COUNT DATA-DIR [JACK-CLIENT]
# 1. --page network --open demo-voice.wav --screenshot: the raster region holds many spike
#    pixels (the excitatory blue, the inhibitory red), the spectrogram region is not uniform.
# 2. Exports over D-Bus: the spikes CSV and the sound WAV equal, byte for byte, what
#    `spiketalk network --input` writes for the same file (one engine), the figure is a real
#    PNG/SVG/PDF; a bad source name shows the banner.
# 3. Live, on a private JACK dummy server (when jackd and JACK-CLIENT are there): the microphone
#    as the source, network-start, the demo voice played into the session; a screenshot while
#    it runs must show the raster filled; network-stop ends it, every spike of the session went
#    through the display feed, and the whole session's figure and CSV follow.
set -uo pipefail

. "$(dirname "$0")/gui-lib.sh"
gui_session "$@"

APP=$1
CLI=$2
COUNT=$3
DATA=$4
JC=${5:-}
ID=org.spiketalk.Spiketalk
VOICE=$DATA/demo-voice.wav
TMP=$(mktemp -d)
JACKD=
PID=
trap 'kill "${PID:-}" 2>/dev/null; [ -n "$JACKD" ] && kill "$JACKD" 2>/dev/null; rm -rf "$TMP"' EXIT
export JACK_DEFAULT_SERVER="spiketalk-gui-net-$$"
# px PNG R G B TOL X0 Y0 X1 Y1: pixels near the colour in the region (fractions of the size).
px() { "$COUNT" "$@" | awk '{print $3}'; }
# area PNG X0 Y0 X1 Y1: pixels in the region.
area() { "$COUNT" "$1" 0 0 0 0 | awk -v a="$2" -v b="$3" -v c="$4" -v d="$5" \
    '{printf "%d\n", ($1 * (c - a)) * ($2 * (d - b))}'; }

# The figure's colours (src/io/figure-network.c): excitatory and inhibitory spikes, and the
# spectrogram's floor (viridis at its lowest: silence).
EXC="26 64 179"
INH="214 38 41"
FLOOR="68 1 84"

# ---- 1. the screenshot of the demo voice --------------------------------------------------
"$APP" --page network --open "$VOICE" --screenshot "$TMP/net.png" >"$TMP/shot.log" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q "ready page=network" "$TMP/shot.log" &&
    grep -Eq "network ran .*demo-voice.wav spikes=[1-9]" "$TMP/shot.log" &&
    grep -Eq "screenshot $TMP/net.png [0-9]+x[0-9]+" "$TMP/shot.log" &&
    pass "--page network --open --screenshot exits 0 after running the demo voice" ||
    fail "--page network --screenshot: rc $rc: $(cat "$TMP/shot.log")"
# the plot is the right part of the window; from the top: spectrogram, raster, rate, spectrum
exc=$(px "$TMP/net.png" $EXC 30 0.45 0.33 1 0.51)
inh=$(px "$TMP/net.png" $INH 30 0.45 0.33 1 0.51)
[ "${exc:-0}" -ge 5000 ] && [ "${inh:-0}" -ge 1000 ] &&
    pass "the raster holds spikes: $exc excitatory (blue) and $inh inhibitory (red) pixels" ||
    fail "the raster: only ${exc:-0} blue and ${inh:-0} red pixels"
# the spectrogram: silence (the floor) and sound (anything else) both take a good share
floor=$(px "$TMP/net.png" $FLOOR 25 0.47 0.12 0.94 0.26)
all=$(area "$TMP/net.png" 0.47 0.12 0.94 0.26)
if [ "${floor:-0}" -ge $((all / 10)) ] && [ "${floor:-0}" -le $((all * 8 / 10)) ]; then
    pass "the spectrogram is not uniform: $floor of $all pixels at the floor"
else
    fail "the spectrogram: $floor of $all pixels at the floor (want 10 % to 80 %)"
fi
# the raster's spikes are not the spectrogram's: no blue there
blue_in_spec=$(px "$TMP/net.png" $EXC 30 0.47 0.12 0.94 0.26)
[ "${blue_in_spec:-0}" -lt $((exc / 20)) ] &&
    pass "the spectrogram holds no raster colour ($blue_in_spec pixels)" ||
    fail "raster colour in the spectrogram: $blue_in_spec pixels"

# ---- 2. exports over D-Bus, against the command line --------------------------------------
"$CLI" network --input "$VOICE" --spikes "$TMP/cli.csv" --sound "$TMP/cli.wav" --quiet ||
    fail "spiketalk network --input"
if start "$TMP/exp.log" --page network; then
    gapplication action "$ID" open "'$VOICE'"
    if wait_for "$TMP/exp.log" 'network ran .*demo-voice.wav spikes=[1-9]'; then
        for f in spikes.csv sound.wav fig.png fig.svg fig.pdf; do
            gapplication action "$ID" export "'$TMP/$f'"
            wait_for "$TMP/exp.log" "note: Saved $TMP/$f" 10 || fail "export $f: no note"
        done
        cmp -s "$TMP/spikes.csv" "$TMP/cli.csv" &&
            pass "the spikes CSV equals spiketalk network's ($(($(wc -l <"$TMP/cli.csv") - 1)) spikes)" ||
            fail "the spikes CSV differs from spiketalk network's"
        [ "$(head -1 "$TMP/spikes.csv")" = "t_ms,neuron" ] && pass "the CSV starts t_ms,neuron" ||
            fail "the CSV header: $(head -1 "$TMP/spikes.csv")"
        cmp -s "$TMP/sound.wav" "$TMP/cli.wav" &&
            pass "the sound WAV equals spiketalk network's --sound" ||
            fail "the sound WAV differs from spiketalk network's --sound"
        [ "$(head -c 8 "$TMP/fig.png" | od -An -tx1 | tr -d ' ')" = "89504e470d0a1a0a" ] &&
            grep -q '<svg' "$TMP/fig.svg" && [ "$(head -c 5 "$TMP/fig.pdf")" = "%PDF-" ] &&
            pass "the figure exports as PNG, SVG and PDF" || fail "the figure exports"
        : >"$TMP/exp.log"
        gapplication action "$ID" network-source "'radio'"
        wait_for "$TMP/exp.log" "error: network: unknown source 'radio'" 10 &&
            pass "an unknown source shows the banner" || fail "unknown source: no banner"
        gapplication action "$ID" network-net "'izh2006'"
        : >"$TMP/exp.log"
        gapplication action "$ID" network-start
        wait_for "$TMP/exp.log" 'network ran .*demo-voice.wav spikes=[1-9][0-9]* steps=2544 ' &&
            pass "network-net izh2006, then network-start runs the file again" ||
            fail "izh2006 run"
        # the neurons' model: the 2003 network's cells in the 2007 form, as the command runs it
        "$CLI" network --input "$VOICE" --model izh2007 --spikes "$TMP/cli07.csv" --quiet ||
            fail "spiketalk network --input --model izh2007"
        gapplication action "$ID" network-net "'izh2003'"
        gapplication action "$ID" network-model "'izh2007'"
        : >"$TMP/exp.log"
        gapplication action "$ID" network-start
        if wait_for "$TMP/exp.log" 'network ran .*demo-voice.wav spikes=[1-9]'; then
            gapplication action "$ID" export "'$TMP/spikes07.csv'"
            wait_for "$TMP/exp.log" "note: Saved $TMP/spikes07.csv" 10 &&
                cmp -s "$TMP/spikes07.csv" "$TMP/cli07.csv" &&
                ! cmp -s "$TMP/cli07.csv" "$TMP/cli.csv" &&
                pass "network-model izh2007: the spikes equal spiketalk network --model izh2007's" ||
                fail "network-model izh2007: the spikes differ from the command's"
        else
            fail "network-model izh2007: no run"
        fi
        : >"$TMP/exp.log"
        gapplication action "$ID" network-model "'lif'"
        wait_for "$TMP/exp.log" "error: network: unknown neuron model 'lif'" 10 &&
            pass "an unknown neuron model shows the banner" || fail "unknown model: no banner"
    else
        fail "open over D-Bus on the Network page"
    fi
    quit_app && pass "quits with status 0 after the exports" || fail "quit after exports"
else
    fail "start for the export test"
fi

# ---- 3. live on the JACK dummy server ----------------------------------------------------
if [ -z "$JC" ] || ! command -v jackd >/dev/null || ! command -v jack_lsp >/dev/null; then
    echo "skip - the live network on JACK (jackd, jack_lsp or the test client missing)"
else
    start_jackd
    if start "$TMP/live.log" --page network; then
        gapplication action "$ID" network-source "'microphone'"
        gapplication action "$ID" network-start
        if wait_for "$TMP/live.log" 'network live started fs=44100 block=64 .* net=izh2003 neurons=1000 bands=16'; then
            pass "network-start on the microphone: $(grep -o 'network live started.*' "$TMP/live.log")"
            "$JC" play "$VOICE" "$TMP/rec.wav" --to spiketalk:in_0 --from spiketalk:out_0 \
                --tail 0 >"$TMP/client.out" 2>&1 &
            CLIENT=$!
            sleep 1.5
            gapplication action "$ID" screenshot "'$TMP/live.png'"
            wait_for "$TMP/live.log" "screenshot $TMP/live.png"
            grep -q 'network ran' "$TMP/live.log" &&
                fail "the whole figure came before the stop"
            # the live figure: raster, rate, spectrum; the raster is the top third of the plot
            lexc=$(px "$TMP/live.png" $EXC 30 0.45 0.08 1 0.36)
            linh=$(px "$TMP/live.png" $INH 30 0.45 0.08 1 0.36)
            [ "${lexc:-0}" -ge 3000 ] && [ "${linh:-0}" -ge 500 ] &&
                pass "the raster fills while running: $lexc blue, $linh red pixels" ||
                fail "the live raster: only ${lexc:-0} blue and ${linh:-0} red pixels"
            wait "$CLIENT"
            gapplication action "$ID" network-stop
            if wait_for "$TMP/live.log" 'network live stopped frames=[1-9][0-9]* '; then
                line=$(grep -o 'network live stopped.*' "$TMP/live.log")
                spikes=$(echo "$line" | grep -oE ' spikes=[0-9]+' | cut -d= -f2)
                shown=$(echo "$line" | grep -oE 'shown=[0-9]+' | cut -d= -f2)
                dropped=$(echo "$line" | grep -oE 'feed_dropped=[0-9]+' | cut -d= -f2)
                frames=$(echo "$line" | grep -oE 'frames=[0-9]+' | cut -d= -f2)
                [ "${frames:-0}" -ge 110250 ] && [ "${spikes:-0}" -gt 1000 ] &&
                    [ "$shown" = "$spikes" ] && [ "$dropped" = 0 ] &&
                    pass "network-stop: every spike went through the display feed: $line" ||
                    fail "network-stop: $line"
                if wait_for "$TMP/live.log" 'network ran microphone spikes=[0-9]+ ' 30; then
                    ran=$(grep -oE 'network ran microphone spikes=[0-9]+' "$TMP/live.log" |
                        cut -d= -f2)
                    gapplication action "$ID" export "'$TMP/live.csv'"
                    wait_for "$TMP/live.log" "note: Saved $TMP/live.csv" 10
                    rows=$(($(wc -l <"$TMP/live.csv") - 1))
                    [ "$ran" = "$spikes" ] && [ "$rows" = "$spikes" ] &&
                        pass "the session's figure and CSV hold its $rows spikes" ||
                        fail "after the stop: figure $ran, CSV $rows, session $spikes spikes"
                else
                    fail "no figure of the whole session after the stop"
                fi
            else
                fail "network-stop: no marker"
            fi
        else
            fail "network-start on the JACK dummy server"
        fi
        quit_app && pass "quits with status 0 after a live network" || fail "quit after live"
    else
        fail "start for the live test"
    fi
    kill "$JACKD" 2>/dev/null && wait "$JACKD" 2>/dev/null
    JACKD=
fi

echo "$fails failed"
[ "$fails" -eq 0 ]
