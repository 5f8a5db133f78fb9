#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A harness's regression pass: every input of its seed corpus, then RUNS inputs in all (the
# seeds and new ones the fuzzer derives from them, from a fixed random seed), under ASan and
# UBSan. New inputs go to a scratch folder, never into the committed corpus.
# usage: run-fuzz.sh HARNESS SEED_DIR RUNS [LIBFUZZER OPTIONS...]
set -u
exe=$1 seeds=$2 runs=$3
shift 3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
"$exe" -runs="$runs" -seed=1 -error_exitcode=1 -max_len=65536 -timeout=20 -rss_limit_mb=2048 \
    -artifact_prefix="$work/" -print_final_stats=1 "$@" "$work" "$seeds" 2>"$work/log"
rc=$?
# the last status line (executions, coverage) and the final statistics
grep -E '^#[0-9]+.*(DONE|INITED)|stat::number_of_executed_units|stat::peak_rss' "$work/log" | tail -4
if [ $rc -ne 0 ]; then
    tail -60 "$work/log"
    for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
        [ -e "$a" ] && { echo "input that failed (base64):"; base64 "$a" | head -20; }
    done
fi
# (libFuzzer's own code for a crash is 77, which Meson would count as a skip)
[ $rc -eq 0 ] || exit 1
