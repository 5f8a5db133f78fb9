// SPDX-License-Identifier: GPL-3.0-or-later
// The page: the Live tab (a session with the microphone or the demo voice, cell types, gain,
// envelope, scope and meters) and the Simulate tab (the presets under their own protocols,
// with sliders). The URL may say ?rate=HZ (the audio context's rate) and ?record=S (the
// worklet keeps what it received and produced for S seconds: window.spiketalk.takeRecording).
import { METER } from './channel.js';
import { Session } from './live.js';
import { drawIdle, drawScope, drawSim } from './plot.js';
import { Live, Sim, Spiketalk } from './wasm.js';

const $ = (id) => document.getElementById(id);
const query = new URLSearchParams(location.search);
const RATE = Number(query.get('rate')) || undefined;
const RECORD_S = Number(query.get('record')) || 0;
const SCOPE_S = 1.0;
const METER_MS = 100;

const app = {
    st: null,            // the page's own instance (simulation, names, defaults)
    module: null,        // the compiled module, handed to each worklet
    cells: [],           // the seven cell types
    meterIndex: {},      // library meter name -> index
    session: null,
    cell: 3,             // index of the cell in use or to start with
    gain: null,
    envelope: null,
    history: [],         // [samples, spikes] for the spike rate
    lastMeters: 0,
    sim: null,
    simParams: [],
    simPending: false,
    simResult: null,
};

function status(text) {
    $('status').textContent = text;
}

// ---- Live -----------------------------------------------------------------------------------

function buildCells() {
    const box = $('cells');
    app.cells.forEach((c, i) => {
        const b = document.createElement('button');
        b.type = 'button';
        b.id = `cell-${c.name}`;
        b.dataset.index = i;
        b.setAttribute('aria-keyshortcuts', String(i + 1));
        b.setAttribute('aria-pressed', 'false');
        b.setAttribute('aria-label', `${i + 1}: ${c.name}, ${c.title}`);
        b.title = `${c.title} (key ${i + 1})`;
        b.innerHTML = `<span class="k">${i + 1}</span><span class="n">${c.name}</span>`;
        b.addEventListener('click', () => chooseCell(i));
        box.appendChild(b);
    });
    showCell(app.cell);
}

function showCell(i) {
    app.cells.forEach((c, k) => {
        $(`cell-${c.name}`).setAttribute('aria-pressed', k === i ? 'true' : 'false');
    });
}

function chooseCell(i) {
    if (i < 0 || i >= app.cells.length)
        return;
    app.cell = i;
    showCell(i);
    if (app.session)
        app.session.setCell(i);
}

function sessionOptions(source) {
    return {
        module: app.module,
        source,
        voiceUrl: 'demo-voice.wav',
        rate: RATE,
        gain: app.gain,
        envelope: app.envelope,
        preset: app.cells[app.cell].name,
        recordSeconds: RECORD_S,
        onError: (text) => status(`Error: ${text}`),
        onEnded: () => status('The demo voice has ended; the neuron goes on listening (to ' +
            'silence). Play it again, start the microphone, or stop.'),
    };
}

async function start(source) {
    await stop();
    const s = new Session(sessionOptions(source));
    app.session = s;
    app.history = [];
    status(source === 'mic' ? 'Asking for the microphone…' : 'Loading the demo voice…');
    try {
        await s.open();
    } catch (e) {
        if (s.closed)
            return false;   // stopped (or replaced) while it was starting
        if (app.session === s)
            app.session = null;
        await s.close();
        const why = e && e.name === 'NotAllowedError' ? 'the microphone was not allowed' :
            e && e.name === 'NotFoundError' ? 'no microphone was found (try the demo voice)' :
                String(e && e.message ? e.message : e);
        status(`Could not start: ${why}.`);
        $('stop').disabled = true;
        return false;
    }
    $('stop').disabled = false;
    $('m-link').textContent = s.shared ? 'SharedArrayBuffer' : 'postMessage';
    status(source === 'mic' ? `Listening to ${s.device()} at ${s.ctx.sampleRate} Hz: speak!` :
        `Playing the demo voice at ${s.ctx.sampleRate} Hz through the neuron.`);
    requestAnimationFrame(frame);
    return true;
}

async function stop() {
    const s = app.session;
    app.session = null;
    $('stop').disabled = true;
    if (s) {
        await s.close();
        status('Stopped.');
    }
}

const IDLE = 'Start the microphone or use the demo voice';

function db(x) {
    return x > 0 ? `${(20 * Math.log10(x)).toFixed(1)} dBFS` : '−∞ dBFS';
}

function setMeter(id, text, value) {
    const el = $(id);
    if (el.textContent !== text)
        el.textContent = text;
    el.dataset.value = String(value);
}

