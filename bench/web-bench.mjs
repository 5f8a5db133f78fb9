#!/usr/bin/env node
// SPDX-License-Identifier: GPL-3.0-or-later
// The web page's figures: the size of spiketalk.wasm, and the worklet's cost per render
// quantum (128 frames) measured in the page in Chromium (headless, Debian's):
//   1. in the page, performance.now() around st_web_live_process — the call the worklet makes
//      on every quantum — over 20 s of speech (the demo voice, repeated) in 128-frame blocks,
//      five rounds, at 44.1 and 48 kHz;
//   2. in the worklet itself: web/worklet.js in an OfflineAudioContext rendering 30 s of the
//      demo voice as fast as it can, its own meter (Date.now() ticks around process: the
//      worklet's global scope has no performance.now()), and the render's wall time
//      (performance.now()) beside the same graph with a pass-through worklet.
// Usage: node bench/web-bench.mjs [SPIKETALK.wasm]   (default: build-web/web/spiketalk.wasm,
// else the web tests' build/tests/web/spiketalk.wasm). Needs `npm ci --prefix web`.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const wasm = process.argv[2] || ['build-web/web/spiketalk.wasm', 'build/tests/web/spiketalk.wasm']
    .map((p) => path.join(ROOT, p)).find((p) => fs.existsSync(p));
if (!wasm || !fs.existsSync(wasm)) {
    console.error('web-bench: no spiketalk.wasm (meson setup build-web --cross-file ' +
        'web/wasm32.ini && ninja -C build-web)');
    process.exit(2);
}

const size = fs.statSync(wasm).size;
const gz = zlib.gzipSync(fs.readFileSync(wasm), { level: 9 }).length;
console.log(`spiketalk.wasm: ${size} bytes (${(size / 1000).toFixed(1)} kB; gzip -9 ` +
    `${(gz / 1000).toFixed(1)} kB); goal <= 200 kB`);

const req = createRequire(path.join(ROOT, 'web', 'package.json'));
const puppeteer = req('puppeteer-core');
const { serve } = await import(pathToFileURL(path.join(ROOT, 'web', 'serve.mjs')).href);
const { server, url } = await serve({ wasm, data: path.join(ROOT, 'data'), port: 0 });
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'spiketalk-bench-'));
const args = ['--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`,
    '--autoplay-policy=no-user-gesture-required'];
if (process.getuid && process.getuid() === 0)
    args.push('--no-sandbox');
const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true, args, protocolTimeout: 300000 });

// ---- 1. performance.now() around process, in the page ---------------------------------------

async function inPage(page, rate) {
    return page.evaluate(async (rate) => {
        const { Spiketalk, Live } = await import('./wasm.js');
        const { st } = await Spiketalk.load('spiketalk.wasm');
        const ctx = new OfflineAudioContext(1, 1, rate);
        const voice = await ctx.decodeAudioData(await (await fetch('demo-voice.wav')).arrayBuffer());
        const x = voice.getChannelData(0);
        const quanta = Math.floor(20 * rate / 128);
        const live = new Live(st);
        live.start(rate, 128);
        const each = new Float64Array(quanta);
        const rounds = [];
        for (let round = 0; round < 5; round++) {
            let pos = 0;
            const t0 = performance.now();
            for (let q = 0; q < quanta; q++) {
                if (pos + 128 > x.length)
                    pos = 0;
                live.input.set(x.subarray(pos, pos + 128));
                pos += 128;
                const a = performance.now();
                live.process(128);
                each[q] = performance.now() - a;
            }
            rounds.push(1000 * (performance.now() - t0) / quanta);
        }
        const sorted = Float64Array.from(each).sort();
        rounds.sort((a, b) => a - b);
        const keep = sorted.subarray(0, Math.floor(0.99 * quanta));
        const trimmed = keep.reduce((a, b) => a + b, 0) / keep.length;
        return {
            quanta,
            best: rounds[0],
            median: rounds[2],
            p50: 1000 * sorted[Math.floor(0.5 * quanta)],
            p99: 1000 * sorted[Math.floor(0.99 * quanta)],
            max: 1000 * sorted[quanta - 1],
            trimmed: 1000 * trimmed,
            isolated: crossOriginIsolated,
        };
    }, rate);
}

// ---- 2. the worklet in an OfflineAudioContext -----------------------------------------------

