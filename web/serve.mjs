#!/usr/bin/env node
// SPDX-License-Identifier: GPL-3.0-or-later
// The dev server of the web page: serves web/'s page files, the built spiketalk.wasm and the
// demo voice on localhost, with the headers that make the page cross-origin isolated
// (Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy), so that the page and its
// audio worklet can share a SharedArrayBuffer.
//
//   node web/serve.mjs --wasm build-web/web/spiketalk.wasm [--data data] [--port 8000]
//                      [--host 127.0.0.1] [--no-isolation]
//
// --no-isolation leaves the two headers out (the page then talks to its worklet by messages).
// As a module: serve({ wasm, data, port, host, isolate }) resolves to { server, url }.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = path.dirname(fileURLToPath(import.meta.url));

const TYPES = {
    '.html': 'text/html; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.svg': 'image/svg+xml',
    '.webmanifest': 'application/manifest+json',
    '.wasm': 'application/wasm',
    '.wav': 'audio/wav',
};

// The page's own files: web/'s top level, by extension (not the server, not the C sources).
function pageFile(name) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name === 'serve.mjs')
        return null;
    const ext = path.extname(name);
    if (!TYPES[ext] || ext === '.wasm' || ext === '.wav')
        return null;
    return path.join(WEB, name);
}

export function serve({ wasm, data, port = 8000, host = '127.0.0.1', isolate = true } = {}) {
    const dataDir = data || path.join(WEB, '..', 'data');
    const server = http.createServer((req, res) => {
        const url = new URL(req.url, 'http://localhost');
        let name = decodeURIComponent(url.pathname).replace(/^\/+/, '');
        if (name === '')
            name = 'index.html';
        const file = name === 'spiketalk.wasm' ? wasm :
            name === 'demo-voice.wav' ? path.join(dataDir, 'demo-voice.wav') : pageFile(name);
        const headers = {
            'Cache-Control': 'no-cache',
            'X-Content-Type-Options': 'nosniff',
            'Cross-Origin-Resource-Policy': 'same-origin',
        };
        if (isolate) {
            headers['Cross-Origin-Opener-Policy'] = 'same-origin';
            headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
        }
        if (req.method !== 'GET' && req.method !== 'HEAD') {
            res.writeHead(405, { ...headers, Allow: 'GET, HEAD' });
            res.end();
            return;
        }
        fs.readFile(file || '', (err, body) => {
            if (!file || err) {
                res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
                res.end(`not found: /${name}\n`);
                return;
            }
            res.writeHead(200, {
                ...headers,
                'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
                'Content-Length': body.length,
            });
            res.end(req.method === 'HEAD' ? undefined : body);
        });
    });
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
            const a = server.address();
            const h = a.family === 'IPv6' ? `[${a.address}]` : a.address;
            resolve({ server, url: `http://${h}:${a.port}/` });
        });
    });
}

function usage(code) {
    (code ? process.stderr : process.stdout).write(
        'usage: node web/serve.mjs --wasm SPIKETALK.wasm [--data DIR] [--port N] ' +
        '[--host ADDR] [--no-isolation]\n');
    process.exit(code);
}

async function main(argv) {
    const o = { port: 8000, host: '127.0.0.1', isolate: true };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i], v = () => (++i < argv.length ? argv[i] : usage(2));
        if (a === '--wasm')
            o.wasm = v();
        else if (a === '--data')
            o.data = v();
        else if (a === '--port')
            o.port = Number(v());
        else if (a === '--host')
            o.host = v();
        else if (a === '--no-isolation')
            o.isolate = false;
        else if (a === '--help' || a === '-h')
            usage(0);
        else {
            process.stderr.write(`serve: unknown option ${a}\n`);
            usage(2);
        }
    }
    if (!o.wasm || !fs.existsSync(o.wasm)) {
        process.stderr.write(`serve: --wasm: ${o.wasm ? `${o.wasm}: no such file` :
            'the built spiketalk.wasm is needed'} (build it: meson setup build-web ` +
            '--cross-file web/wasm32.ini && ninja -C build-web)\n');
        process.exit(2);
    }
    if (!(Number.isInteger(o.port) && o.port >= 0 && o.port < 65536)) {
        process.stderr.write('serve: --port: must be a whole number from 0 to 65535\n');
        process.exit(2);
    }
    try {
        const { url } = await serve(o);
        process.stdout.write(`spiketalk in the browser: ${url}  (Ctrl-C stops)\n`);
    } catch (e) {
        process.stderr.write(`serve: ${o.host}:${o.port}: ${e.message}\n`);
        process.exit(1);
    }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
    main(process.argv.slice(2));