function updateMeters(s, m) {
    const mi = app.meterIndex, fs = m[mi.rate];
    const samples = m[mi.samples], spikes = m[mi.spikes];
    const h = app.history;
    h.push([samples, spikes]);
    while (h.length > 2 && (samples - h[1][0]) / fs >= 1.0)
        h.shift();
    const span = (samples - h[0][0]) / fs;
    const rate = span > 0 ? (spikes - h[0][1]) / span : 0;
    const lat = s.latency(m[mi.delay]);
    setMeter('m-latency', `${(1000 * lat).toFixed(0)} ms`, lat);
    const load = m[METER.LOAD];
    setMeter('m-load', isFinite(load) ? `${(100 * load).toFixed(1)} %` : 'measuring…', load);
    $('m-load').title = isFinite(load) ?
        `mean since the start: ${m[METER.COST_US].toFixed(1)} µs of each ${(128e3 / fs).toFixed(2)} ms render quantum` : '';
    setMeter('m-rate', `${rate.toFixed(1)} /s`, rate);
    setMeter('m-spikes', String(spikes), spikes);
    setMeter('m-level', db(m[mi.peak]), m[mi.peak]);
    const noise = m[mi.noise], gate = m[mi.gate];
    setMeter('m-noise', isFinite(noise) ? db(noise) : 'learning…', noise);
    setMeter('m-gate', isFinite(gate) ? db(gate) : 'learning…', gate);
    if (m[mi.fault])
        status('The neuron blew up (v is not finite); it stays silent until you start again.');
}

function frame(now) {
    const s = app.session;
    if (!s)
        return;
    const m = s.meters();
    const fs = s.ctx.sampleRate;
    drawScope($('scope'), s.channel, fs, SCOPE_S, m ? m[app.meterIndex.gate] : NaN);
    if (m && now - app.lastMeters >= METER_MS) {
        app.lastMeters = now;
        updateMeters(s, m);
    }
    requestAnimationFrame(frame);
}

function buildKnobs() {
    // the library's defaults for the stream, from a stream built here at a common rate
    const live = new Live(app.st);
    live.start(48000, 128);
    app.gain = live.gain();
    app.envelope = live.envelopeMode();
    live.free();
    const gain = $('gain');
    gain.value = String(app.gain);
    $('gain-value').textContent = String(app.gain);
    gain.addEventListener('input', () => {
        $('gain-value').textContent = gain.value;
    });
    gain.addEventListener('change', () => {
        app.gain = Number(gain.value);
        if (app.session)
            app.session.setGain(app.gain);
    });
    const env = $('envelope');
    env.value = app.envelope;
    env.addEventListener('change', () => {
        app.envelope = env.value;
        if (app.session)
            app.session.setEnvelope(app.envelope);
    });
    $('start-mic').addEventListener('click', () => start('mic'));
    $('start-voice').addEventListener('click', () => start('voice'));
    $('stop').addEventListener('click', () => stop());
}

// Keys 1-7 pick the cell type, as in `spiketalk live`, unless a text field or list has focus.
function keys() {
    document.addEventListener('keydown', (e) => {
        if (e.ctrlKey || e.metaKey || e.altKey)
            return;
        const t = e.target;
        if (t && (t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' ||
            (t.tagName === 'INPUT' && t.type !== 'range')))
            return;
        if ($('panel-live').hidden)
            return;
        const k = e.key.charCodeAt(0) - 49;
        if (e.key.length === 1 && k >= 0 && k < app.cells.length) {
            chooseCell(k);
            e.preventDefault();
        }
    });
}

// ---- tabs -----------------------------------------------------------------------------------

function tabs() {
    const list = [...document.querySelectorAll('[role="tab"]')];
    const select = (tab, focus) => {
        for (const t of list) {
            const on = t === tab;
            t.setAttribute('aria-selected', on ? 'true' : 'false');
            t.tabIndex = on ? 0 : -1;
            $(t.getAttribute('aria-controls')).hidden = !on;
        }
        if (focus)
            tab.focus();
        if (tab.id === 'tab-sim')
            simulate();
    };
    list.forEach((t, i) => {
        t.addEventListener('click', () => select(t, false));
        t.addEventListener('keydown', (e) => {
            const j = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: list.length - 1 }[e.key];
            if (j === undefined)
                return;
            select(list[(j + list.length) % list.length], true);
            e.preventDefault();
        });
    });
}

// ---- Simulate -------------------------------------------------------------------------------

function stepFor(p) {
    return 10 ** Math.floor(Math.log10((p.max - p.min) / 1000));
}

