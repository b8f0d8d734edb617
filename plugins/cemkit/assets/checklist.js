/* cemkit checklists: ticks saved in localStorage, keyed by "<playbook>/<item>" ids, never by position.
 * Works with and without Material's instant navigation; bad or foreign storage is ignored, never fatal. */
(function () {
  "use strict";

  var STORAGE_KEY = "cemkit.checklist.v1";
  var EXPORT_FORMAT = "cemkit-checklist";
  var KEY_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*\/[a-z0-9]+(?:-[a-z0-9]+)*$/;

  function isPlainObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  /* The items of stored or exported progress ({key: true/false}), or null if any entry is malformed. */
  function readItems(items) {
    var read = {};
    if (!isPlainObject(items)) return null;
    var keys = Object.keys(items);
    for (var i = 0; i < keys.length; i++) {
      if (!KEY_PATTERN.test(keys[i]) || typeof items[keys[i]] !== "boolean") return null;
      read[keys[i]] = items[keys[i]];
    }
    return read;
  }

  function cleanItems(items) {
    var read = readItems(items);
    if (read === null) return null;
    var clean = {};
    Object.keys(read).forEach(function (key) { if (read[key]) clean[key] = true; });
    return clean;
  }

  function loadTicks() {
    try {
      var data = JSON.parse(window.localStorage.getItem(STORAGE_KEY) || "null");
      if (!isPlainObject(data) || data.version !== 1) return {};
      return cleanItems(data.items) || {};
    } catch (error) {
      return {};
    }
  }

  function saveTicks(ticks) {
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify({ version: 1, items: ticks }));
    } catch (error) {
      /* storage full or disabled: the page keeps working, ticks are just not kept */
    }
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
    if (tools) {
      var total = tools.querySelector(".cem-progress-total");
      var done = all.filter(function (b) { return b.checked; }).length;
      total.textContent = format(template, { done: done, total: all.length });
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
      var ticks = loadTicks();
      var added = 0;
      var unticked = [];
      Object.keys(items).forEach(function (key) {
        if (items[key] && !ticks[key]) {
          ticks[key] = true;
          added += 1;
        } else if (!items[key] && ticks[key]) {
          unticked.push(key);
        }
      });
      var removed = 0;
      if (unticked.length && window.confirm(format(tools.getAttribute("data-msg-confirm-untick"), { count: unticked.length }))) {
        unticked.forEach(function (key) { delete ticks[key]; });
        removed = unticked.length;
      }
      saveTicks(ticks);
      boxes(root).forEach(function (box) { box.checked = ticks[box.getAttribute("data-key")] === true; });
      updateProgress(root, tools);
      say(tools, format(tools.getAttribute("data-msg-imported"), { added: added, removed: removed, kept: unticked.length - removed }));
    };
    reader.onerror = function () { say(tools, tools.getAttribute("data-msg-import-bad")); };
    reader.readAsText(file);
  }

  function resetTicks(root, tools) {
    if (!window.confirm(tools.getAttribute("data-msg-confirm-reset"))) return;
    var ticks = loadTicks();
    boxes(root).forEach(function (box) {
      box.checked = false;
      delete ticks[box.getAttribute("data-key")];
    });
    saveTicks(ticks);
    updateProgress(root, tools);
  }

  function printChecklist(blank) {
    var html = document.documentElement;
    html.classList.toggle("cem-print-blank", blank);
    window.addEventListener("afterprint", function done() {
      html.classList.remove("cem-print-blank");
      window.removeEventListener("afterprint", done);
    });
    window.print();
  }

  function init(root) {
    var all = boxes(root);
    if (!all.length) return;
    var tools = root.querySelector(".cem-tools[data-cem-checklist]");
    var ticks = loadTicks();
    all.forEach(function (box) {
      box.disabled = false;
      box.checked = ticks[box.getAttribute("data-key")] === true;
      box.addEventListener("change", function () {
        var current = loadTicks();
        var key = box.getAttribute("data-key");
        if (box.checked) current[key] = true; else delete current[key];
        saveTicks(current);
        root.querySelectorAll('input.cem-check[data-key="' + key + '"]').forEach(function (twin) { twin.checked = box.checked; });
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
      var input = tools.querySelector('input[type="file"][data-cem-action="import"]');
      input.addEventListener("change", function () {
        if (input.files && input.files[0]) importTicks(root, tools, input.files[0]);
        input.value = "";
      });
    }
    updateProgress(root, tools);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { init(document); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
