#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Python module against the command line on one run of 10^7 steps (an RS neuron at
I = 10, 200,000 ms at dt 0.02 ms): best of N wall times of `spiketalk simulate --json` (start-up
included) and of spiketalk.simulate() in this interpreter (spikes only, as the command keeps
them; and with the whole trace recorded), with the ratios; and one second of the izh2003
network at 10,000 neurons, `spiketalk network --json` against spiketalk.network(): the whole
call and the run alone (wall_s). Prints figures; not a test.

usage: PYTHONPATH=build/python /usr/bin/python3 bench/bench-python.py [SPIKETALK] [N]"""
import json
import os
import subprocess
import sys
import time

import spiketalk

CLI = sys.argv[1] if len(sys.argv) > 1 else os.path.join("build", "src", "cli", "spiketalk")
N = int(sys.argv[2]) if len(sys.argv) > 2 else 5
RUN = dict(preset="RS", input="step:onset=0,amp=10", duration=200000, dt=0.02)
ARGS = ["simulate", "--preset", "RS", "--input", "step:onset=0,amp=10", "--duration", "200000",
        "--dt", "0.02", "--json"]
NET = dict(neurons=10000, duration=1000)
NET_ARGS = ["network", "--neurons", "10000", "--duration", "1000", "--json"]


def best(fn):
    times = []
    for _ in range(N):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main():
    t_cli, out = best(lambda: subprocess.run([CLI, *ARGS], capture_output=True, check=True))
    js = json.loads(out.stdout)
    t_py, r = best(lambda: spiketalk.simulate(record=False, **RUN))
    t_rec, full = best(lambda: spiketalk.simulate(**RUN))
    assert r.steps == js["steps"] == 10**7
    assert list(r.spike_times) == js["spike_times_ms"] == list(full.spike_times)
    print(f"10^7 steps, RS at I = 10, dt 0.02 ms, {js['spike_count']} spikes; best of {N}:")
    print(f"  spiketalk simulate --json (command, start-up included)  {t_cli * 1e3:8.1f} ms")
    print(f"  spiketalk.simulate(record=False) (spikes only)          {t_py * 1e3:8.1f} ms"
          f"   {t_py / t_cli:.3f} x the command")
    print(f"  spiketalk.simulate() (t, v, u, I: 4 x 80 MB recorded)   {t_rec * 1e3:8.1f} ms"
          f"   {t_rec / t_cli:.3f} x the command")

    runs = []
    t_ncli, _ = best(lambda: runs.append(json.loads(subprocess.run(
        [CLI, *NET_ARGS], capture_output=True, check=True).stdout)))
    nets = []
    t_npy, net = best(lambda: nets.append(spiketalk.network(**NET)) or nets[-1])
    assert net.spike_count == runs[0]["spike_count"]
    w_cli, w_py = min(r["wall_s"] for r in runs), min(r.wall_s for r in nets)
    print(f"izh2003, 10,000 neurons x 1,000 synapses, 1 s, {net.spike_count} spikes; best of {N}:")
    print(f"  spiketalk network --json (build, run, report)          {t_ncli * 1e3:8.1f} ms"
          f"   run alone {w_cli * 1e3:7.1f} ms")
    print(f"  spiketalk.network()                                    {t_npy * 1e3:8.1f} ms"
          f"   run alone {w_py * 1e3:7.1f} ms   {t_npy / t_ncli:.3f} x the command")


if __name__ == "__main__":
    main()
