#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The study's recipes as its programs computed them (seed-summary sections 3-5), with their I/O
replaced: instead of recording from the microphone and plotting, each reads a WAV file and
writes what the neuron received and did. The code is the study's: numpy float64 arrays from the
gate to the current, its expressions token for token (0.04 * v * v, h * (a * (...)),
10 * env / np.max(env), the running sum's s * 2 / w), its constants as it wrote them (the gate's
441 samples, every 9th sample, h = 0.2, w = int(fs / 100), the 1024-sample chunk), and scipy's
hilbert and resample. It can therefore disagree with spiketalk, which is the point.

The reading is the one I/O part that had to be written: the samples are converted to float64
exactly as libsndfile presents them (16-bit / 32768, 8-bit unsigned (x - 128) / 128, 32-bit
/ 2^31, float as stored), and several channels are averaged (float64) into one.

usage (Debian: python3-numpy python3-scipy):
    python3 tests/data/make-recipe-ref.py [--out DIR] FILE.wav ...
    python3 tests/data/make-recipe-ref.py --tone        (re)makes tests/data/tone-burst.wav

For each input X.wav and recipe R it writes DIR/ref-R-X.json (DIR: beside this script) with the
neuron input I sampled every 'stride' steps, its sum and maximum, the gate threshold, and the
spike steps. tests/unit/test-recipes.c and tests/cli/test-recipes.sh compare spiketalk with it.
"""
import json
import os
import sys

import numpy as np
import scipy.io.wavfile
import scipy.signal

# ---- I/O: a WAV file as float64, as libsndfile reads it -------------------------------------


def read(path):
    fs, x = scipy.io.wavfile.read(path)
    if x.dtype == np.uint8:
        x = (x.astype(np.float64) - 128.0) / 128.0
    elif x.dtype == np.int16:
        x = x.astype(np.float64) / 32768.0
    elif x.dtype == np.int32:
        x = x.astype(np.float64) / 2147483648.0
    else:
        x = x.astype(np.float64)
    if x.ndim > 1:
        x = x.mean(axis=1)
    return fs, x


# ---- the study's code ------------------------------------------------------------------------

RS = (0.02, 0.2, -65, 8)
FS = (0.1, 0.2, -65, 2)


def noise_gate(x):
    thr = 3 * np.std(x[:441])
    y = x.copy()
    y[(y >= -thr) & (y <= thr)] = 0
    return y, thr


def izhikevich(I, a, b, c, d):
    h = 0.2
    v = np.zeros(len(I))
    u = np.zeros(len(I))
    v[0] = -65
    u[0] = b * v[0]
    spikes = []
    for k in range(len(I) - 1):
        v[k + 1] = v[k] + h * (0.04 * v[k] * v[k] + 5 * v[k] + 140 - u[k] + I[k])
        u[k + 1] = u[k] + h * (a * (b * v[k + 1] - u[k]))
        if v[k + 1] > 30:
            v[k + 1] = c
            u[k + 1] = u[k + 1] + d
            spikes.append(k + 1)
    return v, spikes


def moving_average(y, fs):
    w = int(fs / 100)
    out = np.zeros(len(y))
    s = 0
    for i in range(len(y)):
        s += y[i]
        if i >= w:
            s -= y[i - w]
        if i < w:
            out[i] = s / (i + 1)
        else:
            out[i] = s * 2 / w
    return out


def recipe(name, fs, x):
    gated, thr = noise_gate(x)
    if name.startswith("seed-hilbert"):
        env = np.abs(scipy.signal.hilbert(gated))
        env = env[::9]
    else:
        env = moving_average(np.abs(gated), fs)
        if name == "seed-playback":
            D = len(x) / fs
            env = scipy.signal.resample(env, int(round(D * 5000)))
        else:
            env = env[::9]
    if name.endswith("-norm"):
        I = 10 * env / np.max(env)
    else:
        I = 10 * env
    v, spikes = izhikevich(I, *RS)
    return I, spikes, thr


def seed_live(fs, x):
    chunk, nwin = 1024, 10
    a_, b_, c_, d_ = FS
    nch = (len(x) + chunk - 1) // chunk
    buf = np.zeros(chunk * nwin)
    Is, spikes = [], []
    for c in range(nch):
        data = np.zeros(chunk)
        part = x[c * chunk:(c + 1) * chunk]
        data[:len(part)] = part
        buf = np.roll(buf, -chunk)
        a = np.abs(data)
        a[a < 0.2] = 0
        buf[-chunk:] = a
        env = np.abs(scipy.signal.hilbert(buf))
        env = np.convolve(env, np.ones(21), "same")
        I = scipy.signal.resample(env[-chunk:], 232)
        v = -65
        u = b_ * v
        for i in range(115):
            v = v + 0.2 * (0.04 * v * v + 5 * v + 140 - u + I[i])
            u = u + 0.2 * (a_ * (b_ * v - u))
            if v > 30:
                v = c_
                u = u + d_
                spikes.append(c * 232 + i + 1)
        Is.append(I)
    return np.concatenate(Is), spikes, 0.2


# ---- the test signal and the output ----------------------------------------------------------


def tone_burst(path):
    fs = 44100
    t = np.arange(int(0.6 * fs)) / fs
    env = np.clip((t - 0.1) / 0.05, 0, 1) * np.clip((0.45 - t) / 0.05, 0, 1)
    x = 0.5 * env * np.sin(2 * np.pi * 440 * t) + 0.001 * np.sin(2 * np.pi * 3000 * t)
    scipy.io.wavfile.write(path, fs, np.round(x * 32767).astype(np.int16))


RECIPES = ["seed-hilbert", "seed-hilbert-norm", "seed-movavg", "seed-movavg-norm",
           "seed-playback", "seed-live"]


def main(argv):
    out = os.path.dirname(os.path.abspath(__file__))
    if "--tone" in argv:
        tone_burst(os.path.join(out, "tone-burst.wav"))
        argv = [a for a in argv if a != "--tone"]
    if "--out" in argv:
        i = argv.index("--out")
        out = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    for path in argv:
        fs, x = read(path)
        stem = os.path.splitext(os.path.basename(path))[0]
        for name in RECIPES:
            I, spikes, thr = seed_live(fs, x) if name == "seed-live" else recipe(name, fs, x)
            stride = max(1, len(I) // 200)
            ref = {"recipe": name, "input": os.path.basename(path), "rate_hz": int(fs),
                   "steps": len(I), "stride": stride, "gate_threshold": float(thr),
                   "I_sampled": [float(v) for v in I[::stride]],
                   "I_sum": float(np.sum(I)), "I_max": float(np.max(I)),
                   "spike_steps": [int(s) for s in spikes]}
            with open(os.path.join(out, f"ref-{name}-{stem}.json"), "w") as f:
                json.dump(ref, f, indent=0)
            print(f"{stem:12s} {name:18s} steps {len(I):6d} spikes {len(spikes)}")


if __name__ == "__main__":
    main(sys.argv[1:])
