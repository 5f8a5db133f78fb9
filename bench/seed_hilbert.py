#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The study's Hilbert recipe in plain Python/numpy/scipy, for bench-process to time beside
spiketalk's: gate 3 sigma of 441 samples, |hilbert|, every 9th sample, I = 10 env, RS neuron
with h = 0.2 ms in a per-sample Python loop (as the study ran it).
usage: seed_hilbert.py FILE.wav [REPEATS]  -> prints 'seconds SPIKES' (best of REPEATS)"""
import sys
import time

import numpy as np
import scipy.io.wavfile
import scipy.signal


def run(x):
    thr = 3 * np.std(x[:441])
    g = x.copy()
    g[(g >= -thr) & (g <= thr)] = 0
    env = np.abs(scipy.signal.hilbert(g))[::9]
    I = 10 * env
    a, b, c, d, h = 0.02, 0.2, -65.0, 8.0, 0.2
    v = np.empty(len(I))
    u = np.empty(len(I))
    v[0] = -65.0
    u[0] = b * v[0]
    spikes = 0
    for k in range(len(I) - 1):
        vk = v[k] + h * (0.04 * v[k] ** 2 + 5 * v[k] + 140 - u[k] + I[k])
        uk = u[k] + h * a * (b * vk - u[k])
        if vk > 30:
            vk, uk = c, uk + d
            spikes += 1
        v[k + 1], u[k + 1] = vk, uk
    return spikes


def main():
    fs, x = scipy.io.wavfile.read(sys.argv[1])
    x = x.astype(np.float64) / 32768.0 if x.dtype == np.int16 else x.astype(np.float64)
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    best, spikes = float("inf"), 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        spikes = run(x)
        best = min(best, time.perf_counter() - t0)
    print(f"{best:.6f} {spikes}")


if __name__ == "__main__":
    main()
