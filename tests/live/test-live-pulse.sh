#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `spiketalk live` on the desktop route: ALSA's default device through the PulseAudio plugin to
# a private PulseAudio daemon with two null sinks, "room" (a player feeds it; its monitor is
# the capture source) and "speaker" (what spiketalk plays). With speech already playing when the
# session starts, the adaptive gate still lets the neuron answer it: spikes per second of speech
# within 20 % of a session that starts in silence. (The study's leading gate, learning its
# threshold from that speech, answers far less: shown for comparison.)
# usage: test-live-pulse.sh PATH/TO/spiketalk PATH/TO/data PYTHON   (exit 77: skipped)
set -u
ST=$1
DATA=$2
PY=$3
for tool in pulseaudio paplay pactl sox; do
    command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed"; exit 77; }
done
[ -e /usr/lib/x86_64-linux-gnu/alsa-lib/libasound_module_pcm_pulse.so ] ||
    ls /usr/lib/*/alsa-lib/libasound_module_pcm_pulse.so >/dev/null 2>&1 ||
    { echo "skipped: ALSA's pulse plugin (libasound2-plugins) is not installed"; exit 77; }
T=$(mktemp -d)
PA_PID=
PLAY_PID=
cleanup() {
    [ -n "$PLAY_PID" ] && kill "$PLAY_PID" 2>/dev/null
    [ -n "$PA_PID" ] && kill "$PA_PID" 2>/dev/null && wait "$PA_PID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# a private daemon, and ALSA's default device routed to it
export XDG_RUNTIME_DIR=$T/run HOME=$T/home
mkdir -p "$XDG_RUNTIME_DIR" "$HOME" && chmod 700 "$XDG_RUNTIME_DIR"
export PULSE_SERVER=unix:$XDG_RUNTIME_DIR/pulse/native
printf 'pcm.!default { type pulse }\nctl.!default { type pulse }\n' >"$HOME/.asoundrc"
cat >"$T/default.pa" <<'PA'
load-module module-native-protocol-unix
load-module module-null-sink sink_name=room sink_properties=device.description=room
load-module module-null-sink sink_name=speaker sink_properties=device.description=speaker
set-default-source room.monitor
set-default-sink speaker
PA
pulseaudio -n -F "$T/default.pa" --daemonize=no --exit-idle-time=-1 --disallow-exit \
    --log-target=stderr >"$T/pa.log" 2>&1 &
PA_PID=$!
for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
pactl info >/dev/null 2>&1 || { echo "FAIL: the PulseAudio daemon did not start: $(tail -3 "$T/pa.log")"; exit 1; }

sox "$DATA/demo-voice.wav" "$T/voice.wav" repeat 5 || { echo "FAIL: sox"; exit 1; }
session() { # NAME [FLAGS]: a 6 s live session on ALSA's default device
    local name=$1
    shift
    "$ST" live --host-api alsa --duration 6 --json --record-in "$T/$name.wav" "$@" \
        >"$T/$name.json" 2>"$T/$name.err"
}
play() { paplay --device=room "$T/voice.wav" & PLAY_PID=$!; }
stop_play() { kill "$PLAY_PID" 2>/dev/null; wait "$PLAY_PID" 2>/dev/null; PLAY_PID=; }

# One measurement: three sessions, then the rates. Exit 2: the route lost the speech (the
# daemon under load), and the measurement is repeated once.
measure() {
    # speech already playing when the session starts
    play
    sleep 1.5
    session playing || bad "live with speech playing: $(tail -3 "$T/playing.err")"
    stop_play
    # the same with the study's leading gate
    play
    sleep 1.5
    session leading --gate leading || bad "live --gate leading: $(tail -3 "$T/leading.err")"
    stop_play
    # a session that starts in silence; the speech comes 2 s later
    session silent &
    local live=$!
    sleep 2
    play
    wait "$live" || bad "live starting in silence: $(tail -3 "$T/silent.err")"
    stop_play
    # spikes per second of speech: 10 ms frames of what each session received above -40 dBFS
    "$PY" - "$T" <<'PYTHON'
import json, sys
import numpy as np
import scipy.io.wavfile as wf
t = sys.argv[1]
rate = {}
for name in ("playing", "leading", "silent"):
    j = json.load(open(f"{t}/{name}.json"))
    fs, x = wf.read(f"{t}/{name}.wav")
    x = x.astype(float)
    k = len(x) // int(fs / 100)
    if k < 100:
        print(f"{name}: the session received almost nothing ({len(x)} samples)")
        sys.exit(2)
    rms = np.sqrt((x[:k * int(fs / 100)].reshape(k, -1) ** 2).mean(axis=1))
    speech_s = (rms > 10 ** (-40 / 20)).sum() / 100
    if speech_s < 2:
        print(f"{name}: only {speech_s:.2f} s of speech reached the session")
        sys.exit(2)
    rate[name] = j["spike_count"] / speech_s
    print(f"{name:8s} gate {j['gate']:8s}: {j['spike_count']:4d} spikes in {speech_s:.2f} s of "
          f"speech = {rate[name]:.1f}/s (threshold {j['gate_threshold']:.4g}, xruns {j['xruns']})")
a, b = rate["playing"], rate["silent"]
sys.exit(0 if abs(a - b) <= 0.2 * b and rate["leading"] < a else 1)
PYTHON
}
measure
rc=$?
if [ $rc -eq 2 ]; then
    echo "the speech did not reach a session; measuring again"
    measure
    rc=$?
fi
[ $rc -eq 0 ] && ok || bad "the adaptive gate does not answer speech that was already playing"
echo "live-pulse: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
