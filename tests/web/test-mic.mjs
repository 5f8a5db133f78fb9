// SPDX-License-Identifier: GPL-3.0-or-later
// Start asks for the microphone and gets it (Chromium's fake device, playing the demo voice);
// then key 1 switches the cell type from FS to RS while the neuron runs. The worklet's record
// of the session must equal, bit for bit, the library's stream fed the same input in blocks of
// 128 with RS published at the same sample (tests/web/switch-ref.c: the neuron keeps its
// state, as `spiketalk live`'s keys do). The firing changes (the output after the switch is
// not the FS neuron's, which `spiketalk process --block 128` gives, while before it is), and
// nothing restarts (a stream rebuilt at the switch answers differently; the sound's steps at the
// switch are the FS neuron's).
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import {
    VOICE, browser, check, cliJson, done, env, firstDifference, page, ready, recording, server, tmpdir,
    waitFrames,
} from './browser.mjs';
import { readWav, writeWavFloat } from './wav.mjs';

const RATE = 44100;
const RECORD_S = 6;   // the fake microphone loops the 2.54 s file: one whole loop always fits
const SWITCH_S = 1.5;
const dir = tmpdir('web-mic');

function switchRef(inWav, outWav, cfg, at, rebuild) {
    const args = [inWav, outWav, '--block', '128', '--gain', cfg.gain, '--envelope', cfg.envelope,
        '--preset', 'FS', '--at', String(at), '--to', 'RS'];
    if (rebuild)
        args.push('--rebuild');
    return JSON.parse(execFileSync(env.switchRef, args, { encoding: 'utf8' }));
}

function spikesAfter(j, at, rate) {
    return j.spike_times_ms.filter((t) => t * rate / 1000 > at).length;
}

const b = await browser();
const srv = await server(true);
try {
    const p = await page(b);
    await ready(p, `${srv.url}?rate=${RATE}&record=${RECORD_S}`);
    const cfg = await p.evaluate(() => ({
        gain: document.getElementById('gain').value,
        envelope: document.getElementById('envelope').value,
        cell: document.querySelector('#cells [aria-pressed="true"]').id.slice(5),
    }));
    check(cfg.cell === 'FS', `the page starts with the FS cell (${cfg.cell})`);

    await p.click('#start-mic');
    await p.waitForFunction(() => /Listening to/.test(document.getElementById('status').textContent),
        { timeout: 20000 });
    const mic = await p.evaluate(() => {
        const t = window.spiketalk.session().stream.getAudioTracks()[0];
        return { label: t.label, state: t.readyState, status: document.getElementById('status').textContent };
    });
    check(mic.state === 'live' && mic.label.length > 0,
        `Start got the microphone: "${mic.label}" (${mic.status})`);

    await waitFrames(p, SWITCH_S * RATE, 20000);
    await p.keyboard.press('1');
    const pressed = await p.evaluate(() =>
        document.querySelector('#cells [aria-pressed="true"]').id.slice(5));
    check(pressed === 'RS', `key 1 selects RS (${pressed})`);
    await waitFrames(p, RECORD_S * RATE + 1024, 20000);
    const r = await recording(p);
    check(r.frames === RECORD_S * RATE, `the worklet recorded ${RECORD_S} s`, r.frames);
    // the fake microphone loops the file: one whole loop must be in the record, sample for
    // sample as Chromium converts 16-bit PCM (k * (1 / 32768) below zero, k * (1 / 32767)
    // above), found by aligning on the file's loudest sample
    const up = Math.fround(1 / 32767);
    const file = readWav(VOICE).x.map((x) => (x < 0 ? x : Math.fround(Math.round(x * 32768) * up)));
    let loud = 0;
    for (let i = 0; i < file.length; i++)
        if (Math.abs(file[i]) > Math.abs(file[loud]))
            loud = i;
    let loop = -1;
    for (let i = loud; i < r.input.length && loop < 0; i++) {
        const off = i - loud;
        if (r.input[i] === file[loud] && off + file.length <= r.input.length &&
            firstDifference(r.input.subarray(off, off + file.length), file) === -1)
            loop = off;
    }
    check(loop >= 0, `the microphone delivered the demo voice, sample for sample (a loop from ` +
        `sample ${loop})`);

    const sw = r.events.filter((e) => e.type === 'preset');
    check(sw.length === 1 && sw[0].value === 'RS', 'the worklet switched once, to RS',
        JSON.stringify(r.events));
    const at = sw.length ? sw[0].sample : 0;
    check(at > 0 && at % 128 === 0 && at < r.frames - RATE,
        `at sample ${at}, the start of a render quantum, while it ran`);

    const inWav = path.join(dir, 'received.wav');
    writeWavFloat(inWav, r.input, r.rate);
    writeWavFloat(path.join(dir, 'worklet.wav'), r.output, r.rate);
    const keep = switchRef(inWav, path.join(dir, 'switch.wav'), cfg, at, false);
    const rebuilt = switchRef(inWav, path.join(dir, 'rebuilt.wav'), cfg, at, true);
    const fs = cliJson(['process', inWav, '-o', path.join(dir, 'fs.wav'), '--block', '128',
        '--gain', cfg.gain, '--envelope', cfg.envelope, '--preset', 'FS']);
    const refKeep = readWav(path.join(dir, 'switch.wav')).x;
    const refRebuilt = readWav(path.join(dir, 'rebuilt.wav')).x;
    const refFs = readWav(path.join(dir, 'fs.wav')).x;

    const d = firstDifference(r.output, refKeep);
    check(d === -1, 'the worklet equals the library switching the cell at the same sample, ' +
        `bit for bit (${keep.spikes_before} spikes before, ${keep.spikes_after} after)`,
        d >= 0 ? `first difference at sample ${d}` : undefined);
    const dFs = firstDifference(r.output, refFs);
    check(dFs >= at, `before the switch the output is the FS neuron's (the CLI's) ` +
        `up to sample ${dFs}`);
    const fsAfter = spikesAfter(fs, at, r.rate);
    check(dFs !== -1 && fsAfter !== keep.spikes_after,
        `the switch changes the firing: ${keep.spikes_after} spikes after it as RS, ` +
        `${fsAfter} as FS`);
    const dRe = firstDifference(r.output, refRebuilt);
    check(dRe >= at && rebuilt.spikes_after !== keep.spikes_after,
        `no restart: a stream rebuilt at the switch answers otherwise (${rebuilt.spikes_after} ` +
        `spikes after it, from sample ${dRe})`);
    // no click: at the switch the sound moves as the FS neuron's would have (the new cell's
    // parameters act on a continuing state; the switch may come in the middle of a spike), where
    // a restarted neuron jumps
    const jump = (x) => {
        let m = 0;
        for (let i = at; i <= at + 1; i++)
            m = Math.max(m, Math.abs((x[i] - x[i - 1]) - (refFs[i] - refFs[i - 1])));
        return m;
    };
    check(jump(r.output) < 5e-3, `no click at the switch: its steps differ from the FS ` +
        `neuron's by ${jump(r.output).toExponential(1)} (a restart: ` +
        `${jump(refRebuilt).toExponential(1)})`);
    check(p.problems.length === 0, 'no console error, exception or failed request',
        p.problems.join('; '));
} finally {
    await b.close();
    await srv.close();
}
done();