async function inWorklet(page, seconds, passthrough) {
    return page.evaluate(async (seconds, passthrough) => {
        const { Channel, METER, channelBytes } = await import('./channel.js');
        const rate = 44100;
        const module = await WebAssembly.compileStreaming(fetch('spiketalk.wasm'));
        const ctx = new OfflineAudioContext(1, seconds * rate, rate);
        const voice = await ctx.decodeAudioData(await (await fetch('demo-voice.wav')).arrayBuffer());
        let node, channel = null;
        if (passthrough) {
            const src = 'class P extends AudioWorkletProcessor { process(i, o) { ' +
                'if (i[0].length) o[0][0].set(i[0][0]); return true; } } ' +
                'registerProcessor("pass", P);';
            await ctx.audioWorklet.addModule(URL.createObjectURL(new Blob([src],
                { type: 'text/javascript' })));
            node = new AudioWorkletNode(ctx, 'pass', { outputChannelCount: [1] });
        } else {
            await ctx.audioWorklet.addModule('worklet.js');
            channel = new Channel(new SharedArrayBuffer(channelBytes()));
            node = new AudioWorkletNode(ctx, 'spiketalk', {
                outputChannelCount: [1], channelCount: 1, channelCountMode: 'explicit',
                processorOptions: { module, shared: channel.buffer, recordSeconds: 0 },
            });
        }
        const src = new AudioBufferSourceNode(ctx, { buffer: voice, loop: true });
        src.connect(node).connect(ctx.destination);
        src.start();
        const t0 = performance.now();
        await ctx.startRendering();
        const wall = performance.now() - t0;
        const quanta = seconds * rate / 128;
        const m = channel ? channel.readMeters() : null;
        return { wall, quanta, perQuantum: 1000 * wall / quanta,
            cost: m ? m[METER.COST_US] : NaN, spikes: m ? m[1] : NaN };
    }, seconds, passthrough);
}

try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error(`page: ${e.message}`));
    await page.goto(url);
    await page.waitForSelector('html[data-ready="true"]');
    console.log(`browser: ${await browser.version()}; machine: ${os.cpus().length} CPUs ` +
        `(${os.cpus()[0].model}), load average ${os.loadavg()[0].toFixed(2)}`);
    console.log('1. in the page: performance.now() around st_web_live_process, 128-frame quanta ' +
        'of speech, 5 rounds');
    for (const rate of [44100, 48000]) {
        const r = await inPage(page, rate);
        const quantumUs = 128e6 / rate;
        console.log(`   ${rate} Hz, ${r.quanta} quanta a round: mean per quantum best ` +
            `${r.best.toFixed(2)} us, median ${r.median.toFixed(2)} us = ` +
            `${(100 * r.median / quantumUs).toFixed(2)} % of the ${quantumUs.toFixed(0)} us quantum ` +
            `(goal <= 5 %); the last round's single quanta: p50 ${r.p50.toFixed(1)} us, ` +
            `p99 ${r.p99.toFixed(1)} us, max ${r.max.toFixed(1)} us, mean without the slowest ` +
            `1 % ${r.trimmed.toFixed(2)} us (the timer steps by ${r.isolated ? '5' : '100'} us)`);
    }
    console.log('2. in the worklet: web/worklet.js in an OfflineAudioContext, 30 s of the demo ' +
        'voice looped, 44100 Hz, 3 rounds');
    const runs = [], pass = [];
    for (let i = 0; i < 3; i++) {
        runs.push(await inWorklet(page, 30, false));
        pass.push(await inWorklet(page, 30, true));
    }
    const med = (a, k) => a.map((r) => r[k]).sort((x, y) => x - y)[1];
    const quantumUs = 128e6 / 44100;
    console.log(`   the worklet's own meter (Date.now() ticks around process): median ` +
        `${med(runs, 'cost').toFixed(2)} us a quantum = ` +
        `${(100 * med(runs, 'cost') / quantumUs).toFixed(2)} % of a quantum`);
    console.log(`   whole render, wall time a quantum: spiketalk worklet median ` +
        `${med(runs, 'perQuantum').toFixed(2)} us, pass-through worklet ` +
        `${med(pass, 'perQuantum').toFixed(2)} us; the difference ` +
        `${(med(runs, 'perQuantum') - med(pass, 'perQuantum')).toFixed(2)} us = ` +
        `${(100 * (med(runs, 'perQuantum') - med(pass, 'perQuantum')) / quantumUs).toFixed(2)} % ` +
        `of a quantum (rendering ${(30 / (med(runs, 'wall') / 1000)).toFixed(0)}x real time)`);
} finally {
    await browser.close();
    server.close();
    fs.rmSync(profile, { recursive: true, force: true });
}
