#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Quick start, command 1: install what is missing, build, and run the main job.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/setup.sh
st_install_packages
st_build build
mkdir -p out
st_log "the neuron answers the demo voice (data/demo-voice.wav)"
./build/src/cli/spiketalk process data/demo-voice.wav -o out/demo-response.wav \
    --plot out/demo-response.png
st_log "simulating the study's seven cortical types (step of 5 at 300 ms)"
./build/src/cli/spiketalk simulate --preset all --plot out/study-presets.png \
    --spikes out/study-spikes.csv
st_log "the 20 firing patterns of Izhikevich (2004)"
./build/src/cli/spiketalk simulate --feature all --plot out/features.png >/dev/null
echo
echo "response: $(pwd)/out/demo-response.wav  (plot: $(pwd)/out/demo-response.png)"
echo "plots:    $(pwd)/out/study-presets.png  $(pwd)/out/features.png"
echo "spikes:   $(pwd)/out/study-spikes.csv"
echo "try:      ./build/src/cli/spiketalk process --help"
