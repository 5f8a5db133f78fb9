#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Quick start, command 2: install what is missing, build with warnings as errors, run every test
# suite, then the unit and CLI tests again under AddressSanitizer + UndefinedBehaviorSanitizer,
# the threaded unit tests under ThreadSanitizer, then each fuzzer for a fixed number of inputs. Ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"
. scripts/setup.sh
st_install_packages || exit 1

passed=0
failed=0
st_install_web_deps || failed=$((failed + 1))
# run_suite DIR [meson test args]: runs the tests and adds meson's counts to the totals.
run_suite() {
    local dir=$1 out
    shift
    out=$(${ST_TEST_PREFIX:-} meson test -C "$dir" --print-errorlogs "$@" 2>&1)
    local rc=$?
    printf '%s\n' "$out" | grep -E '^ *[0-9]+/[0-9]+ |^(Ok|Fail|Timeout|Expected Fail|Unexpected Pass|Skipped):'
    [ $rc -ne 0 ] && printf '%s\n' "$out" | sed -n '/stdout:/,$p' | head -200
    local ok fail timeout unexp
    ok=$(printf '%s\n' "$out" | awk '/^Ok:/{print $2}')
    fail=$(printf '%s\n' "$out" | awk '/^Fail:/{print $2}')
    timeout=$(printf '%s\n' "$out" | awk '/^Timeout:/{print $2}')
    unexp=$(printf '%s\n' "$out" | awk '/^Unexpected Pass:/{print $3}')
    passed=$((passed + ${ok:-0}))
    failed=$((failed + ${fail:-0} + ${timeout:-0} + ${unexp:-0}))
    if [ $rc -ne 0 ] && [ "${fail:-0}${timeout:-0}" = "00" ]; then
        failed=$((failed + 1)) # meson itself failed
    fi
}

if st_build build -Dwerror=true; then
    st_log "tests (build)"
    run_suite build
else
    failed=$((failed + 1))
fi

if st_build build-sanitize -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false; then
    st_log "unit and CLI tests under AddressSanitizer + UndefinedBehaviorSanitizer"
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
    export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    export LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0"
    # ALSA's plugins (pulse and jack, libasound2-plugins) are modules that ALSA unloads before
    # the process ends, so LeakSanitizer can neither name nor suppress what they keep: under the
    # sanitizers the devices come from ALSA's own configuration alone, without the conf.d
    # hooks that load them.
    awk '/^@hooks \[/{skip=1} !skip{print} skip&&/^\]/{skip=0}' /usr/share/alsa/alsa.conf \
        >build-sanitize/alsa-no-plugins.conf
    export ALSA_CONFIG_PATH="$(pwd)/build-sanitize/alsa-no-plugins.conf"
    run_suite build-sanitize --suite unit --suite cli
    unset ALSA_CONFIG_PATH
else
    failed=$((failed + 1))
fi

# The programs that run threads (the network's team and its barrier, the lock-free rings, the
# cortex's display feed read while another thread processes)
# under ThreadSanitizer; with address-space randomisation off (setarch -R), which some kernels'
# wide randomisation needs for ThreadSanitizer's fixed shadow layout.
if { [ -f build-tsan/build.ninja ] ||
     meson setup build-tsan -Dwerror=true -Db_sanitize=thread -Dgui=disabled >/dev/null; } &&
    st_log "building build-tsan (the threaded unit tests)" &&
    ninja -C build-tsan tests/test-network tests/test-network-models tests/test-ring \
        tests/test-cortex >/dev/null; then
    st_log "threaded unit tests under ThreadSanitizer"
    export TSAN_OPTIONS=halt_on_error=1
    ST_TEST_PREFIX="setarch -R" run_suite build-tsan --no-rebuild network network-models ring \
        cortex
else
    failed=$((failed + 1))
fi

# The fuzzers (tests/fuzz, clang's libFuzzer under ASan + UBSan): each harness once over its
# committed seeds and then a fixed number of new inputs derived from them - a regression pass
# of about a minute. Longer campaigns: scripts/fuzz.sh SECONDS.
if CC=clang st_build build-fuzz -Dwerror=true -Dfuzz=enabled -Db_sanitize=address,undefined \
    -Db_lundef=false -Dgui=disabled -Dtests=disabled; then
    st_log "fuzzers: regression runs"
    run_suite build-fuzz --suite fuzz
else
    failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
