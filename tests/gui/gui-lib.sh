# SPDX-License-Identifier: GPL-3.0-or-later
# What the GUI tests share (sourced): the private D-Bus session and Xvfb they run in, the app
# started and quit over D-Bus, waiting on its log, and a private JACK dummy server. The caller
# sets APP (the app), ID (its application id) and TMP, and keeps PID, JACKD and fails.

# gui_session ARGS...: re-runs the calling script under dbus-run-session and xvfb-run with the
# cairo renderer, once (exit 77, a skip, when a tool is missing).
gui_session() {
    [ -n "${ST_GUI_INNER:-}" ] && return 0
    for tool in xvfb-run dbus-run-session gapplication xauth; do
        command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
    done
    exec env ST_GUI_INNER=1 GSK_RENDERER=cairo GDK_BACKEND=x11 NO_AT_BRIDGE=1 \
        dbus-run-session -- xvfb-run -a -s "-screen 0 1600x1000x24" "$0" "$@"
}

fails=0
pass() { echo "ok - $*"; }
fail() { echo "FAIL - $*"; fails=$((fails + 1)); }

# wait_for LOG PATTERN [SECONDS]: polls the log for an extended regex.
wait_for() {
    local i
    for ((i = 0; i < ${3:-30} * 10; i++)); do
        grep -Eq "$2" "$1" && return 0
        sleep 0.1
    done
    echo "timed out waiting for '$2' in $1:" >&2
    cat "$1" >&2
    return 1
}

# start LOG ARGS...: runs the app in the background (PID), logs to LOG, waits until ready.
start() {
    local log=$1
    shift
    : >"$log"
    "$APP" "$@" >>"$log" 2>&1 &   # appending, so the log can be emptied between steps
    PID=$!
    wait_for "$log" 'spiketalk-gtk: ready page='
}

# quit_app: asks over D-Bus, then expects a clean exit 0.
quit_app() {
    gapplication action "$ID" quit
    local rc
    wait "$PID"
    rc=$?
    PID=
    return $rc
}

# start_jackd: a JACK dummy server under $JACK_DEFAULT_SERVER (JACKD), 64 frames at 44.1 kHz.
start_jackd() {
    jackd -n "$JACK_DEFAULT_SERVER" -R -P 70 -d dummy -r 44100 -p 64 >"$TMP/jackd.log" 2>&1 &
    JACKD=$!
    for _ in $(seq 100); do jack_lsp >/dev/null 2>&1 && break; sleep 0.05; done
}
