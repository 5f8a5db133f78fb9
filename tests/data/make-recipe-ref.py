#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference results for the study's recipes, computed once with numpy/scipy the way the study's
Python programs did it (seed-summary sections 3-5), and committed beside this script.

usage (Debian: python3-numpy python3-scipy):
    python3 tests/data/make-recipe-ref.py tests/data/tone-burst.wav data/demo-voice.wav

For each input X.wav and recipe R it writes ref-R-X.json with the neuron input I sampled every
'stride' steps, its sum and maximum, and the spike steps. The C test (test-recipes.c) runs the
same recipe through libspiketalk and compares. Run with --tone to (re)make tone-burst.wav.
"""
import json
import os
import sys

import numpy as np
import scipy.io.wavfile
import scipy.signal

RS = (0.02, 0.2, -65.0, 8.0)
FS = (0.1, 0.2, -65.0, 2.0)


def read(path):
    fs, x = scipy.io.wavfile.read(path)
    if x.dtype == np.int16:
        x = x.astype(np.float64) / 32768.0
    else:
        x = x.astype(np.float64)
    if x.ndim > 1:
        x = x.mean(axis=1)
    return fs, x.astype(np.float32).astype(np.float64)


def gate(x):
    thr = 3 * np.std(x[:441])
    y = x.copy()
    y[(y >= -thr) & (y <= thr)] = 0
    return y


def neuron(I, h, params, steps=None):
    """v first, then u from the new v; reset when v > 30; v[k] is the state at t_k."""
    a, b, c, d = params
    n = len(I) if steps is None else steps
    v = np.empty(n)
    u = np.empty(n)
    v[0] = -65.0
    u[0] = b * v[0]
    spikes = []
    for k in range(n - 1):
        vk = v[k] + h * (0.04 * v[k] ** 2 + 5 * v[k] + 140 - u[k] + I[k])
        uk = u[k] + h * a * (b * vk - u[k])
        if vk > 30:
            vk = c
            uk = uk + d
            spikes.append(k + 1)
        v[k + 1] = vk
        u[k + 1] = uk
    return v, spikes


def movavg_seed(y, w=441):
    out = np.empty(len(y))
    s = 0.0
    for i in range(len(y)):
        s += y[i]
        if i >= w:
            s -= y[i - w]
        out[i] = s / (i + 1) if i < w else s * 2 / w
    return out


def recipe(name, fs, x):
    g = gate(x)
    if name.startswith("seed-hilbert"):
        env = np.abs(scipy.signal.hilbert(g))[::9]
    else:
        env = movavg_seed(np.abs(g))
        if name == "seed-playback":
            env = scipy.signal.resample(env, int(round(len(x) * 5000 / fs)))
        else:
            env = env[::9]
    I = 10 * env / np.max(env) if name.endswith("-norm") else 10 * env
    v, spikes = neuron(I, 0.2, RS)
    return I, spikes


def seed_live(fs, x):
    chunk, nwin = 1024, 10
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
        a_, b_, c_, d_ = FS
        v, u = -65.0, b_ * -65.0
        for i in range(115):
            vn = v + 0.2 * (0.04 * v ** 2 + 5 * v + 140 - u + I[i])
            u = u + 0.2 * a_ * (b_ * vn - u)
            v = vn
            if v > 30:
                v = c_
                u += d_
                spikes.append(c * 232 + i + 1)
        Is.append(I)
    return np.concatenate(Is), spikes


def tone_burst(path):
    fs = 44100
    t = np.arange(int(0.6 * fs)) / fs
    env = np.clip((t - 0.1) / 0.05, 0, 1) * np.clip((0.45 - t) / 0.05, 0, 1)
    x = 0.5 * env * np.sin(2 * np.pi * 440 * t) + 0.001 * np.sin(2 * np.pi * 3000 * t)
    scipy.io.wavfile.write(path, fs, np.round(x * 32767).astype(np.int16))


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    if "--tone" in argv:
        tone_burst(os.path.join(here, "tone-burst.wav"))
        argv = [a for a in argv if a != "--tone"]
    for path in argv:
        fs, x = read(path)
        stem = os.path.splitext(os.path.basename(path))[0]
        for name in ["seed-hilbert", "seed-hilbert-norm", "seed-movavg", "seed-movavg-norm",
                     "seed-playback", "seed-live"]:
            I, spikes = seed_live(fs, x) if name == "seed-live" else recipe(name, fs, x)
            stride = max(1, len(I) // 200)
            ref = {"recipe": name, "input": os.path.basename(path), "steps": len(I),
                   "stride": stride, "I_sampled": [float(v) for v in I[::stride]],
                   "I_sum": float(np.sum(I)), "I_max": float(np.max(I)),
                   "spike_steps": [int(s) for s in spikes]}
            with open(os.path.join(here, f"ref-{name}-{stem}.json"), "w") as f:
                json.dump(ref, f, indent=0)
            print(f"{stem:12s} {name:18s} steps {len(I):6d} spikes {len(spikes)}")


if __name__ == "__main__":
    main(sys.argv[1:])
