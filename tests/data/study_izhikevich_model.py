#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The study's first program (Izhikevich_Model.py) with its I/O replaced: instead of plotting v
and I for the chosen cell type, it prints the spike steps of each of the seven presets as one
JSON object {"RS": [k, ...], ...}, where a spike at step k is the state at t_k = k * h.

Everything else is the study's code: numpy float64 arrays, h = 0.5 ms over 0..1000 ms
(2001 samples), v0 = -65, u0 = b * v0, I = 5 for t > 300 ms, v updated first and u from the new
v, the expressions as the study wrote them (Python evaluates them left to right), and the reset
when v > 30. tests/cli/test-study.sh compares `spiketalk simulate --preset X --json` with it.

usage: python3 tests/data/study_izhikevich_model.py   (Debian: python3-numpy)
"""
import json

import numpy as np

PRESETS = {
    "RS": (0.02, 0.2, -65, 8),
    "IB": (0.02, 0.2, -55, 4),
    "CH": (0.02, 0.2, -50, 2),
    "FS": (0.1, 0.2, -65, 2),
    "LTS": (0.02, 0.25, -65, 2),
    "TC": (0.02, 0.25, -65, 0.05),
    "RZ": (0.1, 0.26, -65, 2),
}


def izhikevich(a, b, c, d):
    h = 0.5
    t = np.arange(0, 1000 + h, h)
    I = np.zeros(len(t))
    I[t > 300] = 5
    v = np.zeros(len(t))
    u = np.zeros(len(t))
    v[0] = -65
    u[0] = b * v[0]
    spikes = []
    for k in range(len(t) - 1):
        v[k + 1] = v[k] + h * (0.04 * v[k] * v[k] + 5 * v[k] + 140 - u[k] + I[k])
        u[k + 1] = u[k] + h * (a * (b * v[k + 1] - u[k]))
        if v[k + 1] > 30:
            v[k + 1] = c
            u[k + 1] = u[k + 1] + d
            spikes.append(k + 1)
    return spikes


if __name__ == "__main__":
    print(json.dumps({name: izhikevich(*p) for name, p in PRESETS.items()}))
