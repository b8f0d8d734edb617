/* cemkit checklists: ticks saved in localStorage, each keyed by the checklist it belongs to (a role's
 * page, or the stage pages) and "<playbook>/<item>" ids, never by position. So a tick on the marketing
 * checklist is not a tick on the frontline one, and Reset on one leaves the others alone.
 * Ticks saved before they were kept per checklist (storage "cemkit.checklist.v1", keyed by item only)
 * are carried over: the first time a checklist is opened, it takes the old ticks of its items.
 * Works with and without Material's instant navigation; bad or foreign storage is ignored, never fatal. */
(function () {
  "use strict";

  var STORAGE_KEY = "cemkit.checklist.v2";
  var OLD_STORAGE_KEY = "cemkit.checklist.v1";
  var NAME_KEY = "cemkit.checklist.name";
  var EXPORT_FORMAT = "cemkit-checklist";
  var ID = "[a-z0-9]+(?:-[a-z0-9]+)*";
  var KEY_PATTERN = new RegExp("^" + ID + "/" + ID + "$");
  var SCOPED_KEY_PATTERN = new RegExp("^" + ID + "/" + ID + "/" + ID + "$");

  function isPlainObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  /* The items of stored or exported progress ({key: true/false}), or null if any entry is malformed. */
  function readItems(items, pattern) {
    var read = {};
    if (!isPlainObject(items)) return null;
    var keys = Object.keys(items);
    for (var i = 0; i < keys.length; i++) {
      if (!(pattern || KEY_PATTERN).test(keys[i]) || typeof items[keys[i]] !== "boolean") return null;
      read[keys[i]] = items[keys[i]];
    }
    return read;
  }

  function cleanItems(items, pattern) {
    var read = readItems(items, pattern);
    if (read === null) return null;
    var clean = {};
    Object.keys(read).forEach(function (key) { if (read[key]) clean[key] = true; });
    return clean;
  }

  function readStorage(key) {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  /* {items: {"<checklist>/<playbook>/<item>": true}, migrated: [checklists that took the old ticks]} */
  function loadStore() {
    var data = readStorage(STORAGE_KEY);
    var store = { items: {}, migrated: [] };
    if (isPlainObject(data) && data.version === 2) {
      store.items = cleanItems(data.items, SCOPED_KEY_PATTERN) || {};
      if (Array.isArray(data.migrated)) {
        store.migrated = data.migrated.filter(function (name) { return typeof name === "string" && new RegExp("^" + ID + "$").test(name); });
      }
    }
    return store;
  }

  function saveStore(store) {
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify({ version: 2, items: store.items, migrated: store.migrated }));
    } catch (error) {
      /* storage full or disabled: the page keeps working, ticks are just not kept */
    }
  }

  /* The ticks saved before checklists were kept apart: {"<playbook>/<item>": true}. */
  function oldTicks() {
    var data = readStorage(OLD_STORAGE_KEY);
    return isPlainObject(data) && data.version === 1 ? cleanItems(data.items) || {} : {};
  }

  function scopeOf(box) {
    var list = box.closest("[data-scope]");
    return (list && list.getAttribute("data-scope")) || "stage";
  }

  function storeKey(box) {
    return scopeOf(box) + "/" + box.getAttribute("data-key");
  }

  /* The first time a checklist is opened, it takes the old ticks of its items (no trainee loses a tick). */
  function migrate(store, all) {
    var old = null;
    all.forEach(function (box) {
      var scope = scopeOf(box);
      if (store.migrated.indexOf(scope) >= 0) return;
      old = old || oldTicks();
      if (old[box.getAttribute("data-key")]) store.items[storeKey(box)] = true;
    });
    var changed = false;
    all.forEach(function (box) {
      var scope = scopeOf(box);
      if (store.migrated.indexOf(scope) < 0) { store.migrated.push(scope); changed = true; }
    });
    if (changed) saveStore(store);
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, name) {
      return String(values[name]);
    });
  }

  function boxes(root) {
    return Array.prototype.slice.call(root.querySelectorAll("input.cem-check[data-key]"));
  }

  function updateProgress(root, tools) {
    var template = tools ? tools.getAttribute("data-msg-progress") : "{done} / {total}";
    var all = boxes(root);
    var stages = root.querySelectorAll(".cem-progress[data-stage]");
    for (var i = 0; i < stages.length; i++) {
      var stage = stages[i].getAttribute("data-stage");
      var mine = all.filter(function (box) { return box.getAttribute("data-stage") === stage; });
      stages[i].textContent = format(template, { done: mine.filter(function (b) { return b.checked; }).length, total: mine.length });
    }
    var total = root.querySelector(".cem-progress-total");
    if (total) {
      var done = all.filter(function (b) { return b.checked; }).length;
      total.textContent = format(template, { done: done, total: all.length });
      var meter = root.querySelector(".cem-progress-meter");
      if (meter) meter.value = all.length ? done / all.length : 0;
    }
  }

  function say(tools, message) {
    var place = tools && tools.querySelector(".cem-message");
    if (place) place.textContent = message;
  }

  function today() {
    return new Date().toISOString().slice(0, 10);
  }

  function exportTicks(root, tools) {
    var items = {};
    boxes(root).forEach(function (box) { items[box.getAttribute("data-key")] = box.checked; });
    var name = tools.getAttribute("data-cem-checklist");
    var payload = { format: EXPORT_FORMAT, version: 1, checklist: name, exported: today(), items: items };
    var blob = new Blob([JSON.stringify(payload, null, 2) + "\n"], { type: "application/json" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "cem-checklist-" + name + "-" + today() + ".json";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
    say(tools, tools.getAttribute("data-msg-exported"));
  }

  /* Import merges: every tick of the file is added (also for items of other role pages, which show them
   * when opened); a tick here is removed only if the file has that item unticked and the reader agrees. */
  function importTicks(root, tools, file) {
    var reader = new FileReader();
    reader.onload = function () {
      var items = null;
      try {
        var data = JSON.parse(String(reader.result));
        if (isPlainObject(data) && data.format === EXPORT_FORMAT && data.version === 1) items = readItems(data.items);
      } catch (error) {
        items = null;
      }
      if (items === null) {
        say(tools, tools.getAttribute("data-msg-import-bad"));
        return;
      }
      var store = loadStore();
      var scope = tools.getAttribute("data-cem-checklist");
      var added = 0;
      var unticked = [];
      Object.keys(items).forEach(function (key) {
        var scoped = scope + "/" + key;
        if (items[key] && !store.items[scoped]) {
          store.items[scoped] = true;
          added += 1;
        } else if (!items[key] && store.items[scoped]) {
          unticked.push(scoped);
        }
      });
      var removed = 0;
      if (unticked.length && window.confirm(format(tools.getAttribute("data-msg-confirm-untick"), { count: unticked.length }))) {
        unticked.forEach(function (key) { delete store.items[key]; });
        removed = unticked.length;
      }
      saveStore(store);
      boxes(root).forEach(function (box) { box.checked = store.items[storeKey(box)] === true; });
      updateProgress(root, tools);
      say(tools, format(tools.getAttribute("data-msg-imported"), { added: added, removed: removed, kept: unticked.length - removed }));
    };
    reader.onerror = function () { say(tools, tools.getAttribute("data-msg-import-bad")); };
    reader.readAsText(file);
  }

  function resetTicks(root, tools) {
    if (!window.confirm(tools.getAttribute("data-msg-confirm-reset"))) return;
    var store = loadStore();
    boxes(root).forEach(function (box) {
      box.checked = false;
      delete store.items[storeKey(box)];
    });
    saveStore(store);
    updateProgress(root, tools);
  }

  /* The line printed above the checklist: the trainee's name and the date, and with ticks the total. */
  function fillPrintHeader(root, tools, blank) {
    var header = root.querySelector(".cem-print-header");
    if (!header) return;
    var name = (tools.querySelector(".cem-name") || {}).value || "";
    var line = "_______________";
    var parts = [
      header.getAttribute("data-label-name") + ": " + (blank || !name.trim() ? line : name.trim()),
      header.getAttribute("data-label-date") + ": " + (blank ? line : today())
    ];
    if (!blank) parts.push(root.querySelector(".cem-progress-total").textContent);
    header.textContent = parts.join("    ");
  }

  function printChecklist(blank) {
    var html = document.documentElement;
    html.classList.toggle("cem-print-blank", blank); /* the header is filled on "beforeprint" */
    window.addEventListener("afterprint", function done() {
      html.classList.remove("cem-print-blank");
      window.removeEventListener("afterprint", done);
    });
    window.print();
  }

  /* Show only one stage's part of the checklist (its heading down to the next stage's), or all. */
  function showStage(root, stage) {
    var headings = root.querySelectorAll("h3[id^='stage-']");
    for (var i = 0; i < headings.length; i++) {
      var shown = !stage || headings[i].id === "stage-" + stage;
      for (var node = headings[i]; node; node = node.nextElementSibling) {
        if (node !== headings[i] && /^H[1-3]$/.test(node.tagName)) break;
        node.hidden = !shown;
      }
    }
  }

  function init(root) {
    var all = boxes(root);
    if (!all.length) return;
    var tools = root.querySelector(".cem-tools[data-cem-checklist]");
    document.documentElement.classList.remove("cem-hide-done");
    var store = loadStore();
    migrate(store, all);
    all.forEach(function (box) {
      box.disabled = false;
      box.checked = store.items[storeKey(box)] === true;
      box.addEventListener("change", function () {
        var current = loadStore();
        var key = storeKey(box);
        if (box.checked) current.items[key] = true; else delete current.items[key];
        saveStore(current);
        all.forEach(function (twin) { if (storeKey(twin) === key) twin.checked = box.checked; });
        updateProgress(root, tools);
      });
    });
    if (tools) {
      tools.hidden = false;
      tools.addEventListener("click", function (event) {
        var action = event.target.getAttribute && event.target.getAttribute("data-cem-action");
        if (action === "export") exportTicks(root, tools);
        else if (action === "reset") resetTicks(root, tools);
        else if (action === "print-blank") printChecklist(true);
        else if (action === "print-ticks") printChecklist(false);
      });
      var bar = root.querySelector(".cem-bar");
      if (bar) {
        bar.hidden = false;
        bar.addEventListener("change", function (event) {
          var action = event.target.getAttribute && event.target.getAttribute("data-cem-action");
          if (action === "hide-done") document.documentElement.classList.toggle("cem-hide-done", event.target.checked);
          else if (action === "stage") showStage(root, event.target.value);
        });
      }
      var input = tools.querySelector('input[type="file"][data-cem-action="import"]');
      input.addEventListener("change", function () {
        if (input.files && input.files[0]) importTicks(root, tools, input.files[0]);
        input.value = "";
      });
      var name = tools.querySelector(".cem-name");
      if (name) {
        try { name.value = window.localStorage.getItem(NAME_KEY) || ""; } catch (error) { name.value = ""; }
        name.addEventListener("change", function () {
          try { window.localStorage.setItem(NAME_KEY, name.value.trim()); } catch (error) { /* not kept */ }
        });
      }
    }
    updateProgress(root, tools);
  }

  /* Printing from the buttons or from the browser's menu: the header says who, when and how far. */
  window.addEventListener("beforeprint", function () {
    var tools = document.querySelector(".cem-tools[data-cem-checklist]");
    if (tools) fillPrintHeader(document, tools, document.documentElement.classList.contains("cem-print-blank"));
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { init(document); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
