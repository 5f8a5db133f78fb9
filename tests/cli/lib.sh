# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the CLI test scripts (sourced): the binary under test as $ST (absolute), a scratch
# folder $T removed at exit, pass/fail counting, and the checks every script uses.
# usage in a script:  . "$(dirname "$0")/lib.sh" PATH/TO/spiketalk   ...   finish NAME
set -u
ST=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# expect_error CODE PATTERN ARGS...: spiketalk ARGS exits with CODE and says "spiketalk: ..."
# on stderr, matching the extended regular expression PATTERN.
expect_error() {
    local code=$1 pat=$2
    shift 2
    "$ST" "$@" >"$T/out" 2>"$T/err"
    local rc=$?
    if [ $rc -ne "$code" ]; then
        bad "'$*': exit $rc, expected $code ($(cat "$T/err"))"
    elif ! grep -q '^spiketalk: ' "$T/err"; then
        bad "'$*': no 'spiketalk: ' message: $(cat "$T/err")"
    elif ! grep -qE -- "$pat" "$T/err"; then
        bad "'$*': message '$(cat "$T/err")' does not match '$pat'"
    else
        ok
    fi
}

# expect_process_fail CODE PATTERN ARGS...: `spiketalk process ARGS` exits with CODE and says
# "spiketalk: ..." matching PATTERN, writes no $T/out.wav, and leaves every $T/in-* unchanged.
expect_process_fail() {
    local code=$1 pat=$2
    shift 2
    rm -f "$T/out.wav"
    local before
    before=$(md5sum "$T"/in-* 2>/dev/null)
    "$ST" process "$@" >"$T/stdout" 2>"$T/err"
    local rc=$?
    if [ $rc -ne "$code" ]; then
        bad "process $*: exit $rc, expected $code ($(cat "$T/err"))"
    elif ! grep -qE "^spiketalk: .*$pat" "$T/err"; then
        bad "process $*: message '$(cat "$T/err")' does not match '$pat'"
    elif [ -e "$T/out.wav" ]; then
        bad "process $*: wrote an output file"
    elif [ "$before" != "$(md5sum "$T"/in-* 2>/dev/null)" ]; then
        bad "process $*: changed an input file"
    else
        ok
    fi
}

# json_field FILE KEY: the first number after "KEY": in FILE.
json_field() { grep -oE "\"$2\": [-0-9.e]+" "$1" | head -1 | awk '{print $2}'; }

# finish NAME: prints "NAME: N passed, N failed" and exits non-zero on any failure.
finish() {
    echo "$1: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
