#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `spiketalk live --net` against a pass-through client, live on a private JACK dummy server
# (44.1 kHz, 64-frame periods, real-time priority 70 when permitted): the xruns a plain
# pass-through client (tests/live/jack-client pass) sees in SECONDS, then, on a fresh server
# each, the xruns of `spiketalk live --net izh2003` for each size and thread (the voice looped
# into it by jack-client feed, which counts the server's xruns beside it) and its late blocks.
# Prints a table; not a test. The dummy driver on a shared machine misses deadlines even for
# the pass-through client: compare the rows, run it more than once.
# usage: bench/bench-live-net-jack.sh BUILD-DIR [SECONDS] (default 30)
set -u
B=${1:?usage: bench-live-net-jack.sh BUILD-DIR [SECONDS]} S=${2:-30}
ST=$B/src/cli/spiketalk JC=$B/tests/jack-client
VOICE=$(dirname "$0")/../data/demo-voice.wav
export JACK_DEFAULT_SERVER="spiketalk-bench-$$"
T=$(mktemp -d)
JACKD=""
cleanup() {
    [ -n "$JACKD" ] && kill "$JACKD" 2>/dev/null && wait "$JACKD" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
start_jackd() {
    jackd -n "$JACK_DEFAULT_SERVER" -R -P 70 -d dummy -r 44100 -p 64 >"$T/jackd.log" 2>&1 &
    JACKD=$!
    for _ in $(seq 100); do jack_lsp >/dev/null 2>&1 && return 0; sleep 0.05; done
    echo "jackd did not start" >&2
    exit 1
}
stop_jackd() { kill "$JACKD"; wait "$JACKD" 2>/dev/null; JACKD=""; }
num() { grep -oE "\"$2\": [-0-9.e]+" "$1" | head -1 | awk '{print $2}'; }

printf '%-34s %8s %8s %8s %10s %10s\n' "client ($S s each)" xruns "server" late "cb mean" \
    "worker mean"
start_jackd
"$JC" pass "$S" >"$T/pass.out"
printf '%-34s %8s %8s %8s %10s %10s\n' "pass-through (jack-client pass)" \
    "$(awk '{print $NF}' "$T/pass.out")" - - - -
stop_jackd
for run in "1000 callback" "1000 worker" "10000 callback" "10000 worker"; do
    set -- $run
    start_jackd
    "$ST" live --host-api jack --net izh2003 --neurons "$1" --net-thread "$2" --duration "$S" \
        --quiet --json </dev/null >"$T/live.json" 2>"$T/live.err" &
    LIVE=$!
    for _ in $(seq 200); do jack_lsp 2>/dev/null | grep -q spiketalk:in_0 && break; sleep 0.05; done
    "$JC" feed "$VOICE" spiketalk:in_0 "$S" >"$T/feed.out" 2>&1
    wait "$LIVE"
    lat=$(num "$T/live.json" net_latency_ms)
    printf '%-34s %8s %8s %8s %9.1f%% %9.1f%%\n' "live --net, $1, $2${lat:+ ${lat%.*} ms}" \
        "$(num "$T/live.json" xruns)" "$(awk '{print $NF}' "$T/feed.out")" \
        "$(num "$T/live.json" late_blocks)" \
        "$(awk -v x="$(num "$T/live.json" callback_load_mean)" 'BEGIN{print 100*x}')" \
        "$(awk -v x="$(num "$T/live.json" worker_load_mean)" 'BEGIN{print 100*x}')"
    stop_jackd
done
echo "xruns: the client's own count (PortAudio's under/overflow flags for spiketalk); server:"
echo "the xruns the server reported to the feeding client meanwhile; late: blocks the worker"
echo "did not make in time (played as silence); cb mean: the callback's time / audio time."
