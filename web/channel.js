// SPDX-License-Identifier: GPL-3.0-or-later
// What the page and its audio worklet share: the scope's ring (input, envelope and membrane
// potential, one value per sample), the meters (a seqlocked record) and the commands the page
// sends (a ring of [code, value] pairs).
//
// Cross-origin isolated pages (the dev server sends COOP and COEP) share one SharedArrayBuffer:
// the worklet writes, the page reads at the display's frame rate, nothing is posted. Elsewhere
// each side has the same layout in an ordinary ArrayBuffer and the worklet posts what it wrote
// every few render quanta ("feed" messages), while commands travel as "cmd" messages.

export const RING_FRAMES = 1 << 16;      // scope samples kept (1.4 s at 48 kHz)
const CMD_SLOTS = 64;

// Command codes (value: a cell's index among the seven, the gain, an envelope's index).
export const CMD = { PRESET: 1, GAIN: 2, ENVELOPE: 3 };
export const ENVELOPES = ['movavg', 'hilbert', 'none'];

// Meter slots: the library's (st_web_meter_name order, written first) and the worklet's own.
export const METER = {
    LOAD: 16,          // share of the render quantum's time spent in the engine, last ~1 s
    COST_US: 17,       // its mean per quantum, microseconds, last ~1 s
    QUANTA: 18,        // render quanta processed
    PRESET: 19,        // index of the cell in use
    GAIN: 20,          // the gain in use
    ENVELOPE: 21,      // index of the envelope in use (ENVELOPES)
    STARTS: 22,        // how many times the stream was built
    COUNT: 32,
};

const CTL_WRITTEN = 0;   // scope frames written (mod 2^32)
const CTL_SEQ = 1;       // meters' sequence: odd while being written
const CTL_CMD_W = 2;     // commands written
const CTL_CMD_R = 3;     // commands read

const CTL_BYTES = 64;
const METER_BYTES = METER.COUNT * 8;
const CMD_BYTES = CMD_SLOTS * 2 * 8;

export function channelBytes() {
    return CTL_BYTES + METER_BYTES + CMD_BYTES + 3 * RING_FRAMES * 4;
}

export class Channel {
    // 'buffer': a SharedArrayBuffer (shared) or null (a private ArrayBuffer is made).
    constructor(buffer) {
        this.shared = !!buffer;
        const b = buffer || new ArrayBuffer(channelBytes());
        this.buffer = b;
        this.ctl = new Int32Array(b, 0, CTL_BYTES / 4);
        this.meter = new Float64Array(b, CTL_BYTES, METER.COUNT);
        this.cmd = new Float64Array(b, CTL_BYTES + METER_BYTES, CMD_SLOTS * 2);
        const ring = CTL_BYTES + METER_BYTES + CMD_BYTES;
        this.input = new Float32Array(b, ring, RING_FRAMES);
        this.envelope = new Float32Array(b, ring + 4 * RING_FRAMES, RING_FRAMES);
        this.v = new Float32Array(b, ring + 8 * RING_FRAMES, RING_FRAMES);
        this.meterCopy = new Float64Array(METER.COUNT);
    }

    load(i) {
        return this.shared ? Atomics.load(this.ctl, i) : this.ctl[i];
    }

    store(i, x) {
        if (this.shared)
            Atomics.store(this.ctl, i, x);
        else
            this.ctl[i] = x;
    }

    // ---- the scope's ring (one writer: the worklet) ----

    written() {
        return this.load(CTL_WRITTEN) >>> 0;
    }

    writeFrames(inp, env, v, n) {
        let w = this.written();
        for (let i = 0; i < n; i++, w++) {
            const k = w & (RING_FRAMES - 1);
            this.input[k] = inp[i];
            this.envelope[k] = env[i];
            this.v[k] = v[i];
        }
        this.store(CTL_WRITTEN, w | 0);
    }

    // ---- the meters (one writer) ----

    writeMeters(values) {
        const seq = this.load(CTL_SEQ);
        this.store(CTL_SEQ, seq + 1);
        this.meter.set(values);
        this.store(CTL_SEQ, seq + 2);
    }

    // A consistent copy of the meters (the same Float64Array each time), or null when none was
    // written yet.
    readMeters() {
        for (let tries = 0; tries < 4; tries++) {
            const s1 = this.load(CTL_SEQ);
            if (s1 & 1)
                continue;
            this.meterCopy.set(this.meter);
            if (this.load(CTL_SEQ) === s1)
                return s1 ? this.meterCopy : null;
        }
        return null;
    }

    // ---- commands (one writer: the page; one reader: the worklet) ----

    // False when the ring is full (the worklet is not running).
    send(code, value) {
        const w = this.load(CTL_CMD_W), r = this.load(CTL_CMD_R);
        if (w - r >= CMD_SLOTS)
            return false;
        const k = (w % CMD_SLOTS) * 2;
        this.cmd[k] = code;
        this.cmd[k + 1] = value;
        this.store(CTL_CMD_W, w + 1);
        return true;
    }

    // Calls fn(code, value) for each command not yet taken.
    poll(fn) {
        let r = this.load(CTL_CMD_R);
        const w = this.load(CTL_CMD_W);
        for (; r !== w; r++) {
            const k = (r % CMD_SLOTS) * 2;
            fn(this.cmd[k], this.cmd[k + 1]);
        }
        this.store(CTL_CMD_R, r);
    }
}
