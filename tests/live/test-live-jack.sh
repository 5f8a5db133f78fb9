#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `spiketalk live` on a private JACK server with the dummy driver (no sound card needed), on
# PortAudio's JACK host API, fed and recorded by tests/live/jack-client. Skips (exit 77) where
# jackd is not installed.
#
#   exact  JACK in freewheel (no deadlines, deterministic): the probe (a tone burst and the demo
#          voice) goes in; the recording equals `spiketalk process --block N` of what the stream
#          received, shifted by the measured round trip, which equals N (64 with the default
#          stages, 128 with hilbert); --record-in/--record-out are exact; SIGINT and SIGTERM
#          end the sessions cleanly; the envelope's half-rise lags the burst's attack by the
#          reported algorithmic delay. Under the LD_PRELOAD guard (rt-guard.so): nothing in
#          the callback allocates, locks or prints.
#   xrun   real time, one callback stalled on purpose (--test-stall-ms): the xrun is counted
#          (JSON and meter), the session runs to its end, and its output still equals process
#          --block of its input: the neuron and every stage carried on through the gap.
#   net-exact  `live --net` (a network that listens, 400 neurons, 8 bands, its cells in the 2007
#          form: --model izh2007) in freewheel: what it played equals `spiketalk network
#          --input --model izh2007` of what it received with --block 64, bit for bit, and so do
#          its spikes (times and neurons); the round trip is the block.
#   net-xrun   `live --net` in real time with a stalled callback: the xrun is counted and the
#          output still equals `network --input` of the input.
#   net-worker-exact  `live --net --net-thread worker --net-latency 10` in freewheel, the callback
#          waiting for the worker (--test-net-lockstep, as freewheel has no deadlines): what it
#          played equals `network --input` of what it received delayed by exactly 10 ms = 441
#          samples (the JSON's net_latency_samples), every block; its spikes are the offline
#          run's; the round trip is the block plus 441; the callback guard passes in worker
#          mode; a latency under one block is refused naming --net-latency.
#   net-worker-late  the worker in real time, stalled on purpose (--test-worker-stall-ms): the
#          callback never waits - the late blocks are silent and counted (JSON and meter), the
#          others still equal `network --input` delayed by the latency, after the stall too, and
#          the spikes are still the offline run's (no input was lost).
#   guard  no server: the no-device message; bad flags; then keys switch presets while the
#          guard watches; a rate the server does not run; the guard itself catches a malloc put
#          in the callback on purpose; and the server goes away mid-session.
#
# usage: test-live-jack.sh MODE SPIKETALK JACK-CLIENT WAV-CHECK RT-GUARD.so DATA-DIR
set -u
MODE=$1 ST=$2 JC=$3 WC=$4 GUARD=$5 DATA=$6
command -v jackd >/dev/null && command -v jack_lsp >/dev/null || {
    echo "SKIP: jackd and jack_lsp (Debian jackd2) are needed" >&2
    exit 77
}
ulimit -c 0 # the guard test aborts a process on purpose: no core file
T=$(mktemp -d)
# a private server name per run, so that runs and other tests coexist
export JACK_DEFAULT_SERVER="spiketalk-live-$MODE-$$"
JACKD="" LIVE=""
cleanup() {
    [ -n "$LIVE" ] && kill "$LIVE" 2>/dev/null && wait "$LIVE" 2>/dev/null
    [ -n "$JACKD" ] && kill "$JACKD" 2>/dev/null && wait "$JACKD" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
# field FILE NAME: a number or string after "NAME": in a JSON or key-value output
json_num() { grep -oE "\"$2\": [-0-9.e]+" "$1" | head -1 | awk '{print $2}'; }
json_str() { grep -oE "\"$2\": \"[^\"]*\"" "$1" | head -1 | sed 's/.*: "//; s/"$//'; }
kv() { grep -oE "$2 [-0-9.e]+" "$1" | head -1 | awk '{print $2}'; }
# near A B TOL: |A - B| <= TOL
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; exit !(d <= t && -d <= t) }'; }

