// SPDX-License-Identifier: GPL-3.0-or-later
// The page as a person meets it: it loads with no console error; every control has a name and
// the keyboard reaches it (Tab, the arrow keys on the tabs, the keys 1-7); the Simulate tab
// shows the study's spike counts for its seven cell types (RS 8, IB 10, CH 22, FS 27, LTS 25,
// TC 55, RZ 53: the library's own numbers under its default protocol) and `spiketalk
// simulate`'s for the twenty features, and a slider moved with the keyboard re-simulates as it
// moves, agreeing with `spiketalk simulate --d X`; screenshots of both tabs (the Live one while
// the demo voice plays) show real plots; on a phone's screen nothing scrolls sideways; and once
// loaded the page works offline (its service worker), the server gone.
import fs from 'node:fs';
import path from 'node:path';

import {
    browser, check, cliJson, done, page, ready, server, sleep, tmpdir, waitFrames,
} from './browser.mjs';
import { coverage, decodePng } from './png.mjs';

const STUDY = { RS: 8, IB: 10, CH: 22, FS: 27, LTS: 25, TC: 55, RZ: 53 };
const dir = tmpdir('web-page');

async function simCount(p, name) {
    await p.select('#sim-preset', name);
    await p.waitForFunction((n) => document.getElementById('sim-spikes').dataset.preset === n,
        { timeout: 10000 }, name);
    return p.evaluate(() => Number(document.getElementById('sim-spikes').dataset.value));
}

async function shot(p, selector, file) {
    const el = await p.$(selector);
    const png = await el.screenshot();
    fs.writeFileSync(path.join(dir, file), png);
    return decodePng(Buffer.from(png));
}

// ---- accessibility ---------------------------------------------------------------------------

// The controls the accessibility tree shows (those of the visible tab), by role, and those
// without a name.
async function controls(p) {
    const tree = await p.accessibility.snapshot({ interestingOnly: false });
    const unnamed = [], roles = {};
    const walk = (n) => {
        if (['button', 'tab', 'slider', 'combobox', 'checkbox', 'textbox'].includes(n.role)) {
            roles[n.role] = (roles[n.role] || 0) + 1;
            if (!n.name || !n.name.trim())
                unnamed.push(n.role);
        }
        (n.children || []).forEach(walk);
    };
    walk(tree);
    return { roles, unnamed };
}

async function accessibility(p) {
    const { roles, unnamed } = await controls(p);
    check(unnamed.length === 0 && roles.button >= 10 && roles.tab === 2 && roles.slider >= 1 &&
        roles.combobox >= 1, `Live: every control has an accessible name (${JSON.stringify(roles)})`,
        unnamed.join(' '));

    // Tab from the top reaches the controls in order
    await p.focus('body');
    const reached = [];
    for (let i = 0; i < 16; i++) {
        await p.keyboard.press('Tab');
        reached.push(await p.evaluate(() => document.activeElement.id));
    }
    const want = ['tab-live', 'start-mic', 'start-voice', 'cell-RS', 'cell-RZ', 'gain', 'envelope'];
    check(want.every((id) => reached.includes(id)), 'Tab reaches the tabs, Start, the demo ' +
        `voice, the cell types, the gain and the envelope (${reached.join(' ')})`);

    // the tabs follow the arrow keys; the panels follow the tabs
    await p.focus('#tab-live');
    await p.keyboard.press('ArrowRight');
    const onSim = await p.evaluate(() => [document.activeElement.id,
        document.getElementById('tab-sim').getAttribute('aria-selected'),
        document.getElementById('panel-sim').hidden, document.getElementById('panel-live').hidden]);
    check(JSON.stringify(onSim) === '["tab-sim","true",false,true]',
        'ArrowRight on the tabs opens Simulate', JSON.stringify(onSim));
    await p.keyboard.press('ArrowLeft');
    const onLive = await p.evaluate(() => [document.activeElement.id,
        document.getElementById('panel-live').hidden]);
    check(JSON.stringify(onLive) === '["tab-live",false]', 'ArrowLeft goes back to Live');

    await p.keyboard.press('2');
    const pressed = await p.evaluate(() =>
        [...document.querySelectorAll('#cells [aria-pressed="true"]')].map((b) => b.id));
    check(JSON.stringify(pressed) === '["cell-IB"]', 'key 2 picks IB', pressed.join(' '));
    await p.keyboard.press('4');
}

