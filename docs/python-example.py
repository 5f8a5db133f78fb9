# SPDX-License-Identifier: GPL-3.0-or-later
# The README's Python example: a regular-spiking cell under the study's step, and the same cell
# answering the demo voice on the live engine. usage: python3 docs/python-example.py [OUT.png]
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

import spiketalk

rs = spiketalk.simulate(preset="RS")                 # v0 -65 mV, I = 5 from 300 ms, dt 0.5 ms
x, fs = spiketalk.read_audio("data/demo-voice.wav")  # float64 samples, 44100 Hz
reply = spiketalk.process(x, fs, preset="RS", block=64)  # the engine of `spiketalk live`

fig, (top, mid, low) = plt.subplots(3, 1, figsize=(9, 7.5), constrained_layout=True)
top.plot(rs.t, rs.v, lw=0.8, color="tab:blue")
top.set(title=f"RS cell, I = 5 from 300 ms: {rs.spike_count} spikes", xlabel="time (ms)",
        ylabel="v (mV)")
seconds = reply.t / 1000.0                           # 1 s of sound is 1000 ms of model time
mid.plot(seconds, x, lw=0.4, color="tab:purple", label="voice")
mid.plot(seconds, reply.envelope, lw=1.2, color="black", label="envelope")
mid.set(xlabel="time (s)", ylabel="amplitude")
mid.legend(loc="upper right")
low.plot(seconds, reply.v, lw=0.5, color="tab:blue")
low.plot(reply.spike_times / 1000.0, [35] * reply.spike_count, "|", color="tab:red")
low.set(title=f"the RS cell answers the demo voice: {reply.spike_count} spikes "
        f"(envelope delay {reply.algorithmic_delay_ms:.2f} ms)", xlabel="time (s)",
        ylabel="v (mV)")
fig.savefig(sys.argv[1] if len(sys.argv) > 1 else "docs/python-example.png", dpi=90)
