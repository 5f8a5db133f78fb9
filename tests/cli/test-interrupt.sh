#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs that end before their time: SIGINT and SIGTERM in the middle of long runs (exit 128 + N,
# every temporary file removed, existing files untouched), a file system that fills up or is
# read-only (a small tmpfs, where this machine lets us mount one), the memory limit reached
# while running, and the progress line a terminal shows on long runs.
# usage: test-interrupt.sh PATH/TO/spiketalk
. "$(dirname "$0")/lib.sh" "$1"
set -m # background jobs keep SIGINT (a shell without job control would have them ignore it)
OUT=$T/out
mkdir -p "$OUT"

# tmp_in DIR: true when DIR holds a temporary file of ours
tmp_in() { compgen -G "$1/*.tmp-*" >/dev/null; }

# wait_for_tmp DIR SECONDS: waits until a temporary file with some content appears in DIR
wait_for_tmp() {
    local i f
    for ((i = 0; i < $2 * 10; i++)); do
        for f in "$1"/*.tmp-*; do
            [ -s "$f" ] && return 0
        done
        sleep 0.1
    done
    return 1
}

# interrupted SIGNAL STATUS ARGS...: spiketalk ARGS in the background; once a temporary file
# is being written in $OUT, SIGNAL; then it must end with STATUS, leave no temporary file and
# no new output, and keep $OUT/keep.csv (an output it would have replaced) as it was.
interrupted() {
    local sig=$1 status=$2
    shift 2
    rm -rf "${OUT:?}"/*
    echo keep >"$OUT/keep.csv"
    "$ST" "$@" >"$T/stdout" 2>"$T/err" &
    local pid=$!
    if ! wait_for_tmp "$OUT" 60; then
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        bad "$*: no temporary file appeared ($(head -c 300 "$T/err"))"
        return
    fi
    kill "-$sig" "$pid"
    wait "$pid" 2>/dev/null # (and the shell's own note of the signal)
    local rc=$?
    local left
    left=$(ls -A "$OUT" | grep -vx keep.csv | tr '\n' ' ')
    if [ $rc -ne "$status" ]; then
        bad "$*: SIG$sig gave exit $rc, expected $status ($(head -c 300 "$T/err"))"
    elif [ -n "$left" ]; then
        bad "$*: SIG$sig left $left"
    elif [ "$(cat "$OUT/keep.csv")" != keep ]; then
        bad "$*: SIG$sig changed an existing file"
    else
        ok
    fi
}

# ---- SIGINT and SIGTERM ----------------------------------------------------------------------
# (long enough to be stopped in the middle, small enough for the free-space check of any disk)
long_sim=(simulate --duration 1e6 --dt 0.1 --trace "$OUT/keep.csv" --spikes "$OUT/s.csv"
    --plot "$OUT/p.png")
interrupted INT 130 "${long_sim[@]}"
interrupted TERM 143 "${long_sim[@]}"
interrupted INT 130 hh --duration 1e5 --trace "$OUT/keep.csv" --plot "$OUT/p.png"
interrupted TERM 143 axon --duration 2000 --trace "$OUT/keep.csv" --plot "$OUT/p.svg"
# process: 20 s of noise, its response, trace and plot written after the run
le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $((($1 >> 8) & 255)) \
    $((($1 >> 16) & 255)) $((($1 >> 24) & 255)); }
n=$((20 * 44100 * 2))
{ printf "RIFF$(le32 $((36 + n)))WAVEfmt $(le32 16)\\x01\\x00\\x01\\x00$(le32 44100)"
  printf "$(le32 88200)\\x02\\x00\\x10\\x00data$(le32 $n)"
  head -c $n /dev/urandom; } >"$T/noise.wav"
interrupted TERM 143 process "$T/noise.wav" -o "$OUT/o.wav" --trace "$OUT/keep.csv" \
    --spikes "$OUT/s.csv" --plot "$OUT/p.png" --quiet
interrupted INT 130 process "$T/noise.wav" -o "$OUT/o.wav" --trace "$OUT/keep.csv" --block 64 \
    --quiet
# a signal ignored by whoever started the run (nohup) stays ignored: the run completes
rm -rf "${OUT:?}"/*
(trap '' HUP; exec "$ST" simulate --duration 2000 --trace "$OUT/t.csv" >/dev/null 2>&1) &
pid=$!
sleep 0.05
kill -HUP "$pid" 2>/dev/null
wait "$pid" && [ -s "$OUT/t.csv" ] && ok || bad "an ignored SIGHUP stopped the run"

# ---- the memory limit, reached while running --------------------------------------------------
# a spike at every step: the spike times outgrow 2 MiB, which the run's estimate (1 MiB) allowed
"$ST" simulate --preset RS --input const:amp=1e6 --duration 2e6 --dt 1 --spikes "$OUT/s.csv" \
    --max-memory 2M >/dev/null 2>"$T/err"
rc=$?
limit="the memory limit of 2.0 MiB was reached; see --max-memory"
[ $rc -eq 1 ] && grep -q "^spiketalk: .*out of memory.*$limit" "$T/err" &&
    [ ! -e "$OUT/s.csv" ] && ! tmp_in "$OUT" && ok ||
    bad "memory limit while running: exit $rc ($(cat "$T/err"))"

# ---- progress on a terminal ------------------------------------------------------------------
rm -rf "${OUT:?}"/*
script -qfec "$ST simulate --duration 1e8 --dt 0.1" "$T/typescript" >/dev/null 2>&1 &
pid=$!
for ((i = 0; i < 300; i++)); do
    grep -q 'left' "$T/typescript" 2>/dev/null && break
    sleep 0.1
done
kill -TERM -- "-$pid" 2>/dev/null
wait "$pid" 2>/dev/null
line='simulate: +[0-9]+% \([0-9.e+]+ of 1e\+09 steps\), about [0-9]+ (s|min|h)'
grep -qE "$line" "$T/typescript" && ok ||
    bad "no progress line on a terminal: $(tr '\r' '\n' <"$T/typescript" | tail -3)"
# not on a pipe or a file
"$ST" simulate --duration 2e6 --dt 0.1 >/dev/null 2>"$T/err" && [ ! -s "$T/err" ] && ok ||
    bad "progress written to a non-terminal: $(head -c 200 "$T/err")"

# ---- a full and a read-only file system ---------------------------------------------------------
FULL=$T/full RO=$T/ro
mkdir -p "$FULL" "$RO"
if ! mount -t tmpfs -o size=64k tmpfs "$FULL" 2>/dev/null; then
    echo "SKIP: tmpfs cannot be mounted here (needs root with CAP_SYS_ADMIN); full and" \
        "read-only file systems are not tested" >&2
else
    trap 'umount "$FULL" "$RO" 2>/dev/null; rm -rf "$T"' EXIT
    head -c 40000 /dev/zero >"$FULL/filler"
    echo keep >"$FULL/t.csv"
    # the trace's expected size against the free space: refused before the run
    "$ST" simulate --duration 1e5 --trace "$FULL/big.csv" >/dev/null 2>"$T/err"
    rc=$?
    [ $rc -eq 2 ] && grep -q "^spiketalk: --trace: about .* is free on its file system" "$T/err" &&
        ok || bad "trace beyond the free space: exit $rc ($(cat "$T/err"))"
    # the plot does not fit: none of the three outputs appears, the old trace stays
    "$ST" simulate --duration 100 --trace "$FULL/t.csv" --spikes "$FULL/s.csv" \
        --plot "$FULL/p.png" >/dev/null 2>"$T/err"
    rc=$?
    [ $rc -eq 1 ] && grep -q "^spiketalk: .*p.png: .*No space left on device" "$T/err" &&
        [ "$(cat "$FULL/t.csv")" = keep ] && [ ! -e "$FULL/s.csv" ] && [ ! -e "$FULL/p.png" ] &&
        ! tmp_in "$FULL" && ok ||
        bad "full disk, simulate: exit $rc ($(cat "$T/err")) $(ls "$FULL")"
    # the response would not fit (106 kB): refused once the input is read, before the work,
    # and neither it nor the spikes appear
    "$ST" process "$(dirname "$0")/../data/tone-burst.wav" -o "$FULL/o.wav" --spikes "$FULL/s.csv" \
        --quiet >/dev/null 2>"$T/err"
    rc=$?
    [ $rc -eq 2 ] && grep -q "^spiketalk: -o: about 10[0-9] KiB for '$FULL/o.wav'.* is free" \
        "$T/err" && [ ! -e "$FULL/o.wav" ] && [ ! -e "$FULL/s.csv" ] && ! tmp_in "$FULL" && ok ||
        bad "full disk, process: exit $rc ($(cat "$T/err")) $(ls "$FULL")"
    # read-only: refused before any work, naming the flag and the cause
    mount -t tmpfs -o ro,size=64k tmpfs "$RO"
    for args in "simulate --trace $RO/t.csv" "hh --duration 1 --plot $RO/p.png" \
        "axon --duration 0.1 --trace $RO/t.csv" "record -d 1 -o $RO/r.wav"; do
        flag=$(printf '%s' "$args" | grep -oE -- '(--trace|--plot|-o) ' | tr -d ' ')
        # shellcheck disable=SC2086
        "$ST" $args >/dev/null 2>"$T/err"
        rc=$?
        [ $rc -eq 2 ] && grep -q -- "^spiketalk: $flag: .*Read-only file system" "$T/err" && ok ||
            bad "read-only, $args: exit $rc ($(cat "$T/err"))"
    done
    "$ST" process "$(dirname "$0")/../data/tone-burst.wav" -o "$RO/o.wav" >/dev/null 2>"$T/err"
    rc=$?
    [ $rc -eq 2 ] && grep -q "^spiketalk: -o: .*Read-only file system" "$T/err" && ok ||
        bad "read-only, process: exit $rc ($(cat "$T/err"))"
fi

finish interrupt