start_jackd() {
    jackd -n "$JACK_DEFAULT_SERVER" -R -P 70 -d dummy -r 44100 -p 64 >"$T/jackd.log" 2>&1 &
    JACKD=$!
    for _ in $(seq 100); do
        jack_lsp >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    echo "jackd did not start: $(cat "$T/jackd.log")" >&2
    exit 1
}

# live_bg DIR ARGS...: `spiketalk live` on JACK under the guard, in the background ($LIVE).
# A session that has just ended may still be registered with the server for a moment (the
# server removes a client after the process has gone): until it is, a new client would be
# renamed (spiketalk-01) and the test client would look for spiketalk's ports in vain.
live_bg() {
    local d=$1
    shift
    for _ in $(seq 200); do
        jack_lsp 2>/dev/null | grep -q '^spiketalk:' || break
        sleep 0.05
    done
    LD_PRELOAD="$GUARD" "$ST" live --host-api jack "$@" --json <"${LIVE_STDIN:-/dev/null}" \
        >"$d/live.json" 2>"$d/live.err" &
    LIVE=$!
}

# live_end DIR [SIGNAL]: stops (or waits for) the background session; its exit status is 0.
# A session still running 30 s after the signal (or after its own end was due) is killed, so
# that a failure is reported rather than the suite's time limit reached.
live_end() {
    local d=$1 rc
    [ -n "${2:-}" ] && kill "-$2" "$LIVE"
    for _ in $(seq 300); do
        kill -0 "$LIVE" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$LIVE" 2>/dev/null && kill -KILL "$LIVE"
    wait "$LIVE"
    rc=$?
    LIVE=""
    [ $rc = 0 ] && ok || bad "$d: spiketalk live exited $rc: $(tail -5 "$d/live.err")"
    grep -q '"rt_guard": true' "$d/live.json" &&
        grep -qE '^rt-guard: [1-9][0-9]* callbacks checked' "$d/live.err" && ok ||
        bad "$d: the callback guard did not run: $(grep rt-guard "$d/live.err")"
}

# ---- exact: freewheel, bit for bit ------------------------------------------------------------

# exact_run NAME BLOCK [PIPELINE FLAGS...]
exact_run() {
    local name=$1 b=$2 d="$T/$1"
    shift 2
    mkdir "$d"
    live_bg "$d" --block "$b" "$@" --record-in "$d/in.wav" --record-out "$d/out.wav" \
        --record-env "$d/env.wav"
    "$JC" play "$T/probe.wav" "$d/rec.wav" --to spiketalk:in_0 --from spiketalk:out_0 \
        --freewheel --tail 8192 >"$d/client.out" 2>&1 && ok ||
        bad "$name: the test client failed: $(cat "$d/client.out"); the server's ports:" \
            "$(jack_lsp 2>&1 | tr '\n' ' ')"
    live_end "$d" "${STOP_SIGNAL:-INT}" # Ctrl-C, or a service manager's TERM
    [ "$(json_str "$d/live.json" stopped_by)" = signal ] && ok ||
        bad "$name: not stopped by SIG${STOP_SIGNAL:-INT}"
    [ "$(json_num "$d/live.json" record_dropped_samples)" = 0 ] && ok || bad "$name: samples lost"
    # where the probe landed in the stream: the stream ran S samples before the player started
    "$WC" find "$T/probe.wav" "$d/in.wav" >"$d/find.out"
    local S
    S=$(kv "$d/find.out" offset)
    [ -n "$S" ] && ok || { bad "$name: --record-in does not hold the probe exactly"; return; }
    # the offline reference: process --block N of exactly what the stream received
    "$WC" pad "$T/probe.wav" "$S" "$d/ref-in.wav"
    "$ST" process "$d/ref-in.wav" --block "$b" "$@" -o "$d/ref-out.wav" --json >"$d/proc.json" ||
        bad "$name: process --block failed"
    "$WC" same "$d/out.wav" "$d/ref-out.wav" >"$d/same.out"
    [ "$(kv "$d/same.out" maxdiff)" = 0 ] && ok ||
        bad "$name: --record-out differs from process --block: $(cat "$d/same.out")"
    # the round trip: the recording (client frame 0 = probe sample 0 = stream sample S) equals
    # the reference from sample S on, R samples later
    "$WC" cut "$d/ref-out.wav" "$S" "$d/ref-tail.wav"
    "$WC" lag "$d/ref-tail.wav" "$d/rec.wav" 2048 >"$d/lag.out"
    local R diff runner
    R=$(kv "$d/lag.out" lag) diff=$(kv "$d/lag.out" maxdiff) runner=$(kv "$d/lag.out" runner_up)
    near "$diff" 0 1e-6 && ok ||
        bad "$name: the recording is not the reference shifted: $(cat "$d/lag.out")"
    near "$runner" 0 1e-3 && bad "$name: the lag is not unique: $(cat "$d/lag.out")" || ok
    [ "$R" = "$b" ] && ok || bad "$name: round trip $R samples, expected the block, $b"
    # the algorithmic delay: the envelope's half-rise after the burst's amplitude reached half
    # (a 10 ms linear attack: see wav-check.c for why not a sharp onset)
    local on len D
    on=$(kv "$T/probe.out" burst_mid) len=$(kv "$T/probe.out" burst_frames)
    D=$(json_num "$d/live.json" algorithmic_delay_samples)
    "$WC" rise "$d/env.wav" $((S + on)) "$len" >"$d/rise.out"
    local X
    X=$(kv "$d/rise.out" delay)
    near "$X" "$D" 2 && ok || bad "$name: envelope delay measured $X samples, reported $D"
    ls "$d" | grep -q 'tmp-' && bad "$name: temporary files left behind" || ok
    echo "$name: block $b: round trip $R samples (maxdiff $diff, runner-up $runner);" \
        "envelope half-rise $X samples after the burst (reported $D), so the envelope reaches" \
        "the ear $(awk -v r="$R" -v x="$X" 'BEGIN{printf "%.1f", r + x}') samples after the" \
        "sound (its half-rise); xruns $(json_num "$d/live.json" xruns); $(cat "$d/client.out")"
}

