// SPDX-License-Identifier: GPL-3.0-or-later
// The WebAssembly module itself, in node (no browser): its size (goal <= 200 kB), its plain C
// API (exactly the functions spiketalk-wasm.h declares, plus memory and the reactor's
// _initialize), its imports (three WASI calls, no JavaScript glue), no fused multiply-add
// anywhere (every core file compiled with -ffp-contract=off, its LLVM IR free of fmuladd/fma
// and of the 'contract' flag — and the same check does find them with contraction on — no
// libm fma in the module, no SIMD feature), then the engine: all the presets' spike counts
// equal `spiketalk simulate`'s, and the stream on the demo voice equals `spiketalk process
// --block N` bit for bit for several N.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import {
    VOICE, check, cli, cliJson, done, env, firstDifference, tmpdir,
} from './browser.mjs';
import { readWav, writeWavFloat } from './wav.mjs';

const { Live, Sim, Spiketalk } = await import(
    pathToFileURL(path.join(env.source, 'web', 'wasm.js')).href);

const bytes = fs.readFileSync(env.wasm);
const dir = tmpdir('web-wasm');

// ---- size, exports, imports ------------------------------------------------------------------

check(bytes.length <= 200000, `spiketalk.wasm is ${(bytes.length / 1000).toFixed(1)} kB ` +
    '(goal: at most 200 kB)');
const module = new WebAssembly.Module(bytes);
const header = fs.readFileSync(path.join(env.source, 'web', 'spiketalk-wasm.h'), 'utf8');
const declared = [...header.matchAll(/ST_WEB\((st_web_\w+)\)/g)].map((m) => m[1]).sort();
const exported = WebAssembly.Module.exports(module).map((e) => e.name)
    .filter((n) => n !== 'memory' && n !== '_initialize').sort();
check(declared.length > 30 && JSON.stringify(declared) === JSON.stringify(exported),
    `it exports the ${declared.length} functions of spiketalk-wasm.h, memory and _initialize, ` +
    'and nothing else', `declared ${declared.join(' ')}; exported ${exported.join(' ')}`);
const imports = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`).sort();
check(imports.every((i) => /^wasi_snapshot_preview1\.fd_(write|close|seek)$/.test(i)),
    `its only imports are WASI's fd_write, fd_close, fd_seek (${imports.join(' ')})`);

// The custom sections: function names ('name', subsection 1) and 'target_features'.
function customSections(b) {
    const out = {};
    let off = 8;
    const leb = () => {
        let x = 0, shift = 0, c;
        do {
            c = b[off++];
            x += (c & 0x7f) * 2 ** shift;
            shift += 7;
        } while (c & 0x80);
        return x;
    };
    while (off < b.length) {
        const id = b[off++], size = leb(), end = off + size;
        if (id === 0) {
            const n = leb();
            const name = b.toString('utf8', off, off + n);
            out[name] = b.subarray(off + n, end);
        }
        off = end;
    }
    return out;
}
const sections = customSections(bytes);
const names = sections.name ? sections.name.toString('latin1') : '';
check(sections.name && !/\bfmaf?l?\b/.test(names.replace(/[^\x20-\x7e]/g, ' ')),
    'no libm fma in the module (its function names)');
const features = sections.target_features ? sections.target_features.toString('latin1') : '';
check(!/simd/.test(features), `no SIMD target feature (relaxed SIMD has a fused multiply-add)` +
    ` [${features.replace(/[^\x20-\x7e]+/g, ' ').trim()}]`);

// ---- no contraction: the compile commands and their IR -----------------------------------------

const db = JSON.parse(fs.readFileSync(path.join(env.wasmBuild, 'compile_commands.json'), 'utf8'));
const ir = (entry, contract) => {
    let cmd = entry.command.replace(/ -MD\b/, '').replace(/ -M[QF] \S+/g, '')
        .replace(/ -o \S+/, ' -o -').replace(/ -c /, ' -S -emit-llvm ');
    if (contract)
        cmd = cmd.replace('-ffp-contract=off', `-ffp-contract=${contract}`);
    return execSync(cmd, { cwd: entry.directory, encoding: 'utf8', maxBuffer: 64 << 20 });
};
const fused = (text) => /@llvm\.fmuladd|@llvm\.fma\b|\b(fadd|fsub|fmul|fneg) [a-z ]*\bcontract\b/.test(text);
const withoutFlag = db.filter((e) => !/ -ffp-contract=off\b/.test(e.command)).map((e) => e.file);
check(db.length >= 20 && withoutFlag.length === 0,
    `all ${db.length} files are compiled with -ffp-contract=off`, withoutFlag.join(' '));
const contracted = db.filter((e) => fused(ir(e, null))).map((e) => path.basename(e.file));
check(contracted.length === 0, 'their LLVM IR has no fmuladd, fma or contract flag',
    contracted.join(' '));
const izh = db.find((e) => /src\/core\/izh\.c$/.test(e.file));
check(izh && fused(ir(izh, 'on')),
    'the same check finds fmuladd in izh.c compiled with -ffp-contract=on (it would notice)');

// ---- the engine ------------------------------------------------------------------------------

const st = Spiketalk.fromModule(module);
const sim = new Sim(st);
const presets = st.presets();
check(presets.filter((p) => p.kind === 'cell').length === 7 &&
    presets.filter((p) => p.kind === 'feature').length === 20,
    'the module has the seven cell types and the twenty features');
const wrong = [];
for (const p of presets) {
    sim.preset(p.name);
    const n = sim.run().spikes.length;
    const ref = cliJson(['simulate', '--preset', p.name]).spike_times_ms.length;
    if (n !== ref)
        wrong.push(`${p.name} ${n} (CLI ${ref})`);
}
check(wrong.length === 0, `all ${presets.length} presets fire as \`spiketalk simulate\` does`,
    wrong.join(', '));

const voice = readWav(VOICE);
const inWav = path.join(dir, 'voice.wav');
writeWavFloat(inWav, voice.x, voice.rate);
for (const block of [128, 37, 1000]) {
    const live = new Live(st);
    live.start(voice.rate, block);
    const out = new Float32Array(voice.x.length);
    for (let off = 0; off < voice.x.length; off += block) {
        const m = Math.min(block, voice.x.length - off);
        live.input.set(voice.x.subarray(off, off + m));
        live.process(m);
        out.set(live.output.subarray(0, m), off);
    }
    const spikes = live.meters()[live.meterNames.indexOf('spikes')];
    live.free();
    const outWav = path.join(dir, `cli-${block}.wav`);
    cli(['process', inWav, '-o', outWav, '--block', String(block), '--quiet']);
    const d = firstDifference(out, readWav(outWav).x);
    check(d === -1, `the stream in wasm equals \`spiketalk process --block ${block}\` on the ` +
        `demo voice, bit for bit (${spikes} spikes)`, `first difference at sample ${d}`);
}
done();
