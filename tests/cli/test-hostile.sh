#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Hostile command lines, as tables: every numeric flag with NaN, Inf, a negative number, zero, a
# subnormal, a huge and an over-long value, and the text a number reader must refuse; every
# file argument as a folder, a FIFO, a device, missing, empty, truncated and lying about its
# size or rate; outputs that name the same file as each other or as the input. For each case:
# the exit status (0 done, 1 a run that failed on its own, 2 bad input), a "spiketalk: ..."
# message that names the flag or file, no output and no temporary file left after a failure,
# no temporary file ever, and the inputs (and files an output would replace) unchanged.
# The expectations come from the documented ranges (--help, README), not from the code.
# usage: test-hostile.sh PATH/TO/spiketalk PATH/TO/tests/data
. "$(dirname "$0")/lib.sh" "$1"
DATA=$2
IN=$T/in      # inputs, checksummed around every case
KEEP=$T/keep  # existing files some outputs would replace, checksummed too
OUT=$T/out    # where the cases write; emptied before each case
SPECIAL=$T/special  # a folder, FIFOs (never read by the checksums)
mkdir -p "$IN" "$KEEP" "$OUT" "$SPECIAL"

# ---- inputs -----------------------------------------------------------------------------------
le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $((($1 >> 8) & 255)) \
    $((($1 >> 16) & 255)) $((($1 >> 24) & 255)); }
le16() { printf '\\x%02x\\x%02x' $(($1 & 255)) $((($1 >> 8) & 255)); }
# wav_header RATE DATA_BYTES: a mono 16-bit PCM RIFF/WAVE header, as printf escapes
wav_header() {
    printf '%s' "RIFF$(le32 $((36 + $2)))WAVEfmt $(le32 16)$(le16 1)$(le16 1)$(le32 "$1")"
    printf '%s' "$(le32 $(($1 * 2)))$(le16 2)$(le16 16)data$(le32 "$2")"
}
cp "$DATA/tone-burst.wav" "$IN/tone.wav"
mkdir "$SPECIAL/folder.wav"
mkfifo "$SPECIAL/fifo.wav"
: >"$IN/empty.wav"
echo "these are notes, not a recording" >"$IN/notes.wav"
head -c 30000 "$IN/tone.wav" >"$IN/truncated.wav"
{ printf "$(wav_header 44100 200000)"; head -c 2000 /dev/zero; } >"$IN/lies-size.wav"
{ printf "$(wav_header 2000000000 2000)"; head -c 2000 /dev/zero; } >"$IN/lies-rate.wav"
{ printf "$(wav_header 500 2000)"; head -c 2000 /dev/zero; } >"$IN/slow-rate.wav"
ln "$IN/tone.wav" "$KEEP/in-hard.wav"
ln -s "$IN/tone.wav" "$KEEP/in-sym.wav"
echo keep >"$KEEP/k.csv"
ln "$KEEP/k.csv" "$KEEP/hard.csv"
ln -s "$KEEP/k.csv" "$KEEP/sym.csv"
mkdir "$T/folder" "$T/folder.png"
mkfifo "$T/fifo.csv" "$T/fifo.png" "$T/fifo.wav"

