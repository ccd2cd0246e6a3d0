// The service worker: after the first load everything the page needs comes
// from this cache, so the page works with the network cut. The page's own
// files are served cache-first (a new deployment changes VERSION, set by
// web/build.sh from their contents); the trust files (trust.bundle,
// root.pub.pem, rules.json) are asked of the network first, once at start,
// so a copied-in newer bundle is taken, and from the cache when offline.
const VERSION = '__QRCRED_VERSION__';
const CACHE = `qrcred-${VERSION}`;
const APP = ['./', 'index.html', 'app.js', 'worker.js', 'style.css', 'manifest.webmanifest', 'icon.svg', 'pkg/qrcred.js', 'pkg/qrcred_wasm.js', 'pkg/qrcred_wasm_bg.wasm'];
const TRUST = ['trust.bundle', 'root.pub.pem', 'rules.json'];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(APP);
    // rules.json is optional: cache the trust files that exist.
    await Promise.all(TRUST.map(async (name) => {
      const response = await fetch(name, { cache: 'no-cache' }).catch(() => null);
      if (response?.ok) await cache.put(name, response);
    }));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('qrcred-') && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  const name = url.pathname.slice(new URL('./', self.location.href).pathname.length);
  if (TRUST.includes(name)) {
    event.respondWith((async () => {
      const cache = await caches.open(CACHE);
      const response = await fetch(event.request).catch(() => null);
      if (response?.ok) {
        await cache.put(name, response.clone());
        return response;
      }
      return (await cache.match(name)) ?? response ?? new Response('', { status: 404 });
    })());
    return;
  }
  event.respondWith((async () => {
    const cached = await caches.match(event.request, { ignoreSearch: true });
    return cached ?? fetch(event.request);
  })());
});
