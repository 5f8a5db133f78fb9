// SPDX-License-Identifier: GPL-3.0-or-later
// Drawing on canvases: the live scope (input, gate, envelope, membrane potential from the
// worklet's ring) and the simulation's traces (v and I over time). Traces are reduced to one
// min/max pair per pixel column, so a second of audio costs a few hundred lines.

const FONT = '12px system-ui, -apple-system, "DejaVu Sans", sans-serif';

function css(name, fallback) {
    const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return v || fallback;
}

// Sizes the canvas's backing store to its CSS box at the device's pixel ratio; returns the
// context in CSS pixels.
export function fit(canvas) {
    const r = canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(r.width)), h = Math.max(1, Math.round(r.height));
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
        canvas.width = Math.round(w * dpr);
        canvas.height = Math.round(h * dpr);
    }
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    return { g, w, h };
}

// About n round tick values covering [lo, hi].
export function ticks(lo, hi, n) {
    const span = hi - lo;
    if (!(span > 0))
        return [lo];
    const raw = span / n, mag = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw) || 10 * mag;
    const out = [];
    for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * span; t += step)
        out.push(Math.abs(t) < 1e-12 * span ? 0 : t);
    return out;
}

function fmt(x) {
    const a = Math.abs(x);
    if (a === 0)
        return '0';
    if (a >= 100)
        return x.toFixed(0);
    if (a >= 1)
        return String(+x.toFixed(2));
    if (a >= 0.01)
        return String(+x.toPrecision(2));
    return x.toExponential(1).replace('e-', 'e−');
}

// One min/max pair per column of 'cols' over values get(i), i in [0, n).
function columns(n, cols, get) {
    const lo = new Float32Array(cols), hi = new Float32Array(cols);
    for (let c = 0; c < cols; c++) {
        const a = Math.floor(c * n / cols), b = Math.max(a + 1, Math.floor((c + 1) * n / cols));
        let mn = Infinity, mx = -Infinity;
        for (let i = a; i < b && i < n; i++) {
            const x = get(i);
            if (x < mn)
                mn = x;
            if (x > mx)
                mx = x;
        }
        lo[c] = mn;
        hi[c] = mx;
    }
    return { lo, hi };
}

function trace(g, col, x0, y, color, width = 1.25) {
    g.strokeStyle = color;
    g.lineWidth = width;
    g.beginPath();
    for (let c = 0; c < col.lo.length; c++) {
        if (!isFinite(col.lo[c]))
            continue;
        const x = x0 + c + 0.5;
        if (c === 0 || !isFinite(col.hi[c - 1]))
            g.moveTo(x, y(col.hi[c]));
        g.lineTo(x, y(col.hi[c]));
        g.lineTo(x, y(col.lo[c]) + 0.01);
    }
    g.stroke();
}

function lane(g, x0, top, w, h, label, yTicks, y) {
    g.strokeStyle = css('--line', '#d5dae0');
    g.fillStyle = css('--muted', '#5b6570');
    g.lineWidth = 1;
    g.font = FONT;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (const t of yTicks) {
        const yy = Math.round(y(t)) + 0.5;
        g.beginPath();
        g.moveTo(x0, yy);
        g.lineTo(x0 + w, yy);
        g.stroke();
        g.fillText(fmt(t), x0 - 4, yy);
    }
    g.save();
    g.translate(10, top + h / 2);
    g.rotate(-Math.PI / 2);
    g.textAlign = 'center';
    g.fillText(label, 0, 0);
    g.restore();
}

function scale(lo, hi, top, h) {
    return (x) => top + h - (x - lo) / (hi - lo) * h;
}

