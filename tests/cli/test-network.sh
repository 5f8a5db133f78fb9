#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Black-box tests of `spiketalk network`: good runs (JSON fields, the spike list, the raster in
# three formats, the sound, identical spikes for any thread count, the 2006 network's plastic
# synapses), a network that listens (--input: the demo voice lights up the voiced bands' groups,
# a tone its own band's, silence with --drive replace leaves it silent, the same result for any
# --block) and bad input (exit code, the "spiketalk: ..." message, and no file left behind).
# usage: test-network.sh PATH/TO/spiketalk PATH/TO/data   (the tone needs sox)
. "$(dirname "$0")/lib.sh" "$1"
DATA=$2

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

# ---- other neuron models (--model) ----------------------------------------------------------
# izh2007: the 2003 cells in the book's form keep the paper's rate; hh: Hodgkin-Huxley neurons
# with the network's currents as mV/ms; both say so in the JSON and change the spikes.
if "$ST" network --model izh2007 --json --spikes "$T/m7.csv" >"$T/m7.json" 2>"$T/err"; then
    in_range "$(json_field "$T/m7.json" rate_hz)" 6 9 && ok || bad "izh2007 form: rate"
    grep -q '"model": "izh2007"' "$T/m7.json" &&
        grep -q '"integrator": "izh2003"' "$T/m7.json" && ok ||
        bad "izh2007 form: populations in the json"
    ! cmp -s "$T/s1.csv" "$T/m7.csv" && ok || bad "izh2007 form: the same bits as the 2003 form"
else
    bad "network --model izh2007: $(cat "$T/err")"
fi
if "$ST" network --model hh --neurons 100 --duration 100 --json >"$T/hh.json" 2>"$T/err"; then
    grep -q '"model": "hh"' "$T/hh.json" && grep -q '"current_unit": "uA/cm2"' "$T/hh.json" &&
        grep -q '"substeps": 20' "$T/hh.json" && ok || bad "hh: populations in the json"
    [ "$(json_field "$T/hh.json" spike_count)" -gt 0 ] && ok || bad "hh: no spikes"
else
    bad "network --model hh: $(cat "$T/err")"
fi
"$ST" network --model hh --neurons 100 --duration 100 --threads 3 --json >"$T/hh3.json" &&
    [ "$(json_field "$T/hh.json" spike_count)" = "$(json_field "$T/hh3.json" spike_count)" ] &&
    ok || bad "hh: 3 threads changed the spike count"

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
expect_error 2 "^spiketalk: --neurons, --synapses: the synapses alone would take 80000.0 GB" \
    network --neurons 100000000 --synapses 100000
expect_error 2 "^spiketalk: --neurons: the network needs about .* more than the limit of 1.0 MiB" \
    network --max-memory 1M
expect_error 2 "^spiketalk: --model: unknown model 'lif' \(choose izhikevich, izh2007 or hh\)" \
    network --model lif
expect_error 2 "^spiketalk: --model: unknown model ''" network --model ''
expect_error 2 "^spiketalk: --bogus: unknown option" network --bogus
expect_error 2 "needs a value" network --neurons
expect_error 2 "x.txt: unknown plot format" network --raster "$T/x.txt"
[ ! -e "$T/x.txt" ] && ok || bad "bad raster path created a file"

# unwritable outputs are refused before the run (a long one here), and nothing is left behind
start=$(date +%s)
expect_error 2 "^spiketalk: --spikes: /nonexistent-dir/s.csv: " network --duration 1e6 \
    --spikes /nonexistent-dir/s.csv
expect_error 2 "^spiketalk: --raster: /nonexistent-dir/r.png: " network --duration 1e6 \
    --raster /nonexistent-dir/r.png
expect_error 2 "^spiketalk: --sound: /nonexistent-dir/s.wav: " network --duration 1e6 \
    --sound /nonexistent-dir/s.wav
expect_error 2 "^spiketalk: --raster: .* is the same file as --spikes" network --duration 1e6 \
    --spikes "$T/same.png" --raster "$T/./same.png"
[ $(($(date +%s) - start)) -lt 5 ] && ok || bad "output paths checked only after running"
echo keep >"$T/keep.csv"
expect_error 2 "/nonexistent-dir/r.png: " network --spikes "$T/keep.csv" \
    --raster /nonexistent-dir/r.png
expect_error 2 "--neurons" network --neurons 3 --spikes "$T/keep.csv"
[ "$(cat "$T/keep.csv")" = keep ] && ok || bad "spikes file truncated on failure"
ls "$T" | grep -q 'tmp' && bad "temporary files left behind: $(ls "$T")" || ok

