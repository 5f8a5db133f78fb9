// SPDX-License-Identifier: GPL-3.0-or-later
// One live session: an AudioContext, the spiketalk worklet, and a source — the microphone or
// the demo voice — feeding it; the neuron's sound goes to the speakers.
import { CMD, Channel, ENVELOPES, channelBytes } from './channel.js';

const MIC_CONSTRAINTS = {
    audio: {
        // the neuron should hear the room as it is: no processing by the browser
        echoCancellation: false,
        noiseSuppression: false,
        autoGainControl: false,
        channelCount: 1,
    },
    video: false,
};

export class Session {
    // Call from a user's gesture (the browser lets audio start then). Options: module (the
    // compiled spiketalk.wasm), source ('mic' or 'voice'), voiceUrl, rate (Hz; default: the
    // device's), gain, envelope, preset, recordSeconds (keep what the worklet received and
    // produced from its first sample, for tests and downloads), onError(text), onEnded().
    constructor(o) {
        this.o = o;
        this.ctx = new AudioContext(o.rate ? { sampleRate: o.rate } : {});
        this.shared = globalThis.crossOriginIsolated === true;
        this.channel = new Channel(this.shared ? new SharedArrayBuffer(channelBytes()) : null);
        this.pending = [];
        this.stream = null;
        this.source = null;
        this.node = null;
        this.closed = false;
    }

    async open() {
        const o = this.o, ctx = this.ctx;
        const resumed = ctx.resume();
        let buffer = null;
        if (o.source === 'mic') {
            if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia)
                throw new Error('this browser offers no microphone here (a secure page is ' +
                    'needed: https or localhost)');
            this.stream = await navigator.mediaDevices.getUserMedia(MIC_CONSTRAINTS);
        } else {
            const r = await fetch(o.voiceUrl);
            if (!r.ok)
                throw new Error(`${o.voiceUrl}: ${r.status} ${r.statusText}`);
            buffer = await ctx.decodeAudioData(await r.arrayBuffer());
        }
        await ctx.audioWorklet.addModule(new URL('./worklet.js', import.meta.url));
        if (this.closed)
            throw new Error('closed');
        this.node = new AudioWorkletNode(ctx, 'spiketalk', {
            numberOfInputs: 1,
            numberOfOutputs: 1,
            outputChannelCount: [1],
            channelCount: 1,
            channelCountMode: 'explicit',
            channelInterpretation: 'speakers',
            processorOptions: {
                module: o.module,
                shared: this.shared ? this.channel.buffer : null,
                gain: o.gain,
                envelope: o.envelope,
                preset: o.preset,
                recordSeconds: o.recordSeconds || 0,
            },
        });
        this.node.port.onmessage = (e) => this.message(e.data);
        this.node.onprocessorerror = () => o.onError && o.onError('the audio worklet failed');
        if (this.stream) {
            this.source = ctx.createMediaStreamSource(this.stream);
        } else {
            this.source = new AudioBufferSourceNode(ctx, { buffer });
            this.source.onended = () => o.onEnded && o.onEnded();
        }
        this.source.connect(this.node);
        this.node.connect(ctx.destination);
        if (!this.stream)
            this.source.start();
        await resumed;
    }

    message(m) {
        if (m.type === 'feed') {
            this.channel.writeFrames(m.input, m.envelope, m.v, m.n);
            this.channel.writeMeters(m.meters);
        } else if (m.type === 'error') {
            if (this.o.onError)
                this.o.onError(m.text);
        } else if (m.type === 'log') {
            console.warn(m.text);
        } else if (m.type === 'recording') {
            const p = this.pending.shift();
            if (p)
                p(m.recording);
        }
    }

    // How the page talks to the worklet: the shared command ring, or messages.
    send(code, value) {
        if (this.shared)
            this.channel.send(code, value);
        else if (this.node)
            this.node.port.postMessage({ type: 'cmd', code, value });
    }

    setCell(index) {
        this.send(CMD.PRESET, index);
    }

    setGain(gain) {
        this.send(CMD.GAIN, gain);
    }

    setEnvelope(name) {
        this.send(CMD.ENVELOPE, ENVELOPES.indexOf(name));
    }

    meters() {
        return this.channel.readMeters();
    }

    // The microphone's name, or null for the demo voice.
    device() {
        const t = this.stream && this.stream.getAudioTracks()[0];
        return t ? t.label || 'microphone' : null;
    }

    // Seconds from sound at the microphone to the neuron's answer at the speakers, as far as
    // the browser tells: its input latency (when reported), the envelope's delay, the output's.
    latency(delaySamples) {
        const ctx = this.ctx;
        const t = this.stream && this.stream.getAudioTracks()[0];
        const input = t && t.getSettings ? t.getSettings().latency || 0 : 0;
        return input + (ctx.baseLatency || 0) + (ctx.outputLatency || 0) +
            delaySamples / ctx.sampleRate;
    }

    // What the worklet received and produced since its first quantum (recordSeconds > 0).
    takeRecording() {
        return new Promise((resolve) => {
            this.pending.push(resolve);
            this.node.port.postMessage({ type: 'take' });
        });
    }

    async close() {
        this.closed = true;
        if (this.stream)
            this.stream.getTracks().forEach((t) => t.stop());
        try {
            if (this.source && !this.stream)
                this.source.stop();
        } catch (e) {
            // it had not started
        }
        if (this.ctx.state !== 'closed')
            await this.ctx.close();
    }
}