sums() { md5sum "$IN"/* "$KEEP"/*; }
SUMS=$(sums)
# Every case is one process: this machine, like many CI machines, takes tens of milliseconds to
# start one, so the checks below use the shell's built-ins only. A run that loops is stopped by
# its CPU-time limit; an input is changed if it is newer than the stamp (the exact checksums
# are compared once more at the end).
ulimit -t 120
STAMP=$T/stamp
: >"$STAMP"
INPUTS=("$IN"/* "$KEEP"/*)

# ---- the check of one case ------------------------------------------------------------------
# hostile CODE PATTERN ARGS...: spiketalk ARGS exits with CODE; CODE R means "it ran": 0, or 1
# with a "not finite" blow-up message. A non-zero exit says "spiketalk: ..." matching PATTERN
# (an extended regular expression) and leaves nothing in $OUT. No case leaves a temporary file
# or changes an input.
hostile() {
    local code=$1 pat=$2
    shift 2
    compgen -G "$OUT/*" >/dev/null && rm -rf "${OUT:?}"/*
    "$ST" "$@" </dev/null >"$T/stdout" 2>"$T/err"
    local rc=$? msg="" why="" f
    IFS= read -r -d '' msg <"$T/err"
    if [ $rc -gt 2 ]; then
        why="exit $rc (a crash, or the CPU-time limit)"
    elif [ "$code" = R ]; then
        if [ $rc -eq 1 ] && ! [[ $msg =~ spiketalk:\ .*not\ finite ]]; then
            why="exit 1 without a blow-up message"
        elif [ $rc -eq 2 ]; then
            why="refused, expected a run"
        fi
    elif [ $rc -ne "$code" ]; then
        why="exit $rc, expected $code"
    fi
    if [ -z "$why" ] && [ $rc -ne 0 ]; then
        if ! [[ $msg == spiketalk:\ * ]]; then
            why="no 'spiketalk: ' message"
        elif [ -n "$pat" ] && ! [[ $msg =~ $pat ]]; then
            why="message does not match '$pat'"
        elif compgen -G "$OUT/*" >/dev/null; then
            why="left an output behind"
        fi
    fi
    if [ -z "$why" ]; then
        for f in "$OUT" "$KEEP" "$IN" "$T" "$T/folder"; do
            compgen -G "$f/*.tmp-*" >/dev/null && why="temporary files left in $f"
        done
        for f in "${INPUTS[@]}"; do
            { [ -e "$f" ] && ! [ "$f" -nt "$STAMP" ]; } || why="$f changed"
        done
    fi
    if [ -n "$why" ]; then
        local show="$*"
        [ ${#show} -gt 160 ] && show="${show:0:160}..."
        bad "$show: $why (${msg:0:300})"
        find "$T" -name '*.tmp-*' -delete 2>/dev/null
    else
        ok
    fi
}

# ---- every numeric flag ---------------------------------------------------------------------
ZEROS=$(printf '%03000d' 0)          # 3000 zeros
LONG_TWO=${ZEROS}2                    # an over-long spelling of 2
LONG_JUNK=${ZEROS}2x                  # over-long, and not a number only at its very end
VALUES=(nan inf -1 0 5e-324 1e308 "$LONG_TWO")
# numeric FLAG EXPECT ARGS...: ARGS FLAG VALUE for each of VALUES, expecting the codes in
# EXPECT (one character each: 0, 1, 2, R, or - for a case not made), and an over-long value
# that is not a number only at its last character (exit 2, the flag named).
numeric() {
    local flag=$1 expect=$2
    shift 2
    local i c
    for i in "${!VALUES[@]}"; do
        c=${expect:i:1}
        case $c in
        -) continue ;;
        2) hostile 2 "^spiketalk: .*$flag" "$@" "$flag" "${VALUES[$i]}" ;;
        *) hostile "$c" "" "$@" "$flag" "${VALUES[$i]}" ;;
        esac
    done
    hostile 2 "^spiketalk: $flag: '0000.*\.\.\.'" "$@" "$flag" "$LONG_JUNK"
}
# refused FLAG ARGS...: the text every number reader refuses, each with its reason; one flag
# of each command (they share the reader).
refused() {
    local flag=$1
    shift
    hostile 2 "^spiketalk: $flag: '1e309' is not a finite number \(too large" "$@" "$flag" 1e309
    hostile 2 "^spiketalk: $flag: '1e-400' is not a finite number \(too close to 0" "$@" \
        "$flag" 1e-400
    hostile 2 "^spiketalk: $flag: ' 5' is not a finite number \(spaces" "$@" "$flag" ' 5'
    hostile 2 "^spiketalk: $flag: '5 ' is not a finite number \(spaces" "$@" "$flag" '5 '
    hostile 2 "^spiketalk: $flag: '0x10' is not a finite number \(hexadecimal" "$@" "$flag" 0x10
    hostile 2 "^spiketalk: $flag: '-inf' is not a finite number \(inf and nan" "$@" "$flag" -inf
    hostile 2 "^spiketalk: $flag: '' is not a finite number \(empty" "$@" "$flag" ''
    hostile 2 "^spiketalk: $flag: '5ms' is not a finite number \(not a decimal" "$@" "$flag" 5ms
}

#                     nan inf -1 0 5e-324 1e308 "2" (over-long)
SIM=(simulate --preset RS --duration 20 --trace "$OUT/t.csv")
numeric --dt          2222200 "${SIM[@]}"
refused --dt          "${SIM[@]}"
numeric --duration    2220020 "${SIM[@]}"
numeric --v0          2200010 "${SIM[@]}"
numeric --u0          2200010 "${SIM[@]}"
numeric --a           2200010 "${SIM[@]}"
numeric --b           2200020 "${SIM[@]}"     # u0 = b v0 overflows
numeric --c           2200020 "${SIM[@]}"     # the reset must lie below vpeak
numeric --d           2200000 "${SIM[@]}"
numeric --max-memory  2222222 "${SIM[@]}"     # 2 bytes is less than any run needs
SIM07=(simulate --model izh2007 --preset RS --duration 20 --trace "$OUT/t.csv")
numeric --C           2222R00 "${SIM07[@]}"   # a capacitance is > 0
numeric --k           2222R00 "${SIM07[@]}"   # the quadratic's gain is > 0
numeric --vpeak       2200000 "${SIM07[@]}"   # above the reset c (-50 mV)
HH=(hh --duration 5 --trace "$OUT/t.csv")
numeric --dt          2222201 "${HH[@]}"      # rk4 cannot follow a spike at 2 ms
refused --temperature "${HH[@]}"
numeric --duration    2220020 "${HH[@]}"
numeric --temperature 2200020 "${HH[@]}"      # -20 .. 60 degrees C
numeric --v0          2200010 "${HH[@]}"
numeric --gNa         2220010 "${HH[@]}"      # conductances are >= 0
numeric --gK          2220010 "${HH[@]}"
numeric --gL          2220010 "${HH[@]}"
numeric --ENa         2200010 "${HH[@]}"
numeric --EK          2200010 "${HH[@]}"
numeric --Cm          2222100 "${HH[@]}"      # > 0; a subnormal one blows v up at once
numeric --max-memory  2222222 "${HH[@]}"
AXON=(axon --duration 0.5 --trace "$OUT/t.csv")
numeric --diameter-um 2222220 "${AXON[@]}"    # > 0, and an axial coupling that is a number
numeric --length-mm   2222220 "${AXON[@]}"
numeric --ra          2222220 "${AXON[@]}"    # 1e308: a coupling of 0
numeric --temperature 2200020 "${AXON[@]}"
numeric --dx-um       2222220 "${AXON[@]}"    # at most the length, at most 1e7 compartments
numeric --compartments 2222222 "${AXON[@]}"   # a whole number from 4 (L/4 .. 3L/4) to 1e7
numeric --dt          2222200 "${AXON[@]}"
numeric --duration    2220020 "${AXON[@]}"
numeric --stimulus    2200020 "${AXON[@]}"    # a current density that is a number
refused --diameter-um "${AXON[@]}"
numeric --at          2220020 "${AXON[@]}"    # within the axon, 0 .. 50 mm
numeric --max-memory  2222222 "${AXON[@]}"
PROC=(process "$IN/tone.wav" -o "$OUT/o.wav" --quiet)
numeric --gain        2200010 "${PROC[@]}"
numeric --gate-k      2220000 "${PROC[@]}"
numeric --gate-thr    2220000 "${PROC[@]}"
numeric --dt          2222011 "${PROC[@]}"    # 2 ms per sample: the neuron blows up
refused --gain        "${PROC[@]}"
numeric --decimate    2222220 "${PROC[@]}"    # a whole number >= 1
numeric --smooth      2220220 "${PROC[@]}"    # a whole number of samples >= 0
numeric --gate-window 22220-- "${PROC[@]}"    # > 0 s (only a leading gate has a window)
numeric --max-memory  2222222 "${PROC[@]}"
numeric --v0          2200010 "${PROC[@]}"
numeric --u0          2200010 "${PROC[@]}"
numeric --block       2222220 "${PROC[@]}"    # a whole number >= 1
numeric --peak-release 2222000 "${PROC[@]}" --block 64
NET=(network --neurons 100 --duration 50 --spikes "$OUT/s.csv" --quiet)
numeric --duration    2222220 "${NET[@]}"     # 1 ms .. 1e9 ms
refused --duration    "${NET[@]}"
numeric --neurons     2222222 "${NET[@]}"     # a whole number, 5 .. 1e8
numeric --synapses    2222220 "${NET[@]}"     # a whole number >= 1
numeric --seed        2220220 "${NET[@]}"     # a whole number, 0 .. 2^64 - 1
numeric --threads     2222220 "${NET[@]}"     # a whole number, 1 .. 1024
numeric --max-memory  2222222 "${NET[@]}"     # 2 bytes is less than any run needs
# the neurons' model: a name the registry knows, nothing else
for v in '' lif 'hh ' ' izh2007' 'izh2007,hh' "$LONG_JUNK"; do
    hostile 2 "^spiketalk: --model: unknown model" "${NET[@]}" --model "$v"
done
LISTEN=(network --input "$IN/tone.wav" --neurons 100 --spikes "$OUT/s.csv" --quiet)
numeric --bands       2222220 "${LISTEN[@]}"  # a whole number, 1 .. 128 (and <= 80 here)
numeric --fmin        2222222 "${LISTEN[@]}"  # 20 Hz .. --fmax
numeric --fmax        2222222 "${LISTEN[@]}"  # above --fmin (100), below the rate's reach
numeric --gain        22000R0 "${LISTEN[@]}"  # finite; 1e308 overflows the current
refused --gain        "${LISTEN[@]}"
numeric --gate-k      2220000 "${LISTEN[@]}"
numeric --block       2222220 "${LISTEN[@]}"  # a whole number >= 1
numeric --max-memory  2222222 "${LISTEN[@]}"
# without a capture device (this machine), a valid record or live request fails: exit 1
"$ST" devices --json >"$T/dev.json" 2>/dev/null
if grep -qE '"max_input_channels": [1-9]' "$T/dev.json"; then
    echo "SKIP: a capture device exists here; record and live are not run with valid values" >&2
else
    numeric -d          2222121 record -o "$OUT/r.wav"    # 0 < seconds <= 3600
    numeric --rate      2222222 record -d 1 -o "$OUT/r.wav"   # 1000 .. 768000 Hz
    numeric --max-memory 2222222 record -d 1 -o "$OUT/r.wav"
    numeric --block     2222221 live --record-in "$OUT/l.wav"  # 1 .. 16384 frames
    numeric --duration  2222121 live --record-in "$OUT/l.wav"
    numeric --rate      2222222 live --record-in "$OUT/l.wav"
    numeric --gain      2211111 live --record-in "$OUT/l.wav"
    refused -d          record -o "$OUT/r.wav"
    refused --block     live --record-in "$OUT/l.wav"
    LIVENET=(live --net izh2003 --neurons 100 --record-in "$OUT/l.wav")
    numeric --net-latency 2222221 "${LIVENET[@]}"  # 1 .. 2000 ms (and one block, on a device)
    refused --net-latency "${LIVENET[@]}"
    numeric --test-worker-stall-ms 2221121 "${LIVENET[@]}" --net-thread worker  # 0 .. 10000 ms
fi
# where a network runs: callback, worker or auto, with --net only
for v in bogus '' Worker 'worker ' callback,worker "$LONG_JUNK"; do
    hostile 2 "^spiketalk: --net-thread: unknown" live --net izh2003 --net-thread "$v"
done
hostile 2 "^spiketalk: --model: unknown model 'lif'" live --net izh2003 --model lif
hostile 2 "^spiketalk: --preset: the single neuron's flag" live --net izh2003 --preset RS
hostile 2 "^spiketalk: --net-thread: needs --net" live --net-thread worker
hostile 2 "^spiketalk: --net-latency: needs --net" live --net-latency 20
hostile 2 "^spiketalk: --net-latency: the worker's" live --net izh2003 --net-thread callback \
    --net-latency 20

# ---- lists and ranges: read whole, every separator accounted for -------------------------------
for v in '5,' ',5' '1,,2' '1, 2' '1,2,3,4,5,6,7,8,9' "1,$LONG_JUNK" '' ','; do
    hostile 2 "^spiketalk: --at: " "${AXON[@]}" --at "$v"
done
hostile 0 "" "${AXON[@]}" --at "1,$LONG_TWO,3"      # 3000 characters, read to the end
for v in '0:20:' ':0:20:1' '0::1' '0:20:1:' '0:20:1:5' '0 :20:1' '0:20' "0:20:$LONG_JUNK" \
    '0:20:-1' '20:0:1' '0:1e9:1'; do
    hostile 2 "^spiketalk: --fi: " hh --fi "$v"
done
for v in '20,' ',0.2' '20,0.2,1' 'nan,1' '1e309'; do
    hostile 2 "^spiketalk: --stimulus: " "${AXON[@]}" --stimulus "$v"
done
for v in 'step:onset=300,amp=5,' 'step:onset=300,,amp=5' 'const:amp=1+' '+const:amp=1' \
    'step:onset=3 00,amp=5' 'step:onset=0x10,amp=5' 'const:amp=1e-400' 'const:amp=inf' \
    "const:amp=$LONG_JUNK" 'ramp:start=0' ''; do
    hostile 2 "^spiketalk: --input: " "${SIM[@]}" --input "$v"
done
hostile 0 "" "${SIM[@]}" --input "const:amp=$LONG_TWO"    # read whole: 2, not truncated
hostile 0 "" "${SIM[@]}" --input "ramp:start=0,slope=5e-324"    # subnormal: finite
# an input current that overflows is named as such, not blamed on the step
hostile 2 "^spiketalk: --input: the input current overflows" "${SIM[@]}" \
    --input 'const:amp=1e308+const:amp=1e308'
hostile 2 "^spiketalk: --input: the input current overflows" "${HH[@]}" \
    --input 'ramp:start=0,slope=1e308'
hostile 1 "^spiketalk: simulation: .*the input current is -1e\+308: far outside" "${SIM[@]}" \
    --input 'const:amp=-1e308'
hostile 1 "^spiketalk: hh: .*the input current is 1e\+300 uA/cm\^2: far outside" "${HH[@]}" \
    --input 'const:amp=1e300'
hostile 1 "^spiketalk: hh: .*--Cm is 4.94066e-324 uF/cm2, far outside its usual range" \
    "${HH[@]}" --Cm 5e-324
# absurd sizes, named with their flag and number, before any work
hostile 2 "^spiketalk: --dt: 1e-09 ms over 1000 ms .* 1e\+12 steps" simulate --dt 1e-9
hostile 2 "^spiketalk: --length-mm: 1e\+308 mm" axon --length-mm 1e308
hostile 2 "^spiketalk: --length-mm: a 476 um thick, 1e\+308 mm long" axon --length-mm 1e308 \
    --compartments 500
hostile 2 "^spiketalk: --plot: the run needs about .* more than the limit of 1.0 MiB" \
    simulate --duration 1e6 --plot "$OUT/p.png" --max-memory 1M
# windows longer than the input, and a run larger than the memory limit, once it is read
hostile 2 "^spiketalk: --smooth: 1000000000 samples \(.* s\) is longer than the input" \
    "${PROC[@]}" --smooth 1000000000
hostile 2 "^spiketalk: --gate-window: .* samples \(1e\+06 s\) is longer than the input" \
    "${PROC[@]}" --gate leading --gate-window 1e6
hostile 2 "^spiketalk: .*tone.wav: the run needs about .* more than the limit of 1.0 MiB" \
    "${PROC[@]}" --max-memory 1M

# ---- file arguments -------------------------------------------------------------------------
hostile 2 "folder.wav: is a directory" process "$SPECIAL/folder.wav" -o "$OUT/o.wav"
hostile 2 "fifo.wav: is a FIFO" process "$SPECIAL/fifo.wav" -o "$OUT/o.wav"
hostile 2 "/dev/zero: is a character device" process /dev/zero -o "$OUT/o.wav"
hostile 2 "missing.wav: cannot open: No such file" process "$IN/missing.wav" -o "$OUT/o.wav"
hostile 2 "empty.wav: empty file" process "$IN/empty.wav" -o "$OUT/o.wav"
hostile 2 "notes.wav: not a readable audio file" process "$IN/notes.wav" -o "$OUT/o.wav"
hostile 2 "truncated.wav: truncated" process "$IN/truncated.wav" -o "$OUT/o.wav"
hostile 2 "lies-size.wav: truncated: header says 100000 frames" process "$IN/lies-size.wav" \
    -o "$OUT/o.wav"
hostile 2 "lies-rate.wav: its header gives a sample rate of 2000000000 Hz" \
    process "$IN/lies-rate.wav" -o "$OUT/o.wav"
hostile 2 "slow-rate.wav: its header gives a sample rate of 500 Hz" \
    process "$IN/slow-rate.wav" -o "$OUT/o.wav" --block 64
for spec in "folder.wav:is a directory" "fifo.wav:is a FIFO" "missing.wav:cannot open" \
    "empty.wav:empty file" "notes.wav:not a readable audio file" "truncated.wav:truncated" \
    "lies-size.wav:truncated: header says 100000 frames" \
    "lies-rate.wav:its header gives a sample rate of 2000000000 Hz"; do
    f=${spec%%:*}
    dir=$IN
    case $f in folder.wav | fifo.wav) dir=$SPECIAL ;; esac
    hostile 2 "$f: ${spec#*:}" network --input "$dir/$f" --neurons 100 --sound "$OUT/o.wav"
done
hostile 2 "/dev/zero: is a character device" network --input /dev/zero --sound "$OUT/o.wav"
# every output flag of every command as a folder, a FIFO, a device and in a missing folder
outputs=("simulate --trace csv" "simulate --spikes csv" "simulate --plot png" "hh --trace csv"
    "hh --plot png" "axon --trace csv" "axon --plot png" "process -o wav" "process --trace csv"
    "process --spikes csv" "process --plot png" "record -o wav" "live --record-in wav"
    "live --record-out wav" "live --record-env wav" "network --spikes csv"
    "network --raster png" "network --sound wav")
for spec in "${outputs[@]}"; do
    read -r cmd flag ext <<<"$spec"
    case $cmd in
    simulate) base=(simulate --duration 10) ;;
    hh) base=(hh --duration 1) ;;
    axon) base=(axon --duration 0.1) ;;
    process) base=(process "$IN/tone.wav" --quiet) ;;
    record) base=(record -d 1) ;;
    live) base=(live --duration 1) ;;
    network) base=(network --neurons 100 --duration 10) ;;
    esac
    folder=$T/folder
    [ "$ext" = png ] && folder=$T/folder.png
    hostile 2 "^spiketalk: $flag: .*is a directory|Is a directory" "${base[@]}" "$flag" "$folder"
    hostile 2 "^spiketalk: $flag: .*not a regular file" "${base[@]}" "$flag" "$T/fifo.$ext"
    [ "$ext" != png ] &&
        hostile 2 "^spiketalk: $flag: /dev/zero: not a regular file" "${base[@]}" "$flag" /dev/zero
    hostile 2 "^spiketalk: $flag: .*nowhere" "${base[@]}" "$flag" "$T/nowhere/x.$ext"
done

# ---- outputs that name the same file ---------------------------------------------------------
same="is the same file as"
hostile 2 "--trace: '$OUT/o.wav' $same -o" process "$IN/tone.wav" -o "$OUT/o.wav" \
    --trace "$OUT/o.wav"
hostile 2 "--trace: .* $same -o" process "$IN/tone.wav" -o "$OUT/o.wav" --trace "$OUT/./o.wav"
hostile 2 "--plot: .* $same --spikes" process "$IN/tone.wav" -o "$OUT/o.wav" \
    --spikes "$OUT/f.png" --plot "$T/folder/../out/f.png"
for spelling in "$IN/tone.wav" "$IN/./tone.wav" "$KEEP/in-hard.wav" "$KEEP/in-sym.wav"; do
    hostile 2 "-o: .* $same the input" process "$IN/tone.wav" -o "$spelling"
    hostile 2 "--spikes: .* $same the input" process "$IN/tone.wav" -o "$OUT/o.wav" \
        --spikes "$spelling"
done
for spelling in "$IN/./tone.wav" "$KEEP/in-hard.wav" "$KEEP/in-sym.wav"; do
    hostile 2 "--sound: .* $same the input" network --input "$IN/tone.wav" --neurons 100 \
        --sound "$spelling"
done
hostile 2 "--raster: .* $same --spikes" network --neurons 100 --duration 10 \
    --spikes "$OUT/n.png" --raster "$OUT/./n.png"
for spelling in "$KEEP/./k.csv" "$KEEP/hard.csv" "$KEEP/sym.csv"; do
    hostile 2 "--spikes: .* $same --trace" simulate --trace "$KEEP/k.csv" --spikes "$spelling"
done
hostile 2 "--plot: .* $same --trace" hh --duration 1 --trace "$OUT/f.png" --plot "$OUT/f.png"
hostile 2 "--plot: .* $same --trace" axon --duration 0.1 --trace "$OUT/f.png" --plot "$OUT/f.png"
hostile 2 "--record-out: .* $same --record-in" live --record-in "$OUT/a.wav" \
    --record-out "$OUT/./a.wav"
# distinct outputs are fine, and a replaced file gets the new content whole
if "$ST" simulate --duration 10 --trace "$OUT/t.csv" --spikes "$OUT/s.csv" --plot "$OUT/p.svg" \
    >/dev/null 2>"$T/err" && [ -s "$OUT/t.csv" ] && [ -s "$OUT/s.csv" ] && [ -s "$OUT/p.svg" ]; then
    ok
else
    bad "three distinct outputs: $(cat "$T/err")"
fi

[ "$(sums)" = "$SUMS" ] && ok || bad "an input or a replaced file changed"
finish hostile