mode_exact() {
    start_jackd
    "$WC" probe "$DATA/demo-voice.wav" "$T/probe.wav" >"$T/probe.out" ||
        { bad "cannot make the probe"; return; }
    exact_run default 64
    STOP_SIGNAL=TERM exact_run hilbert 128 --envelope hilbert --rectify none --preset RS
}

# ---- xrun: real time, a stalled callback ------------------------------------------------------

mode_xrun() {
    start_jackd
    local d="$T/xrun"
    mkdir "$d"
    live_bg "$d" --block 64 --duration 3 --test-stall-ms 200 --record-in "$d/in.wav" \
        --record-out "$d/out.wav"
    # the voice, in real time, so that the neuron has something to answer before and after
    "$JC" play "$DATA/demo-voice.wav" "$d/rec.wav" --to spiketalk:in_0 --from spiketalk:out_0 \
        --tail 0 >"$d/client.out" 2>&1
    live_end "$d"
    [ "$(json_str "$d/live.json" stopped_by)" = duration ] && ok ||
        bad "xrun: did not run to its end"
    [ "$(json_num "$d/live.json" frames)" = 132300 ] && ok ||
        bad "xrun: frames $(json_num "$d/live.json" frames), expected 3 s = 132300"
    local x
    x=$(json_num "$d/live.json" xruns)
    [ "${x:-0}" -ge 1 ] && ok || bad "xrun: the stall was not counted (xruns ${x:-none})"
    [ "$(json_num "$d/live.json" output_underflow)" -ge 1 ] && ok || bad "xrun: no underflow flag"
    grep -qE '^live: .* xruns [1-9]' "$d/live.err" && ok || bad "xrun: the meter never showed it"
    # the stream recovered with its state: what it played is what process --block makes of what
    # it received, across the gap
    "$ST" process "$d/in.wav" --block 64 -o "$d/ref-out.wav" --json >"$d/proc.json" ||
        bad "xrun: process --block failed"
    "$WC" same "$d/out.wav" "$d/ref-out.wav" >"$d/same.out"
    [ "$(kv "$d/same.out" maxdiff)" = 0 ] && [ "$(kv "$d/same.out" compared)" = 132300 ] && ok ||
        bad "xrun: the output differs from process --block: $(cat "$d/same.out")"
    local last
    last=$(grep -oE '"spike_times_ms": \[[^]]*\]' "$d/live.json" | sed 's/.*\[//; s/\]//' |
        tr -d ',' | awk 'NF {print $NF}')
    [ "$(json_num "$d/proc.json" spike_count)" = "$(json_num "$d/live.json" spike_count)" ] && ok ||
        bad "xrun: spike counts differ from process --block"
    awk -v t="${last:-0}" 'BEGIN { exit !(t > 1000) }' && ok ||
        bad "xrun: no spike after the stall (last at ${last:-none} ms)"
    echo "xrun: $x xruns counted ($(grep -oE '"output_underflow": [0-9]+' "$d/live.json")), last" \
        "spike at $last ms, output equal to process --block; client: $(cat "$d/client.out")"
}

