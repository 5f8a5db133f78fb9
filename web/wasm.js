// SPDX-License-Identifier: GPL-3.0-or-later
// spiketalk.wasm from JavaScript: instantiating the module (a WASI reactor) and thin wrappers
// over its C API (spiketalk-wasm.h). Used by the page and by the audio worklet, whose global
// scope has neither TextDecoder nor TextEncoder: strings are converted here.

const ERRNO_BADF = 8;
const ERRNO_SPIPE = 70;

function utf8Decode(bytes) {
    let s = '';
    for (let i = 0; i < bytes.length;) {
        const b = bytes[i++];
        let c = b;
        if (b >= 0xf0) {
            c = ((b & 7) << 18) | ((bytes[i] & 63) << 12) | ((bytes[i + 1] & 63) << 6) |
                (bytes[i + 2] & 63);
            i += 3;
        } else if (b >= 0xe0) {
            c = ((b & 15) << 12) | ((bytes[i] & 63) << 6) | (bytes[i + 1] & 63);
            i += 2;
        } else if (b >= 0xc0) {
            c = ((b & 31) << 6) | (bytes[i] & 63);
            i += 1;
        }
        s += String.fromCodePoint(c);
    }
    return s;
}

function utf8Encode(s) {
    const out = [];
    for (const ch of s) {
        const c = ch.codePointAt(0);
        if (c < 0x80) {
            out.push(c);
        } else if (c < 0x800) {
            out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
        } else if (c < 0x10000) {
            out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
        } else {
            out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63),
                0x80 | (c & 63));
        }
    }
    return out;
}

// The module's few WASI imports: the library never does I/O, but libc's assertion message
// would go to stderr; it is passed to the console.
function wasiImports(getMemory, log) {
    let line = '';
    return {
        fd_write(fd, iovs, iovsLen, nwritten) {
            const mem = getMemory();
            const dv = new DataView(mem.buffer);
            let total = 0;
            for (let k = 0; k < iovsLen; k++) {
                const ptr = dv.getUint32(iovs + 8 * k, true);
                const len = dv.getUint32(iovs + 8 * k + 4, true);
                line += utf8Decode(new Uint8Array(mem.buffer, ptr, len));
                total += len;
            }
            const nl = line.lastIndexOf('\n');
            if (nl >= 0) {
                log(`spiketalk.wasm (fd ${fd}): ${line.slice(0, nl)}`);
                line = line.slice(nl + 1);
            }
            dv.setUint32(nwritten, total, true);
            return 0;
        },
        fd_close() {
            return ERRNO_BADF;
        },
        fd_seek() {
            return ERRNO_SPIPE;
        },
    };
}

// The instance and its memory, with helpers for strings and typed views.
export class Spiketalk {
    constructor(instance) {
        this.x = instance.exports;
        this.x._initialize();
    }

    // Synchronous instantiation of a compiled module (the worklet receives one).
    static fromModule(module, log = (m) => console.error(m)) {
        const holder = { memory: null };
        const imports = { wasi_snapshot_preview1: wasiImports(() => holder.memory, log) };
        const instance = new WebAssembly.Instance(module, imports);
        holder.memory = instance.exports.memory;
        return new Spiketalk(instance);
    }

    static async load(url, log) {
        const module = await WebAssembly.compileStreaming(fetch(url));
        return { module, st: Spiketalk.fromModule(module, log) };
    }

    get buffer() {
        return this.x.memory.buffer;
    }

    string(ptr) {
        if (!ptr)
            return null;
        const bytes = new Uint8Array(this.buffer);
        let end = ptr;
        while (bytes[end])
            end++;
        return utf8Decode(bytes.subarray(ptr, end));
    }

    // Calls fn with the address of a NUL-terminated copy of each string (null: NULL).
    withStrings(strings, fn) {
        const ptrs = strings.map((s) => {
            if (s === null || s === undefined)
                return 0;
            const b = utf8Encode(String(s));
            const p = this.x.st_web_alloc(b.length + 1);
            if (!p)
                throw new Error('spiketalk: out of memory');
            const view = new Uint8Array(this.buffer, p, b.length + 1);
            view.set(b);
            view[b.length] = 0;
            return p;
        });
        try {
            return fn(...ptrs);
        } finally {
            ptrs.forEach((p) => this.x.st_web_free(p));
        }
    }

    f32(ptr, n) {
        return new Float32Array(this.buffer, ptr, n);
    }

    f64(ptr, n) {
        return new Float64Array(this.buffer, ptr, n);
    }

    // The presets of the Izhikevich model: {index, name, title, letter, kind: 'cell'|'feature'}.
    presets() {
        const list = [];
        for (let i = 0; i < this.x.st_web_preset_count(); i++) {
            list.push({
                index: i,
                name: this.string(this.x.st_web_preset_name(i)),
                title: this.string(this.x.st_web_preset_title(i)),
                letter: this.string(this.x.st_web_preset_letter(i)),
                kind: this.x.st_web_preset_kind(i) ? 'feature' : 'cell',
            });
        }
        return list;
    }

