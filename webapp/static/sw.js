/* Psoas Coach service worker.
 *
 * Served at /sw.js by webapp/pwa.py, which fills in BUILD (a hash of the static files and the
 * catalogue, so any change makes a new cache), PRECACHE (every page and API read of the app, from
 * its routes, and the static files) and NEVER_CACHED (paths of live streams and state). Served raw,
 * the placeholders are still valid JS (empty lists).
 *
 * Strategies:
 *   - navigations and other HTML: network first, a copy kept in the cache; offline -> the cached
 *     page (query string ignored as a second try) -> the cached /offline page.
 *   - /static/* and /figures/* (versioned exercise pictures): cache first, then network (and keep a copy).
 *   - /api/*.json GETs: network first, cache fallback.
 *   - never touched: anything but GET (POSTs go straight to the network), /session/events (SSE),
 *     htmx partial requests (HX-Request header: a partial must never stand in for a page),
 *     other origins.
 */
'use strict';

const BUILD = '__BUILD__';
const PRECACHE = /*__PRECACHE__*/ [];
const NEVER_CACHED = /*__NEVER_CACHED__*/ [];
const CACHE = 'psoas-coach-' + BUILD;
const OFFLINE_URL = '/offline';

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // One by one with cache: 'reload' (skip the HTTP cache), so one missing page cannot
    // block the whole install; each answer is checked before it is stored.
    await Promise.all(PRECACHE.map(async (url) => {
      try {
        const response = await fetch(new Request(url, {cache: 'reload', credentials: 'same-origin'}));
        if (response.ok && !response.redirected) {
          await cache.put(url, response);
        } else if (response.ok && response.redirected) {
          // A redirected answer cannot serve a navigation; store a clean copy of the body.
          const body = await response.blob();
          await cache.put(url, new Response(body, {status: 200, headers: response.headers}));
        }
      } catch (err) {
        // Offline during install: keep going, the runtime cache fills in later.
      }
    }));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names
      .filter((name) => name.startsWith('psoas-coach-') && name !== CACHE)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

function isNeverCached(request, url) {
  return request.method !== 'GET'
    || url.origin !== self.location.origin
    || NEVER_CACHED.includes(url.pathname)
    || url.pathname.startsWith('/alexa')
    || request.headers.has('HX-Request')
    || request.headers.get('Accept') === 'text/event-stream';
}

async function keep(request, response) {
  if (response && response.ok && response.type === 'basic') {
    const cache = await caches.open(CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

async function cachedPage(request) {
  const cache = await caches.open(CACHE);
  return (await cache.match(request, {ignoreVary: true}))
    || (await cache.match(request, {ignoreSearch: true, ignoreVary: true}));
}

async function networkFirstPage(request) {
  try {
    const response = await fetch(request);
    // Keep successful page answers (not redirects into other pages' content).
    if (response.ok && !response.redirected) await keep(request, response);
    return response;
  } catch (err) {
    const hit = await cachedPage(request);
    if (hit) return hit;
    const cache = await caches.open(CACHE);
    const offline = await cache.match(OFFLINE_URL);
    return offline || new Response('You are offline and this page was not saved yet.', {
      status: 503, headers: {'Content-Type': 'text/plain; charset=utf-8'},
    });
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request) || await cache.match(request, {ignoreSearch: true});
  if (hit) return hit;
  const response = await fetch(request);
  return keep(request, response);
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    return await keep(request, response);
  } catch (err) {
    const hit = await caches.match(request, {cacheName: CACHE});
    if (hit) return hit;
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (isNeverCached(request, url)) return;  // the browser does what it would without us
  if (request.mode === 'navigate' || (request.headers.get('Accept') || '').includes('text/html')) {
    event.respondWith(networkFirstPage(request));
  } else if (url.pathname.startsWith('/static/') || url.pathname.startsWith('/figures/')
             || url.pathname === '/manifest.webmanifest') {
    event.respondWith(cacheFirst(request));
  } else if (url.pathname.startsWith('/api/')) {
    event.respondWith(networkFirst(request));
  }
});

/* Web Push (shared_content/push_scheduler.py): the daily reminder and the desk-break nudge. */
self.addEventListener('push', (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  const title = data.title || 'Psoas Coach';
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || '',
    icon: '/static/icons/icon-192.png',
    tag: data.topic || 'psoas-coach',
    data: { url: data.url || '/' },
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || '/';
  event.waitUntil(self.clients.matchAll({ type: 'window' }).then((windows) => {
    for (const w of windows) { if ('focus' in w) { w.navigate(url); return w.focus(); } }
    return self.clients.openWindow(url);
  }));
});
