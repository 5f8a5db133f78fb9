#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Quick start, command 1: install what is missing, build, and run the main job.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/setup.sh
st_install_packages
st_build build
mkdir -p out
ST=./build/src/cli/spiketalk
# Live when this machine can capture and play sound, else the same neuron on a file.
has_devices() {
    local list
    list=$("$ST" devices --json 2>/dev/null) || return 1
    grep -qE '"max_input_channels": [1-9]' <<<"$list" &&
        grep -qE '"max_output_channels": [1-9]' <<<"$list"
}
ran=""
if has_devices; then
    st_log "a capture and a playback device exist: the neuron answers you LIVE for 30 s" \
        "(spiketalk live --duration 30; use headphones; keys 1-7 switch the cell type, q stops)"
    if "$ST" live --duration 30 --record-in out/live-in.wav --record-out out/live-out.wav; then
        ran=live
    else
        st_log "the live session failed (see above); running the offline demo instead"
    fi
else
    st_log "no capture and playback device here: running the OFFLINE demo" \
        "(spiketalk process on data/demo-voice.wav) instead of spiketalk live"
fi
if [ -z "$ran" ]; then
    st_log "the neuron answers the demo voice (data/demo-voice.wav)"
    "$ST" process data/demo-voice.wav -o out/demo-response.wav --plot out/demo-response.png
    ran=offline
fi
st_log "simulating the study's seven cortical types (step of 5 at 300 ms)"
"$ST" simulate --preset all --plot out/study-presets.png \
    --spikes out/study-spikes.csv
st_log "the 20 firing patterns of Izhikevich (2004)"
"$ST" simulate --feature all --plot out/features.png >/dev/null
echo
if [ "$ran" = live ]; then
    echo "ran:      spiketalk live for 30 s (capture and playback devices found)"
    echo "recorded: $(pwd)/out/live-in.wav (you)  $(pwd)/out/live-out.wav (the neuron)"
else
    echo "ran:      the offline demo (no capture and playback device for spiketalk live)"
    echo "response: $(pwd)/out/demo-response.wav  (plot: $(pwd)/out/demo-response.png)"
fi
echo "plots:    $(pwd)/out/study-presets.png  $(pwd)/out/features.png"
echo "spikes:   $(pwd)/out/study-spikes.csv"
echo "try:      $ST process --help    $ST live --help"
# The same neuron in a web page (WebAssembly), when this machine has a browser to open it in.
if command -v chromium >/dev/null 2>&1 || command -v firefox >/dev/null 2>&1 ||
    command -v xdg-open >/dev/null 2>&1; then
    echo "browser:  http://127.0.0.1:8000/  (serve it first: scripts/serve-web.sh)"
fi