# ---- net-exact, net-xrun: a network that listens ------------------------------------------------

NET=(--net izh2003 --neurons 400 --bands 8)
# net_compare NAME DIR: the session's output and spikes against `network --input` of its input
net_compare() {
    local name=$1 d=$2
    net_reference "$name" "$d"
    "$WC" same "$d/out.wav" "$d/ref.wav" >"$d/same.out"
    [ "$(kv "$d/same.out" maxdiff)" = 0 ] &&
        [ "$(kv "$d/same.out" compared)" = "$(json_num "$d/live.json" frames)" ] && ok ||
        bad "$name: --record-out differs from network --input: $(cat "$d/same.out")"
    net_spikes "$name" "$d"
}

# net_reference NAME DIR: the offline run on what the session received, with its block
net_reference() {
    "$ST" network "${NET[@]}" --input "$2/in.wav" --block 64 --sound "$2/ref.wav" --json \
        >"$2/net.json" 2>"$2/net.err" || bad "$1: network --input failed: $(cat "$2/net.err")"
}

# net_spikes NAME DIR: the session's spikes (times, neurons) are the offline run's
net_spikes() {
    local name=$1 d=$2 key
    for key in spike_times_ms spike_neurons; do
        grep -oE "\"$key\": \[[^]]*\]" "$d/live.json" >"$d/live.$key"
        grep -oE "\"$key\": \[[^]]*\]" "$d/net.json" >"$d/net.$key"
        [ -s "$d/live.$key" ] && cmp -s "$d/live.$key" "$d/net.$key" && ok ||
            bad "$name: $key differ from network --input"
    done
    [ "$(json_num "$d/live.json" spike_count)" = "$(json_num "$d/net.json" spike_count)" ] &&
        [ "$(json_num "$d/live.json" spike_count)" -gt 0 ] && ok ||
        bad "$name: spike counts: live $(json_num "$d/live.json" spike_count)," \
            "network $(json_num "$d/net.json" spike_count)"
    [ "$(json_num "$d/live.json" spike_times_dropped)" = 0 ] && ok || bad "$name: spikes dropped"
}

mode_net_exact() {
    NET+=(--model izh2007) # the other net modes run the 2003 form itself
    start_jackd
    "$WC" probe "$DATA/demo-voice.wav" "$T/probe.wav" >"$T/probe.out" ||
        { bad "cannot make the probe"; return; }
    local d="$T/net-exact" b=64
    mkdir "$d"
    live_bg "$d" --block "$b" "${NET[@]}" --record-in "$d/in.wav" --record-out "$d/out.wav"
    "$JC" play "$T/probe.wav" "$d/rec.wav" --to spiketalk:in_0 --from spiketalk:out_0 \
        --freewheel --tail 8192 >"$d/client.out" 2>&1 && ok ||
        bad "net-exact: the test client failed: $(cat "$d/client.out")"
    live_end "$d" INT
    [ "$(json_str "$d/live.json" stopped_by)" = signal ] && ok || bad "net-exact: not stopped"
    [ "$(json_str "$d/live.json" net)" = izh2003 ] && [ "$(json_num "$d/live.json" bands)" = 8 ] &&
        [ "$(json_num "$d/live.json" neurons)" = 400 ] &&
        grep -q '"model": "izh2007"' "$d/live.json" && ok || bad "net-exact: not the network"
    # 400 neurons: auto runs them in the callback, with no extra latency
    [ "$(json_str "$d/live.json" net_thread)" = callback ] &&
        [ "$(json_num "$d/live.json" net_latency_samples)" = 0 ] && ok ||
        bad "net-exact: auto did not choose the callback"
    [ "$(json_num "$d/live.json" record_dropped_samples)" = 0 ] && ok ||
        bad "net-exact: samples lost"
    net_compare net-exact "$d"
    # the round trip: the played recording is the reference from the probe's start, one block on
    "$WC" find "$T/probe.wav" "$d/in.wav" >"$d/find.out"
    local S R
    S=$(kv "$d/find.out" offset)
    [ -n "$S" ] && ok || { bad "net-exact: --record-in does not hold the probe"; return; }
    "$WC" cut "$d/ref.wav" "$S" "$d/ref-tail.wav"
    "$WC" lag "$d/ref-tail.wav" "$d/rec.wav" 2048 >"$d/lag.out"
    R=$(kv "$d/lag.out" lag)
    near "$(kv "$d/lag.out" maxdiff)" 0 1e-6 && [ "$R" = "$b" ] && ok ||
        bad "net-exact: round trip: $(cat "$d/lag.out")"
    ls "$d" | grep -q 'tmp-' && bad "net-exact: temporary files left behind" || ok
    echo "net-exact: block $b: output and $(json_num "$d/live.json" spike_count) spikes equal to" \
        "network --input; round trip $R samples; load $(json_num "$d/live.json" callback_load_mean)" \
        "mean; $(cat "$d/client.out")"
}

