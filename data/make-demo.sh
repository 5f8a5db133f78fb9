#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Regenerates data/demo-voice.wav, the demo input of `spiketalk process`: a short spoken phrase
# from espeak-ng, resampled by sox to 44.1 kHz mono 16-bit, peak-normalised to -3 dBFS, with
# 0.15 s of near-silence in front so that a noise gate has a quiet leading window to measure.
# Needs the Debian packages espeak-ng and sox (not needed to build or test spiketalk).
# usage: data/make-demo.sh [PHRASE]
set -euo pipefail
cd "$(dirname "$0")"

for tool in espeak-ng sox; do
    if ! command -v "$tool" >/dev/null; then
        echo "make-demo.sh: '$tool' is missing; install it with:" \
            "sudo apt-get install espeak-ng sox" >&2
        exit 1
    fi
done

phrase=${1:-"Hello neuron, can you hear me?"}
tmp=$(mktemp --suffix=.wav)
trap 'rm -f "$tmp"' EXIT

# espeak-ng writes 22050 Hz mono 16-bit; voice, speed and pitch are pinned so the file does not
# change with the user's defaults.
espeak-ng -v en-us -s 150 -p 50 -a 100 -w "$tmp" "$phrase"
# -R: repeatable (sox seeds its dither with a fixed number), so the same phrase gives the same
# bytes; the dither also makes the leading pad near-silence, not digital zero.
sox -R "$tmp" -r 44100 -c 1 -b 16 -e signed-integer demo-voice.wav \
    rate -v 44100 pad 0.15 0 gain -n -3
soxi demo-voice.wav >&2 2>/dev/null || true
