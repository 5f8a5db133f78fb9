#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Black-box tests of `spiketalk devices` and `spiketalk record`: the device list, bad flags and
# outputs (exit 2, the flag or path named, nothing created), and no capture device (exit 1,
# pointing to `spiketalk process`).
# usage: test-audio-cli.sh PATH/TO/spiketalk
. "$(dirname "$0")/lib.sh" "$1"

# ---- devices ----------------------------------------------------------------------------------
if "$ST" devices >"$T/dev.txt" 2>"$T/err"; then ok; else bad "devices: exit $?"; fi
# PortAudio's probing (ALSA's complaints on a machine without a sound card) stays off stderr
[ ! -s "$T/err" ] && ok || bad "devices wrote to stderr: $(head -3 "$T/err")"
"$ST" devices --json >"$T/dev.json" && grep -q '"count": ' "$T/dev.json" &&
    grep -q '"devices": \[' "$T/dev.json" && ok || bad "devices --json"
count=$(grep -oE '"count": [0-9]+' "$T/dev.json" | awk '{print $2}')
if [ "${count:-0}" -eq 0 ]; then
    grep -q "No audio devices found" "$T/dev.txt" &&
        grep -q "spiketalk process FILE" "$T/dev.txt" && ok ||
        bad "an empty list does not say so: $(cat "$T/dev.txt")"
else
    head -1 "$T/dev.txt" | grep -q "index" && ok || bad "device table header"
fi
"$ST" devices --help | grep -q -- '--json' && ok || bad "devices --help"
expect_error 2 "--bogus: unknown option" devices --bogus

# ---- record: bad flags and outputs (checked before any device is opened) --------------------
"$ST" record --help | grep -q -- '--pcm16' && ok || bad "record --help"
for d in 0 nan -1 inf 3601 abc; do
    expect_error 2 "^spiketalk: -d: " record -d "$d" -o "$T/x.wav"
done
expect_error 2 "^spiketalk: -d: .*required" record -o "$T/x.wav"
expect_error 2 "^spiketalk: -o: .*required" record -d 1
expect_error 2 "^spiketalk: --rate: " record -d 1 -o "$T/x.wav" --rate 0
expect_error 2 "^spiketalk: --rate: " record -d 1 -o "$T/x.wav" --rate 44100.5
expect_error 2 "$T/no-such-folder/x.wav: " record -d 1 -o "$T/no-such-folder/x.wav"
expect_error 2 "$T: is a directory" record -d 1 -o "$T"
expect_error 2 "needs a value" record -d
expect_error 2 "--loud: unknown option" record -d 1 -o "$T/x.wav" --loud
[ ! -e "$T/x.wav" ] && ok || bad "a refused record created its output"

# ---- record: no capture device ------------------------------------------------------------
if grep -qE '"max_input_channels": [1-9]' "$T/dev.json"; then
    echo "SKIP: a capture device exists here; the no-device path is not tested" >&2
else
    expect_error 1 "no audio capture device found.*spiketalk process" record -d 1 -o "$T/x.wav"
    expect_error 1 "spiketalk process" record -d 1 -o "$T/x.wav" --device USB --pcm16
    [ ! -e "$T/x.wav" ] && ok || bad "record without a device created its output"
    # an existing file is left alone
    echo keep >"$T/keep.wav"
    expect_error 1 "spiketalk process" record -d 1 -o "$T/keep.wav"
    [ "$(cat "$T/keep.wav")" = keep ] && ok || bad "record without a device truncated its output"
fi
ls "$T" | grep -q 'tmp-' && bad "temporary files left behind" || ok

finish audio-cli