# ---- net-worker-exact, net-worker-late: the network on a worker thread ------------------------

mode_net_worker_exact() {
    start_jackd
    "$WC" probe "$DATA/demo-voice.wav" "$T/probe.wav" >"$T/probe.out" ||
        { bad "cannot make the probe"; return; }
    local d="$T/net-worker-exact" b=64 L=441 # 10 ms at 44.1 kHz
    mkdir "$d"
    live_bg "$d" --block "$b" "${NET[@]}" --net-thread worker --net-latency 10 \
        --test-net-lockstep --record-in "$d/in.wav" --record-out "$d/out.wav"
    "$JC" play "$T/probe.wav" "$d/rec.wav" --to spiketalk:in_0 --from spiketalk:out_0 \
        --freewheel --tail 8192 >"$d/client.out" 2>&1 && ok ||
        bad "net-worker-exact: the test client failed: $(cat "$d/client.out")"
    live_end "$d" INT
    [ "$(json_str "$d/live.json" net_thread)" = worker ] &&
        [ "$(json_num "$d/live.json" net_latency_samples)" = $L ] && ok ||
        bad "net-worker-exact: not the worker with $L samples: $(grep -oE '"net_[a-z_]+": [^,]*' \
            "$d/live.json")"
    [ "$(json_num "$d/live.json" late_blocks)" = 0 ] &&
        [ "$(json_num "$d/live.json" worker_input_lost)" = 0 ] && ok ||
        bad "net-worker-exact: late blocks or lost input in lockstep"
    [ "$(json_num "$d/live.json" record_dropped_samples)" = 0 ] && ok ||
        bad "net-worker-exact: samples lost"
    net_reference net-worker-exact "$d"
    # every block: the offline sound delayed by exactly L samples
    "$WC" late "$d/out.wav" "$d/ref.wav" $L $b >"$d/late.out"
    [ "$(kv "$d/late.out" silent)" = 0 ] && [ "$(kv "$d/late.out" wrong)" = 0 ] &&
        [ "$(kv "$d/late.out" compared)" = "$(json_num "$d/live.json" frames)" ] && ok ||
        bad "net-worker-exact: not network --input delayed by $L: $(cat "$d/late.out")"
    # and by no other delay: one sample less is wrong
    "$WC" late "$d/out.wav" "$d/ref.wav" $((L - 1)) $b >"$d/late-1.out"
    [ "$(kv "$d/late-1.out" wrong)" -gt 0 ] && ok ||
        bad "net-worker-exact: also matches a delay of $((L - 1)): $(cat "$d/late-1.out")"
    net_spikes net-worker-exact "$d"
    # the round trip: the block, then the latency
    "$WC" find "$T/probe.wav" "$d/in.wav" >"$d/find.out"
    local S R
    S=$(kv "$d/find.out" offset)
    [ -n "$S" ] && ok || { bad "net-worker-exact: --record-in does not hold the probe"; return; }
    "$WC" pad "$d/ref.wav" $L "$d/ref-late.wav"
    "$WC" cut "$d/ref-late.wav" "$S" "$d/ref-tail.wav"
    "$WC" lag "$d/ref-tail.wav" "$d/rec.wav" 2048 >"$d/lag.out"
    R=$(kv "$d/lag.out" lag)
    near "$(kv "$d/lag.out" maxdiff)" 0 1e-6 && [ "$R" = $b ] && ok ||
        bad "net-worker-exact: round trip beyond the latency: $(cat "$d/lag.out")"
    # a latency under one block is refused, naming the flag
    timeout 20 "$ST" live --host-api jack "${NET[@]}" --net-thread worker --block 128 \
        --net-latency 1 --duration 0.5 </dev/null >"$d/short.out" 2>"$d/short.err"
    local rc=$?
    [ $rc = 2 ] && grep -q '^spiketalk: --net-latency: .*one block' "$d/short.err" && ok ||
        bad "net-worker-exact: a latency under one block: exit $rc, $(cat "$d/short.err")"
    echo "net-worker-exact: output equal to network --input delayed by $L samples in" \
        "$(kv "$d/late.out" exact) blocks of $b, $(json_num "$d/live.json" spike_count) spikes" \
        "equal; round trip $((b + L)) = block + latency; worker realtime" \
        "$(grep -oE '"worker_realtime": [a-z]+' "$d/live.json" | awk '{print $2}'); " \
        "$(cat "$d/client.out")"
}

