// SPDX-License-Identifier: GPL-3.0-or-later
// The neuron answers the demo voice in the page exactly as `spiketalk process --block 128`
// answers it: "Use the demo voice" plays data/demo-voice.wav through the worklet (at the file's
// rate, so the browser passes the samples unchanged); the worklet's record of what it received
// must hold the file's samples, bit for bit, at some offset (the alignment), and its output
// must equal, bit for bit, the CLI's output on exactly what it received. The meters update
// while it plays, and the spike count shown is the CLI's. Twice: cross-origin isolated (the
// SharedArrayBuffer link) and not (the postMessage link).
import path from 'node:path';

import {
    VOICE, browser, check, cliJson, done, firstDifference, firstNonZero, page, ready, recording,
    server, sleep, tmpdir, waitFrames,
} from './browser.mjs';
import { readWav, writeWavFloat } from './wav.mjs';

const RATE = 44100;
const RECORD_S = 4;

const voice = readWav(VOICE);
const dir = tmpdir('web-voice');

async function meters(p) {
    return p.evaluate(() => {
        const out = {};
        for (const dd of document.querySelectorAll('#meters dd'))
            out[dd.id.slice(2)] = { text: dd.textContent, value: Number(dd.dataset.value) };
        return out;
    });
}

async function run(b, isolate) {
    const link = isolate ? 'SharedArrayBuffer' : 'postMessage';
    const srv = await server(isolate);
    const p = await page(b);
    try {
        await ready(p, `${srv.url}?rate=${RATE}&record=${RECORD_S}`);
        check(await p.evaluate(() => crossOriginIsolated) === isolate,
            `${link}: the page is ${isolate ? '' : 'not '}cross-origin isolated`);
        const cfg = await p.evaluate(() => ({
            gain: document.getElementById('gain').value,
            envelope: document.getElementById('envelope').value,
            cell: document.querySelector('#cells [aria-pressed="true"]').id.slice(5),
        }));
        await p.click('#start-voice');

        // the meters while the voice plays, read as a person sees them, every 150 ms
        const seen = [];
        await waitFrames(p, 0.3 * RATE, 20000);
        while (seen.length < 14) {
            seen.push(await meters(p));
            await sleep(150);
        }
        const values = (k) => seen.map((m) => m[k].value);
        const last = seen[seen.length - 1];
        check(last.link.text === link, `${link}: the link meter says ${link}`, last.link.text);
        const spikes = values('spikes');
        check(spikes.every((x, i) => i === 0 || x >= spikes[i - 1]) && spikes[0] < last.spikes.value,
            `${link}: the spike count grows (${spikes.join(' ')})`);
        const levels = values('level');
        check(new Set(levels).size >= 5 && Math.max(...levels) > 0.1,
            `${link}: the input level moves (${seen.map((m) => m.level.text).join(', ')})`);
        check(Math.max(...values('rate')) > 0, `${link}: a spike rate (up to ` +
            `${Math.max(...values('rate')).toFixed(1)} /s)`);
        check(last.latency.value > 0 && last.latency.value < 1,
            `${link}: a latency (${last.latency.text})`);
        check(last.load.value >= 0 && last.load.value < 0.5, `${link}: a load (${last.load.text})`);
        check(last.noise.value >= 0 && last.gate.value > 0,
            `${link}: the noise floor and the gate (${last.noise.text}, ${last.gate.text})`);

        // what the worklet received and produced
        await waitFrames(p, RECORD_S * RATE + 1024, 20000);
        const r = await recording(p);
        check(r.rate === RATE && r.frames === RECORD_S * RATE && r.input.length === r.frames,
            `${link}: the worklet recorded ${RECORD_S} s at ${RATE} Hz`, `${r.frames} at ${r.rate}`);

        // alignment: the file's samples at one offset, as Chromium decodes 16-bit PCM (in float:
        // k * (1 / 32768) below zero, k * (1 / 32767) above), and silence around them
        const up = Math.fround(1 / 32767);
        const expect = voice.x.map((x) => (x < 0 ? x : Math.fround(Math.round(x * 32768) * up)));
        const off = firstNonZero(r.input) - firstNonZero(expect);
        const at = r.input.subarray(off, off + expect.length);
        check(off >= 0 && at.length === expect.length && firstDifference(at, expect) === -1,
            `${link}: the worklet received the demo voice, sample for sample, from sample ${off}`);
        const after = firstNonZero(r.input, off + expect.length);
        check(after === -1, `${link}: and silence after it`, `a sample at ${after}`);

        // the CLI on exactly what the worklet received
        const tag = isolate ? 'shared' : 'message';
        const inWav = path.join(dir, `received-${tag}.wav`);
        const outWav = path.join(dir, `cli-${tag}.wav`);
        writeWavFloat(inWav, r.input, r.rate);
        writeWavFloat(path.join(dir, `worklet-${tag}.wav`), r.output, r.rate);
        const j = cliJson(['process', inWav, '-o', outWav, '--block', '128', '--gain', cfg.gain,
            '--envelope', cfg.envelope, '--preset', cfg.cell]);
        const ref = readWav(outWav).x;
        const d = firstDifference(r.output, ref);
        check(d === -1, `${link}: the worklet's output equals \`spiketalk process --block 128\`` +
            ` bit for bit (${ref.length} samples, ${j.spike_times_ms.length} spikes)`,
            d >= 0 ? `first difference at sample ${d}: ${r.output[d]} vs ${ref[d]}` : undefined);
        check(j.spike_times_ms.length > 20, `${link}: the neuron answered (` +
            `${j.spike_times_ms.length} spikes)`);
        const shown = (await meters(p)).spikes.value;
        check(shown === j.spike_times_ms.length,
            `${link}: the page shows the CLI's spike count (${shown})`);
        check(p.problems.length === 0, `${link}: no console error, exception or failed request`,
            p.problems.join('; '));
    } finally {
        await p.close();
        await srv.close();
    }
}

const b = await browser();
try {
    await run(b, true);
    await run(b, false);
} finally {
    await b.close();
}
done();
