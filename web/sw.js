// SPDX-License-Identifier: GPL-3.0-or-later
// The service worker: keeps the page, its modules, the WebAssembly module and the demo voice
// in a cache on the first visit, so that the page works offline afterwards. Network first
// (a changed file shows on the next load), the cache when the network fails.
const CACHE = 'spiketalk-v1';
const FILES = [
    './',
    'index.html',
    'style.css',
    'app.js',
    'channel.js',
    'live.js',
    'plot.js',
    'wasm.js',
    'worklet.js',
    'spiketalk.wasm',
    'demo-voice.wav',
    'icon.svg',
    'manifest.webmanifest',
];

self.addEventListener('install', (e) => {
    e.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (e) => {
    e.waitUntil(caches.keys()
        .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
        .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (e) => {
    const req = e.request;
    if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin)
        return;
    e.respondWith(fetch(req).then((res) => {
        if (res.ok) {
            const copy = res.clone();
            caches.open(CACHE).then((c) => c.put(req, copy));
        }
        return res;
    }).catch(() => caches.match(req, { ignoreSearch: true }).then((hit) =>
        hit || new Response('offline, and not in the cache', { status: 503 }))));
});