mode_net_worker_late() {
    start_jackd
    local d="$T/net-worker-late" b=64 L=882 # 20 ms
    mkdir "$d"
    live_bg "$d" --block $b "${NET[@]}" --net-thread worker --net-latency 20 --duration 3 \
        --test-worker-stall-ms 300 --record-in "$d/in.wav" --record-out "$d/out.wav"
    "$JC" play "$DATA/demo-voice.wav" "$d/rec.wav" --to spiketalk:in_0 --from spiketalk:out_0 \
        --tail 0 >"$d/client.out" 2>&1
    live_end "$d"
    [ "$(json_str "$d/live.json" stopped_by)" = duration ] &&
        [ "$(json_num "$d/live.json" frames)" = 132300 ] && ok ||
        bad "net-worker-late: did not run its 3 s: $(json_num "$d/live.json" frames) frames"
    [ "$(json_num "$d/live.json" net_latency_samples)" = $L ] && ok ||
        bad "net-worker-late: latency $(json_num "$d/live.json" net_latency_samples), not $L"
    local late
    late=$(json_num "$d/live.json" late_blocks)
    # a 300 ms stall against a 20 ms latency: about 190 blocks of 1.45 ms are late
    [ "${late:-0}" -ge 100 ] && ok || bad "net-worker-late: the stall was not counted (${late:-none})"
    grep -qE '^live: .* population [0-9.]+ Hz .* late [1-9]' "$d/live.err" && ok ||
        bad "net-worker-late: the meter never showed the late blocks"
    [ "$(json_num "$d/live.json" worker_input_lost)" = 0 ] && ok ||
        bad "net-worker-late: input lost"
    net_reference net-worker-late "$d"
    "$WC" late "$d/out.wav" "$d/ref.wav" $L $b >"$d/late.out"
    local silent
    silent=$(kv "$d/late.out" silent)
    [ "$(kv "$d/late.out" wrong)" = 0 ] && ok ||
        bad "net-worker-late: blocks neither silent nor delayed by $L: $(cat "$d/late.out")"
    [ "${silent:-0}" -ge 1 ] && [ "$silent" -le "${late:-0}" ] && ok ||
        bad "net-worker-late: $silent silent blocks, $late counted late"
    # after the stall the worker caught up: the rest of the session is exact, same delay
    [ "$(kv "$d/late.out" exact_after_silent)" -ge 1000 ] && ok ||
        bad "net-worker-late: did not come back on time: $(cat "$d/late.out")"
    net_spikes net-worker-late "$d"
    echo "net-worker-late: $late late blocks counted ($silent silent where the reference is" \
        "not), the other $(kv "$d/late.out" exact) blocks equal to network --input delayed" \
        "by $L, $(kv "$d/late.out" exact_after_silent) of them after the stall; xruns" \
        "$(json_num "$d/live.json" xruns); client: $(cat "$d/client.out")"
}

