// SPDX-License-Identifier: GPL-3.0-or-later
// Reading the browser's screenshots (8-bit RGB or RGBA PNG, not interlaced) and measuring how
// much of a plot a colour covers.
import zlib from 'node:zlib';

export function decodePng(buf) {
    if (buf.readUInt32BE(0) !== 0x89504e47)
        throw new Error('not a PNG');
    let off = 8, w = 0, h = 0, depth = 0, type = 0, interlace = 0;
    const idat = [];
    while (off < buf.length) {
        const len = buf.readUInt32BE(off), kind = buf.toString('ascii', off + 4, off + 8);
        const data = buf.subarray(off + 8, off + 8 + len);
        if (kind === 'IHDR') {
            w = data.readUInt32BE(0);
            h = data.readUInt32BE(4);
            depth = data[8];
            type = data[9];
            interlace = data[12];
        } else if (kind === 'IDAT') {
            idat.push(data);
        } else if (kind === 'IEND') {
            break;
        }
        off += 12 + len;
    }
    const channels = { 2: 3, 6: 4 }[type];
    if (depth !== 8 || !channels || interlace)
        throw new Error(`PNG type ${type}, depth ${depth}, interlace ${interlace} not handled`);
    const raw = zlib.inflateSync(Buffer.concat(idat));
    const stride = w * channels, px = new Uint8Array(w * h * 4);
    const prev = new Uint8Array(stride), cur = new Uint8Array(stride);
    for (let y = 0; y < h; y++) {
        const f = raw[y * (stride + 1)];
        const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
        for (let i = 0; i < stride; i++) {
            const a = i >= channels ? cur[i - channels] : 0, b = prev[i];
            const c = i >= channels ? prev[i - channels] : 0;
            let x = line[i];
            if (f === 1)
                x += a;
            else if (f === 2)
                x += b;
            else if (f === 3)
                x += (a + b) >> 1;
            else if (f === 4) {
                const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
                x += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
            }
            cur[i] = x & 255;
        }
        for (let x = 0; x < w; x++) {
            px[4 * (y * w + x)] = cur[x * channels];
            px[4 * (y * w + x) + 1] = cur[x * channels + 1];
            px[4 * (y * w + x) + 2] = cur[x * channels + 2];
            px[4 * (y * w + x) + 3] = channels === 4 ? cur[x * channels + 3] : 255;
        }
        prev.set(cur);
    }
    return { width: w, height: h, px };
}

// Where a trace of one hue appears in the image: the number of pixels, of distinct columns and
// of distinct rows. By hue rather than exact colour, so that anti-aliased edges count:
// 'blue' (v), 'orange' (the envelope, the current), 'grey' (the input; darker than the grid).
const HUES = {
    blue: (r, g, b) => b - r > 50 && b > g,
    orange: (r, g, b) => r - b > 60 && r > g && g > 80,   // not the gate's red
    grey: (r, g, b) => Math.max(r, g, b) - Math.min(r, g, b) < 30 && r < 190 && r > 60,
};

// 'box' ({x0, y0, x1, y1}, pixels, end excluded) limits the count to the plot's area.
export function coverage(img, hue, box = {}) {
    const test = HUES[hue];
    const cols = new Set(), rows = new Set();
    const { x0 = 0, y0 = 0, x1 = img.width, y1 = img.height } = box;
    let pixels = 0;
    for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
            const i = 4 * (y * img.width + x);
            if (test(img.px[i], img.px[i + 1], img.px[i + 2])) {
                pixels++;
                cols.add(x);
                rows.add(y);
            }
        }
    }
    return { pixels, cols: cols.size, rows: rows.size };
}