// ---- Simulate ----------------------------------------------------------------------------------

async function simulate(p) {
    await p.click('#tab-sim');
    const { roles, unnamed } = await controls(p);
    check(unnamed.length === 0 && roles.slider === 4 && roles.combobox === 1 && roles.button === 1,
        `Simulate: every control has an accessible name (${JSON.stringify(roles)})`,
        unnamed.join(' '));
    for (const [name, n] of Object.entries(STUDY)) {
        const shown = await simCount(p, name);
        check(shown === n, `Simulate: ${name} fires ${n} times (the study's count)`, shown);
    }
    const features = await p.evaluate(() =>
        [...document.querySelectorAll('#sim-preset optgroup')[1].querySelectorAll('option')]
            .map((o) => o.value));
    const wrong = [];
    for (const f of features) {
        const shown = await simCount(p, f);
        const ref = cliJson(['simulate', '--preset', f]).spike_times_ms.length;
        if (shown !== ref)
            wrong.push(`${f} ${shown} (CLI ${ref})`);
    }
    check(features.length === 20 && wrong.length === 0,
        `Simulate: the ${features.length} features fire as \`spiketalk simulate\` does`,
        wrong.join(', '));

    // a slider moved with the keyboard: re-simulated as it moves, as the CLI computes it
    await simCount(p, 'RS');
    const runs0 = await p.evaluate(() => Number(document.getElementById('sim-spikes').dataset.runs));
    await p.focus('#sim-d');
    for (let i = 0; i < 20; i++) {
        await p.keyboard.press('ArrowLeft');
        await sleep(15);
    }
    for (let i = 0; i < 2; i++) {
        await p.keyboard.press('PageDown');
        await sleep(15);
    }
    await sleep(200);
    const s = await p.evaluate(() => ({
        d: document.getElementById('sim-d').value,
        shown: document.getElementById('sim-d-value').textContent,
        n: Number(document.getElementById('sim-spikes').dataset.value),
        runs: Number(document.getElementById('sim-spikes').dataset.runs),
    }));
    const ref = cliJson(['simulate', '--preset', 'RS', '--d', s.d]).spike_times_ms.length;
    check(Number(s.d) < 8 && s.shown === s.d && s.runs - runs0 >= 5,
        `Simulate: the d slider moved to ${s.d}, re-simulated ${s.runs - runs0} times on the way`);
    check(s.n === ref && s.n !== STUDY.RS,
        `Simulate: RS with d = ${s.d} fires ${s.n} times, as \`spiketalk simulate --d ${s.d}\``, ref);

    await simCount(p, 'CH');
    await p.evaluate(() => document.activeElement.blur());
    await sleep(100);
    const img = await shot(p, '#sim-plot', 'sim-plot.png');
    const box = { x0: 68, y0: 0, x1: img.width - 22, y1: img.height - 26 };
    const v = coverage(img, 'blue', box), cur = coverage(img, 'orange', box);
    const plotW = box.x1 - box.x0;
    check(v.cols > 0.95 * plotW && v.rows > 0.4 * img.height && cur.cols > 0.95 * plotW,
        `the Simulate screenshot has plots: v over ${v.cols} of ${plotW} columns and ` +
        `${v.rows} of ${img.height} rows, the current over ${cur.cols} columns`);
    await p.screenshot({ path: path.join(dir, 'web-simulate.png') });
    await p.click('#tab-live');
}

// ---- Live, while the demo voice plays ------------------------------------------------------------