mode_net_xrun() {
    start_jackd
    local d="$T/net-xrun"
    mkdir "$d"
    live_bg "$d" --block 64 "${NET[@]}" --duration 3 --test-stall-ms 200 \
        --record-in "$d/in.wav" --record-out "$d/out.wav"
    "$JC" play "$DATA/demo-voice.wav" "$d/rec.wav" --to spiketalk:in_0 --from spiketalk:out_0 \
        --tail 0 >"$d/client.out" 2>&1
    live_end "$d"
    [ "$(json_str "$d/live.json" stopped_by)" = duration ] &&
        [ "$(json_num "$d/live.json" frames)" = 132300 ] && ok ||
        bad "net-xrun: did not run its 3 s: $(json_num "$d/live.json" frames) frames"
    local x
    x=$(json_num "$d/live.json" xruns)
    [ "${x:-0}" -ge 1 ] && ok || bad "net-xrun: the stall was not counted (xruns ${x:-none})"
    grep -qE '^live: .* population [0-9.]+ Hz .* xruns [1-9]' "$d/live.err" && ok ||
        bad "net-xrun: the meter never showed the population rate and the xrun"
    net_compare net-xrun "$d"
    echo "net-xrun: $x xruns counted, output and spikes equal to network --input;" \
        "load $(json_num "$d/live.json" callback_load_mean) mean," \
        "$(json_num "$d/live.json" callback_load_max) max; client: $(cat "$d/client.out")"
}

# ---- guard: no device, bad flags, keys, the guard's own test -----------------------------------

mode_guard() {
    local d="$T/guard"
    mkdir "$d"
    # no server yet: no JACK devices (and no sound card here)
    if "$ST" devices --json | grep -qE '"max_input_channels": [1-9]'; then
        echo "a capture device exists here; the no-device path is not tested" >&2
    else
        timeout 20 "$ST" live --duration 1 </dev/null >"$d/out" 2>"$d/err"
        [ $? = 1 ] && grep -q "^spiketalk: no audio capture device found; to use a file, run" \
            "$d/err" && grep -q "'spiketalk process FILE'" "$d/err" && ok ||
            bad "no device: $(cat "$d/err")"
        timeout 20 "$ST" live --host-api jack --duration 1 </dev/null >"$d/out" 2>"$d/err"
        [ $? = 1 ] && grep -q "host API 'jack'.*spiketalk process" "$d/err" && ok ||
            bad "no JACK server: $(cat "$d/err")"
    fi
    local rc
    for args in "--block 0" "--block 99999" "--duration -1" "--normalize max" \
        "--recipe seed-live" "--rectify offset" "--preset XYZ" "--record-out /nonexistent/x.wav" \
        "--nosuchflag 1" "--bands 8" "--neurons 100" "--net bogus" "--net izh2003 --bands 0" \
        "--net izh2003 --preset RS" "--net izh2003 --envelope hilbert" \
        "--net izh2003 --record-env /tmp/x.wav" "--net izh2003 --neurons 10 --bands 9" \
        "--net izh2003 --fmax 30000" "--net izh2003 --drive both" "--net-thread worker" \
        "--net-latency 20" "--test-net-lockstep" "--net izh2003 --net-thread bogus" \
        "--net izh2003 --net-latency 0" "--net izh2003 --net-latency 2001" \
        "--net izh2003 --net-thread callback --net-latency 20"; do
        # shellcheck disable=SC2086
        timeout 20 "$ST" live $args </dev/null >"$d/out" 2>"$d/err"
        rc=$?
        [ $rc = 2 ] && grep -q '^spiketalk: ' "$d/err" && ok ||
            bad "live $args: exit $rc, $(cat "$d/err")"
    done
    start_jackd
    # keys: 5 switches to LTS while the stream runs, q ends the session
    mkfifo "$T/keys"
    LIVE_STDIN="$T/keys" live_bg "$d" --block 64
    exec 3>"$T/keys"
    sleep 1
    printf 5 >&3
    sleep 0.5
    printf q >&3
    exec 3>&-
    live_end "$d"
    [ "$(json_str "$d/live.json" stopped_by)" = key ] && ok || bad "keys: q did not stop it"
    [ "$(json_str "$d/live.json" preset)" = LTS ] && grep -q '"preset": "LTS"' "$d/live.json" &&
        grep -q 'preset LTS (key 5)' "$d/live.err" && ok || bad "keys: 5 did not switch to LTS"
    # a rate the server does not run at
    timeout 20 "$ST" live --host-api jack --rate 48000 --duration 0.5 </dev/null >"$d/out" \
        2>"$d/err"
    rc=$?
    [ $rc = 1 ] && grep -q '^spiketalk: .*48000 Hz' "$d/err" && ok ||
        bad "a rate the server does not run at: exit $rc, $(cat "$d/err")"
    # the guard catches a malloc in the callback (fault put there on purpose)
    # (in a subshell whose own stderr is dropped: bash reports the abort there)
    (LD_PRELOAD="$GUARD" timeout 20 "$ST" live --host-api jack --duration 2 --test-alloc \
        </dev/null >"$d/out" 2>"$d/err"
        exit $?) 2>/dev/null
    rc=$?
    [ $rc = 134 ] && grep -q 'rt-guard: malloc called in the audio callback' "$d/err" && ok ||
        bad "the guard missed a malloc in the callback (exit $rc): $(tail -3 "$d/err")"
    # the server goes away mid-session: a prompt exit 1 that says so, the recording kept
    timeout 30 "$ST" live --host-api jack --record-out "$d/lost.wav" </dev/null >"$d/out" \
        2>"$d/err" &
    LIVE=$!
    sleep 1.5
    kill "$JACKD"
    wait "$JACKD" 2>/dev/null
    JACKD=""
    wait "$LIVE"
    rc=$?
    LIVE=""
    [ $rc = 1 ] && grep -q 'went away' "$d/err" && [ -s "$d/lost.wav" ] && ok ||
        bad "a server that went away: exit $rc, $(tail -2 "$d/err")"
    ls "$d" | grep -q 'tmp-' && bad "temporary files left behind" || ok
}