# ---- a network that listens ------------------------------------------------------------------
VOICE=$DATA/demo-voice.wav
if "$ST" network --input "$VOICE" --bands 16 --json --spikes "$T/v.csv" --raster "$T/v.png" \
    --sound "$T/v.wav" >"$T/v.json" 2>"$T/err"; then
    ok
    for k in input input_rate_hz input_samples bands band_hz band_first_neuron band_neurons \
        band_rate_hz drive gain gate spike_count spike_times_ms; do
        grep -q "\"$k\"" "$T/v.json" && ok || bad "listening json lacks $k"
    done
    # the demo voice: 112,209 samples at 44.1 kHz, one step per whole millisecond
    [ "$(json_field "$T/v.json" input_samples)" = 112209 ] && ok || bad "input_samples"
    [ "$(json_field "$T/v.json" steps)" = 2544 ] && ok || bad "steps: one per ms of sound"
    [ "$(json_field "$T/v.json" bands)" = 16 ] && ok || bad "bands"
    grep -q '"drive": "add"' "$T/v.json" && ok || bad "drive"
    # ERB-spaced centres from 100 Hz to 8 kHz; 800 excitatory neurons in 16 groups of 50
    grep -oE '"band_hz": \[[^]]*\]' "$T/v.json" | grep -oE '[0-9.e+-]+' >"$T/hz"
    [ "$(wc -l <"$T/hz")" = 16 ] && [ "$(head -1 "$T/hz")" = 100 ] &&
        [ "$(tail -1 "$T/hz")" = 8000 ] && ok || bad "band_hz: $(tr '\n' ' ' <"$T/hz")"
    awk 'function erbs(f) { return 21.4 * log(1 + 0.00437 * f) / log(10) }
        { e[NR] = erbs($1) } END { for (i = 2; i <= NR; i++) {
            d = e[i] - e[i - 1] - (e[NR] - e[1]) / (NR - 1); if (d > 1e-6 || d < -1e-6) exit 1 } }' \
        "$T/hz" && ok || bad "band_hz not evenly spaced on the ERB-rate scale"
    grep -qE '"band_first_neuron": \[0, 50, 100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 600, 650, 700, 750\]' \
        "$T/v.json" && ok || bad "band_first_neuron: $(grep -o '"band_first_neuron[^]]*' "$T/v.json")"
    [ "$(($(wc -l <"$T/v.csv") - 1))" = "$(json_field "$T/v.json" spike_count)" ] && ok ||
        bad "spike rows != spike_count"
    head -c 8 "$T/v.png" | od -An -c | grep -q 'P   N   G' && ok || bad "raster is not a PNG"
    # the answer at the input's rate and length: 32-bit floats and a header
    size=$(stat -c %s "$T/v.wav")
    in_range "$size" 448836 449200 && ok || bad "sound size $size"
    # group rates from the spike list: each band's group fires more during the speech (200 to
    # 1000 ms) than in the leading silence (the first 150 ms); the voiced bands (276 to 733 Hz,
    # the voice's first harmonics and formant) more than the top three (5 to 8 kHz)
    awk -F, 'NR > 1 && $2 < 800 { g = int($2 / 50)
            if ($1 <= 150) sil[g]++; else if ($1 > 200 && $1 <= 1000) sp[g]++ }
        END { for (g = 0; g < 16; g++) { s = sil[g] / 50 / 0.15; v = sp[g] / 50 / 0.8
                printf "band %d: %.1f Hz in silence, %.1f Hz in speech\n", g, s, v
                if (!(v > 1.5 * s)) bad = 1 }
            low = (sp[2] + sp[3] + sp[4]) / 3; high = (sp[13] + sp[14] + sp[15]) / 3
            printf "voiced bands %.0f spikes, top bands %.0f\n", low, high
            exit bad || !(low > 1.2 * high) }' "$T/v.csv" >"$T/rates" && ok ||
        bad "the voice does not light up its bands: $(cat "$T/rates")"
else
    bad "network --input failed: $(cat "$T/err")"
fi
# any block size gives the same spikes and sound
"$ST" network --input "$VOICE" --block 37 --spikes "$T/v37.csv" --sound "$T/v37.wav" --quiet &&
    cmp -s "$T/v.csv" "$T/v37.csv" && cmp -s "$T/v.wav" "$T/v37.wav" && ok ||
    bad "--block 37 changed the result"
