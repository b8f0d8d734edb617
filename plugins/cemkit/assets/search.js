/* cemkit search: the site's own search box over Pagefind (pagefind/ beside the pages, made by
 * `cemkit index` or the cem plugin from the built HTML).
 *
 * - Nothing is fetched until the reader opens the search (the header button, "/" or Ctrl+K).
 * - A query is read the way people type it: sentence punctuation and question words are dropped;
 *   Korean particles come off (웨스틴의 -> 웨스틴); a Korean compound typed without its space is
 *   also tried split (현장직원 -> 현장 직원), and without its last syllable; a long Latin word that
 *   finds little is also tried by its beginning, which forgives a typo at its end (carnegy -> carne...). Pagefind matches word
 *   beginnings and stems English words itself. Each form is a search of its own; a page's score
 *   adds up over the forms that find it, the forms as typed weighing most.
 * - Pages for developers (filed under the kind "For developers") are listed after every other result.
 * Interface words come from window.cemkitSearchLabels, written above this script for each language. */
(function () {
  "use strict";

  var L = window.cemkitSearchLabels || {};
  var SCRIPT = document.currentScript && document.currentScript.src;
  var MAX_QUERY = 200; /* characters read from the box; the rest is ignored */
  var MAX_TERMS = 8;
  var MAX_SEARCHES = 24; /* forms of one query searched at most */
  var PAGE = 10; /* results shown at first, and added by "show more" */
  var FILTERS = ["kind", "stage", "industry", "interface", "journey"];
  var SUFFIXES = [
    "에서는", "에게서", "으로서", "으로써", "으로는", "이라는", "이라고", "에서도",
    "에서", "에게", "께서", "한테", "으로", "부터", "까지", "처럼", "보다", "이나", "이랑",
    "라는", "이란", "과는", "와는", "에는", "에도", "은", "는", "이", "가", "을", "를",
    "의", "에", "와", "과", "도", "만", "로", "란",
    /* endings of verbs made with 하다 (설계했나 -> 설계), longest first among their kind */
    "했습니까", "했습니다", "했을까", "했는가", "하는가", "하려면", "합니다", "했나", "했다", "하는", "하기", "한다",
    "하면", "해야", "하나"
  ];
  var FILLERS = [
    "a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "for", "with", "by", "from", "about",
    "do", "does", "did", "what", "how", "who", "which", "why", "when", "where", "is", "are", "was",
    "were", "be", "it", "its", "this", "that", "there", "can", "i", "we", "our", "my", "vs", "versus",
    "무엇을", "무엇", "무엇인가", "무엇인가요", "무엇일까", "뭔가요", "인가요", "하나요", "있나요", "어떻게", "하나", "했나", "합니까", "했을까", "인가", "무슨", "어떤", "왜", "언제", "어디서", "방법"
  ];
  var HANGUL = /^[\uac00-\ud7a3]+$/;
  var LATIN = /^[a-z]+$/;
  /* Everything but letters, digits and the joiners inside a word is a separator. */
  var SEPARATORS = /[^\p{L}\p{N}'\u2019&.-]+/gu;
  /* How much each form of a query counts: as typed, without particles, split or shortened. */
  var WEIGHT = { typed: 1, stem: 0.8, fewer: 0.5, guess: 0.35, single: 0.2 };
  var NAME_BONUS = 2; /* how much a page whose names hold every word typed gains over its score */

  var pagefind = null;
  var loading = null;
  var dialog = null;
  var generation = 0;
  var state = { query: "", ranked: [], shown: 0, loaded: [] };

  function siteRoot() {
    return new URL("../../", SCRIPT || window.location.href);
  }

  function label(key, n) {
    var text = L[key] || key;
    return n === undefined ? text : text.replace("{n}", String(n));
  }

  /* The index holds Korean syllables as their letters (NFD; see cemkit's search_index): queries are
   * written the same way, and what is shown is composed again. */
  function readable(text) {
    return String(text || "").normalize("NFC");
  }

  /* ---- Reading the query ---- */

  function koreanStem(word) {
    for (var i = 0; i < SUFFIXES.length; i++) {
      var particle = SUFFIXES[i];
      if (word.length - particle.length >= 2 && word.slice(-particle.length) === particle) {
        return word.slice(0, -particle.length);
      }
    }
    return null;
  }

  function words(query) {
    var all = query.slice(0, MAX_QUERY).toLowerCase().replace(SEPARATORS, " ").split(" ");
    all = all.map(function (word) { return word.replace(/^[.'\u2019&-]+|[.'\u2019&-]+$/g, ""); }).filter(Boolean);
    var terms = all.filter(function (word) { return FILLERS.indexOf(word) < 0; });
    return (terms.length ? terms : all).slice(0, MAX_TERMS);
  }

  /* The searches one query makes: [text, weight], most trusted first. */
  function plan(query) {
    var terms = words(query);
    if (!terms.length) return [];
    var searches = [];
    function add(list, weight) {
      if (searches.length >= MAX_SEARCHES) return;
      var text = list.join(" ");
      for (var i = 0; i < searches.length; i++) if (searches[i][0] === text) return;
      searches.push([text, weight]);
    }
    var stems = terms.map(function (term) { return (HANGUL.test(term) && koreanStem(term)) || term; });
    add(terms, WEIGHT.typed);
    add(stems, WEIGHT.stem);
    stems.forEach(function (term, index) {
      guesses(term).forEach(function (guess) {
        add(stems.slice(0, index).concat([guess], stems.slice(index + 1)), WEIGHT.guess);
      });
    });
    /* With three words or more, each word left out in turn, then each word alone. */
    if (stems.length > 2 && stems.length <= 5) {
      stems.forEach(function (_, index) { add(stems.slice(0, index).concat(stems.slice(index + 1)), WEIGHT.fewer); });
    }
    if (stems.length > 1) stems.forEach(function (term) { add([term], WEIGHT.single); });
    return searches;
  }

  /* Other forms of one word: a Korean compound split in two, the beginning of a long Latin word. */
  function guesses(term) {
    var found = [];
    if (HANGUL.test(term) && term.length >= 3 && term.length <= 10) {
      for (var cut = 2; cut <= term.length - 2; cut++) found.push(term.slice(0, cut) + " " + term.slice(cut));
      found.push(term.slice(0, -1)); /* a slip in the last syllable: 카네기혼 -> 카네기 */
    } else if (LATIN.test(term) && term.length >= 6) {
      found.push(term.slice(0, Math.max(4, Math.ceil(term.length * 0.6))));
    }
    return found;
  }

  /* The words of a query as a page's names would hold them: without particles, English plurals as well. */
  function namesTyped(query) {
    return words(query).map(function (term) {
      var forms = [term];
      if (HANGUL.test(term) && koreanStem(term)) forms.push(koreanStem(term));
      if (LATIN.test(term) && term.length > 4 && /s$/.test(term)) forms.push(term.replace(/(ies|es|s)$/, ""));
      return forms;
    });
  }

  /* The share of the query's words that begin a word of the page's title or names. */
  function nameShare(data, terms) {
    if (!terms.length) return 0;
    var meta = data.meta || {};
    var names = " " + readable([meta.title, meta.keywords, meta.title_nouns].join(" ")).toLowerCase().replace(SEPARATORS, " ") + " ";
    var hits = terms.filter(function (forms) {
      return forms.some(function (form) { return names.indexOf(" " + form) >= 0; });
    });
    return hits.length / terms.length;
  }

  /* Whether the query is the page's title or one of its names, give or take particles and plurals
   * (`worksheets`, `고객경험`). */
  function exactName(data, terms) {
    var meta = data.meta || {};
    var names = [readable(meta.title)].concat(readable(meta.keywords).split(" | "));
    return names.some(function (name) {
      var named = words(name);
      return named.length === terms.length && named.every(function (word, index) { return terms[index].indexOf(word) >= 0; });
    });
  }

  /* ---- Searching ---- */

  function load() {
    if (!loading) {
      var bundle = new URL("pagefind/pagefind.js", siteRoot()).href;
      loading = import(bundle).then(function (module) {
        pagefind = module;
        return pagefind.options({
          baseUrl: "/", /* results keep the URLs they were indexed under; safeUrl resolves them */
          excerptLength: 22,
          ranking: { metaWeights: { title: 30, keywords: 30, title_nouns: 20, nouns: 1 } }
        }).then(function () { return pagefind.init(); });
      }).catch(function (error) {
        loading = null; /* offline now: the next search tries again */
        throw error;
      });
    }
    return loading;
  }

  function chosenFilters() {
    var filters = {};
    FILTERS.forEach(function (name) {
      var select = dialog.querySelector('select[name="' + name + '"]');
      if (select && select.value) filters[name] = select.value;
    });
    return filters;
  }

  function rank(query, filters) {
    var searches = plan(query);
    var hasFilters = Object.keys(filters).length > 0;
    if (!searches.length) {
      if (!hasFilters) return Promise.resolve([]);
      searches = [[null, 1]];
    }
    var scores = {};
    var results = {};
    function run(index) {
      if (index >= searches.length) return Promise.resolve();
      var search = searches[index];
      /* Forms that are only guesses are tried when the trusted ones found little. */
      if (search[1] < WEIGHT.stem && Object.keys(results).length >= PAGE) return Promise.resolve();
      return pagefind.search(search[0] === null ? null : search[0].normalize("NFD"), { filters: filters }).then(function (found) {
        var best = found.results.length ? found.results[0].score || 1 : 1;
        found.results.forEach(function (result) {
          results[result.id] = result;
          scores[result.id] = (scores[result.id] || 0) + search[1] * ((result.score || 1) / best);
        });
        return run(index + 1);
      });
    }
    return run(0).then(function () {
      return Object.keys(results)
        .sort(function (a, b) { return scores[b] - scores[a] || (a < b ? -1 : 1); })
        .map(function (id) { return { result: results[id], score: scores[id] }; });
    });
  }

  function search() {
    var mine = ++generation;
    var query = dialog.querySelector("input").value;
    var filters = chosenFilters();
    state = { query: query, ranked: [], shown: 0, loaded: [] };
    dialog.removeAttribute("data-done");
    if (words(query).length === 0 && Object.keys(filters).length === 0) {
      render(label(query.trim() ? "search_none" : "search_hint"));
      return;
    }
    status(label("search_loading"));
    load()
      .then(function () { return rank(query, filters); })
      .then(function (ranked) {
        if (mine !== generation) return;
        state.ranked = ranked;
        return more(mine);
      })
      .catch(unavailable);
  }

  /* Load the data of the next results and show everything loaded so far. Within what one load
   * brings, a page whose own names (title, names in both languages) hold the words typed comes first:
   * `worksheets` finds the Worksheets index before each worksheet. */
  function more(mine) {
    var next = state.ranked.slice(state.shown, state.shown + PAGE);
    state.shown += next.length;
    var terms = namesTyped(state.query);
    return Promise.all(next.map(function (item) { return item.result.data(); })).then(function (data) {
      if (mine !== generation) return;
      var score = data.map(function (item, index) {
        return next[index].score * (1 + NAME_BONUS * nameShare(item, terms)) + (exactName(item, terms) ? 1e6 : 0);
      });
      var order = data.map(function (_, index) { return index; });
      order.sort(function (a, b) { return score[b] - score[a] || a - b; });
      state.loaded = state.loaded.concat(order.map(function (index) { return data[index]; }));
      var count = state.ranked.length;
      render(count ? label(count === 1 ? "search_count_one" : "search_count", count) : label("search_none"));
    });
  }

  /* ---- Showing ---- */

  function status(text) {
    dialog.querySelector(".cemkit-search__status").textContent = text;
  }

  function unavailable() {
    state.ranked = [];
    state.loaded = [];
    render(label("search_unavailable"));
  }

  function safeUrl(url) {
    var root = siteRoot();
    var target = new URL(String(url || "/").replace(/^\/+/, ""), root);
    return target.origin === root.origin ? target.href : root.href;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* An excerpt from Pagefind: its text with <mark> around the matches, and nothing else kept. */
  function excerpt(html) {
    var node = element("p", "cemkit-search__excerpt");
    var parts = String(html || "").split(/(<mark>|<\/mark>)/);
    var marked = false;
    parts.forEach(function (part) {
      if (part === "<mark>") { marked = true; return; }
      if (part === "</mark>") { marked = false; return; }
      var text = document.createElement("textarea");
      text.innerHTML = part; /* decodes entities; a textarea never runs or loads anything */
      node.appendChild(marked ? element("mark", "", readable(text.value)) : document.createTextNode(readable(text.value)));
    });
    return node;
  }

  function resultItem(data) {
    var item = element("li", "cemkit-search__result");
    var link = element("a", "cemkit-search__link");
    link.href = safeUrl(data.url);
    var meta = data.meta || {};
    var kind = (data.filters && data.filters.kind && data.filters.kind[0]) || "";
    if (kind) link.appendChild(element("span", "cemkit-search__kind", kind));
    link.appendChild(element("span", "cemkit-search__title", readable(meta.title || data.url)));
    var section = (data.sub_results || []).filter(function (sub) {
      return sub.url && sub.url.indexOf("#") > 0 && sub.url !== data.url && sub.title !== meta.title;
    })[0];
    link.appendChild(excerpt(section ? section.excerpt : data.excerpt));
    item.appendChild(link);
    if (section) {
      var sectionLink = element("a", "cemkit-search__section", readable(section.title));
      sectionLink.href = safeUrl(section.url);
      item.insertBefore(sectionLink, null);
    }
    return item;
  }

  function forDevelopers(data) {
    return ((data.filters || {}).kind || []).indexOf(label("kind_developer")) >= 0;
  }

  /* Show what `state` holds: the results loaded so far, pages for developers last. */
  function render(message) {
    status(message);
    var list = dialog.querySelector(".cemkit-search__results");
    list.textContent = "";
    var content = state.loaded.filter(function (data) { return !forDevelopers(data); });
    var developer = state.loaded.filter(forDevelopers);
    content.concat(developer).forEach(function (data) { list.appendChild(resultItem(data)); });
    dialog.querySelector(".cemkit-search__more").hidden = state.shown >= state.ranked.length;
    dialog.setAttribute("data-done", state.query);
  }

  /* ---- Filters ---- */

  function fillFilters() {
    var box = dialog.querySelector(".cemkit-search__filters");
    if (box.getAttribute("data-filled")) return;
    box.setAttribute("data-filled", "yes");
    load().then(function () { return pagefind.filters(); }).then(function (available) {
      FILTERS.forEach(function (name) {
        var select = box.querySelector('select[name="' + name + '"]');
        Object.keys(available[name] || {}).sort().forEach(function (value) {
          var option = element("option", "", value + " (" + available[name][value] + ")");
          option.value = value;
          select.appendChild(option);
        });
        select.closest("label").hidden = select.options.length <= 1;
      });
    }).catch(unavailable);
  }

  /* ---- The dialog ---- */

  function build() {
    dialog = element("dialog", "cemkit-search");
    dialog.setAttribute("aria-label", label("search_label"));
    var form = element("form", "cemkit-search__form");
    form.setAttribute("role", "search");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var first = dialog.querySelector(".cemkit-search__link");
      if (first) first.click();
    });
    var bar = element("div", "cemkit-search__bar");
    var input = element("input", "cemkit-search__input");
    input.type = "search";
    input.setAttribute("aria-label", label("search_label"));
    input.placeholder = label("search_placeholder");
    input.autocomplete = "off";
    input.spellcheck = false;
    input.maxLength = MAX_QUERY;
    input.setAttribute("enterkeyhint", "search");
    input.setAttribute("aria-controls", "cemkit-search-results");
    bar.appendChild(input);
    var close = element("button", "cemkit-search__close", "\u00d7");
    close.type = "button";
    close.setAttribute("aria-label", label("search_close"));
    close.addEventListener("click", function () { dialog.close(); });
    bar.appendChild(close);
    form.appendChild(bar);
    var filters = element("details", "cemkit-search__filters");
    filters.appendChild(element("summary", "", label("search_filters")));
    FILTERS.forEach(function (name) {
      var field = element("label", "cemkit-search__filter");
      field.appendChild(element("span", "", label("search_filter_" + name)));
      var select = element("select");
      select.name = name;
      select.appendChild(element("option", "", label("search_all"))).value = "";
      select.addEventListener("change", search);
      field.appendChild(select);
      filters.appendChild(field);
    });
    filters.addEventListener("toggle", function () { if (filters.open) fillFilters(); });
    form.appendChild(filters);
    dialog.appendChild(form);
    var message = element("p", "cemkit-search__status");
    message.setAttribute("role", "status");
    dialog.appendChild(message);
    var list = element("ol", "cemkit-search__results");
    list.id = "cemkit-search-results";
    dialog.appendChild(list);
    var moreButton = element("button", "cemkit-search__more", label("search_more"));
    moreButton.type = "button";
    moreButton.hidden = true;
    moreButton.addEventListener("click", function () { more(generation).catch(unavailable); });
    dialog.appendChild(moreButton);
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 150);
    });
    dialog.addEventListener("keydown", arrows);
    list.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest("a")) dialog.close(); /* the page changes in place */
    });
    dialog.addEventListener("click", function (event) { if (event.target === dialog) dialog.close(); });
    document.body.appendChild(dialog);
  }

  /* Up and down move between the search box and the results; Escape closes, even from the box
   * (where the browser would only empty it). */
  function arrows(event) {
    if (event.key === "Escape") {
      event.preventDefault();
      dialog.close();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var stops = [dialog.querySelector("input")].concat(Array.prototype.slice.call(dialog.querySelectorAll(".cemkit-search__link")));
    var at = stops.indexOf(document.activeElement);
    if (at < 0) return;
    event.preventDefault();
    var to = Math.max(0, Math.min(stops.length - 1, at + (event.key === "ArrowDown" ? 1 : -1)));
    stops[to].focus();
  }

  function open() {
    if (!dialog || !dialog.isConnected) build(); /* instant navigation may have replaced the page's body */
    if (!dialog.open) dialog.showModal();
    var input = dialog.querySelector("input");
    input.focus();
    input.select();
    load().catch(unavailable);
    if (!input.value) status(label("search_hint"));
  }

  function addButton() {
    if (document.querySelector(".cemkit-search-button")) return;
    var header = document.querySelector(".md-header__inner");
    if (!header) return;
    var button = element("button", "cemkit-search-button md-header__button md-icon");
    button.type = "button";
    button.setAttribute("aria-label", label("search_open"));
    button.title = label("search_open") + " (/)";
    button.setAttribute("aria-keyshortcuts", "/ Control+K");
    button.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M9.5 3A6.5 6.5 0 0 1 16 9.5c0 1.61-.59 3.09-1.56 4.23l.27.27h.79l5 5-1.5 1.5-5-5v-.79l-.27-.27A6.52 6.52 0 0 1 9.5 16 6.5 6.5 0 0 1 3 9.5 6.5 6.5 0 0 1 9.5 3m0 2C7 5 5 7 5 9.5S7 14 9.5 14 14 12 14 9.5 12 5 9.5 5"/></svg>' +
      '<span class="cemkit-search-button__text">' + "</span>";
    button.querySelector(".cemkit-search-button__text").textContent = label("search_open");
    button.addEventListener("click", open);
    var before = header.querySelector(".md-header__option, .md-header__source");
    header.insertBefore(button, before);
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(input|textarea|select)$/i.test(target.tagName));
  }

  document.addEventListener("keydown", function (event) {
    var slash = event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey;
    var control = (event.ctrlKey || event.metaKey) && (event.key === "k" || event.key === "K");
    if ((slash && !typing(event.target)) || control) {
      event.preventDefault();
      open();
    }
  });

  window.cemkitSearchPlan = plan;
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(addButton);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", addButton);
  } else {
    addButton();
  }
})();
