#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Soak test (not in CI): `spiketalk live` for SECONDS (default 600) on a private JACK dummy
# server at 64 frames, with the demo voice looped into its input, beside a plain pass-through
# client on the same server. Reports the xruns of both (spiketalk: callbacks PortAudio flagged;
# the pass-through and the feeder: the server's xrun notifications) and spiketalk's memory
# (VmRSS a few seconds in and just before the end, and VmHWM, from /proc/PID/status).
# usage: tests/live/soak.sh [SECONDS] [BUILD-DIR]   (after `ninja -C build`)
set -u
SECONDS_RUN=${1:-600}
B=${2:-build}
ST=$B/src/cli/spiketalk JC=$B/tests/jack-client
DATA=$(dirname "$0")/../../data
for f in "$ST" "$JC"; do
    [ -x "$f" ] || { echo "soak: $f is missing; build first (ninja -C $B)" >&2; exit 1; }
done
T=$(mktemp -d)
export JACK_DEFAULT_SERVER="spiketalk-soak-$$"
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
jackd -n "$JACK_DEFAULT_SERVER" -R -P 70 -d dummy -r 44100 -p 64 >"$T/jackd.log" 2>&1 &
JACKD=$!
PIDS+=("$JACKD")
for _ in $(seq 100); do jack_lsp >/dev/null 2>&1 && break; sleep 0.05; done

"$ST" live --host-api jack --block 64 --duration "$SECONDS_RUN" --json </dev/null \
    >"$T/live.json" 2>"$T/live.err" &
LIVE=$!
PIDS+=("$LIVE")
"$JC" pass "$SECONDS_RUN" >"$T/pass.out" 2>&1 &
PASS=$!
PIDS+=("$PASS")
"$JC" feed "$DATA/demo-voice.wav" spiketalk:in_0 "$SECONDS_RUN" >"$T/feed.out" 2>&1 &
FEED=$!
PIDS+=("$FEED")

rss() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null; }
sleep 5
RSS0=$(rss "$LIVE" VmRSS) PRSS0=$(rss "$PASS" VmRSS)
sleep $((SECONDS_RUN - 8))
RSS1=$(rss "$LIVE" VmRSS) HWM=$(rss "$LIVE" VmHWM) PRSS1=$(rss "$PASS" VmRSS)
wait "$LIVE"
RC=$?
wait "$PASS" "$FEED"
num() { grep -oE "\"$1\": [-0-9.e]+" "$T/live.json" | head -1 | awk '{print $2}'; }
echo "soak: $SECONDS_RUN s on JACK's dummy driver, 44100 Hz, 64 frames; spiketalk exit $RC"
secs=$(awk -v f="$(num frames)" 'BEGIN{printf "%.1f", f/44100}')
echo "spiketalk live: frames $(num frames) ($secs s)," \
    "xruns $(num xruns), spikes $(num spike_count), callback load mean" \
    "$(awk -v l="$(num callback_load_mean)" 'BEGIN{printf "%.2f%%", 100*l}') max" \
    "$(awk -v l="$(num callback_load_max)" 'BEGIN{printf "%.1f%%", 100*l}'), recording drops" \
    "$(num record_dropped_samples)"
echo "spiketalk memory: VmRSS ${RSS0:-?} kB at 5 s, ${RSS1:-?} kB at $((SECONDS_RUN - 3)) s;" \
    "VmHWM ${HWM:-?} kB"
echo "$(cat "$T/pass.out") (VmRSS ${PRSS0:-?} -> ${PRSS1:-?} kB)"
cat "$T/feed.out"
grep -v '^live: [0-9]' "$T/live.err" | grep -v '^keys:' | head -5
