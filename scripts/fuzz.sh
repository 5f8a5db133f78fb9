#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A fuzzing campaign: builds the libFuzzer harnesses (build-fuzz/, clang, ASan + UBSan) and runs
# each for SECONDS, one after the other, from its committed seeds plus what earlier campaigns
# found (build-fuzz/corpus/NAME, kept between runs). Prints, per harness, the executions, the
# coverage (cov: edges, ft: features) and the corpus it reached; a crash stops with the input
# that caused it (build-fuzz/artifacts/). usage: scripts/fuzz.sh [SECONDS] [HARNESS...]
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
. scripts/setup.sh
st_install_packages || exit 1
CC=clang st_build build-fuzz -Dwerror=true -Dfuzz=enabled -Db_sanitize=address,undefined \
    -Db_lundef=false -Dgui=disabled -Dtests=disabled || exit 1
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(stimulus audio cli-values stream models)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
mkdir -p build-fuzz/artifacts
status=0
printf '%-11s %12s %8s %8s %8s %10s\n' harness executions exec/s cov ft corpus
for name in "${names[@]}"; do
    corpus=build-fuzz/corpus/$name
    mkdir -p "$corpus"
    log=build-fuzz/fuzz-$name.log
    extra=()
    # libsndfile is not instrumented: keep the audio seeds (every format's real header)
    [ "$name" = audio ] && extra=(-keep_seed=1 -cross_over_uniform_dist=1)
    st_log "fuzzing $name for $seconds s"
    build-fuzz/tests/fuzz/fuzz-"$name" -max_total_time="$seconds" -max_len=65536 -timeout=20 \
        -rss_limit_mb=2048 -error_exitcode=1 -print_final_stats=1 "${extra[@]}" \
        -artifact_prefix=build-fuzz/artifacts/"$name"- "$corpus" tests/fuzz/corpus/"$name" \
        2>"$log"
    rc=$?
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$')
    speed=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$')
    cov=$(printf '%s' "$last" | grep -oE 'cov: [0-9]+' | grep -oE '[0-9]+')
    ft=$(printf '%s' "$last" | grep -oE 'ft: [0-9]+' | grep -oE '[0-9]+')
    corp=$(printf '%s' "$last" | grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' | cut -d' ' -f2)
    printf '%-11s %12s %8s %8s %8s %10s\n' "$name" "${execs:-?}" "${speed:-?}" "${cov:-?}" \
        "${ft:-?}" "${corp:-?}"
    if [ $rc -ne 0 ]; then
        status=1
        echo "fuzz-$name failed (log: $log):" >&2
        grep -E 'ERROR|runtime error|SUMMARY|fuzz-[a-z-]+:' "$log" | head -10 >&2
        ls build-fuzz/artifacts/"$name"-* >&2 2>/dev/null
    fi
done
exit $status
