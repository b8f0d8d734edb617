/* cemkit case explorer: filters the cases (from cases.json) by stage, industry, interface type,
 * journey stage and country; the filters combine, and their state lives in the URL so a view can
 * be shared. Without JavaScript the grouped lists below it remain. */
(function () {
  "use strict";

  var FILTERS = {
    stage: function (item, value) { return item.stages.indexOf(value) >= 0; },
    industry: function (item, value) { return item.industry.id === value; },
    interface: function (item, value) { return item.interface_types.indexOf(value) >= 0; },
    journey: function (item, value) { return item.journey_stages.indexOf(value) >= 0; },
    country: function (item, value) { return item.country_id === value; }
  };

  function text(value, lang) {
    return (value && (value[lang] || value.en)) || "";
  }

  function fillSelect(select, options, lang, allLabel) {
    select.textContent = "";
    var all = document.createElement("option");
    all.value = "";
    all.textContent = allLabel;
    select.appendChild(all);
    (options || []).forEach(function (option) {
      var element = document.createElement("option");
      element.value = option.id;
      element.textContent = text(option.name, lang);
      select.appendChild(element);
    });
  }

  function render(box, data, lang, root) {
    var form = box.querySelector(".cem-filters");
    var chosen = {};
    Object.keys(FILTERS).forEach(function (name) {
      var value = form.elements[name].value;
      if (value) chosen[name] = value;
    });
    var matches = data.cases.filter(function (item) {
      return Object.keys(chosen).every(function (name) { return FILTERS[name](item, chosen[name]); });
    });
    matches.sort(function (a, b) { return text(a.title, lang).localeCompare(text(b.title, lang), lang); });
    var list = box.querySelector(".cem-results");
    var fragment = document.createDocumentFragment();
    matches.forEach(function (item) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = new URL(item.url, root).href;
      link.textContent = text(item.title, lang);
      var details = document.createElement("span");
      details.className = "cem-result-details";
      details.textContent = " · " + [text(item.company, lang), text(item.industry.name, lang), item.period].join(" · ");
      li.appendChild(link);
      li.appendChild(details);
      fragment.appendChild(li);
    });
    list.textContent = "";
    list.appendChild(fragment);
    var count = box.querySelector(".cem-count");
    count.textContent = matches.length
      ? box.getAttribute("data-msg-count").replace("{count}", matches.length).replace("{total}", data.cases.length)
      : box.getAttribute("data-msg-none");
    var params = new URLSearchParams(window.location.search);
    Object.keys(FILTERS).forEach(function (name) {
      if (chosen[name]) params.set(name, chosen[name]); else params.delete(name);
    });
    var query = params.toString();
    history.replaceState(history.state, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
  }

  function init() {
    var box = document.querySelector(".cem-explorer[data-cem-explorer]");
    if (!box) return;
    var lang = box.getAttribute("data-lang") || "en";
    var root = new URL(box.getAttribute("data-root").replace(/\/?$/, "/"), window.location.href);
    var source = new URL(box.getAttribute("data-cem-explorer"), window.location.href);
    fetch(source.href)
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (!data || !Array.isArray(data.cases)) return;
        var form = box.querySelector(".cem-filters");
        var params = new URLSearchParams(window.location.search);
        Object.keys(FILTERS).forEach(function (name) {
          var select = form.elements[name];
          fillSelect(select, (data.facets || {})[name], lang, box.getAttribute("data-msg-all"));
          var wanted = params.get(name);
          if (wanted && select.querySelector('option[value="' + CSS.escape(wanted) + '"]')) select.value = wanted;
        });
        form.addEventListener("change", function () { render(box, data, lang, root); });
        form.addEventListener("reset", function () { setTimeout(function () { render(box, data, lang, root); }, 0); });
        form.addEventListener("submit", function (event) { event.preventDefault(); });
        box.hidden = false;
        render(box, data, lang, root);
      })
      .catch(function () { /* the grouped lists below stay available */ });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
