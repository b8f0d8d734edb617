/* cemkit language switcher: the language links in the header lead to the same page in the other
 * language when it exists (checked against the site's sitemap), else to that language's home. */
(function () {
  "use strict";

  var OTHER_LANGUAGES = ["ko"];
  var known = null;

  function siteRoot() {
    var config = document.getElementById("__config");
    var base = ".";
    try {
      base = JSON.parse(config.textContent).base || ".";
    } catch (error) {
      base = ".";
    }
    return new URL(base.replace(/\/?$/, "/"), window.location.href);
  }

  function pagePaths(root) {
    if (known) return known;
    known = fetch(new URL("sitemap.xml", root).href)
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (xml) {
        var paths = {};
        var locs = xml.match(/<loc>[^<]*<\/loc>/g) || [];
        var prefix = null;
        locs.forEach(function (loc) {
          var path = new URL(loc.slice(5, -6)).pathname;
          if (prefix === null || path.length < prefix.length) prefix = path;
        });
        locs.forEach(function (loc) {
          var path = new URL(loc.slice(5, -6)).pathname;
          paths[path.slice((prefix || "/").length)] = true;
        });
        return paths;
      })
      .catch(function () { return {}; });
    return known;
  }

  function languageOf(relative) {
    var first = relative.split("/")[0];
    return OTHER_LANGUAGES.indexOf(first) >= 0 ? first : "en";
  }

  function update() {
    var links = document.querySelectorAll(".md-select__link[hreflang]");
    if (!links.length) return;
    var root = siteRoot();
    var relative = decodeURI(window.location.pathname).slice(decodeURI(root.pathname).length);
    var current = languageOf(relative);
    var neutral = current === "en" ? relative : relative.slice(current.length + 1);
    pagePaths(root).then(function (paths) {
      links.forEach(function (link) {
        var lang = link.getAttribute("hreflang");
        var target = lang === "en" ? neutral : lang + "/" + neutral;
        var home = lang === "en" ? "" : lang + "/";
        var exists = paths[target] || Object.keys(paths).length === 0;
        link.href = new URL(exists ? target : home, root).href;
      });
    });
  }

  /* Material's own handler looks for a sitemap per language, which a single build does not have:
   * follow the link this script computed instead. */
  window.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest(".md-select__link[hreflang]") : null;
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    window.location.assign(link.href);
  }, true);

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(update);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
})();
