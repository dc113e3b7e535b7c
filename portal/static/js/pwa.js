/* The installable app's page side, loaded by every page (templates/base.html):
   - registers the service worker (/sw.js);
   - keeps the drafts offline-draft.js saved on this phone for one citizen only: another citizen signing in
     or signing out wipes them;
   - sends a "Lưu nháp"/"Tiếp tục" pressed without the network as soon as the network is back (and at the
     next page opened online): it first reads a fresh CSRF token from the form's own page, then posts the
     saved values as the form would have, and opens the page the portal answered with;
   - on the offline page, lists the drafts kept here.
   Storage: localStorage["dvc.drafts.v1"] = {user, forms: {<form URL path>: {title, savedAt, values:
   [[name, value], ...], pending: {intent, queuedAt} | null, sentAt, sentIntent}}}. */
(function () {
  "use strict";
  const KEY = "dvc.drafts.v1";
  const NOTE = "dvc.drafts.note";
  const RETRIES = "dvc.offline.reloads";
  const script = document.currentScript;
  const data = script ? script.dataset : {};

  function load() {
    try {
      const stored = JSON.parse(window.localStorage.getItem(KEY) || "null");
      return stored && typeof stored.forms === "object" ? stored : {user: "", forms: {}};
    } catch (error) {
      return {user: "", forms: {}};
    }
  }

  function save(store) {
    try {
      if (Object.keys(store.forms).length) {
        window.localStorage.setItem(KEY, JSON.stringify(store));
      } else {
        window.localStorage.removeItem(KEY);
      }
    } catch (error) {
      /* storage full or refused: the form still works online */
    }
  }

  function wipe() {
    try {
      window.localStorage.removeItem(KEY);
      window.sessionStorage.removeItem(NOTE);
    } catch (error) {
      /* nothing kept */
    }
  }

  const store = load();
  // Drafts belong to the citizen who typed them; a page of nobody signed in keeps them (the session may
  // only have expired: they are sent once the citizen signs in again).
  if (data.user && store.user && store.user !== data.user) {
    wipe();
  }

  function showNote(text, kind, link) {
    const main = document.getElementById("main");
    if (!main || !text) {
      return;
    }
    const note = document.createElement("div");
    note.className = "alert alert-" + kind;
    note.setAttribute("role", kind === "success" ? "status" : "alert");
    note.textContent = text + " ";
    if (link) {
      const anchor = document.createElement("a");
      anchor.href = link;
      anchor.textContent = data.open || link;
      note.appendChild(anchor);
    }
    main.insertBefore(note, main.firstChild);
  }

  function tokenIn(html) {
    const page = new DOMParser().parseFromString(html, "text/html");
    const input = page.querySelector("form.application-form input[name=csrf_token]")
      || page.querySelector("input[name=csrf_token]");
    return input ? input.value : null;
  }

  let sending = false;
  let retries = 0;

  async function sendPending() {
    if (sending || !navigator.onLine) {
      return;
    }
    sending = true;
    try {
      const current = load();
      for (const [path, entry] of Object.entries(current.forms)) {
        if (!entry.pending) {
          continue;
        }
        const formPage = await fetch(path, {credentials: "same-origin", cache: "no-store"});
        if (new URL(formPage.url).pathname !== path || !formPage.ok) {
          if (/\/dang-nhap/.test(new URL(formPage.url).pathname)) {
            showNote(data.signIn, "warning", null);
            return;
          }
          entry.pending = null;  // the draft is gone or no longer editable: nothing to send it to
          save(current);
          showNote(data.notSent, "warning", null);
          continue;
        }
        const token = tokenIn(await formPage.text());
        const body = new FormData();
        for (const [name, value] of entry.values) {
          body.append(name, value);
        }
        if (token) {
          body.append("csrf_token", token);
        }
        body.append("intent", entry.pending.intent);
        const answer = await fetch(path, {method: "POST", body: body, credentials: "same-origin"});
        if (answer.ok && new URL(answer.url).pathname !== path) {
          // Saved: the portal answered with the draft's (or the check-answers) page.
          delete current.forms[path];
          save(current);
          window.sessionStorage.setItem(NOTE, "sent");
          window.location.assign(answer.url);
          return;
        }
        // Refused (a value to correct): the values stay here, the citizen opens the form and sends it.
        entry.pending = null;
        save(current);
        showNote(data.notSent, "warning", path);
      }
    } catch (error) {
      // No answer: the network is not quite back (the "online" event can come first). Tried again
      // shortly a few times, then at the next "online" event or page.
      if (navigator.onLine && retries < 5) {
        retries += 1;
        window.setTimeout(sendPending, 2000 * retries);
      }
    } finally {
      sending = false;
    }
  }

  // A form sent normally: its copy here is dropped once the portal answered with another page; kept when
  // the same form came back with errors, and queued when the worker answered with the offline page.
  function settleSent() {
    const current = load();
    const offlinePage = document.querySelector("[data-offline-page]");
    const form = document.querySelector("form[data-offline-draft]");
    const here = form ? new URL(form.action || window.location.href, window.location.href).pathname : null;
    const refused = document.querySelector("#error-summary, .is-invalid");
    let changed = false;
    for (const [path, entry] of Object.entries(current.forms)) {
      if (!entry.sentAt) {
        continue;
      }
      changed = true;
      if (offlinePage) {
        entry.pending = {intent: entry.sentIntent || "save", queuedAt: Date.now()};
        entry.sentAt = null;
      } else if (path === here && refused) {
        entry.sentAt = null;
      } else {
        delete current.forms[path];
      }
    }
    if (changed) {
      save(current);
    }
  }

  function listDrafts() {
    const list = document.querySelector("[data-offline-drafts]");
    if (!list) {
      return;
    }
    const entries = Object.entries(load().forms);
    const empty = document.querySelector("[data-offline-drafts-empty]");
    if (empty) {
      empty.hidden = entries.length > 0;
    }
    for (const [path, entry] of entries) {
      const item = document.createElement("li");
      item.className = "list-group-item";
      const link = document.createElement("a");
      link.href = path;
      link.textContent = entry.title || path;
      const detail = document.createElement("div");
      detail.className = "small text-muted";
      const moment = new Date(entry.savedAt).toLocaleString(document.documentElement.lang || "vi");
      detail.textContent = (entry.pending ? list.dataset.pending : list.dataset.typed) + " · "
        + list.dataset.savedAt + " " + moment;
      item.append(link, detail);
      list.appendChild(item);
    }
  }

  function watchSignOut() {
    if (!data.logout) {
      return;
    }
    document.addEventListener("submit", (event) => {
      const action = event.target.getAttribute("action") || "";
      if (new URL(action, window.location.href).pathname === data.logout) {
        wipe();
      }
    });
  }

  function init() {
    if (data.user) {
      const current = load();
      if (current.user !== data.user && Object.keys(current.forms).length) {
        current.user = data.user;
        save(current);
      }
    }
    settleSent();
    listDrafts();
    watchSignOut();
    if (window.sessionStorage.getItem(NOTE) === "sent") {
      window.sessionStorage.removeItem(NOTE);
      showNote(data.sent, "success", null);
    }
    if (document.querySelector("[data-offline-page]")) {
      // The worker's copy of the offline page is nobody's: the page asked for, reloaded, is the
      // citizen's own, from which the kept drafts are sent. The "online" event may come a moment before
      // the worker's requests get through: the reload waits a second, and is tried again a few times
      // while the offline page comes back although the phone says it is online.
      window.addEventListener("online", () => window.setTimeout(() => window.location.reload(), 1000));
      const tries = Number(window.sessionStorage.getItem(RETRIES) || "0");
      if (navigator.onLine && tries < 3) {
        window.sessionStorage.setItem(RETRIES, String(tries + 1));
        window.setTimeout(() => window.location.reload(), 2000 * (tries + 1));
      }
    } else {
      window.sessionStorage.removeItem(RETRIES);
      if (data.user) {
        window.addEventListener("online", sendPending);
        sendPending();
      }
    }
  }

  window.PortalDrafts = {load: load, save: save, user: data.user || ""};
  if ("serviceWorker" in navigator && data.worker) {
    navigator.serviceWorker.register(data.worker, {scope: "/"}).catch(() => {
      /* no worker (private window, old browser): the portal works as a plain web site */
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
