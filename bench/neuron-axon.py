#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# The benchmark axon of bench-hh in NEURON: prints one line "neuron WALL_S VELOCITY_M_S".
"""Runs the 1952 benchmark axon in NEURON's built-in `hh` mechanism.

usage: neuron-axon.py LENGTH_MM DIAMETER_UM RA_OHM_CM CELSIUS NSEG DT_MS DURATION_MS
                      STIM_UA STIM_MS SECONDORDER [USETABLE]

USETABLE 0 makes NEURON's hh compute its rates exactly instead of from its 1 mV tables.

Same cable as spiketalk's: sealed ends, a current pulse into the x = 0 end (an IClamp there,
in nA), v = -65 mV at the start with the gates at steady state (finitialize). The velocity is
measured as spiketalk measures it: upward 0 mV crossings at L/4 and 3L/4, interpolated
linearly in time between samples and in space between the two nearest segment centres. The
wall time covers the integration only (h.run), not Python's or NEURON's start-up.
"""
import sys
import time


def crossing(t, v, level=0.0):
    for k in range(1, len(v)):
        if v[k - 1] < level <= v[k]:
            return t[k - 1] + (t[k] - t[k - 1]) * (level - v[k - 1]) / (v[k] - v[k - 1])
    return float("nan")


def main():
    (length_mm, diam_um, ra, celsius, nseg, dt, tstop, stim_ua, stim_ms,
     secondorder) = sys.argv[1:11]
    usetable = sys.argv[11] if len(sys.argv) > 11 else "1"
    from neuron import h

    h.load_file("stdrun.hoc")
    sec = h.Section(name="axon")
    sec.L = float(length_mm) * 1000.0
    sec.diam = float(diam_um)
    sec.Ra = float(ra)
    sec.cm = 1.0
    sec.nseg = int(nseg)
    sec.insert("hh")
    h.usetable_hh = int(usetable)
    h.celsius = float(celsius)
    h.dt = float(dt)
    h.steps_per_ms = 1.0 / float(dt)
    h.tstop = float(tstop)
    h.secondorder = int(secondorder)
    h.v_init = -65.0
    stim = h.IClamp(sec(0.0))
    stim.delay = 0.0
    stim.dur = float(stim_ms)
    stim.amp = float(stim_ua) * 1000.0  # nA
    n = int(nseg)
    rec = []
    tvec = h.Vector().record(h._ref_t)
    # the two segment centres around L/4 and 3L/4: centres at (i + 0.5) / n
    probes = []
    for frac in (0.25, 0.75):
        s = frac * n - 0.5
        i = min(max(int(s), 0), n - 2)
        w = s - i
        va = h.Vector().record(sec((i + 0.5) / n)._ref_v)
        vb = h.Vector().record(sec((i + 1.5) / n)._ref_v)
        probes.append((va, vb, w))
    h.finitialize(-65.0)
    t0 = time.perf_counter()
    h.continuerun(float(tstop))
    wall = time.perf_counter() - t0
    t = list(tvec)
    times = []
    for va, vb, w in probes:
        v = [(1.0 - w) * a + w * b for a, b in zip(va, vb)]
        times.append(crossing(t, v))
    x1, x2 = 0.25 * float(length_mm), 0.75 * float(length_mm)
    vel = (x2 - x1) / (times[1] - times[0])
    print("neuron %.6f %.5f" % (wall, vel))


if __name__ == "__main__":
    main()
