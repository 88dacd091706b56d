// govern's service worker: the pages an inspector opened stay readable without a connection, and
// the visit form works offline (static/js/offline.js keeps drafts and photos on the device).
// Pages are fetched from the network first; a copy of each visit page and of today's work is kept
// for when the network is gone. Nothing is posted from here: the page itself sends drafts later.
const VERSION = "govern-v1";
const SHELL = [
  "/static/css/govern.css",
  "/static/js/govern.js",
  "/static/js/field.js",
  "/static/js/offline.js",
  "/static/icons/icon-192.png",
  "/static/favicon.svg",
  "/offline/",
];
const KEPT_PAGES = [/^\/inspections\/visits\/\d+\/$/, /^\/inspections\/today\/$/, /^\/inspections\/$/];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(VERSION).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== VERSION).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  // Sent by the login page: a new user on this device must not see the last user's pages.
  if (event.data === "forget-pages") {
    event.waitUntil(caches.open(VERSION).then(async (cache) => {
      for (const request of await cache.keys()) {
        if (KEPT_PAGES.some((pattern) => pattern.test(new URL(request.url).pathname))) await cache.delete(request);
      }
    }));
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(
      caches.match(request).then((hit) => hit || fetch(request).then((response) => {
        const copy = response.clone();
        if (response.ok) caches.open(VERSION).then((cache) => cache.put(request, copy));
        return response;
      })),
    );
    return;
  }
  if (request.mode !== "navigate") return;
  const keep = KEPT_PAGES.some((pattern) => pattern.test(url.pathname));
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (keep && response.ok && !response.redirected) {
          const copy = response.clone();
          caches.open(VERSION).then((cache) => cache.put(url.pathname, copy));
        }
        return response;
      })
      .catch(async () => (await caches.match(url.pathname)) || (await caches.match("/offline/"))),
  );
});
