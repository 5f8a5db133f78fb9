#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Black-box tests of `spiketalk network`: good runs (JSON fields, the spike list, the raster in
# three formats, the sound, identical spikes for any thread count, the 2006 network's plastic
# synapses) and bad input (exit code, the "spiketalk: ..." message, and no file left behind).
# usage: test-network.sh PATH/TO/spiketalk
. "$(dirname "$0")/lib.sh" "$1"

# in_range X LO HI: LO <= X <= HI (decimal numbers).
in_range() {
    awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x != "" && x >= lo && x <= hi) }'
}

# ---- good runs: izh2003 -------------------------------------------------------------------
if "$ST" network --json --spikes "$T/s1.csv" --raster "$T/r.png" --sound "$T/s.wav" \
    >"$T/n.json" 2>"$T/err"; then
    ok
    for k in net neurons synapses spike_count rate_hz_exc rate_hz_inh spectral_peaks rhythms \
        threads ranks wall_s build_s synaptic_events_per_s spike_times_ms spike_neurons; do
        grep -q "\"$k\"" "$T/n.json" && ok || bad "network json lacks $k"
    done
    [ "$(json_field "$T/n.json" neurons)" = 1000 ] && ok || bad "neurons"
    [ "$(json_field "$T/n.json" synapses)" = 1000000 ] && ok || bad "izh2003 is all-to-all"
    [ "$(json_field "$T/n.json" threads)" = 1 ] && [ "$(json_field "$T/n.json" ranks)" = 1 ] &&
        ok || bad "threads/ranks"
    in_range "$(json_field "$T/n.json" rate_hz_exc)" 4 12 && ok || bad "excitatory rate"
    in_range "$(json_field "$T/n.json" rate_hz_inh)" 4 12 && ok || bad "inhibitory rate"
    n=$(json_field "$T/n.json" spike_count)
    [ "$(head -1 "$T/s1.csv")" = "t_ms,neuron" ] && ok || bad "spikes header"
    [ "$(($(wc -l <"$T/s1.csv") - 1))" = "$n" ] && ok || bad "spikes rows != spike_count $n"
    awk -F, 'NR > 1 && !($1 > 0 && $1 <= 1000 && $2 >= 0 && $2 < 1000 && $2 == int($2)) {
        exit 1 }' "$T/s1.csv" && ok || bad "spike rows out of range"
    awk -F, 'NR > 2 && $1 < t { exit 1 } { t = $1 }' "$T/s1.csv" && ok || bad "spikes unsorted"
    head -c 8 "$T/r.png" | od -An -c | grep -q 'P   N   G' && ok || bad "raster is not a PNG"
    head -c 4 "$T/s.wav" | grep -q RIFF && ok || bad "sound is not a WAV"
    # 1 s at 44.1 kHz in 32-bit floats, plus a header
    size=$(stat -c %s "$T/s.wav")
    in_range "$size" 176400 177000 && ok || bad "sound size $size"
else
    bad "network --json failed: $(cat "$T/err")"
fi
for ext in svg pdf; do
    "$ST" network --duration 300 --raster "$T/r.$ext" --quiet 2>"$T/err" && [ -s "$T/r.$ext" ] &&
        ok || bad "raster .$ext: $(cat "$T/err")"
done
"$ST" network --duration 400 >"$T/sum.txt" 2>"$T/err" && grep -q "spikes" "$T/sum.txt" &&
    grep -q "synaptic events/s" "$T/sum.txt" && ok || bad "summary: $(cat "$T/sum.txt")"
"$ST" network --quiet --duration 100 >"$T/q.txt" 2>&1 && [ ! -s "$T/q.txt" ] && ok ||
    bad "--quiet printed $(cat "$T/q.txt")"

# the same spikes for 1, 2 and 3 threads, and another seed gives others
"$ST" network --threads 2 --spikes "$T/s2.csv" --quiet && cmp -s "$T/s1.csv" "$T/s2.csv" &&
    ok || bad "2 threads changed the spikes"
"$ST" network --threads 3 --spikes "$T/s3.csv" --quiet && cmp -s "$T/s1.csv" "$T/s3.csv" &&
    ok || bad "3 threads changed the spikes"
"$ST" network --seed 2 --spikes "$T/s4.csv" --quiet && ! cmp -s "$T/s1.csv" "$T/s4.csv" &&
    ok || bad "--seed 2 gave the same spikes"

# fixed out-degree beyond all-to-all
"$ST" network --neurons 2000 --synapses 100 --duration 200 --json >"$T/k.json" 2>"$T/err" &&
    [ "$(json_field "$T/k.json" synapses)" = 200000 ] && ok ||
    bad "--neurons 2000 --synapses 100: $(cat "$T/err")"

