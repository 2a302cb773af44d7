"use strict";
// Autosave for the article form: keeps the unsaved fields on the server while the editor types,
// and offers them back (Restore / Discard) when the form is opened again.
// Configured by the #autosave-config JSON that templatetags/autosave.py renders.
(function () {
  const QUIET_MS = 3000; // after the last change
  const LONGEST_MS = 10000; // between saves while the editor keeps typing

  const configElement = document.getElementById("autosave-config");
  const form = document.getElementById("article_form");
  if (!configElement || !form) {
    return; // not a form this user may edit
  }
  const config = JSON.parse(configElement.textContent);
  const fields = new Set(config.fields);
  let dirtySince = 0;
  let timer = null;
  let submitting = false;

  function csrfToken() {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
      // A logged-out session answers with the login page: that is no save.
      redirect: "error",
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("autosave: " + response.status);
      }
      return response;
    });
  }

  function payload() {
    const all = new FormData(form);
    const data = new FormData();
    // sendBeacon cannot set the X-CSRFToken header: the token travels in the body as well.
    data.append("csrfmiddlewaretoken", csrfToken());
    for (const name of config.fields) {
      for (const value of all.getAll(name)) {
        data.append(name, value);
      }
    }
    return data;
  }

  function save(leaving) {
    clearTimeout(timer);
    timer = null;
    if (!dirtySince || submitting) {
      return;
    }
    const since = dirtySince;
    dirtySince = 0;
    const data = payload();
    // A hidden page may be closed before a fetch completes; a beacon outlives it. It refuses
    // large bodies, and those go by fetch.
    if (leaving && navigator.sendBeacon && navigator.sendBeacon(config.save, data)) {
      return;
    }
    post(config.save, data).catch(function () {
      dirtySince = dirtySince || since; // tried again on the next change or when hidden
    });
  }

  function changed(event) {
    if (submitting || !event.target || !fields.has(event.target.name)) {
      return; // the workflow note and time are not kept
    }
    const now = Date.now();
    dirtySince = dirtySince || now;
    clearTimeout(timer);
    timer = setTimeout(save, Math.max(0, Math.min(QUIET_MS, dirtySince + LONGEST_MS - now)));
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  // Select2 (the categories) announces changes through jQuery only.
  if (window.django && window.django.jQuery) {
    window.django.jQuery(form).on("change", changed);
  }
  // The save itself replaces the autosave; a late one would outlive it.
  form.addEventListener("submit", function () {
    submitting = true;
    clearTimeout(timer);
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      submitting = false; // back from the browser's cache: the form is live again
    }
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      save(true);
    }
  });
  window.addEventListener("pagehide", function () {
    save(true);
  });

  const notice = document.getElementById("autosave-notice");
  if (!notice || !config.restore) {
    return;
  }

  function restoreSelect(select, values) {
    const wanted = new Set(values.map(String));
    const names = config.category_names || {};
    for (const value of wanted) {
      // The autocomplete select holds only the options selected when the page was made.
      if (!select.querySelector("option[value='" + CSS.escape(value) + "']") && names[value]) {
        select.add(new Option(names[value], value));
      }
    }
    for (const option of select.options) {
      option.selected = wanted.has(option.value);
    }
  }

  function restore() {
    for (const name of config.fields) {
      const field = form.elements.namedItem(name);
      if (!(name in config.restore) || !field || field instanceof RadioNodeList) {
        continue;
      }
      if (field instanceof HTMLSelectElement && field.multiple) {
        restoreSelect(field, config.restore[name]);
      } else {
        field.value = config.restore[name];
      }
      // The editor's preview, the slug and select2 follow these; they also mark the form changed.
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }
    notice.querySelector("[data-autosave=offer]").hidden = true;
    notice.querySelector("[data-autosave=restored]").hidden = false;
  }

  function discard() {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", csrfToken());
    post(config.discard, data)
      .then(function () {
        notice.hidden = true;
      })
      .catch(function () {
        // The notice stays: the autosave is still there.
      });
  }

  notice.querySelector("[data-autosave=restore]").addEventListener("click", restore);
  notice.querySelector("[data-autosave=discard]").addEventListener("click", discard);
})();
