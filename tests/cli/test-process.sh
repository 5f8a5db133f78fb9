#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Black-box tests of `spiketalk process`: good runs, and bad input files and flags, each with a
# "spiketalk: FILE: reason" message, a non-zero exit, no output file, and the input unchanged.
# usage: test-process.sh PATH/TO/spiketalk PATH/TO/tests/data
. "$(dirname "$0")/lib.sh" "$1"
DATA=$2

# le32 N / le16 N: little-endian bytes as printf escapes.
le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $((($1 >> 8) & 255)) \
    $((($1 >> 16) & 255)) $((($1 >> 24) & 255)); }
le16() { printf '\\x%02x\\x%02x' $(($1 & 255)) $((($1 >> 8) & 255)); }
# wav_header FORMAT(1 pcm, 3 float) BITS DATA_BYTES: a mono 44.1 kHz RIFF/WAVE header, as
# printf escapes (binary would lose its NUL bytes in a command substitution).
wav_header() {
    local fmt=$1 bits=$2 n=$3 ba=$(($2 / 8))
    printf '%s' "RIFF$(le32 $((36 + n)))WAVEfmt $(le32 16)$(le16 "$fmt")$(le16 1)$(le32 44100)"
    printf '%s' "$(le32 $((44100 * ba)))$(le16 $ba)$(le16 "$bits")data$(le32 "$n")"
}

cp "$DATA/tone-burst.wav" "$T/in-tone.wav"

# ---- good runs --------------------------------------------------------------------------------
if "$ST" process "$T/in-tone.wav" -o "$T/reply.wav" --json --trace "$T/tr.csv" \
    --spikes "$T/sp.csv" --plot "$T/p.png" >"$T/j.json" 2>"$T/err"; then
    ok
    [ -s "$T/reply.wav" ] && [ -s "$T/p.png" ] && ok || bad "outputs missing"
    [ "$(head -1 "$T/tr.csv")" = "t_ms,input,gated,rectified,envelope,I,v,u,output,gate_threshold" ] && ok ||
        bad "trace header"
    n=$(grep -oE '"spike_count": [0-9]+' "$T/j.json" | awk '{print $2}')
    [ "$n" -gt 0 ] && [ "$n" = "$(($(wc -l <"$T/sp.csv") - 1))" ] && ok || bad "spike count $n"
    steps=$(grep -oE '"steps": [0-9]+' "$T/j.json" | awk '{print $2}')
    # one neuron step per sample by default: 0.6 s at 44.1 kHz
    [ "$steps" = 26460 ] && [ "$(($(wc -l <"$T/tr.csv") - 1))" = 26460 ] && ok || bad "steps $steps"
    for k in input_rate_hz duration_s threshold spike_times_ms envelope normalize gain; do
        grep -q "\"$k\"" "$T/j.json" && ok || bad "json lacks $k"
    done
else
    bad "process tone: $(cat "$T/err")"
fi
# output samples all within [-1, 1] (column 9 of the trace)
awk -F, 'NR > 1 && ($9 > 1 || $9 < -1 || $9 != $9 + 0) {bad = 1} END {exit bad}' "$T/tr.csv" &&
    ok || bad "output outside [-1, 1]"
"$ST" process "$T/in-tone.wav" -o "$T/r16.wav" --pcm16 --sonify clicks --preset RS --quiet &&
    [ -s "$T/r16.wav" ] && ok || bad "pcm16 clicks"
"$ST" process "$T/in-tone.wav" -o "$T/r07.wav" --model izh2007 --gain 300 --quiet && ok ||
    bad "izh2007 model"
# Hodgkin-Huxley answers too, with its own default gain (uA/cm2) and 0 mV spike rule
"$ST" process "$T/in-tone.wav" -o "$T/hh.wav" --model hh --json >"$T/hh.json" &&
    grep -q '"gain": 20' "$T/hh.json" && grep -q '"model": "hh"' "$T/hh.json" &&
    [ "$(grep -oE '"spike_count": [0-9]+' "$T/hh.json" | awk '{print $2}')" -gt 0 ] && ok ||
    bad "process --model hh"