# silence, the bands instead of the noise: nothing fires, the sound is zeros
if command -v sox >/dev/null; then
    sox -n -r 44100 -b 16 -c 1 "$T/silence.wav" trim 0 0.5
    "$ST" network --input "$T/silence.wav" --drive replace --json --sound "$T/s0.wav" \
        >"$T/s0.json" 2>"$T/err" && [ "$(json_field "$T/s0.json" spike_count)" = 0 ] &&
        [ "$(tail -c 88200 "$T/s0.wav" | tr -d '\000' | wc -c)" = 0 ] && ok ||
        bad "silence with --drive replace: $(cat "$T/err") $(json_field "$T/s0.json" spike_count)"
    "$ST" network --input "$T/silence.wav" --json >"$T/s1.json" 2>"$T/err" &&
        in_range "$(json_field "$T/s1.json" rate_hz_exc)" 2 15 && ok ||
        bad "silence with the noise: the network's own rate $(json_field "$T/s1.json" rate_hz_exc)"
    # a tone at band 8's centre (after 0.3 s of silence, so that the adaptive gate knows the
    # room): group 8 fires most, with and without the noise, from 200 ms into the tone
    f8=$(sed -n 9p "$T/hz")
    sox -n -r 44100 -b 16 -c 1 "$T/t.wav" synth 1.0 sine "$f8" vol 0.3
    sox "$T/silence.wav" "$T/t.wav" "$T/tone.wav" trim 0.2
    for drive in replace add; do
        "$ST" network --input "$T/tone.wav" --drive "$drive" --spikes "$T/t.csv" --quiet &&
            awk -F, 'NR > 1 && $2 < 800 && $1 > 500 && $1 <= 1300 { c[int($2 / 50)]++ }
                END { for (g = 0; g < 16; g++) if (g != 8 && !(c[8] > 2 * c[g])) exit 1 }' \
                "$T/t.csv" && ok || bad "a tone at $f8 Hz, --drive $drive: group 8 is not first"
    done
    sox -n -r 44100 -b 16 -c 1 "$T/short.wav" synth 0.0005 sine 440
    expect_error 2 "^spiketalk: --input: .*short.wav lasts 22 samples .* less than the 1 ms" \
        network --input "$T/short.wav"
else
    bad "sox is not installed (scripts/setup.sh installs it): the tone tests did not run"
fi
# bad input for a listening network
expect_error 2 "^spiketalk: --bands: needs --input" network --bands 16
expect_error 2 "^spiketalk: --drive: needs --input" network --drive replace
expect_error 2 "^spiketalk: --duration: the input's length sets the run" \
    network --input "$VOICE" --duration 100
expect_error 2 "missing.wav: cannot open" network --input "$T/missing.wav"
expect_error 2 "^spiketalk: --bands: 0 is out of range \(1 to 128\)" \
    network --input "$VOICE" --bands 0
expect_error 2 "^spiketalk: --bands: 'x' is not a whole number" network --input "$VOICE" --bands x
expect_error 2 "^spiketalk: --bands: 41 bands need at least as many excitatory neurons" \
    network --input "$VOICE" --neurons 50 --bands 41
expect_error 2 "^spiketalk: --fmin: must be a frequency of at least 20 Hz" \
    network --input "$VOICE" --fmin 0
expect_error 2 "^spiketalk: --fmin: must be a frequency of at least 20 Hz" \
    network --input "$VOICE" --fmin 5e-324
expect_error 2 "^spiketalk: --fmin: 'nan' is not a finite number" \
    network --input "$VOICE" --fmin nan
expect_error 2 "^spiketalk: --fmax: must be above --fmin" network --input "$VOICE" --fmax 50
expect_error 2 "^spiketalk: --fmax: a band at 20000 Hz reaches .* give at most" \
    network --input "$VOICE" --fmax 20000
expect_error 2 "^spiketalk: --drive: unknown drive 'both'" network --input "$VOICE" --drive both
expect_error 2 "^spiketalk: --spacing: unknown spacing 'mel'" \
    network --input "$VOICE" --spacing mel
expect_error 2 "^spiketalk: --gain: 'inf' is not a finite number" \
    network --input "$VOICE" --gain inf
expect_error 2 "^spiketalk: --gate: " network --input "$VOICE" --gate bogus
expect_error 2 "^spiketalk: --block: 0 is out of range" network --input "$VOICE" --block 0
# the network alone is refused before the input is read; then the run with the input's length
expect_error 2 "^spiketalk: --neurons: the network needs about .* more than the limit of 1.0 MiB" \
    network --input "$VOICE" --max-memory 1M
expect_error 2 "^spiketalk: --input: the run needs about .* more than the limit of 1.0 MiB" \
    network --input "$VOICE" --neurons 100 --max-memory 1M
cp "$VOICE" "$T/in.wav"
expect_error 2 "^spiketalk: --sound: .* is the same file as the input" \
    network --input "$T/in.wav" --sound "$T/./in.wav"
cmp -s "$VOICE" "$T/in.wav" && ok || bad "the input changed"
expect_error 2 "^spiketalk: --sound: /nonexistent-dir/o.wav: " \
    network --input "$VOICE" --sound /nonexistent-dir/o.wav --spikes "$T/never.csv"
[ ! -e "$T/never.csv" ] && ok || bad "a refused run wrote --spikes"
ls "$T" | grep -q 'tmp' && bad "temporary files left behind: $(ls "$T")" || ok

finish cli-network