// The live scope: the last 'seconds' of the ring. 'gate' is the gate's threshold (NaN: none).
export function drawScope(canvas, ch, fsHz, seconds, gate) {
    const { g, w, h } = fit(canvas);
    const x0 = 66, pw = Math.max(10, w - x0 - 8), top = 6, ph = h - top - 22;
    const ring = ch.input.length;
    const n = Math.min(Math.round(seconds * fsHz), ring - 1);
    const end = ch.written();
    const have = Math.min(n, end);
    const start = end - have, skip = n - have;   // not yet written: the left part stays empty
    const at = (arr) => (i) => (i < skip ? NaN : arr[(start + i - skip) & (ring - 1)]);
    const get = { input: at(ch.input), env: at(ch.envelope), v: at(ch.v) };
    const cols = Math.floor(pw);
    const colIn = columns(n, cols, get.input), colEnv = columns(n, cols, get.env);
    const colV = columns(n, cols, get.v);
    let peak = 0, envMax = 0;
    for (let c = 0; c < cols; c++) {
        if (isFinite(colIn.hi[c]))
            peak = Math.max(peak, Math.abs(colIn.hi[c]), Math.abs(colIn.lo[c]));
        if (isFinite(colEnv.hi[c]))
            envMax = Math.max(envMax, colEnv.hi[c]);
    }
    const inR = Math.max(0.01, peak * 1.1), envR = Math.max(1e-4, envMax * 1.15);
    const hIn = ph * 0.3, hEnv = ph * 0.22, hV = ph * 0.48 - 12;
    const tIn = top, tEnv = tIn + hIn + 6, tV = tEnv + hEnv + 6;
    const yIn = scale(-inR, inR, tIn, hIn), yEnv = scale(0, envR, tEnv, hEnv);
    const yV = scale(-90, 40, tV, hV);
    lane(g, x0, tIn, pw, hIn, 'input', [-+fmt(inR * 0.9), 0, +fmt(inR * 0.9)], yIn);
    lane(g, x0, tEnv, pw, hEnv, 'envelope', [0, +fmt(envR * 0.85)], yEnv);
    lane(g, x0, tV, pw, hV, 'v (mV)', [-80, -40, 0, 30], yV);
    trace(g, colIn, x0, yIn, css('--input', '#8a939c'), 1);
    if (gate > 0 && gate < inR) {
        g.strokeStyle = css('--gate', '#c23b3b');
        g.setLineDash([4, 3]);
        g.lineWidth = 1;
        for (const s of [gate, -gate]) {
            g.beginPath();
            g.moveTo(x0, yIn(s));
            g.lineTo(x0 + pw, yIn(s));
            g.stroke();
        }
        g.setLineDash([]);
    }
    trace(g, colEnv, x0, yEnv, css('--env', '#e07a1f'), 1.5);
    trace(g, colV, x0, yV, css('--v', '#1f5fbf'), 1.25);
    g.fillStyle = css('--muted', '#5b6570');
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (const t of ticks(-seconds, 0, 5))
        g.fillText(`${fmt(t)} s`, x0 + (t + seconds) / seconds * pw, tV + hV + 6);
}

// The simulation: v over time with the spikes drawn to their peak, and the input current.
export function drawSim(canvas, r) {
    const { g, w, h } = fit(canvas);
    const x0 = 66, pw = Math.max(10, w - x0 - 22), top = 8, ph = h - top - 26;
    const n = r.v.length, t0 = r.t[0], t1 = r.t[n - 1];
    const hV = ph * 0.7 - 6, hI = ph * 0.3 - 6, tV = top, tI = top + hV + 12;
    let vlo = Infinity, vhi = -Infinity, ilo = Infinity, ihi = -Infinity;
    for (let i = 0; i < n; i++) {
        vlo = Math.min(vlo, r.v[i]);
        vhi = Math.max(vhi, r.v[i]);
        ilo = Math.min(ilo, r.current[i]);
        ihi = Math.max(ihi, r.current[i]);
    }
    if (isFinite(r.vpeak) && r.spikes.length)
        vhi = Math.max(vhi, r.vpeak);
    vlo = Math.min(vlo, -80);
    vhi = Math.max(vhi, 0);
    const ipad = Math.max(1e-6, (ihi - ilo) * 0.1 || Math.abs(ihi) * 0.1 || 1);
    const yV = scale(vlo - 5, vhi + 5, tV, hV), yI = scale(ilo - ipad, ihi + ipad, tI, hI);
    const xT = (t) => x0 + (t - t0) / (t1 - t0 || 1) * pw;
    lane(g, x0, tV, pw, hV, 'v (mV)', ticks(vlo, vhi, 6), yV);
    lane(g, x0, tI, pw, hI, 'I', ticks(ilo, ihi, 2), yI);
    const cols = Math.floor(pw);
    trace(g, columns(n, cols, (i) => r.current[i]), x0, yI, css('--env', '#e07a1f'), 1.5);
    trace(g, columns(n, cols, (i) => r.v[i]), x0, yV, css('--v', '#1f5fbf'), 1.25);
    if (isFinite(r.vpeak)) {
        g.strokeStyle = css('--v', '#1f5fbf');
        g.lineWidth = 1.25;
        g.beginPath();
        for (const ts of r.spikes) {
            const x = Math.round(xT(ts)) + 0.5;
            g.moveTo(x, yV(r.vpeak));
            g.lineTo(x, yV(r.v[Math.min(n - 1, Math.round((ts - t0) / r.dt))]));
        }
        g.stroke();
    }
    g.fillStyle = css('--muted', '#5b6570');
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (const t of ticks(t0, t1, 6))
        g.fillText(fmt(t), xT(t), tI + hI + 6);
    g.textAlign = 'right';
    g.fillText('t (ms)', x0 - 12, tI + hI + 6);
}

// The scope before a session: its lanes, empty, and a hint.
export function drawIdle(canvas, text) {
    const { g, w, h } = fit(canvas);
    g.fillStyle = css('--muted', '#5b6570');
    g.font = '15px system-ui, -apple-system, "DejaVu Sans", sans-serif';
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.fillText(text, w / 2, h / 2);
}
