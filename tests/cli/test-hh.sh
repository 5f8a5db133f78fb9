#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Black-box tests of `spiketalk hh` and `spiketalk axon`: good runs (JSON, traces, plots, the
# f-I thresholds, the 1952 velocity) and bad input (exit code, the "spiketalk: ..." message,
# and no output file left behind).
# usage: test-hh.sh PATH/TO/spiketalk
. "$(dirname "$0")/lib.sh" "$1"

# in_range X LO HI: LO <= X <= HI (decimal numbers).
in_range() {
    awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x != "" && x >= lo && x <= hi) }'
}

# ---- hh: good runs --------------------------------------------------------------------------
if "$ST" hh --json --trace "$T/hh.csv" >"$T/hh.json" 2>"$T/err"; then
    ok
    n=$(json_field "$T/hh.json" spike_count)
    times=$(grep -oE '"spike_times_ms": \[[^]]*\]' "$T/hh.json" | grep -oE '[0-9.]+' | wc -l)
    # 10 uA/cm^2 from 10 ms for 100 ms at 6.3 C: a train of 7 spikes
    [ "$n" = 7 ] && [ "$times" = 7 ] && ok || bad "hh default: spike_count $n, times $times"
    [ "$(head -1 "$T/hh.csv")" = "t_ms,I,v,m,h,n,INa,IK,IL" ] && ok ||
        bad "hh trace header $(head -1 "$T/hh.csv")"
    [ "$(($(wc -l <"$T/hh.csv") - 1))" = 10001 ] && ok || bad "hh trace rows"
    sed -n 2p "$T/hh.csv" | grep -qE '^0,0,-65,0\.0529[0-9]*,0\.596[0-9]*,0\.3176[0-9]*,' && ok ||
        bad "hh first row: $(sed -n 2p "$T/hh.csv")"
    for k in model params temperature_c phi integrator dt_ms duration_ms input spike_times_ms; do
        grep -q "\"$k\"" "$T/hh.json" && ok || bad "hh json lacks $k"
    done
    first=$(grep -oE '"spike_times_ms": \[[0-9.]+' "$T/hh.json" | grep -oE '[0-9.]+$')
    in_range "$first" 11.5 12.5 && ok || bad "hh first spike at $first ms"
else
    bad "hh --json failed: $(cat "$T/err")"
fi
for ext in png svg pdf; do
    "$ST" hh --plot "$T/hh.$ext" >/dev/null 2>"$T/err" && [ -s "$T/hh.$ext" ] && ok ||
        bad "hh plot .$ext: $(cat "$T/err")"
done
head -c 8 "$T/hh.png" | od -An -c | grep -q 'P   N   G' && ok || bad "hh plot is not a PNG"
"$ST" hh --integrator rush-larsen --temperature 18.5 --input pulse:start=2,width=1,amp=30 \
    --duration 20 --json >"$T/rl.json" && [ "$(json_field "$T/rl.json" spike_count)" = 1 ] &&
    grep -q '"integrator": "rush-larsen"' "$T/rl.json" && ok || bad "hh rush-larsen pulse"

# the f-I curve: thresholds of the 6.3 C model (steps from rest: about 2.2 and 6.2 uA/cm^2)
if "$ST" hh --fi 0:10:2 --json --plot "$T/fi.png" --trace "$T/fi.csv" >"$T/fi.json" 2>"$T/err"; then
    ok
    t1=$(json_field "$T/fi.json" fi_threshold_single_uA_cm2)
    t2=$(json_field "$T/fi.json" fi_threshold_repetitive_uA_cm2)
    in_range "$t1" 2.0 2.5 && ok || bad "single-spike threshold $t1"
    in_range "$t2" 5.8 6.6 && ok || bad "repetitive threshold $t2"
    [ "$(grep -c '"I_uA_cm2"' "$T/fi.json")" = 6 ] && ok || bad "fi: 6 currents expected"
    [ "$(head -1 "$T/fi.csv")" = "I_uA_cm2,spike_count,rate_hz,steady_rate_hz" ] &&
        [ "$(wc -l <"$T/fi.csv")" = 7 ] && ok || bad "fi table"
    [ -s "$T/fi.png" ] && ok || bad "fi plot"
else
    bad "hh --fi failed: $(cat "$T/err")"
fi
"$ST" hh --fi 0:10:5 >"$T/fi.txt" && grep -q "repetitive firing" "$T/fi.txt" && ok ||
    bad "hh --fi text output"

