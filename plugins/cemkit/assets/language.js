/* cemkit language switcher: each language is a site of its own (English at the root, Korean under
 * ko/). The language links in the header lead to the same page in the other site when that site's
 * sitemap lists it, else to that site's home. */
(function () {
  "use strict";

  var sitemaps = {};

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

  /* The pages of the site whose home is `home`, as paths relative to that home. */
  function pagePaths(home) {
    if (!sitemaps[home.href]) {
      sitemaps[home.href] = fetch(new URL("sitemap.xml", home).href)
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (xml) {
          var paths = {};
          var locs = (xml.match(/<loc>[^<]*<\/loc>/g) || []).map(function (loc) {
            return decodeURI(new URL(loc.slice(5, -6)).pathname);
          });
          var prefix = locs.reduce(function (shortest, path) {
            return shortest === null || path.length < shortest.length ? path : shortest;
          }, null) || "/";
          locs.forEach(function (path) { paths[path.slice(prefix.length)] = true; });
          return paths;
        })
        .catch(function () { return {}; });
    }
    return sitemaps[home.href];
  }

  function update() {
    var root = siteRoot();
    var relative = decodeURI(window.location.pathname).slice(decodeURI(root.pathname).length);
    document.querySelectorAll(".md-select__link[hreflang]").forEach(function (link) {
      if (!link.hasAttribute("data-cem-home")) {
        link.setAttribute("data-cem-home", new URL(link.getAttribute("href"), window.location.href).href);
      }
      var home = new URL(link.getAttribute("data-cem-home"));
      pagePaths(home).then(function (paths) {
        var exists = paths[relative] || Object.keys(paths).length === 0;
        link.href = new URL(exists ? relative : "", home).href;
      });
    });
  }

  /* Material's own handler cannot tell the root (English) site from the sites inside it:
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
