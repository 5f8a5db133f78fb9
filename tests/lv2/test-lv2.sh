#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The LV2 plugin urn:spiketalk:neuron, headless:
#   - its Turtle validates against the LV2 specification (lv2_validate, i.e. sord_validate with
#     the spec's schemas) and parses (sordi); lilv sees its ports in order and its latency port;
#   - lv2apply (block size 1) on the demo voice with every control at its default gives
#     `spiketalk process --block 64` with default flags, bit for bit; with the controls set,
#     the CLI with the matching flags; our host at blocks of 1, 64, 1000 and 4096 the same;
#   - the controls act (a cell at once, an envelope through the worker with its latency);
#   - the torture test under the real-time guard.
# usage: test-lv2.sh SPIKETALK LV2-HOST RT-GUARD.so DATA-DIR BUNDLE-DIR
set -uo pipefail
ST=$1 HOST=$2 GUARD=$3 DATA=$4 BUNDLE=$5
export LV2_PATH
LV2_PATH=$(cd "$BUNDLE/.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { # check NAME COMMAND...: passes when the command succeeds
    local name=$1
    shift
    if "$@" >"$T/out" 2>&1; then ok "$name"; else bad "$name: $(tail -5 "$T/out")"; fi
}

# ---- Turtle ------------------------------------------------------------------------------------
lv2_validate "$BUNDLE/manifest.ttl" "$BUNDLE/spiketalk.ttl" >"$T/validate" 2>&1
rc=$?
[ $rc = 0 ] && grep -q '^Found 0 errors' "$T/validate" && ok "lv2_validate: no errors" ||
    bad "lv2_validate (exit $rc): $(grep -v '^Skipping' "$T/validate" | tail -8)"
for f in manifest.ttl spiketalk.ttl; do
    check "sordi parses $f" sordi "file://$BUNDLE/$f"
done

# ---- lilv's view -------------------------------------------------------------------------------
lv2info urn:spiketalk:neuron >"$T/info" 2>&1
syms=$(sed -n 's/^[[:space:]]*Symbol:[[:space:]]*//p' "$T/info" | tr '\n' ' ')
[ "$syms" = "in out cell gain envelope rectify gate sonify mix latency " ] &&
    ok "ports in order: $syms" || bad "ports: '$syms'"
grep -q 'Has latency:.*port 9' "$T/info" && ok "latency reported by port 9" ||
    bad "latency port: $(grep -i latency "$T/info")"
lv2ls | grep -qx 'urn:spiketalk:neuron' && ok "lv2ls lists the plugin" || bad "lv2ls: $(lv2ls)"

# ---- the sound ---------------------------------------------------------------------------------
# lv2apply writes its input's format: give it the demo voice as 32-bit float (the same values:
# 16-bit samples are exact in float)
"$HOST" f32 "$DATA/demo-voice.wav" "$T/voice.wav" || bad "float copy of the demo voice"
"$ST" process "$DATA/demo-voice.wav" -o "$T/cli.wav" --block 64 --quiet || bad "spiketalk process"
if lv2apply -i "$T/voice.wav" -o "$T/lv2apply.wav" urn:spiketalk:neuron >"$T/out" 2>&1; then
    check "lv2apply at the defaults = spiketalk process --block 64" \
        "$HOST" same "$T/cli.wav" "$T/lv2apply.wav"
else
    bad "lv2apply: $(tail -3 "$T/out")"
fi
"$ST" process "$DATA/demo-voice.wav" -o "$T/cli-set.wav" --block 64 --quiet --preset RS \
    --envelope hilbert --rectify half --gate-k 2 --gain 20 --sonify clicks
if lv2apply -i "$T/voice.wav" -o "$T/lv2apply-set.wav" -c cell 0 -c envelope 1 -c rectify 2 \
    -c gate 2 -c gain 20 -c sonify 1 urn:spiketalk:neuron >"$T/out" 2>&1; then
    check "lv2apply, controls set = spiketalk process --block 64 with the same flags" \
        "$HOST" same "$T/cli-set.wav" "$T/lv2apply-set.wav"
else
    bad "lv2apply with controls: $(tail -3 "$T/out")"
fi
for b in 1 64 1000 4096; do
    "$HOST" apply "$T/voice.wav" "$T/host-$b.wav" "$b" >"$T/out" 2>&1 &&
        check "blocks of $b = spiketalk process --block 64" \
            "$HOST" same "$T/cli.wav" "$T/host-$b.wav" ||
        bad "host at blocks of $b: $(tail -3 "$T/out")"
done
lv2apply -i "$T/voice.wav" -o "$T/dry.wav" -c mix 0 urn:spiketalk:neuron >/dev/null 2>&1
check "mix 0 gives the input itself" "$HOST" same "$T/voice.wav" "$T/dry.wav"

# ---- the controls and the torture test ---------------------------------------------------------
check "the controls act" "$HOST" controls
LD_PRELOAD=$GUARD "$HOST" torture >"$T/torture" 2>"$T/torture.err"
rc=$?
cat "$T/torture"
[ $rc = 0 ] && grep -q 'real-time guard on' "$T/torture" &&
    grep -qE '^rt-guard: [1-9][0-9]* callbacks checked' "$T/torture.err" &&
    ok "torture: finite, within [-1, 1], nothing allocated in run() (guard on)" ||
    bad "torture (exit $rc): $(tail -5 "$T/torture.err")"

echo "1..$n"
[ $failed = 0 ]
