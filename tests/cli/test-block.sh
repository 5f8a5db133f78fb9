#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Black-box tests of `spiketalk process --block N`, the streaming pipeline over a file: every
# block size gives the same bytes and spikes, the JSON reports the delay, and what cannot
# stream is refused with exit 2 and the flag's name.
# usage: test-block.sh PATH/TO/spiketalk PATH/TO/tests/data
. "$(dirname "$0")/lib.sh" "$1"
DATA=$2

# spike_times FILE.json: the spike_times_ms array on one line.
spike_times() { tr -d ' \n' <"$1" | grep -oE '"spike_times_ms":\[[^]]*\]'; }

cp "$DATA/tone-burst.wav" "$T/in-tone.wav"

# ---- every block size gives the same result ---------------------------------------------------
for b in 1 37 64 1024; do
    "$ST" process "$T/in-tone.wav" -o "$T/b$b.wav" --block $b --json --spikes "$T/s$b.csv" \
        >"$T/b$b.json" 2>"$T/err" && ok || bad "--block $b: $(cat "$T/err")"
done
n=$(json_field "$T/b64.json" spike_count)
[ -n "$n" ] && [ "$n" -gt 0 ] && ok || bad "--block 64: no spikes ($n)"
for b in 1 37 1024; do
    cmp -s "$T/b64.wav" "$T/b$b.wav" && ok || bad "--block $b: output differs from --block 64"
    [ -n "$(spike_times "$T/b$b.json")" ] &&
        [ "$(spike_times "$T/b64.json")" = "$(spike_times "$T/b$b.json")" ] && ok ||
        bad "--block $b: spike_times_ms differ from --block 64"
    cmp -s "$T/s64.csv" "$T/s$b.csv" && ok || bad "--block $b: spikes CSV differs"
done

# ---- the JSON and the other outputs -----------------------------------------------------------
[ "$(json_field "$T/b64.json" block)" = 64 ] && ok || bad "json block"
# the live windows at 44.1 kHz: a 44-sample mean and an 88-sample boxcar, (43 + 87) / 2 = 65
[ "$(json_field "$T/b64.json" algorithmic_delay_samples)" = 65 ] && ok || bad "json delay"
grep -q '"algorithmic_delay_ms": 1.47' "$T/b64.json" && ok || bad "json delay ms"
grep -q '"normalize": "peak"' "$T/b64.json" && ok || bad "--block defaults to peak"
grep -q '"peak_release_s": 2' "$T/b64.json" && ok || bad "json peak_release_s"
"$ST" process "$T/in-tone.wav" -o "$T/h.wav" --block 64 --envelope hilbert --peak-release 0.5 \
    --json >"$T/h.json" 2>"$T/err" && ok || bad "hilbert: $(cat "$T/err")"
# the FIR's M = 44 plus the boxcar's 43.5, rounded
[ "$(json_field "$T/h.json" algorithmic_delay_samples)" = 88 ] && ok || bad "hilbert delay"
grep -q '"peak_release_s": 0.5' "$T/h.json" && ok || bad "--peak-release not applied"
"$ST" process "$T/in-tone.wav" -o "$T/t.wav" --block 100 --normalize none --gain 40 \
    --trace "$T/tr.csv" --plot "$T/p.png" --quiet 2>"$T/err" && ok || bad "trace: $(cat "$T/err")"
[ "$(head -1 "$T/tr.csv")" = "t_ms,input,gated,rectified,envelope,I,v,u,output,gate_threshold" ] && ok ||
    bad "trace header"
# one row per sample: 0.6 s at 44.1 kHz
[ "$(($(wc -l <"$T/tr.csv") - 1))" = 26460 ] && ok || bad "trace rows"
[ -s "$T/p.png" ] && ok || bad "plot"
awk -F, 'NR > 1 && ($9 > 1 || $9 < -1 || $9 != $9 + 0) {bad = 1} END {exit bad}' "$T/tr.csv" &&
    ok || bad "output outside [-1, 1]"
for m in izh2007 hh; do
    "$ST" process "$T/in-tone.wav" -o "$T/m1-$m.wav" --block 1 --model $m --quiet &&
        "$ST" process "$T/in-tone.wav" -o "$T/m2-$m.wav" --block 300 --model $m --quiet &&
        cmp -s "$T/m1-$m.wav" "$T/m2-$m.wav" && ok || bad "--model $m: blocks 1 and 300 differ"
done
"$ST" process "$T/in-tone.wav" -o "$T/q.wav" --block 64 2>"$T/err" | grep -q 'blocks of 64' &&
    ok || bad "summary line"
"$ST" process --help | grep -q -- '--block N' && ok || bad "--help lacks --block"
"$ST" process --help | grep -q -- '--peak-release' && ok || bad "--help lacks --peak-release"

# ---- refused ----------------------------------------------------------------------------------
expect_process_fail 2 "--block: .*>= 1" "$T/in-tone.wav" -o "$T/out.wav" --block 0
expect_process_fail 2 "--block: 'x'" "$T/in-tone.wav" -o "$T/out.wav" --block x
expect_process_fail 2 "--block: .*>= 1" "$T/in-tone.wav" -o "$T/out.wav" --block 2.5
expect_process_fail 2 "--normalize: 'max'.*whole signal" "$T/in-tone.wav" -o "$T/out.wav" --block 64 \
    --normalize max
expect_process_fail 2 "--rectify: 'offset'" "$T/in-tone.wav" -o "$T/out.wav" --block 64 --rectify offset
expect_process_fail 2 "--recipe: 'seed-live' is the study's offline algorithm and cannot stream" "$T/in-tone.wav" -o "$T/out.wav" --block 64 \
    --recipe seed-live
expect_process_fail 2 "--decimate: " "$T/in-tone.wav" -o "$T/out.wav" --block 64 --decimate 9
expect_process_fail 2 "--peak-release: only with --block" "$T/in-tone.wav" -o "$T/out.wav" \
    --peak-release 1
expect_process_fail 2 "--peak-release: " "$T/in-tone.wav" -o "$T/out.wav" --block 64 --peak-release 0
expect_process_fail 2 "--normalize: 'peak'.*--block" "$T/in-tone.wav" -o "$T/out.wav" --normalize peak
ls "$T" | grep -q 'tmp' && bad "temporary files left behind" || ok

finish block
