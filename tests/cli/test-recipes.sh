#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The study's recipes on recordings made here (espeak-ng speaks, sox turns it into a 44.1 kHz,
# a 48 kHz, an 8-bit, a stereo and a clipped recording), against the study's own code run now
# by Python (tests/data/make-recipe-ref.py: numpy float64, scipy's hilbert and resample): every
# seed recipe must give the reference's spike steps exactly (seed-live: its spike count) and the
# same gate threshold, and the moving average's window must follow the rate (int(fs / 100)).
# usage: test-recipes.sh PATH/TO/spiketalk PATH/TO/tests/data PYTHON
. "$(dirname "$0")/lib.sh" "$1"
DATA=$2
PY=$3

for tool in espeak-ng sox; do
    command -v "$tool" >/dev/null || { bad "$tool is not installed (scripts/setup.sh installs it)"; finish recipes; exit; }
done

# ---- the recordings ----------------------------------------------------------------------------
# a spoken phrase, normalised to -1 dBFS, after 0.25 s of faint room noise (what the study's gate
# learned from), at 44.1 kHz; then its kin
espeak-ng -s 140 -w "$T/raw.wav" "A neuron listens to a voice, and answers it." &&
    sox "$T/raw.wav" -r 44100 -b 16 "$T/voice.wav" gain -n -1 pad 0.25 0.1 &&
    sox -n -r 44100 -b 16 "$T/noise.wav" synth "$(soxi -D "$T/voice.wav")" whitenoise vol 0.003 &&
    sox -m "$T/voice.wav" "$T/noise.wav" "$T/rec-44k.wav" &&
    sox "$T/rec-44k.wav" -r 48000 "$T/rec-48k.wav" &&
    sox "$T/rec-44k.wav" -b 8 -e unsigned "$T/rec-8bit.wav" &&
    sox "$T/rec-44k.wav" "$T/rec-stereo.wav" remix 1 1v0.6 delay 0 0.005 &&
    sox -V1 "$T/rec-44k.wav" "$T/rec-clipped.wav" gain 12 ||
    { bad "making the recordings failed"; finish recipes; exit; }
files="rec-44k rec-48k rec-8bit rec-stereo rec-clipped"

mkdir "$T/ref"
"$PY" "$DATA/make-recipe-ref.py" --out "$T/ref" $(for f in $files; do echo "$T/$f.wav"; done) \
    >"$T/ref.log" 2>&1 || { bad "the reference failed: $(tail -3 "$T/ref.log")"; finish recipes; exit; }

# ---- spiketalk on the same files ----------------------------------------------------------------
recipes="seed-hilbert seed-hilbert-norm seed-movavg seed-movavg-norm seed-playback seed-live"
for f in $files; do
    for r in $recipes; do
        "$ST" process "$T/$f.wav" -o "$T/out.wav" --recipe "$r" --json --trace "$T/$r-$f.csv" \
            >"$T/$r-$f.json" 2>"$T/err" || bad "process $f --recipe $r: $(cat "$T/err")"
    done
done

"$PY" - "$T" "$files" "$recipes" <<'PY' && ok || bad "spiketalk and the study's code disagree"
import json, sys
t, files, recipes = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
good = True
for f in files:
    for r in recipes:
        ref = json.load(open(f"{t}/ref/ref-{r}-{f}.json"))
        got = json.load(open(f"{t}/{r}-{f}.json"))
        steps = [round(x / got["neuron"]["dt_ms"]) for x in got["spike_times_ms"]]
        same = steps == ref["spike_steps"]
        thr = got["gate"]["threshold"] == ref["gate_threshold"]
        n_ok = got["neuron"]["steps"] == ref["steps"]
        # the neuron input, sampled along the run (the trace keeps 12 digits)
        rows = open(f"{t}/{r}-{f}.csv").read().split("\n")[1:]
        I = [float(line.split(",")[5]) for line in rows if line]
        s = ref["stride"]
        err = max(abs(I[k * s] - v) for k, v in enumerate(ref["I_sampled"]))
        i_ok = len(I) == ref["steps"] and err <= 1e-10 * max(1.0, ref["I_max"])
        ok = ((same or (r == "seed-live" and len(steps) == len(ref["spike_steps"]))) and thr
              and n_ok and i_ok)
        print(f"{f:12s} {r:18s} spikes {len(steps):4d} (study {len(ref['spike_steps']):4d})"
              f"{'' if same else ', steps differ'}{'' if thr else ', gate differs'}"
              f"{'' if n_ok else ', step count differs'}{'' if i_ok else f', I differs by {err:g}'}")
        good &= ok
# the window follows the rate: int(fs / 100) = 441 at 44.1 kHz and 480 at 48 kHz (seen in the
# number of steps of seed-playback, which follows the duration, and in the spikes above)
sys.exit(0 if good else 1)
PY
finish recipes
