#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Black-box tests of the spiketalk binary: good runs and bad input (exit code, the
# "spiketalk: ..." message on stderr, and outputs that are never created or truncated).
# usage: test-cli.sh PATH/TO/spiketalk
. "$(dirname "$0")/lib.sh" "$1"

# ---- good runs ------------------------------------------------------------------------------
if "$ST" simulate --preset RS --json --trace "$T/rs.csv" --spikes "$T/rs-spikes.csv" >"$T/rs.json"; then
    ok
    n=$(json_field "$T/rs.json" spike_count)
    times=$(grep -oE '"spike_times_ms": \[[^]]*\]' "$T/rs.json" | grep -oE '[0-9.]+' | wc -l)
    rows=$(($(wc -l <"$T/rs-spikes.csv") - 1))
    [ "$n" -gt 0 ] && [ "$n" = "$times" ] && [ "$n" = "$rows" ] && ok ||
        bad "spike_count $n, times $times, csv rows $rows"
    [ "$(head -1 "$T/rs.csv")" = "t_ms,I,v,u" ] && ok || bad "trace header $(head -1 "$T/rs.csv")"
    # 1000 ms at 0.5 ms: 2000 steps, 2001 time points t_0 .. t_2000
    [ "$(($(wc -l <"$T/rs.csv") - 1))" = 2001 ] && ok || bad "trace rows"
    [ "$(sed -n 2p "$T/rs.csv")" = "0,0,-65,-13" ] && ok || bad "first row $(sed -n 2p "$T/rs.csv")"
    # the step is off at t = 300 and on after it (t > onset)
    grep -q '^300,0,' "$T/rs.csv" && grep -q '^300.5,5,' "$T/rs.csv" && ok || bad "step edge"
    for k in model integrator dt_ms duration_ms params spike_times_ms; do
        grep -q "\"$k\"" "$T/rs.json" && ok || bad "json lacks $k"
    done
else
    bad "simulate --preset RS failed"
fi

"$ST" simulate --feature tonic-spiking --json >"$T/a.json" 2>"$T/err" && ok || bad "feature A"
[ "$(json_field "$T/a.json" spike_count)" = 5 ] && ok || bad "tonic spiking: 5 spikes expected"
[ "$(json_field "$T/a.json" dt_ms)" = 0.25 ] && ok || bad "feature's own dt"
[ "$(json_field "$T/a.json" duration_ms)" = 100 ] && ok || bad "feature's own duration"
"$ST" simulate --feature C --json >"$T/c.json" && [ "$(json_field "$T/c.json" spike_count)" = 28 ] &&
    ok || bad "tonic bursting by letter: 28 spikes expected"

for ext in png svg pdf; do
    "$ST" simulate --preset FS --plot "$T/fs.$ext" >/dev/null 2>"$T/err" && [ -s "$T/fs.$ext" ] &&
        ok || bad "plot .$ext: $(cat "$T/err")"
done
head -c 8 "$T/fs.png" | od -An -c | grep -q 'P   N   G' && ok || bad "not a PNG"
head -c 4 "$T/fs.pdf" | grep -q '%PDF' && ok || bad "not a PDF"
"$ST" simulate --feature all --plot "$T/sheet.png" --json >"$T/all.json" && [ -s "$T/sheet.png" ] &&
    ok || bad "contact sheet"
[ "$(grep -c '"letter"' "$T/all.json")" = 20 ] && ok || bad "20 features in the json"
"$ST" simulate --model izh2007 --preset all --json >/dev/null && ok || bad "izh2007 all"
"$ST" simulate --preset RS --a 0.1 --d 2 --json >"$T/o.json" &&
    grep -q '"a": 0.1' "$T/o.json" && grep -q '"d": 2' "$T/o.json" && ok || bad "param override"
"$ST" simulate --preset RS --b 0.25 --v0 -70 --json >"$T/o.json" &&
    grep -q '"u0": -17.5' "$T/o.json" && ok || bad "u0 = b v0 follows --b and --v0"
"$ST" presets --json >"$T/p.json" && [ "$(grep -c '"name"' "$T/p.json")" = 36 ] && ok ||
    bad "presets --json: 27 + 7 + 2 presets"
for c in simulate presets; do
    "$ST" $c --help >"$T/h" && grep -q -- '--json' "$T/h" && ok || bad "$c --help"
done
"$ST" --help | grep -q simulate && ok || bad "--help"

# ---- bad input ----------------------------------------------------------------------------
expect_error 2 "unknown preset 'RSS'.*closest: RS" simulate --preset RSS
expect_error 2 "unknown feature 'tonic-spikin'.*tonic-spiking" simulate --feature tonic-spikin
expect_error 2 "^spiketalk: --dt: .*> 0" simulate --preset RS --dt 0
expect_error 2 "^spiketalk: --dt: .*> 0" simulate --preset RS --dt -1
expect_error 2 "^spiketalk: --duration: 'nan'" simulate --preset RS --duration nan
expect_error 2 "^spiketalk: --duration: " simulate --preset RS --duration -5
expect_error 2 "^spiketalk: --dt: 'abc'" simulate --dt abc
expect_error 2 "--input: 'stp:onset=1,amp=2': unknown kind 'stp'" simulate --input stp:onset=1,amp=2
expect_error 2 "--integrator: unknown integrator 'rk5'" simulate --integrator rk5
expect_error 2 "--model: unknown model" simulate --model hodgkin
expect_error 2 "--zz: unknown option" simulate --zz 1
expect_error 2 "--a: 'x' is not a finite number" simulate --a x
expect_error 2 "--c: the reset" simulate --c 40
expect_error 2 "needs a value" simulate --preset
expect_error 2 "not a command" frobnicate

# an unwritable plot path is bad input, refused before the (here 1e9-step) simulation starts
start=$(date +%s)
expect_error 2 "/nonexistent-dir/x.png: " simulate --duration 1e7 --dt 0.01 \
    --plot /nonexistent-dir/x.png
[ $(($(date +%s) - start)) -lt 3 ] && ok || bad "plot path checked only after simulating"
expect_error 2 "x.txt: unknown plot format" simulate --plot "$T/x.txt"
[ ! -e "$T/x.txt" ] && ok || bad "bad plot path created a file"

# failures never truncate existing outputs
echo keep >"$T/keep.csv"
expect_error 2 "--dt" simulate --dt 0 --trace "$T/keep.csv"
expect_error 1 "not finite at t = .*smaller --dt" simulate --preset RS --input const:amp=1000 \
    --dt 5 --integrator rk4 --trace "$T/keep.csv" --plot "$T/blow.png"
[ "$(cat "$T/keep.csv")" = keep ] && ok || bad "trace truncated on failure"
[ ! -e "$T/blow.png" ] && ok || bad "plot written after a failed run"
ls "$T" | grep -q 'tmp-' && bad "temporary files left behind" || ok

finish cli
