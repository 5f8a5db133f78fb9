#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The bash completion: for command lines typed so far, the words it offers, against the
# subcommands, presets, features, recipes and choices the README and the models define, and
# file arguments filtered by kind. Run with bash-completion's helpers loaded when they are
# installed (as an interactive shell has them), else alone.
# usage: test-completion.sh SPIKETALK COMPLETION-FILE [alone]
set -uo pipefail
ST=$1 COMP=$2 MODE=${3:-}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }

mkdir -p "$T/bin" "$T/files/sub"
ln -s "$(cd "$(dirname "$ST")" && pwd)/$(basename "$ST")" "$T/bin/spiketalk"
PATH=$T/bin:$PATH
if [ "$MODE" != alone ] && [ -f /usr/share/bash-completion/bash_completion ]; then
    . /usr/share/bash-completion/bash_completion
    helpers="with bash-completion's helpers"
else
    helpers="alone"
fi
. "$COMP" || { echo "not ok 1 - sourcing $COMP"; exit 1; }

# offered LINE: the sorted words completion offers at the end of LINE
offered() {
    local line=$1
    COMP_LINE=$line
    COMP_POINT=${#line}
    read -ra COMP_WORDS <<<"$line"
    [[ $line == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _spiketalk spiketalk "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

# expect LINE WORDS...: completion offers exactly these words (in any order)
expect() {
    local line=$1 got want
    shift
    want=$(printf '%s\n' "$@" | sort | tr '\n' ' ' | sed 's/ $//')
    got=$(offered "$line")
    [ "$got" = "$want" ] && ok "'$line' -> $want" || bad "'$line': got '$got', want '$want'"
}

# has LINE WORDS...: completion offers at least these words
has() {
    local line=$1 got w missing=""
    shift
    got=" $(offered "$line") "
    for w; do [[ $got == *" $w "* ]] || missing="$missing $w"; done
    [ -z "$missing" ] && ok "'$line' offers $*" || bad "'$line' lacks$missing (got$got)"
}

echo "# $helpers"
expect "spiketalk " process simulate presets hh axon network live record devices --help \
    --version
expect "spiketalk network --net " izh2003 izh2006
expect "spiketalk network --model " izhikevich izh2007 hh
expect "spiketalk network --input in.wav --drive " add replace
expect "spiketalk network --input in.wav --spacing " erb log
expect "spiketalk live --net izh2003 --net-thread " callback worker auto
expect "spiketalk process in.wav --gate " adaptive leading fixed: off
has "spiketalk network --" --net --neurons --synapses --model --duration --seed --threads \
    --spikes --raster --sound --json --input --bands
expect "spiketalk pr" process presets
expect "spiketalk simulate --preset " RS IB CH FS LTS TC RZ all
expect "spiketalk simulate --model izh2007 --preset " RS IB CH LTS FS TC RTN all
expect "spiketalk process in.wav --preset L" LTS
expect "spiketalk simulate --feature tonic" tonic-spiking tonic-bursting
has "spiketalk simulate --feature " A T phasic-spiking inhibition-induced-bursting all
expect "spiketalk process in.wav --recipe " default seed-hilbert seed-hilbert-norm \
    seed-movavg seed-movavg-norm seed-playback seed-live
expect "spiketalk process in.wav --envelope " hilbert movavg none
expect "spiketalk process in.wav --rectify " none full half offset
expect "spiketalk live --sonify " membrane clicks
expect "spiketalk axon --scheme " cn be
expect "spiketalk hh --integrator " rk4 rush-larsen euler
expect "spiketalk simulate --integrator " euler symplectic izh2003 rk4 study
expect "spiketalk process --blo" --block
has "spiketalk simulate --" --preset --feature --model --input --duration --dt --integrator \
    --trace --spikes --plot --json
has "spiketalk live --record-" --record-in --record-out --record-env
expect "spiketalk process in.wav --dt " # a number: nothing to offer

# files: audio for process's input, by kind for the outputs; directories to go into
cd "$T/files" || exit 1
touch voice.wav take.FLAC notes.txt reply.png fig.svg data.csv
expect "spiketalk process " sub take.FLAC voice.wav
expect "spiketalk simulate --plot " fig.svg reply.png sub
expect "spiketalk simulate --trace " data.csv sub
expect "spiketalk process voice.wav -o " sub voice.wav
expect "spiketalk network --input " sub take.FLAC voice.wav
expect "spiketalk network --raster " fig.svg reply.png sub
expect "spiketalk network --sound " sub voice.wav
expect "spiketalk simulate --input " const:amp= step:onset= pulse:start= ramp:start=
echo "1..$n"
[ $failed = 0 ]