function buildSim() {
    app.sim = new Sim(app.st);
    const sel = $('sim-preset');
    const groups = { cell: 'Cell types of the study', feature: 'Features (Izhikevich 2004)' };
    for (const kind of ['cell', 'feature']) {
        const og = document.createElement('optgroup');
        og.label = groups[kind];
        for (const p of app.presets.filter((q) => q.kind === kind)) {
            const o = document.createElement('option');
            o.value = p.name;
            o.textContent = kind === 'cell' ? `${p.name} — ${p.title}` : `${p.letter}. ${p.title}`;
            og.appendChild(o);
        }
        sel.appendChild(og);
    }
    const box = $('sim-params');
    app.simParams = app.st.params().filter((p) => !p.advanced);
    for (const p of app.simParams) {
        const id = `sim-${p.name}`;
        const d = document.createElement('div');
        d.className = 'knob';
        d.innerHTML = `<label for="${id}"><span>${p.name}${p.unit ? ` (${p.unit})` : ''}</span>` +
            `<output id="${id}-value" for="${id}"></output></label>` +
            `<input type="range" id="${id}" min="${p.min}" max="${p.max}" step="${stepFor(p)}"` +
            ` aria-describedby="${id}-help"><small id="${id}-help">${p.help}</small>`;
        box.appendChild(d);
        const input = d.querySelector('input');
        input.addEventListener('input', () => {
            app.sim.setParam(p.index, input.valueAsNumber);
            $(`${id}-value`).textContent = input.value;
            simulate();
        });
    }
    sel.addEventListener('change', () => loadPreset(sel.value));
    $('sim-reset').addEventListener('click', () => loadPreset(sel.value));
    sel.value = app.cells[0].name;
    loadPreset(sel.value);
    new ResizeObserver(() => {
        if (app.simResult && !$('panel-sim').hidden)
            drawSim($('sim-plot'), app.simResult);
    }).observe($('sim-plot'));
}

function loadPreset(name) {
    app.sim.preset(name);
    for (const p of app.simParams) {
        const x = app.sim.param(p.index);
        // the slider shows the value; the simulation keeps the preset's exact one until moved
        $(`sim-${p.name}`).value = String(x);
        $(`sim-${p.name}-value`).textContent = String(+x.toPrecision(6));
    }
    const p = app.presets.find((q) => q.name === name);
    $('sim-caption').textContent = p.kind === 'cell' ?
        `${p.name}: ${p.title} (the study's cell type)` :
        `${p.letter}. ${p.title} (Izhikevich 2004, Fig. 1)`;
    simulate();
}

// Re-simulates at the next frame (slider moves coalesce).
function simulate() {
    if (app.simPending)
        return;
    app.simPending = true;
    requestAnimationFrame(() => {
        app.simPending = false;
        let r;
        try {
            r = app.sim.run();
            $('sim-error').textContent = '';
        } catch (e) {
            $('sim-error').textContent = e.message;
            return;
        }
        app.simResult = r;
        const dur = r.t[r.t.length - 1] - r.t[0];
        const out = $('sim-spikes');
        out.textContent = String(r.spikes.length);
        out.dataset.value = String(r.spikes.length);
        out.dataset.preset = $('sim-preset').value;
        out.dataset.runs = String(Number(out.dataset.runs || 0) + 1);
        $('sim-protocol').textContent = `input ${r.input}, dt ${r.dt} ms, ${+dur.toFixed(3)} ms`;
        if (!$('panel-sim').hidden)
            drawSim($('sim-plot'), r);
    });
}

// ---- start-up -------------------------------------------------------------------------------

function base64(f32) {
    const b = new Uint8Array(f32.buffer, f32.byteOffset, f32.byteLength);
    let s = '';
    for (let i = 0; i < b.length; i += 0x8000)
        s += String.fromCharCode.apply(null, b.subarray(i, i + 0x8000));
    return btoa(s);
}

async function init() {
    if ('serviceWorker' in navigator) {
        navigator.serviceWorker.register('sw.js').catch((e) =>
            console.warn(`offline use unavailable: ${e.message}`));
    }
    const { module, st } = await Spiketalk.load('spiketalk.wasm');
    app.module = module;
    app.st = st;
    app.presets = st.presets();
    app.cells = app.presets.filter((p) => p.kind === 'cell').slice(0, 7);
    const live = new Live(st);
    live.meterNames.forEach((n, i) => { app.meterIndex[n] = i; });
    live.free();
    buildCells();
    buildKnobs();
    keys();
    tabs();
    buildSim();
    drawIdle($('scope'), IDLE);
    new ResizeObserver(() => {
        if (!app.session)
            drawIdle($('scope'), IDLE);
    }).observe($('scope'));
    // for tests and for saving a take: what the worklet received and produced
    window.spiketalk = {
        ready: true,
        session: () => app.session,
        async takeRecording() {
            const r = app.session ? await app.session.takeRecording() : null;
            if (!r)
                return null;
            return { rate: r.rate, frames: r.frames, events: r.events,
                input: base64(r.input), output: base64(r.output) };
        },
    };
    document.documentElement.dataset.ready = 'true';
}

init().catch((e) => {
    status(`spiketalk could not load: ${e.message}`);
    console.error(e);
});