async function live(p) {
    await p.click('#start-voice');
    await waitFrames(p, 1.6 * 44100, 20000);
    // the audio stops where it is (the scope keeps drawing what the ring holds), so that the
    // two screenshots show the same moment however busy the machine is
    await p.evaluate(() => window.spiketalk.session().ctx.suspend());
    await sleep(300);
    const img = await shot(p, '#scope', 'scope.png');
    await p.screenshot({ path: path.join(dir, 'web-live.png') });
    // the traces' area: right of the axis labels (66 px), above the time axis (22 px)
    const box = { x0: 68, y0: 0, x1: img.width - 8, y1: img.height - 24 };
    const v = coverage(img, 'blue', box), env = coverage(img, 'orange', box);
    const inp = coverage(img, 'grey', box);
    const plotW = box.x1 - box.x0;
    check(v.cols > 0.9 * plotW && v.rows > 0.2 * img.height,
        `the Live screenshot's scope shows v (${v.cols} of ${plotW} columns, ${v.rows} rows)`);
    check(env.cols > 0.9 * plotW && env.rows > 0.08 * img.height,
        `and the envelope (${env.cols} columns, ${env.rows} rows)`);
    check(inp.cols > 0.4 * plotW && inp.rows > 0.1 * img.height,
        `and the input (${inp.cols} columns, ${inp.rows} rows)`);
    await p.click('#stop');
}

// ---- a phone -------------------------------------------------------------------------------------

async function phone(b, url) {
    const p = await page(b, { width: 390, height: 844, deviceScaleFactor: 2, isMobile: true,
        hasTouch: true });
    await ready(p, url);
    const m = await p.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        width: window.innerWidth,
        scope: document.getElementById('scope').getBoundingClientRect().width,
        small: [...document.querySelectorAll('button')].filter((b) => b.offsetParent &&
            b.getBoundingClientRect().height < 44).map((b) => b.id || b.textContent),
    }));
    check(m.scroll <= m.width && m.scope <= m.width && m.small.length === 0,
        `on a phone (${m.width} px) nothing scrolls sideways (${m.scroll} px), the scope fits ` +
        `(${m.scope} px) and every button is at least 44 px tall`, m.small.join(' '));
    await p.click('#start-voice');
    await waitFrames(p, 1.6 * 44100, 20000);
    await p.evaluate(() => window.spiketalk.session().ctx.suspend());
    await sleep(300);
    await p.screenshot({ path: path.join(dir, 'web-phone.png') });
    await p.click('#stop');
    check(p.problems.length === 0, 'the phone page has no console error', p.problems.join('; '));
    await p.close();
}

// ---- offline -------------------------------------------------------------------------------------

async function offline(p, srv, url) {
    await p.evaluate(() => navigator.serviceWorker.ready);
    await p.reload({ waitUntil: 'load' });
    await p.waitForSelector('html[data-ready="true"]', { timeout: 20000 });
    const controlled = await p.evaluate(() => !!navigator.serviceWorker.controller);
    check(controlled, 'the service worker controls the page');
    await srv.close();
    p.expectOffline = true;
    await p.goto(url, { waitUntil: 'load' });
    await p.waitForSelector('html[data-ready="true"]', { timeout: 20000 });
    await p.click('#tab-sim');
    const n = await simCount(p, 'TC');
    check(n === STUDY.TC, `offline, the server gone: the page loads and simulates (TC ${n})`);
    await p.click('#tab-live');
    await p.click('#start-voice');
    await waitFrames(p, 2.5 * 44100, 20000);
    const spikes = await p.evaluate(() => Number(document.getElementById('m-spikes').dataset.value));
    check(spikes > 20, `offline, the demo voice plays through the neuron (${spikes} spikes)`);
    await p.click('#stop');
}

const b = await browser();
const srv = await server(true);
try {
    const url = `${srv.url}?rate=44100`;
    const p = await page(b);
    await ready(p, url);
    check(await p.evaluate(() => crossOriginIsolated), 'the page is cross-origin isolated');
    check(await p.evaluate(() => document.title) === 'spiketalk — talk to a neuron',
        'the page loads');
    await accessibility(p);
    await simulate(p);
    await live(p);
    check(p.problems.length === 0, 'no console error, exception or failed request',
        p.problems.join('; '));
    await phone(b, url);
    await offline(p, srv, url);
    const late = p.problems.filter((x) => !/^request failed/.test(x));
    check(late.length === 0, 'no console error offline', late.join('; '));
} finally {
    await b.close();
    await srv.close();
}
done();
