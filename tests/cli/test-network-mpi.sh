#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `mpirun -np P spiketalk network`: the spike lists of 1, 2 and 3 processes (and of 2
# processes with 2 threads each) are identical byte for byte, for the 2003 network (noise,
# all-to-all), the 2006 one (delays, STDP across a weight update) and the 2003 network with
# 2007-form and with Hodgkin-Huxley neurons (--model), and so are the raster
# and the sound; the JSON says how many processes ran, and only process 0 writes.
# usage: test-network-mpi.sh PATH/TO/spiketalk PATH/TO/mpirun
. "$(dirname "$0")/lib.sh" "$1"
MPIRUN=$2
# As root Open MPI refuses to start without these; more processes than cores need
# --oversubscribe.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# No network interfaces are needed between processes of one machine.
export OMPI_MCA_btl=self,vader OMPI_MCA_rmaps_base_oversubscribe=1

mpi() {
    local np=$1
    shift
    timeout 300 "$MPIRUN" --oversubscribe -np "$np" "$ST" network "$@"
}

# the two networks, and izh2003's neurons in the 2007 form and as Hodgkin-Huxley neurons
for run in izh2003 izh2006 izh2007 hh; do
    net=izh2003
    case $run in
    izh2003) args=(--duration 400 --seed 11) ;;
    izh2006) net=izh2006 args=(--duration 1100 --seed 12) ;; # past the first weight update
    izh2007) args=(--model izh2007 --duration 400 --seed 13) ;;
    hh) args=(--model hh --neurons 200 --duration 150 --seed 14) ;;
    esac
    "$ST" network --net $net "${args[@]}" --spikes "$T/$run-1.csv" --quiet ||
        bad "$run: one process failed"
    [ "$(wc -l <"$T/$run-1.csv")" -gt 500 ] && ok || bad "$run: too few spikes to compare"
    for np in 2 3; do
        if mpi $np --net $net "${args[@]}" --spikes "$T/$run-$np.csv" --json \
            >"$T/$run-$np.json" 2>"$T/err"; then
            cmp -s "$T/$run-1.csv" "$T/$run-$np.csv" && ok ||
                bad "$run: $np processes gave other spikes"
            [ "$(json_field "$T/$run-$np.json" ranks)" = $np ] && ok ||
                bad "$run: json ranks is not $np"
            [ "$(grep -c '"net"' "$T/$run-$np.json")" = 1 ] && ok ||
                bad "$run: more than one process printed"
        else
            bad "$run: mpirun -np $np failed: $(cat "$T/err")"
        fi
    done
    if mpi 2 --net $net "${args[@]}" --threads 2 --spikes "$T/$run-2x2.csv" --quiet \
        2>"$T/err"; then
        cmp -s "$T/$run-1.csv" "$T/$run-2x2.csv" && ok ||
            bad "$run: 2 processes x 2 threads gave other spikes"
    else
        bad "$run: mpirun -np 2 --threads 2 failed: $(cat "$T/err")"
    fi
done

# the figure and the sound, made by process 0 from everyone's spikes, are the same files
"$ST" network --duration 300 --raster "$T/r1.png" --sound "$T/s1.wav" --quiet &&
    mpi 2 --duration 300 --raster "$T/r2.png" --sound "$T/s2.wav" --quiet 2>"$T/err" &&
    cmp -s "$T/r1.png" "$T/r2.png" && cmp -s "$T/s1.wav" "$T/s2.wav" && ok ||
    bad "raster or sound differ on 2 processes: $(cat "$T/err")"

# a burst of over 1000 spikes in one step outgrows the exchange's first block size
"$ST" network --neurons 20000 --duration 150 --spikes "$T/big-1.csv" --quiet &&
    mpi 2 --neurons 20000 --duration 150 --spikes "$T/big-2.csv" --quiet 2>"$T/err" &&
    cmp -s "$T/big-1.csv" "$T/big-2.csv" && ok || bad "20000 neurons on 2 processes: $(cat "$T/err")"

# bad input under mpirun: one message, exit 2, no file
mpi 2 --neurons 3 --spikes "$T/bad.csv" >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 2 ] && ok || bad "mpirun with --neurons 3: exit $rc"
[ "$(grep -c '^spiketalk: --neurons' "$T/err")" = 1 ] && ok ||
    bad "expected one error message, got: $(cat "$T/err")"
[ ! -e "$T/bad.csv" ] && ok || bad "a file was written on bad input"

finish network-mpi
