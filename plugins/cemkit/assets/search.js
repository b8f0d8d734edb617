/* cemkit search: before Material's search worker runs a query, add the forms a reader means but
 * the index spells differently. Every word typed stays in the query; added are:
 * - a Korean word without its particle (웨스틴의 -> 웨스틴), since the index holds the bare nouns,
 *   and the parts of a Korean compound typed without spaces (현장직원 -> 현장, 직원);
 * - the stem of an English plural (touchpoints -> touchpoint), since the index has no stemmer;
 * - a fuzzy variant of longer words (carnegy~1), so that a typo still finds the page.
 * Sentence punctuation and question words (what, does, 어떻게) are dropped. Queries using lunr's own syntax (+word, -word, word~2,
 * field:word, "phrase") are left alone. */
(function () {
  "use strict";

  var QUERY = 2; /* Material's SearchMessageType.QUERY */
  var PARTICLES = [
    "에서는", "에게서", "으로서", "으로써", "으로는", "이라는", "이라고", "에서도",
    "에서", "에게", "께서", "한테", "으로", "부터", "까지", "처럼", "보다", "이나", "이랑",
    "라는", "이란", "과는", "와는", "에는", "에도", "은", "는", "이", "가", "을", "를",
    "의", "에", "와", "과", "도", "만", "로", "란"
  ];
  var HANGUL = /^[\uac00-\ud7a3]+$/;
  var LATIN = /^[a-z]+$/i;
  /* Sentence punctuation a question ends with, which the search would take as part of a word. */
  var PUNCTUATION = /[?!.,;()\[\]{}'\u2018\u2019\u201c\u201d\u3001\u3002\uff1f\uff01\uff0c]/g;

  function koreanStem(word) {
    for (var i = 0; i < PARTICLES.length; i++) {
      var particle = PARTICLES[i];
      if (word.length - particle.length >= 2 && word.slice(-particle.length) === particle) {
        return word.slice(0, -particle.length);
      }
    }
    return null;
  }

  function englishStem(word) {
    var lower = word.toLowerCase();
    if (lower.length < 4 || /ss$/.test(lower)) return null;
    if (/ies$/.test(lower)) return lower.slice(0, -3);
    if (/(ches|shes|xes|sses)$/.test(lower)) return lower.slice(0, -2);
    if (/s$/.test(lower)) return lower.slice(0, -1);
    return null;
  }

  /* Guesses for a term: a fuzzy match for typos and, for a Korean compound typed without its
   * space (현장직원), each split into parts of two letters or more. */
  function variants(term, stem) {
    var found = [];
    if (HANGUL.test(term)) {
      if (term.length >= 3) found.push(term + "~1");
      var word = stem || term;
      for (var cut = 2; cut <= word.length - 2; cut++) {
        found.push(word.slice(0, cut) + "*" + PART, word.slice(cut) + "*" + PART);
      }
    } else if (LATIN.test(term)) {
      if (term.length >= 8) found.push(term + "~2");
      else if (term.length >= 5) found.push(term + "~1");
    }
    return found;
  }

  /* Words as typed weigh most, then a word without its particle or plural ending; guesses
   * (compound parts, typo matches) weigh least. */
  var TYPED = "^10";
  var STEM = "^5";
  var PART = "^3";
  /* Words that make a question but say nothing about its subject; dropped unless nothing else is left. */
  var FILLERS = [
    "a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "for", "with", "by", "from", "about",
    "do", "does", "did", "what", "how", "who", "which", "why", "when", "where", "is", "are", "was",
    "were", "be", "it", "its", "this", "that", "there", "can", "i", "we", "our", "my",
    "무엇을", "무엇", "어떻게", "하나", "했나", "합니까", "했을까", "인가", "무슨", "어떤", "왜", "언제", "어디서"
  ];

  function expand(query) {
    if (/(^|\s)[+-]|[~^:*"]/.test(query)) return query;
    var words = query.replace(PUNCTUATION, " ").trim().split(/\s+/).filter(Boolean);
    var terms = words.filter(function (word) { return FILLERS.indexOf(word.toLowerCase()) < 0; });
    if (!terms.length) terms = words;
    var all = [];
    function add(term) {
      if (all.indexOf(term) < 0) all.push(term);
    }
    /* A short number (stage 2) must match exactly, or it would match every year. */
    terms.forEach(function (term) { add(/^\d{1,2}$/.test(term) ? term + TYPED : term + "*" + TYPED); });
    terms.forEach(function (term) {
      var stem = HANGUL.test(term) ? koreanStem(term) : LATIN.test(term) ? englishStem(term) : null;
      if (stem) add(stem + "*" + STEM);
      variants(term, stem).forEach(add);
    });
    return all.join(" ");
  }

  window.cemkitExpandQuery = expand;

  var post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message) {
    var args = Array.prototype.slice.call(arguments);
    if (message && message.type === QUERY && typeof message.data === "string") {
      args[0] = { type: message.type, data: expand(message.data) };
    }
    return post.apply(this, args);
  };
})();
