// SPDX-License-Identifier: GPL-3.0-or-later
// WAV files for the web tests: read 16-bit PCM or 32-bit float (mono or the first channel) as
// Float32Array (PCM as x / 32768, as libsndfile and the browsers read it), write mono 32-bit
// float.
import fs from 'node:fs';

export function readWav(path) {
    const b = fs.readFileSync(path);
    if (b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE')
        throw new Error(`${path}: not a RIFF WAVE file`);
    let fmt = null;
    let data = null;
    for (let off = 12; off + 8 <= b.length;) {
        const id = b.toString('ascii', off, off + 4);
        const size = b.readUInt32LE(off + 4);
        const body = off + 8;
        if (id === 'fmt ') {
            fmt = {
                format: b.readUInt16LE(body),
                channels: b.readUInt16LE(body + 2),
                rate: b.readUInt32LE(body + 4),
                bits: b.readUInt16LE(body + 14),
            };
            if (fmt.format === 0xfffe) // WAVE_FORMAT_EXTENSIBLE: the subformat's first word
                fmt.format = b.readUInt16LE(body + 24);
        } else if (id === 'data') {
            data = b.subarray(body, body + Math.min(size, b.length - body));
        }
        off = body + size + (size & 1);
    }
    if (!fmt || !data)
        throw new Error(`${path}: no fmt or data chunk`);
    const frame = fmt.channels * fmt.bits / 8;
    const n = Math.floor(data.length / frame);
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) {
        if (fmt.format === 1 && fmt.bits === 16)
            x[i] = data.readInt16LE(i * frame) / 32768;
        else if (fmt.format === 3 && fmt.bits === 32)
            x[i] = data.readFloatLE(i * frame);
        else
            throw new Error(`${path}: format ${fmt.format}/${fmt.bits} bits not handled`);
    }
    return { rate: fmt.rate, channels: fmt.channels, x };
}

export function writeWavFloat(path, x, rate) {
    const n = x.length;
    const b = Buffer.alloc(44 + 4 * n);
    b.write('RIFF', 0, 'ascii');
    b.writeUInt32LE(36 + 4 * n, 4);
    b.write('WAVE', 8, 'ascii');
    b.write('fmt ', 12, 'ascii');
    b.writeUInt32LE(16, 16);
    b.writeUInt16LE(3, 20);        // IEEE float
    b.writeUInt16LE(1, 22);        // mono
    b.writeUInt32LE(rate, 24);
    b.writeUInt32LE(rate * 4, 28);
    b.writeUInt16LE(4, 32);
    b.writeUInt16LE(32, 34);
    b.write('data', 36, 'ascii');
    b.writeUInt32LE(4 * n, 40);
    Buffer.from(x.buffer, x.byteOffset, 4 * n).copy(b, 44);
    fs.writeFileSync(path, b);
}
