// SPDX-License-Identifier: GPL-3.0-or-later
// The audio worklet: instantiates spiketalk.wasm (compiled by the page, passed in the
// processor's options) and runs the library's stream on every render quantum: input in,
// the neuron's sound out, the scope's samples and the meters to the page (channel.js).
//
// Nothing here allocates per quantum while the page is cross-origin isolated. Changing the
// gain or the envelope builds the stream again between two quanta (the library has no setter
// for them: the gate relearns, the neuron starts from rest); a new cell type is published to
// the running stream and the neuron carries on.
import { Channel, CMD, ENVELOPES, METER } from './channel.js';
import { Live, Spiketalk } from './wasm.js';

const MAX_BLOCK = 128;
const FEED_QUANTA = 8;       // without a shared buffer: post every 8 quanta (~20 ms)

class SpiketalkProcessor extends AudioWorkletProcessor {
    constructor(options) {
        super();
        const o = options.processorOptions;
        this.alive = true;
        try {
            this.st = Spiketalk.fromModule(o.module, (text) => this.post({ type: 'log', text }));
            this.live = new Live(this.st);
            this.cells = this.st.presets().filter((p) => p.kind === 'cell').map((p) => p.name);
            this.channel = new Channel(o.shared || null);
            this.gain = o.gain;
            this.envelope = o.envelope;
            this.starts = 0;
            this.frames = 0;
            this.quanta = 0;
            this.fed = 0;
            this.meters = new Float64Array(METER.COUNT);
            this.meters[METER.LOAD] = NaN;      // until a second has been measured
            this.meters[METER.COST_US] = NaN;
            this.busyMs = 0;
            this.busyQuanta = 0;
            this.record = o.recordSeconds > 0 ? this.recorder(o.recordSeconds) : null;
            this.build(o.preset);
        } catch (e) {
            this.alive = false;
            this.post({ type: 'error', text: String(e.message || e) });
        }
        this.port.onmessage = (e) => this.message(e.data);
    }

    post(m, transfer) {
        this.port.postMessage(m, transfer || []);
    }

    recorder(seconds) {
        const n = Math.ceil(seconds * sampleRate);
        return { input: new Float32Array(n), output: new Float32Array(n), n: 0, events: [] };
    }

    // (Re)builds the stream with the options in use; on failure the running one stays.
    build(preset) {
        this.live.option('gain', this.gain == null ? null : String(this.gain));
        this.live.option('envelope', this.envelope);
        this.live.option('preset', preset || null);
        this.live.start(sampleRate, MAX_BLOCK);
        this.starts++;
        this.cell = this.cells.indexOf(this.live.preset());
        this.log('start', this.live.preset());
    }

    log(type, value) {
        if (this.record && this.record.events.length < 1000)
            this.record.events.push({ sample: this.frames, type, value });
    }

    message(m) {
        if (m.type === 'cmd') {
            this.channel.send(m.code, m.value);
        } else if (m.type === 'take') {
            this.take();
        }
    }

    command(code, value) {
        try {
            if (code === CMD.PRESET) {
                const name = this.cells[value];
                this.live.setPreset(name);
                this.cell = value;
                this.log('preset', name);
            } else if (code === CMD.GAIN || code === CMD.ENVELOPE) {
                const keep = [this.gain, this.envelope];
                if (code === CMD.GAIN)
                    this.gain = value;
                else
                    this.envelope = ENVELOPES[value];
                try {
                    this.build(this.live.preset());
                } catch (e) {
                    [this.gain, this.envelope] = keep;
                    throw e;
                }
            }
        } catch (e) {
            this.post({ type: 'error', text: String(e.message || e) });
        }
    }

    // The recording so far, to the page (a copy: recording goes on until the buffers are full).
    take() {
        const r = this.record;
        if (!r) {
            this.post({ type: 'recording', recording: null });
            return;
        }
        const input = r.input.slice(0, r.n), output = r.output.slice(0, r.n);
        this.post({
            type: 'recording',
            recording: { rate: sampleRate, frames: r.n, input, output, events: r.events.slice() },
        }, [input.buffer, output.buffer]);
    }

    process(inputs, outputs) {
        if (!this.alive)
            return false;
        this.channel.poll((code, value) => this.command(code, value));
        const inp = inputs[0] && inputs[0].length ? inputs[0][0] : null;
        const out = outputs[0];
        const n = out[0].length;
        for (let off = 0; off < n; off += MAX_BLOCK) {
            const m = Math.min(MAX_BLOCK, n - off);
            this.run(inp, out, off, m);
        }
        this.quanta++;
        this.publish();
        return true;
    }

    run(inp, out, off, m) {
        const live = this.live;
        live.fresh();
        if (inp)
            live.input.set(off === 0 && m === inp.length ? inp : inp.subarray(off, off + m));
        else
            live.input.fill(0, 0, m);
        const t0 = Date.now();
        live.process(m);
        this.busyMs += Date.now() - t0;
        for (let c = 0; c < out.length; c++)
            out[c].set(m === live.output.length ? live.output : live.output.subarray(0, m), off);
        this.channel.writeFrames(live.input, live.envelope, live.v, m);
        const r = this.record;
        if (r && r.n < r.input.length) {
            const k = Math.min(m, r.input.length - r.n);
            r.input.set(live.input.subarray(0, k), r.n);
            r.output.set(live.output.subarray(0, k), r.n);
            r.n += k;
        }
        this.frames += m;
    }

    // Meters every quantum. The load: Date.now() ticks in whole milliseconds (this global scope
    // has no performance.now()), so each quantum's reading is 0 or 1 ms, and their mean over
    // many quanta is the mean cost, a quantum starting at a random phase of the millisecond.
    // At well under 1 % of a quantum a second holds only a few ticks: the meter shows the mean
    // since the start, refreshed every second.
    publish() {
        const mt = this.meters;
        mt.set(this.live.meters());
        this.busyQuanta++;
        const quantumMs = 1000 * MAX_BLOCK / sampleRate;
        if (this.busyQuanta % Math.round(1000 / quantumMs) === 0) {
            mt[METER.LOAD] = this.busyMs / (this.busyQuanta * quantumMs);
            mt[METER.COST_US] = 1000 * this.busyMs / this.busyQuanta;
        }
        mt[METER.QUANTA] = this.quanta;
        mt[METER.PRESET] = this.cell;
        mt[METER.GAIN] = this.gain == null ? NaN : this.gain;
        mt[METER.ENVELOPE] = ENVELOPES.indexOf(this.envelope);
        mt[METER.STARTS] = this.starts;
        this.channel.writeMeters(mt);
        if (!this.channel.shared && this.quanta % FEED_QUANTA === 0)
            this.feed();
    }

    // Without a shared buffer: what the ring received since the last feed, and the meters.
    feed() {
        const c = this.channel, w = c.written(), n = Math.min(w - this.fed, c.input.length);
        const pick = (a) => {
            const x = new Float32Array(n);
            for (let i = 0; i < n; i++)
                x[i] = a[(w - n + i) & (a.length - 1)];
            return x;
        };
        const input = pick(c.input), envelope = pick(c.envelope), v = pick(c.v);
        this.fed = w;
        this.post({ type: 'feed', n, input, envelope, v, meters: this.meters.slice() },
            [input.buffer, envelope.buffer, v.buffer]);
    }
}

registerProcessor('spiketalk', SpiketalkProcessor);
