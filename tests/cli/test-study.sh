#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The seven study presets under the study's protocol give, step for step, the spikes of the
# study's own program (tests/data/study_izhikevich_model.py: its code with the plot replaced by
# a list of spike steps), run here by Python with numpy; and the counts it printed.
# usage: test-study.sh PATH/TO/spiketalk PATH/TO/tests/data PYTHON
. "$(dirname "$0")/lib.sh" "$1"
DATA=$2
PY=$3

"$PY" "$DATA/study_izhikevich_model.py" >"$T/ref.json" || { bad "the reference program failed"; finish study; exit; }
for p in RS IB CH FS LTS TC RZ; do
    # the defaults are the study's protocol: no flags
    "$ST" simulate --preset "$p" --json >"$T/$p.json" 2>"$T/err" || bad "simulate $p: $(cat "$T/err")"
done
"$PY" - "$T" <<'PY' && ok || bad "spike steps differ from the study's program"
import json, sys
t = sys.argv[1]
ref = json.load(open(f"{t}/ref.json"))
published = {"RS": 8, "IB": 10, "CH": 22, "FS": 27, "LTS": 25, "TC": 55, "RZ": 53}
ok = True
for name, steps in ref.items():
    got = json.load(open(f"{t}/{name}.json"))
    mine = [round(x / got["dt_ms"]) for x in got["spike_times_ms"]]
    print(f"{name}: spiketalk {len(mine)} spikes, the study's program {len(steps)}, "
          f"published {published[name]}")
    if got["integrator"] != "study" or mine != steps or len(steps) != published[name]:
        print(f"  differ: {mine} vs {steps}")
        ok = False
sys.exit(0 if ok else 1)
PY
# the figure script's order is still there when asked for, and its rounding loses RZ's count
"$ST" simulate --preset RZ --integrator symplectic --json >"$T/rz-sym.json"
n=$(json_field "$T/rz-sym.json" spike_count)
[ -n "$n" ] && [ "$n" != 53 ] && ok || bad "RZ symplectic: $n spikes"
finish study