    params() {
        const list = [];
        for (let i = 0; i < this.x.st_web_param_count(); i++) {
            list.push({
                index: i,
                name: this.string(this.x.st_web_param_name(i)),
                unit: this.string(this.x.st_web_param_unit(i)),
                help: this.string(this.x.st_web_param_help(i)),
                min: this.x.st_web_param_min(i),
                max: this.x.st_web_param_max(i),
                advanced: this.x.st_web_param_advanced(i) === 1,
            });
        }
        return list;
    }
}

// The streaming engine (st_web_live_*).
export class Live {
    constructor(st) {
        this.st = st;
        this.w = st.x.st_web_live_new();
        if (!this.w)
            throw new Error('spiketalk: out of memory');
        const n = st.x.st_web_meter_count();
        this.meterNames = [];
        for (let i = 0; i < n; i++)
            this.meterNames.push(st.string(st.x.st_web_meter_name(i)));
    }

    option(name, value) {
        const rc = this.st.withStrings([name, value],
            (n, v) => this.st.x.st_web_live_option(this.w, n, v));
        if (rc)
            throw new Error(this.error());
    }

    // Builds the stream; throws with the library's message on failure.
    start(fsHz, maxBlock) {
        if (this.st.x.st_web_live_start(this.w, fsHz, maxBlock))
            throw new Error(this.error());
        this.maxBlock = maxBlock;
        this.views();
    }

    // Typed views of the block buffers. Processing never allocates, but another allocation
    // (a preset's name on its way in) may grow the memory, which detaches every view: fresh()
    // makes them again when that happened.
    fresh() {
        if (this.input.buffer !== this.st.buffer)
            this.views();
    }

    views() {
        const x = this.st.x, n = this.maxBlock;
        this.input = this.st.f32(x.st_web_live_input(this.w), n);
        this.output = this.st.f32(x.st_web_live_output(this.w), n);
        this.envelope = this.st.f32(x.st_web_live_scope_envelope(this.w), n);
        this.v = this.st.f32(x.st_web_live_scope_v(this.w), n);
        this.meterView = null;
    }

    process(n) {
        return this.st.x.st_web_live_process(this.w, n);
    }

    setPreset(name) {
        const rc = this.st.withStrings([name], (p) => this.st.x.st_web_live_set_preset(this.w, p));
        if (rc)
            throw new Error(this.error());
    }

    preset() {
        return this.st.string(this.st.x.st_web_live_preset(this.w));
    }

    gain() {
        return this.st.x.st_web_live_gain(this.w);
    }

    envelopeMode() {
        return this.st.string(this.st.x.st_web_live_envelope(this.w));
    }

    // The meters as a Float64Array in meterNames' order (a view: copy what is kept).
    meters() {
        const p = this.st.x.st_web_live_meters(this.w);
        if (!p)
            return null;
        if (!this.meterView || this.meterView.buffer !== this.st.buffer)
            this.meterView = this.st.f64(p, this.meterNames.length);
        return this.meterView;
    }

    error() {
        return this.st.string(this.st.x.st_web_live_error(this.w));
    }

    free() {
        this.st.x.st_web_live_free(this.w);
        this.w = 0;
    }
}

// One neuron under a preset's protocol (st_web_sim_*).
export class Sim {
    constructor(st) {
        this.st = st;
        this.s = st.x.st_web_sim_new();
        if (!this.s)
            throw new Error('spiketalk: out of memory');
    }

    preset(name) {
        const rc = this.st.withStrings([name], (p) => this.st.x.st_web_sim_preset(this.s, p));
        if (rc)
            throw new Error(this.error());
    }

    param(i) {
        return this.st.x.st_web_sim_param(this.s, i);
    }

    setParam(i, x) {
        this.st.x.st_web_sim_set_param(this.s, i, x);
    }

    // Runs; returns {t, v, current (Float64Array copies), spikes (ms), dt, input, vpeak} or
    // throws with the library's message.
    run() {
        const x = this.st.x, s = this.s;
        if (x.st_web_sim_run(s))
            throw new Error(this.error());
        const n = x.st_web_sim_steps(s) + 1;
        const dt = x.st_web_sim_dt(s);
        const spikes = [];
        for (let i = 0; i < x.st_web_sim_spike_count(s); i++)
            spikes.push(x.st_web_sim_spike_step(s, i) * dt);
        return {
            t: this.st.f64(x.st_web_sim_t(s), n).slice(),
            v: this.st.f64(x.st_web_sim_v(s), n).slice(),
            current: this.st.f64(x.st_web_sim_current(s), n).slice(),
            spikes,
            dt,
            input: this.st.string(x.st_web_sim_input(s)),
            vpeak: x.st_web_sim_vpeak(s),
        };
    }

    error() {
        return this.st.string(this.st.x.st_web_sim_error(this.s));
    }
}
