#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `spiketalk record` end to end on a private JACK server with the dummy driver (no sound card
# needed): the device is listed, takes of the asked length are written, a rate the server does
# not run at fails cleanly. Skips (exit 77) where jackd is not installed.
# usage: test-record-jack.sh PATH/TO/spiketalk
set -u
ST=$1
command -v jackd >/dev/null && command -v jack_lsp >/dev/null || {
    echo "SKIP: jackd and jack_lsp (Debian jackd2) are needed" >&2
    exit 77
}
T=$(mktemp -d)
# a private server name per run, so that runs and other tests coexist
export JACK_DEFAULT_SERVER="spiketalk-rec-$$"
jackd -n "$JACK_DEFAULT_SERVER" -d dummy -r 44100 -p 256 >"$T/jackd.log" 2>&1 &
JACKD=$!
trap 'kill $JACKD 2>/dev/null; wait $JACKD 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 100); do
    jack_lsp >/dev/null 2>&1 && break
    sleep 0.05
done
jack_lsp >/dev/null 2>&1 || { echo "jackd did not start: $(cat "$T/jackd.log")" >&2; exit 1; }

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
json_field() { grep -oE "\"$2\": [-0-9.e]+" "$1" | head -1 | awk '{print $2}'; }

"$ST" devices --json >"$T/dev.json" 2>"$T/err" && grep -q '"host_api": "JACK' "$T/dev.json" &&
    grep -qE '"max_input_channels": [1-9]' "$T/dev.json" && ok ||
    bad "the JACK device is not listed: $(cat "$T/dev.json" "$T/err")"

# stdin is not a terminal here, nor is stderr: no progress lines
if timeout 20 "$ST" record -d 0.5 -o "$T/take.wav" --json >"$T/take.json" 2>"$T/err"; then
    ok
    [ "$(json_field "$T/take.json" frames)" = 22050 ] && ok || bad "frames: $(cat "$T/take.json")"
    [ "$(json_field "$T/take.json" fs_hz)" = 44100 ] && ok || bad "fs_hz"
    # RIFF header, 32-bit float: 22050 frames x 4 bytes of data
    [ "$(head -c 4 "$T/take.wav")" = RIFF ] && [ "$(stat -c %s "$T/take.wav")" -gt 88200 ] && ok ||
        bad "take.wav is not a float WAV of 22050 frames"
    [ ! -s "$T/err" ] && ok || bad "record wrote to stderr: $(cat "$T/err")"
else
    bad "record on JACK failed: $(cat "$T/err")"
fi
timeout 20 "$ST" record -d 0.25 -o "$T/take16.wav" --device system --pcm16 >"$T/out" 2>"$T/err" &&
    [ "$(stat -c %s "$T/take16.wav")" -ge $((11025 * 2 + 44)) ] && ok ||
    bad "record --pcm16 --device system: $(cat "$T/err")"
timeout 20 "$ST" record -d 0.25 -o "$T/r.wav" --rate 48000 >"$T/out" 2>"$T/err"
[ $? = 1 ] && grep -q '^spiketalk: .*48000 Hz' "$T/err" && [ ! -e "$T/r.wav" ] && ok ||
    bad "a rate the server does not run at: $(cat "$T/err")"
timeout 20 "$ST" record -d 0.25 -o "$T/r.wav" --device nosuchcard >"$T/out" 2>"$T/err"
[ $? = 1 ] && grep -q "'nosuchcard'" "$T/err" && ok || bad "unknown --device: $(cat "$T/err")"
ls "$T" | grep -q 'tmp-' && bad "temporary files left behind" || ok

echo "record-jack: $pass passed, $fail failed"
[ $fail -eq 0 ]