for r in seed-hilbert seed-movavg-norm seed-playback seed-live; do
    "$ST" process "$T/in-tone.wav" -o "$T/$r.wav" --recipe $r --quiet && [ -s "$T/$r.wav" ] &&
        ok || bad "recipe $r"
done
# the same input gives the same file, byte for byte, whenever it is written (no time stamps)
"$ST" process "$T/in-tone.wav" -o "$T/again1.wav" --quiet && sleep 1.1 &&
    "$ST" process "$T/in-tone.wav" -o "$T/again2.wav" --quiet &&
    cmp -s "$T/again1.wav" "$T/again2.wav" && ok || bad "output not reproducible"
"$ST" process --help | grep -q -- '--recipe' && ok || bad "--help"
(cd "$T" && "$ST" process in-tone.wav --quiet && [ -s in-tone-response.wav ]) && ok ||
    bad "default output name"

# ---- bad input files ------------------------------------------------------------------------
head -c 30000 "$T/in-tone.wav" >"$T/in-trunc.wav"
: >"$T/in-empty.wav"
echo "this is not audio" >"$T/in-text.wav"
printf "$(wav_header 1 16 0)" >"$T/in-zero.wav"
{ printf "$(wav_header 3 32 16)"; printf '\x00\x00\x00\x3f\x00\x00\xc0\x7f\x00\x00\x00\x3f\x00\x00\x00\x00'; } >"$T/in-nan.wav"
{ printf "$(wav_header 3 32 12)"; printf '\x00\x00\x00\x3f\x00\x00\x80\x7f\x00\x00\x00\x00'; } >"$T/in-inf.wav"
# bad input files are bad input: exit 2, the file named
expect_process_fail 2 "in-trunc.wav: .*truncated" "$T/in-trunc.wav" -o "$T/out.wav"
expect_process_fail 2 "in-empty.wav: " "$T/in-empty.wav" -o "$T/out.wav"
expect_process_fail 2 "in-text.wav: " "$T/in-text.wav" -o "$T/out.wav"
expect_process_fail 2 "in-zero.wav: .*no audio frames" "$T/in-zero.wav" -o "$T/out.wav"
expect_process_fail 2 "in-nan.wav: .*not finite" "$T/in-nan.wav" -o "$T/out.wav"
expect_process_fail 2 "in-inf.wav: .*not finite" "$T/in-inf.wav" -o "$T/out.wav"
expect_process_fail 2 "missing.wav: " "$T/missing.wav" -o "$T/out.wav"

# ---- bad flags and outputs ------------------------------------------------------------------
expect_process_fail 2 "--gain: 'nan'" "$T/in-tone.wav" -o "$T/out.wav" --gain nan
expect_process_fail 2 "--rectify: unknown mode 'square'" "$T/in-tone.wav" -o "$T/out.wav" --rectify square
expect_process_fail 2 "--envelope: unknown" "$T/in-tone.wav" -o "$T/out.wav" --envelope fft
expect_process_fail 2 "--recipe: unknown recipe 'seed-x'" "$T/in-tone.wav" -o "$T/out.wav" --recipe seed-x
expect_process_fail 2 "--preset: unknown preset 'RSS'.*RS" "$T/in-tone.wav" -o "$T/out.wav" --preset RSS
expect_process_fail 2 "--decimate: " "$T/in-tone.wav" -o "$T/out.wav" --decimate 0
expect_process_fail 2 "--dt: " "$T/in-tone.wav" -o "$T/out.wav" --dt -1
expect_process_fail 2 "/nonexistent-dir/out.wav: " "$T/in-tone.wav" -o /nonexistent-dir/out.wav
expect_process_fail 2 "in-tone.wav' is the same file as the input" "$T/in-tone.wav" -o "$T/in-tone.wav"
expect_process_fail 2 "/nonexistent-dir/p.png: " "$T/in-tone.wav" -o "$T/out.wav" --plot /nonexistent-dir/p.png
expect_process_fail 2 "no input file" -o "$T/out.wav"
ls "$T" | grep -q 'tmp' && bad "temporary files left behind" || ok

finish process