# ---- axon: good runs ------------------------------------------------------------------------
start=$(date +%s)
if "$ST" axon --json --trace "$T/ax.csv" --plot "$T/ax.png" >"$T/ax.json" 2>"$T/err"; then
    ok
    v=$(json_field "$T/ax.json" velocity_m_s)
    in_range "$v" 17 22 && ok || bad "1952 benchmark velocity $v m/s"
    grep -q '"conducted": true' "$T/ax.json" && ok || bad "axon: not conducted"
    in_range "$(json_field "$T/ax.json" peak_mv)" 15 40 && ok || bad "axon peak"
    in_range "$(json_field "$T/ax.json" width_ms)" 0.3 1.0 && ok || bad "axon width"
    for k in diameter_um length_mm ra_ohm_cm temperature_c dx_um dt_ms spike_times_ms; do
        grep -q "\"$k\"" "$T/ax.json" && ok || bad "axon json lacks $k"
    done
    [ "$(head -1 "$T/ax.csv")" = "t_ms,v_12.5mm,v_25mm,v_37.5mm" ] && ok ||
        bad "axon trace header $(head -1 "$T/ax.csv")"
    [ "$(($(wc -l <"$T/ax.csv") - 1))" = 601 ] && ok || bad "axon trace rows"
    [ -s "$T/ax.png" ] && ok || bad "axon plot"
else
    bad "axon --json failed: $(cat "$T/err")"
fi
[ $(($(date +%s) - start)) -lt 10 ] && ok || bad "the default axon run took too long"
"$ST" axon >"$T/ax.txt" && grep -q "conduction velocity" "$T/ax.txt" && ok || bad "axon text"
"$ST" axon --length-mm 20 --dx-um 50 --dt 0.02 --scheme be --at 5,15 --trace "$T/ax2.csv" \
    --json >"$T/ax2.json" && grep -q '"scheme": "be"' "$T/ax2.json" &&
    [ "$(json_field "$T/ax2.json" compartments)" = 400 ] &&
    [ "$(head -1 "$T/ax2.csv")" = "t_ms,v_5mm,v_15mm" ] && ok || bad "axon options"
"$ST" axon --stimulus 1,0.2 --json >"$T/weak.json" && grep -q '"conducted": false' "$T/weak.json" &&
    grep -q '"velocity_m_s": null' "$T/weak.json" && ok || bad "a weak stimulus conducts"
for c in hh axon; do
    "$ST" $c --help >"$T/h" && grep -q -- '--json' "$T/h" && ok || bad "$c --help"
done
"$ST" hh --help | grep -q "repetitive" && ok || bad "hh --help does not define repetitive firing"
"$ST" --help | grep -q " hh " && "$ST" --help | grep -q " axon " && ok ||
    bad "--help lists hh, axon"

# ---- bad input --------------------------------------------------------------------------------
expect_error 2 "^spiketalk: --diameter-um: .*> 0" axon --diameter-um 0
expect_error 2 "^spiketalk: --diameter-um: .*> 0" axon --diameter-um -476
expect_error 2 "^spiketalk: --length-mm: .*> 0" axon --length-mm 0
expect_error 2 "^spiketalk: --ra: .*> 0" axon --ra -1
expect_error 2 "^spiketalk: --dt: .*> 0" axon --dt 0
expect_error 2 "^spiketalk: --dt: .*> 0" axon --dt -0.01
expect_error 2 "^spiketalk: --dt: .*> 0" hh --dt 0
expect_error 2 "^spiketalk: --duration: " hh --duration -1
expect_error 2 "^spiketalk: --dx-um: .*longer than the axon" axon --dx-um 60000
expect_error 2 "^spiketalk: --dx-um: .*longer than the axon" axon --length-mm 1 --dx-um 1001
expect_error 2 "^spiketalk: --dx-um: .*> 0" axon --dx-um 0
expect_error 2 "^spiketalk: --dx-um: .*at least 4" axon --length-mm 1 --dx-um 400
expect_error 2 "^spiketalk: --dx-um and --compartments" axon --dx-um 100 --compartments 10
expect_error 2 "^spiketalk: --compartments: " axon --compartments 2.5
expect_error 2 "^spiketalk: --temperature: .*outside" axon --temperature 80
expect_error 2 "^spiketalk: --temperature: .*outside" hh --temperature -30
expect_error 2 "^spiketalk: --temperature: 'hot'" hh --temperature hot
expect_error 2 "^spiketalk: --at: .*outside the axon" axon --at 70
expect_error 2 "^spiketalk: --scheme: unknown scheme 'rk4'" axon --scheme rk4
expect_error 2 "^spiketalk: --stimulus: 'x'" axon --stimulus x
expect_error 2 "^spiketalk: --integrator: symplectic is not offered" hh --integrator symplectic
expect_error 2 "^spiketalk: --integrator: unknown integrator" hh --integrator rk5
expect_error 2 "^spiketalk: --fi: .*TO >= FROM" hh --fi 5:1:1
expect_error 2 "^spiketalk: --fi: .*FROM:TO:STEP" hh --fi 0:10
expect_error 2 "^spiketalk: --fi: 'a'" hh --fi a:1:1
expect_error 2 "^spiketalk: --fi: .*do not apply" hh --fi 0:10:1 --input const:amp=1
expect_error 2 "^spiketalk: --gNa: .*>= 0" hh --gNa -1
expect_error 2 "^spiketalk: --input: " hh --input stp:onset=1,amp=2
expect_error 2 "^spiketalk: --zz: unknown option" hh --zz 1
expect_error 2 "^spiketalk: --zz: unknown option" axon --zz 1
expect_error 2 "needs a value" axon --diameter-um

