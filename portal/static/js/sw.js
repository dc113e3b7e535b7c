/* The portal's service worker (served as /sw.js, settings in self.PORTAL_SW, see portal/pwa/views.py).
   Static files: from the cache first (their cache is renamed with every deployment).
   Pages: from the network first; a copy is kept only of a page anyone may see (not marked no-store, as
   every page of a signed-in person is), and without the network the kept copy or the offline page is shown.
   Nothing else (API calls, uploads, attachments, documents) goes through the caches. */
"use strict";

const SETTINGS = self.PORTAL_SW;
const SHELL = "shell-" + SETTINGS.version;
const PAGES = "pages-" + SETTINGS.version;
const PAGE_LIMIT = 30;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    // Without cookies: the pages kept are the ones anyone sees, whoever is signed in on this phone, and
    // no answer to these requests can overwrite the session cookie of a sign-in sent meanwhile.
    await Promise.all(SETTINGS.shell.concat([SETTINGS.offline, SETTINGS.home]).map(async (url) => {
      const response = await fetch(url, {credentials: "omit", cache: "no-store"});
      if (!response.ok) {
        throw new Error(url + ": " + response.status);
      }
      await cache.put(url, response);
    }));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const keep = new Set([SHELL, PAGES]);
    for (const name of await caches.keys()) {
      if (!keep.has(name)) {
        await caches.delete(name);
      }
    }
    await self.clients.claim();
  })());
});

function isAsset(url) {
  return SETTINGS.assetPrefixes.some((prefix) => url.pathname.startsWith(prefix));
}

function mayKeep(response) {
  const control = (response.headers.get("Cache-Control") || "").toLowerCase();
  const type = response.headers.get("Content-Type") || "";
  return response.ok && response.type === "basic" && !response.redirected && type.startsWith("text/html")
    && !control.includes("no-store") && !control.includes("private");
}

async function keepPage(request, response) {
  const cache = await caches.open(PAGES);
  await cache.put(request, response);
  const keys = await cache.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - PAGE_LIMIT))) {
    await cache.delete(old);
  }
}

async function offlinePage() {
  return (await caches.match(SETTINGS.offline))
    || new Response("Bạn đang ngoại tuyến.", {status: 503, headers: {"Content-Type": "text/plain; charset=utf-8"}});
}

async function page(event) {
  const request = event.request;
  try {
    const response = await fetch(request);
    // Pages with a query (searches) are not kept: the cache stays small and holds the shell's pages.
    if (request.method === "GET" && !new URL(request.url).search && mayKeep(response)) {
      event.waitUntil(keepPage(request, response.clone()));
    }
    return response;
  } catch (error) {
    if (request.method === "GET") {
      const kept = await caches.match(request, {ignoreVary: true});
      if (kept) {
        return kept;
      }
    }
    // A form sent without the network (pwa.js then keeps its values to send them later).
    return offlinePage();
  }
}

async function asset(request) {
  const kept = await caches.match(request);
  if (kept) {
    return kept;
  }
  // Without cookies, as at install: a static file needs none.
  const response = await fetch(request.url, {credentials: "omit"});
  if (response.ok && response.type === "basic") {
    const cache = await caches.open(SHELL);
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(page(event));
  } else if (request.method === "GET" && isAsset(url)) {
    event.respondWith(asset(request));
  }
});
