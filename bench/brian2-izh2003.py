# SPDX-License-Identifier: GPL-3.0-or-later
"""The izh2003 network (Izhikevich 2003, net.m) in Brian2's C++ standalone mode, for
bench-network: the same neurons (80 % excitatory with c = -65 + 15 r^2, d = 8 - 6 r^2; 20 %
inhibitory with a = 0.02 + 0.08 r, b = 0.25 - 0.05 r), thalamic noise 5 randn / 2 randn per ms,
v in two half steps of 0.5 ms then u with 1 ms, weights 0.5 rand / -rand scaled by 1000/K on a
fixed out-degree K (all-to-all when K = N), spikes at v >= 30 acting on the next step.

Prints one JSON object: compile_s (code generation and compilation), load_s (the binary's
start-up, the synapses made and the run), run_s (Brian2's own timer of the simulation loop:
Network::run), spikes, synapses, events (spikes times out-degree).

usage: /usr/bin/python3 brian2-izh2003.py NEURONS SYNAPSES DURATION_MS [THREADS]
"""
import json
import shutil
import sys
import tempfile
import time

import numpy as np
import brian2 as b2


def main():
    n = int(sys.argv[1])
    k = int(sys.argv[2])
    duration_ms = float(sys.argv[3])
    threads = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    ni = n // 5
    ne = n - ni
    workdir = tempfile.mkdtemp(prefix="brian2-izh2003-")
    try:
        b2.set_device("cpp_standalone", directory=workdir, build_on_run=False)
        b2.prefs.devices.cpp_standalone.openmp_threads = threads if threads > 1 else 0
        b2.prefs.logging.console_log_level = "WARNING"
        b2.defaultclock.dt = 1 * b2.ms
        b2.seed(1)
        g = b2.NeuronGroup(n, """v : 1
                                 u : 1
                                 a : 1
                                 b : 1
                                 c : 1
                                 d : 1
                                 sigma : 1
                                 Isyn : 1""",
                           threshold="v >= 30", reset="v = c; u += d")
        rng = np.random.default_rng(1)
        re, ri = rng.random(ne), rng.random(ni)
        g.a = np.r_[0.02 * np.ones(ne), 0.02 + 0.08 * ri]
        g.b = np.r_[0.2 * np.ones(ne), 0.25 - 0.05 * ri]
        g.c = np.r_[-65 + 15 * re**2, -65 * np.ones(ni)]
        g.d = np.r_[8 - 6 * re**2, 2 * np.ones(ni)]
        g.sigma = np.r_[5 * np.ones(ne), 2 * np.ones(ni)]
        g.v = -65
        g.u = "b * v"
        # net.m's step: the input of this ms is noise plus the spikes of the last one
        g.run_regularly("""I = sigma * randn() + Isyn
                           v += 0.5 * (0.04 * v**2 + 5 * v + 140 - u + I)
                           v += 0.5 * (0.04 * v**2 + 5 * v + 140 - u + I)
                           u += a * (b * v - u)
                           Isyn = 0""", dt=1 * b2.ms, when="start")
        scale = 1000.0 / k
        s = b2.Synapses(g, g, "w : 1", on_pre="Isyn_post += w")
        if k >= n:
            s.connect()
        else:
            s.connect(j="kk for kk in sample(N_post, size=%d)" % k)
        s.w = "scale * rand() * (0.5 * int(i < %d) - int(i >= %d))" % (ne, ne)
        mon = b2.SpikeMonitor(g, record=False)
        b2.run(duration_ms * b2.ms)
        t0 = time.time()
        b2.device.build(directory=workdir, compile=True, run=False)
        t1 = time.time()
        b2.device.run(workdir, False, [])
        t2 = time.time()
        spikes = int(mon.num_spikes)
        synapses = len(s)
        print(json.dumps({"compile_s": t1 - t0, "load_s": t2 - t1,
                          "run_s": b2.device._last_run_time, "spikes": spikes,
                          "synapses": synapses,
                          "events": spikes * synapses / n,
                          "brian2": b2.__version__}))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