# beyond 45 C: a warning, and the run goes on
"$ST" hh --temperature 50 --duration 5 --integrator rush-larsen >/dev/null 2>"$T/err" &&
    grep -q "^spiketalk: warning: " "$T/err" && ok || bad "hh at 50 C: no warning ($(cat "$T/err"))"
"$ST" axon --temperature 50 --duration 2 --json >"$T/hot.json" 2>"$T/err" &&
    grep -q "^spiketalk: warning: " "$T/err" && ok || bad "axon at 50 C: no warning"
"$ST" axon --temperature 30 --duration 3 >/dev/null 2>"$T/err" && [ ! -s "$T/err" ] && ok ||
    bad "axon at 30 C warns: $(cat "$T/err")"

# numerical blow-up: the time and a hint; no trace or plot left behind
blow="v is not finite at t = [0-9.e+-]+ ms \(step [0-9]+\); try a smaller --dt"
expect_error 1 "hh: $blow \(now 0.5 ms\)" \
    hh --integrator euler --dt 0.5 --input const:amp=20 --trace "$T/blow.csv" --plot "$T/blow.png"
# a stimulus far beyond any membrane blows v up at any step: the message blames the stimulus
expect_error 1 "axon: v is not finite: the --stimulus of 1e\+300 uA .*use a smaller --stimulus" \
    axon --stimulus 1e300,1 --trace "$T/blow2.csv" --plot "$T/blow2.png"
# one that is not even a number per cm^2 is refused before the run
expect_error 2 "^spiketalk: --stimulus: 1e\+308 uA .* is inf uA/cm\^2" \
    axon --stimulus 1e308,1 --trace "$T/blow2.csv"
[ ! -e "$T/blow.csv" ] && [ ! -e "$T/blow.png" ] && [ ! -e "$T/blow2.csv" ] &&
    [ ! -e "$T/blow2.png" ] && ok || bad "output left after a blow-up"

# an unwritable plot path is bad input, refused before the (here long) computation starts
start=$(date +%s)
expect_error 2 "/nonexistent-dir/x.png: " axon --duration 100000 --plot /nonexistent-dir/x.png
expect_error 2 "/nonexistent-dir/x.png: " hh --duration 1e7 --plot /nonexistent-dir/x.png
expect_error 2 "/nonexistent-dir/t.csv: " hh --duration 1e7 --trace /nonexistent-dir/t.csv
expect_error 2 "/nonexistent-dir/x.png: " hh --fi 0:1000:1 --plot /nonexistent-dir/x.png
[ $(($(date +%s) - start)) -lt 3 ] && ok || bad "output paths checked only after computing"
expect_error 2 "x.txt: unknown plot format" axon --plot "$T/x.txt"
[ ! -e "$T/x.txt" ] && ok || bad "bad plot path created a file"

# failures never truncate existing outputs
echo keep >"$T/keep.csv"
expect_error 2 "--diameter-um" axon --diameter-um 0 --trace "$T/keep.csv"
expect_error 1 "not finite" hh --integrator euler --dt 0.5 --input const:amp=20 \
    --trace "$T/keep.csv"
[ "$(cat "$T/keep.csv")" = keep ] && ok || bad "trace truncated on failure"
ls "$T" | grep -q 'tmp' && bad "temporary files left behind: $(ls "$T")" || ok

finish cli-hh