# ---- scope: the scope feed, under the guard -----------------------------------------------------

mode_scope() {
    start_jackd
    local d="$T/scope" rc
    mkdir "$d"
    LD_PRELOAD="$GUARD" "$ST" 3.5 "$d" >"$d/out" 2>"$d/err" &
    LIVE=$!
    "$JC" play "$DATA/demo-voice.wav" "$d/rec.wav" --to spiketalk:in_0 --from spiketalk:out_0 \
        --tail 0 >"$d/client.out" 2>&1 || echo "note: the player: $(cat "$d/client.out")" >&2
    wait "$LIVE"
    rc=$?
    LIVE=""
    [ $rc = 0 ] && ok || bad "scope-check exited $rc: $(cat "$d/out" "$d/err")"
    grep -q 'guard on' "$d/out" && grep -qE '^rt-guard: [1-9][0-9]* callbacks checked' \
        "$d/err" && ok || bad "scope: the callback guard did not run: $(cat "$d/err")"
    local peak
    peak=$(kv "$d/out" in_peak)
    awk -v p="${peak:-0}" 'BEGIN { exit !(p > 0.05) }' && ok ||
        bad "scope: the voice is not in the scope (input peak ${peak:-none})"
    echo "scope: $(cat "$d/out")"
}

case $MODE in
scope) mode_scope ;;
exact) mode_exact ;;
xrun) mode_xrun ;;
net-exact) mode_net_exact ;;
net-xrun) mode_net_xrun ;;
net-worker-exact) mode_net_worker_exact ;;
net-worker-late) mode_net_worker_late ;;
guard) mode_guard ;;
*) echo "unknown mode $MODE" >&2; exit 2 ;;
esac
echo "live-$MODE: $pass passed, $fail failed"
[ $fail -gt 0 ] && [ -f "$T/jackd.log" ] && { echo "jackd's log:"; tail -20 "$T/jackd.log"; } >&2
[ $fail -eq 0 ]
