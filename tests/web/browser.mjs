// SPDX-License-Identifier: GPL-3.0-or-later
// What the web tests share: the environment Meson gives them, Debian's Chromium launched
// headless by puppeteer-core (never a downloaded browser) with the microphone faked from a WAV
// file, the page served by web/serve.mjs, a record of every console error, failed request
// and uncaught exception, the CLI, and small checks.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const SKIP = 77;

export const env = {
    spiketalk: process.env.SPIKETALK,
    wasm: process.env.SPIKETALK_WASM,
    wasmBuild: process.env.SPIKETALK_WASM_BUILD,
    switchRef: process.env.SPIKETALK_SWITCH_REF,
    source: process.env.SPIKETALK_SOURCE,
    out: process.env.SPIKETALK_OUT,
    chromium: process.env.CHROMIUM || '/usr/bin/chromium',
};
for (const [k, v] of Object.entries(env)) {
    if (!v) {
        console.error(`web test: ${k} is not set (run it through meson test)`);
        process.exit(2);
    }
}
export const DATA = path.join(env.source, 'data');
export const VOICE = path.join(DATA, 'demo-voice.wav');

// ---- checks -------------------------------------------------------------------------------

let failures = 0;

export function check(ok, what, detail) {
    if (ok) {
        console.log(`ok: ${what}`);
    } else {
        failures++;
        console.log(`FAIL: ${what}${detail === undefined ? '' : `: ${detail}`}`);
    }
    return ok;
}

export function done() {
    console.log(failures ? `${failures} check(s) failed` : 'all checks passed');
    process.exit(failures ? 1 : 0);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- puppeteer-core from web/node_modules --------------------------------------------------

export async function puppeteer() {
    const req = createRequire(path.join(env.source, 'web', 'package.json'));
    let entry;
    try {
        entry = req.resolve('puppeteer-core');
    } catch (e) {
        console.log('SKIP: puppeteer-core is not installed (npm ci --prefix web)');
        process.exit(SKIP);
    }
    const m = await import(pathToFileURL(entry).href);
    return m.default || m;
}

const { serve } = await import(pathToFileURL(path.join(env.source, 'web', 'serve.mjs')).href);

// The page on a free port of 127.0.0.1; 'isolate' false leaves COOP/COEP out.
export async function server(isolate = true) {
    const s = await serve({ wasm: env.wasm, data: DATA, port: 0, isolate });
    const sockets = new Set();
    s.server.on('connection', (c) => {
        sockets.add(c);
        c.on('close', () => sockets.delete(c));
    });
    s.close = () => new Promise((resolve) => {
        s.server.close(() => resolve());
        for (const c of sockets)
            c.destroy();
    });
    return s;
}

// Chromium, headless, with a fresh profile; 'mic' is the WAV file the fake microphone plays.
export async function browser({ mic = VOICE } = {}) {
    const pp = await puppeteer();
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'spiketalk-web-'));
    const args = [
        '--disable-gpu',
        '--disable-dev-shm-usage',   // containers often have a small /dev/shm
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-default-apps',
        '--no-first-run',
        '--no-default-browser-check',
        `--user-data-dir=${profile}`,
        '--autoplay-policy=no-user-gesture-required',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-audio-capture=${mic}`,
        // audio keeps its pace in a page that is not in front
        '--disable-background-timer-throttling',
        '--disable-renderer-backgrounding',
    ];
    if (process.getuid && process.getuid() === 0)
        args.push('--no-sandbox'); // Chromium's sandbox refuses to run as root
    const b = await pp.launch({
        executablePath: env.chromium,
        headless: true,
        args,
        protocolTimeout: 60000,
    });
    const close = b.close.bind(b);
    b.close = async () => {
        await close();
        fs.rmSync(profile, { recursive: true, force: true });
    };
    return b;
}

// A page whose problems are collected in page.problems: console errors, uncaught exceptions,
// failed requests and HTTP errors.
export async function page(b, viewport = { width: 1280, height: 860 }) {
    const p = await b.newPage();
    await p.setViewport(viewport);
    p.problems = [];
    p.on('console', (m) => {
        if (m.type() === 'error')
            p.problems.push(`console error: ${m.text()}`);
    });
    p.on('pageerror', (e) => p.problems.push(`uncaught: ${e.message}`));
    p.on('requestfailed', (r) => {
        if (!p.expectOffline)
            p.problems.push(`request failed: ${r.url()} ${r.failure() && r.failure().errorText}`);
    });
    p.on('response', (r) => {
        if (r.status() >= 400)
            p.problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    return p;
}

export async function ready(p, url) {
    await p.goto(url, { waitUntil: 'load' });
    await p.waitForSelector('html[data-ready="true"]', { timeout: 20000 });
}

// Waits until the running session has processed 'frames' samples.
export async function waitFrames(p, frames, timeoutMs) {
    await p.waitForFunction((n) => {
        const s = window.spiketalk.session();
        const m = s && s.meters();
        return m && m[0] >= n;
    }, { timeout: timeoutMs, polling: 100 }, frames);
}

export async function recording(p) {
    const r = await p.evaluate(() => window.spiketalk.takeRecording());
    const f32 = (b64) => {
        const b = Buffer.from(b64, 'base64');
        return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
    };
    return { ...r, input: f32(r.input), output: f32(r.output) };
}

// ---- the CLI and files ---------------------------------------------------------------------

export function tmpdir(name) {
    const d = path.join(env.out, name);
    fs.rmSync(d, { recursive: true, force: true });
    fs.mkdirSync(d, { recursive: true });
    return d;
}

export function cli(args) {
    return execFileSync(env.spiketalk, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function cliJson(args) {
    return JSON.parse(cli([...args, '--json']));
}

// Index of the first sample whose bits differ, or -1 when a and b are equal bit for bit.
export function firstDifference(a, b) {
    if (a.length !== b.length)
        return Math.min(a.length, b.length);
    const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
    const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
    for (let i = 0; i < x.length; i++)
        if (x[i] !== y[i])
            return i;
    return -1;
}

export function firstNonZero(x, from = 0) {
    for (let i = from; i < x.length; i++)
        if (x[i] !== 0)
            return i;
    return -1;
}
