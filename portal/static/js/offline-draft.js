/* The apply and draft forms (templates/pwa/_offline_draft.html): while the citizen types, the values are
   kept on the phone (pwa.js's store; never files, passwords or the CSRF token); a "Lưu nháp"/"Tiếp tục"
   pressed without the network is kept to be sent by pwa.js when the network returns. With the network the
   form is sent as without JavaScript. */
(function () {
  "use strict";
  const SENT_INTENTS = ["save", "review", "submit"];
  const SKIPPED_TYPES = ["file", "password", "submit", "button", "reset", "image"];

  function keyOf(form) {
    return new URL(form.getAttribute("action") || window.location.href, window.location.href).pathname;
  }

  function valuesOf(form) {
    const values = [];
    for (const element of form.elements) {
      const type = (element.type || "").toLowerCase();
      if (!element.name || element.disabled || element.name === "csrf_token" || element.name === "intent"
          || SKIPPED_TYPES.includes(type)) {
        continue;
      }
      if ((type === "checkbox" || type === "radio") && !element.checked) {
        continue;
      }
      if (element.tagName === "SELECT" && element.multiple) {
        for (const option of element.selectedOptions) {
          values.push([element.name, option.value]);
        }
      } else {
        values.push([element.name, element.value]);
      }
    }
    return values;
  }

  function restore(form, values) {
    const byName = new Map();
    for (const [name, value] of values) {
      byName.set(name, (byName.get(name) || []).concat([value]));
    }
    for (const element of form.elements) {
      const type = (element.type || "").toLowerCase();
      if (!byName.has(element.name) || element.name === "csrf_token" || SKIPPED_TYPES.includes(type)
          || type === "hidden") {
        continue;
      }
      const kept = byName.get(element.name);
      if (type === "checkbox" || type === "radio") {
        element.checked = kept.includes(element.value);
      } else if (element.tagName === "SELECT" && element.multiple) {
        for (const option of element.options) {
          option.selected = kept.includes(option.value);
        }
      } else {
        element.value = kept[0];
      }
    }
  }

  function titleOf() {
    const lead = document.querySelector("main .lead");
    return (lead ? lead.firstChild.textContent : document.title).trim();
  }

  function setUp(form) {
    const drafts = window.PortalDrafts;
    const status = document.querySelector("[data-offline-status]");
    if (!drafts || !drafts.user) {
      return;
    }
    const key = keyOf(form);
    const version = form.elements.expected_version ? form.elements.expected_version.value : "";

    function tell(text, kind) {
      if (status) {
        status.className = "offline-draft-status alert alert-" + kind;
        status.textContent = text;
      }
    }

    function keep(change) {
      const store = drafts.load();
      store.user = drafts.user;
      const entry = Object.assign(store.forms[key] || {pending: null}, {
        title: titleOf(), savedAt: Date.now(), version: version, values: valuesOf(form)}, change || {});
      store.forms[key] = entry;
      drafts.save(store);
    }

    // Restored only over a page the portal drew afresh (not one showing errors, which holds what was
    // sent) and, for a draft, only if the draft was not changed since (another device, another tab).
    const kept = drafts.load().forms[key];
    const refused = document.querySelector("#error-summary, .is-invalid");
    if (kept && !refused && (kept.version || "") === version && kept.values) {
      restore(form, kept.values);
      if (status && status.dataset.restored) {
        tell(status.dataset.restored, "info");
      }
    }

    let timer = null;
    function soon() {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => keep(), 300);
    }
    form.addEventListener("input", soon);
    form.addEventListener("change", soon);

    form.addEventListener("submit", (event) => {
      window.clearTimeout(timer);
      const button = event.submitter;
      const intent = button && button.name === "intent" ? button.value : "fee";
      if (navigator.onLine) {
        // Sent now: pwa.js drops the copy once the portal answers with another page.
        keep(SENT_INTENTS.includes(intent) ? {sentAt: Date.now(), sentIntent: intent} : {});
        return;
      }
      event.preventDefault();
      if (!SENT_INTENTS.includes(intent)) {
        keep();
        tell(status ? status.dataset.fee : "", "warning");
        return;
      }
      keep({pending: {intent: intent, queuedAt: Date.now()}, sentAt: null});
      const withFiles = Array.from(form.querySelectorAll("input[type=file]")).some((input) => input.files.length);
      tell(status ? status.dataset.queued + (withFiles ? " " + status.dataset.files : "") : "", "info");
      if (status) {
        status.setAttribute("tabindex", "-1");
        status.focus();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.querySelector("form[data-offline-draft]");
    if (form) {
      setUp(form);
    }
  });
}());