# ---- izh2006: delays, plasticity ------------------------------------------------------------
if "$ST" network --net izh2006 --duration 1500 --json >"$T/p.json" 2>"$T/err"; then
    ok
    [ "$(json_field "$T/p.json" synapses)" = 100000 ] && ok || bad "izh2006 synapses"
    [ "$(json_field "$T/p.json" synapses_plastic)" = 80000 ] && ok || bad "izh2006 plastic"
    [ "$(json_field "$T/p.json" delay_max_ms)" = 20 ] && ok || bad "izh2006 delays"
    sum=$(grep -A4 '"weight_histogram"' "$T/p.json" | grep -oE '"counts": \[[^]]*\]' |
        grep -oE '[0-9]+' | awk '{ s += $1 } END { print s }')
    [ "$sum" = 80000 ] && ok || bad "weight histogram holds $sum weights"
else
    bad "izh2006 failed: $(cat "$T/err")"
fi

"$ST" network --help >"$T/help.txt" && grep -q izh2006 "$T/help.txt" &&
    grep -q mpirun "$T/help.txt" && grep -q "t_ms,neuron" "$T/help.txt" && ok || bad "--help"
"$ST" --help | grep -q "network" && ok || bad "network missing from spiketalk --help"

# ---- bad input ---------------------------------------------------------------------------------
expect_error 2 "^spiketalk: --net: unknown network 'izh2005' \(choose izh2003, izh2006\)" \
    network --net izh2005
expect_error 2 "^spiketalk: --neurons: 4 is out of range" network --neurons 4
expect_error 2 "^spiketalk: --neurons: 'abc' is not a whole number" network --neurons abc
expect_error 2 "^spiketalk: --neurons: '1e3' is not a whole number" network --neurons 1e3
expect_error 2 "^spiketalk: --neurons: '-5' is not a whole number" network --neurons -5
expect_error 2 "^spiketalk: --synapses: 0 is out of range" network --synapses 0
expect_error 2 "^spiketalk: --synapses: 2000 synapses per neuron, but izh2003 has 1000" \
    network --synapses 2000
expect_error 2 "^spiketalk: --synapses: .*only 80 excitatory" network --net izh2006 \
    --neurons 100 --synapses 81
expect_error 2 "^spiketalk: --duration: 0 ms is out of range" network --duration 0
expect_error 2 "^spiketalk: --duration: -5 ms is out of range" network --duration -5
expect_error 2 "^spiketalk: --duration: 'nan' is not a finite number" network --duration nan
expect_error 2 "^spiketalk: --seed: '-1' is not a whole number" network --seed -1
expect_error 2 "^spiketalk: --seed: 18446744073709551616 is out of range" \
    network --seed 18446744073709551616
expect_error 2 "^spiketalk: --threads: 0 is out of range" network --threads 0
expect_error 2 "^spiketalk: --threads: 2000 is out of range" network --threads 2000
expect_error 2 "^spiketalk: --neurons, --synapses: .* GB" network --neurons 100000000 \
    --synapses 100000
expect_error 2 "^spiketalk: --bogus: unknown option" network --bogus
expect_error 2 "needs a value" network --neurons
expect_error 2 "x.txt: unknown plot format" network --raster "$T/x.txt"
[ ! -e "$T/x.txt" ] && ok || bad "bad raster path created a file"

# unwritable outputs fail before the run (a long one here), and nothing is left behind
start=$(date +%s)
expect_error 1 "/nonexistent-dir/s.csv: " network --duration 1e6 --spikes /nonexistent-dir/s.csv
expect_error 1 "/nonexistent-dir/r.png: " network --duration 1e6 --raster /nonexistent-dir/r.png
expect_error 1 "/nonexistent-dir/s.wav: " network --duration 1e6 --sound /nonexistent-dir/s.wav
[ $(($(date +%s) - start)) -lt 5 ] && ok || bad "output paths checked only after running"
echo keep >"$T/keep.csv"
expect_error 1 "/nonexistent-dir/r.png: " network --spikes "$T/keep.csv" \
    --raster /nonexistent-dir/r.png
expect_error 2 "--neurons" network --neurons 3 --spikes "$T/keep.csv"
[ "$(cat "$T/keep.csv")" = keep ] && ok || bad "spikes file truncated on failure"
ls "$T" | grep -q 'tmp' && bad "temporary files left behind: $(ls "$T")" || ok

finish cli-network
