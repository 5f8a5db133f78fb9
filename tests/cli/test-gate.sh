#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The default recipe's gate follows the noise floor: a take that starts on a word, the same take
# after half a second of room noise, and after a 50 ms full-scale click all get answers within
# 20 % of the same spike count, offline and streaming (--block 64); digital silence gives no
# spikes and no NaN; the JSON and the trace report the threshold over time; the gate flags.
# usage: test-gate.sh PATH/TO/spiketalk PATH/TO/data   (needs sox)
. "$(dirname "$0")/lib.sh" "$1"
DATA=$2
command -v sox >/dev/null || { bad "sox is not installed (scripts/setup.sh installs it)"; finish gate; exit; }

# the demo voice without its leading silence (it starts on a word), after 0.5 s of noise at
# -50 dBFS, after a 50 ms full-scale square click; and two seconds of digital silence
sox "$DATA/demo-voice.wav" "$T/word.wav" silence 1 0.001 0.1% &&
    sox -n -r 44100 -b 16 -c 1 "$T/noise.wav" synth 0.5 whitenoise vol 0.003 &&
    sox "$T/noise.wav" "$T/word.wav" "$T/after-noise.wav" &&
    sox -n -r 44100 -b 16 -c 1 "$T/click.wav" synth 0.05 square 200 vol 0.99 &&
    sox "$T/click.wav" "$T/word.wav" "$T/after-click.wav" &&
    sox -n -r 44100 -b 16 -c 1 "$T/silence.wav" trim 0 2 ||
    { bad "making the takes failed"; finish gate; exit; }

count() { # FILE [FLAGS]: the spike count of the default recipe
    local f=$1
    shift
    "$ST" process "$f" -o "$T/out.wav" --json "$@" >"$T/j.json" 2>"$T/err" || { echo -1; return; }
    json_field "$T/j.json" spike_count
}
within20() { # A B: |A - B| <= 0.2 * B
    awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b > 0 && d <= 0.2 * b) }'
}
for mode in "" "--block 64"; do
    base=$(count "$T/word.wav" $mode)
    noisy=$(count "$T/after-noise.wav" $mode)
    click=$(count "$T/after-click.wav" $mode)
    echo "default recipe ${mode:-offline}: a word at t = 0 $base spikes; after 0.5 s of noise $noisy; after a click $click"
    [ "$base" -gt 10 ] && ok || bad "${mode:-offline}: only $base spikes"
    within20 "$noisy" "$base" && ok || bad "${mode:-offline}: after noise $noisy vs $base"
    within20 "$click" "$base" && ok || bad "${mode:-offline}: after a click $click vs $base"
    # digital silence: nothing, and finite numbers
    "$ST" process "$T/silence.wav" -o "$T/out.wav" --json $mode >"$T/s.json" 2>"$T/err" &&
        [ "$(json_field "$T/s.json" spike_count)" = 0 ] && ! grep -qi nan "$T/s.json" && ok ||
        bad "${mode:-offline}: digital silence: $(cat "$T/err") $(head -c 300 "$T/s.json")"
done

# the threshold over time: in the JSON (one value per 10 ms) and as the trace's last column;
# during the noise it is 3 x the noise's rms (measured here from the file) within 2 dB
"$ST" process "$T/after-noise.wav" -o "$T/out.wav" --json --trace "$T/tr.csv" >"$T/j.json" 2>"$T/err"
/usr/bin/env python3 - "$T/j.json" "$T/tr.csv" "$T/noise.wav" <<'PY' && ok || bad "threshold track"
import json, math, struct, sys, wave
j = json.load(open(sys.argv[1]))
g = j["gate"]
track, dt = g["threshold_track"], g["threshold_track_dt_s"]
assert g["mode"] == "adaptive" and abs(dt - 0.01) < 1e-9, g
assert abs(len(track) - j["duration_s"] / dt) <= 1, (len(track), j["duration_s"])
w = wave.open(sys.argv[3])
x = struct.unpack("<%dh" % w.getnframes(), w.readframes(w.getnframes()))
rms = math.sqrt(sum((v / 32768) ** 2 for v in x) / len(x))
noise = track[int(0.3 / dt):int(0.5 / dt)]
print(f"noise rms {rms:.5f}: threshold {min(noise):.5f} .. {max(noise):.5f} (3 x rms {3 * rms:.5f})")
assert all(3 * rms / 1.26 < t < 3 * rms * 1.26 for t in noise), noise[:5]
rows = open(sys.argv[2]).read().split("\n")
assert rows[0].endswith(",gate_threshold"), rows[0]
thr = [float(r.split(",")[-1]) for r in rows[1:] if r]
assert abs(thr[int(0.4 * 44100)] - track[39]) < 1e-12, (thr[int(0.4 * 44100)], track[39])
PY

# the flags
"$ST" process "$T/word.wav" -o "$T/out.wav" --gate fixed:0.05 --json >"$T/j.json" 2>"$T/err" &&
    grep -q '"mode": "fixed"' "$T/j.json" && [ "$(json_field "$T/j.json" threshold)" = 0.05 ] && ok ||
    bad "--gate fixed:0.05: $(cat "$T/err")"
"$ST" process "$T/word.wav" -o "$T/out.wav" --gate leading --json >"$T/j.json" 2>"$T/err" &&
    grep -q '"mode": "leading"' "$T/j.json" && ok || bad "--gate leading"
expect_error 2 "--gate: 'loud' is not a gate" process "$T/word.wav" -o "$T/out.wav" --gate loud
expect_error 2 "--gate: 'x' is not a finite number" process "$T/word.wav" -o "$T/out.wav" --gate fixed:x
expect_error 2 "--gate: the fixed threshold must be >= 0" process "$T/word.wav" -o "$T/out.wav" --gate fixed:-1
finish gate
