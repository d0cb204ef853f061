// whosaid report: one file, several pages. The address's #fragment names the page shown;
// a page's charts are drawn the first time it is shown (BokehJS sizes a chart from its
// container, which has no size while hidden). Search runs over the quotes this file holds.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var charts = JSON.parse(document.getElementById("report-charts").textContent);
  var quotes = JSON.parse(document.getElementById("report-quotes").textContent);
  var drawn = {};
  var DEFAULT = "overview";
  var MAX_RESULTS = 200;  // results listed; the count says how many matched in all

  function pageFor(hash) {
    var id = decodeURIComponent((hash || "").replace(/^#/, "")) || DEFAULT;
    var el = document.getElementById(id);
    if (!el) return document.getElementById(DEFAULT);
    return el.classList.contains("page") ? el : el.closest("section.page");
  }

  function drawCharts(page) {
    var slots = page.querySelectorAll(".chart[data-chart]");
    for (var i = 0; i < slots.length; i++) {
      var id = slots[i].id;
      if (drawn[id] || !charts[id]) continue;
      drawn[id] = true;
      Bokeh.embed.embed_item(charts[id], id);
    }
  }

  function show() {
    var page = pageFor(location.hash);
    var pages = document.querySelectorAll("section.page");
    for (var i = 0; i < pages.length; i++) pages[i].classList.toggle("shown", pages[i] === page);
    var links = document.querySelectorAll("nav.pages a");
    var group = page.getAttribute("data-nav") || page.id;
    for (var j = 0; j < links.length; j++) {
      links[j].classList.toggle("current", links[j].getAttribute("href") === "#" + group);
    }
    document.title = page.getAttribute("data-title") + " · " + document.body.getAttribute("data-name");
    drawCharts(page);
    if (!location.hash || location.hash === "#" + page.id) window.scrollTo(0, 0);
  }

  // Case, accents and quote marks folded, so "Lopez" finds "López" and 'don't' finds "don’t".
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[\u2018\u2019\u201b\u2032]/g, "'").replace(/[\u201c\u201d\u201f\u2033]/g, '"');
  }
  for (var q = 0; q < quotes.length; q++) quotes[q].push(fold(quotes[q][0] + " " + quotes[q][1]));

  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function highlight(text, terms) {
    var folded = fold(text);
    var marks = [];
    terms.forEach(function (t) {
      var at = folded.indexOf(t);
      while (at >= 0) { marks.push([at, at + t.length]); at = folded.indexOf(t, at + t.length); }
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var out = "", pos = 0;
    marks.forEach(function (m) {
      if (m[0] < pos) return;
      out += escapeHtml(text.slice(pos, m[0])) + "<mark>" + escapeHtml(text.slice(m[0], m[1])) + "</mark>";
      pos = m[1];
    });
    return out + escapeHtml(text.slice(pos));
  }

  function search(query) {
    var terms = fold(query).split(/\s+/).filter(function (t) { return t.length > 0; });
    var list = document.getElementById("search-results");
    var count = document.getElementById("search-count");
    list.innerHTML = "";
    if (!terms.length) { count.textContent = "Type words from a quote or a speaker's name."; return; }
    var hits = quotes.filter(function (r) {
      return terms.every(function (t) { return r[6].indexOf(t) >= 0; });
    });
    count.textContent = hits.length + (hits.length === 1 ? " quote matches" : " quotes match") +
      (hits.length > MAX_RESULTS ? "; the first " + MAX_RESULTS + " are listed." : ".");
    hits.slice(0, MAX_RESULTS).forEach(function (r) {
      // r: [text, speaker, speaker page, date, outlets, utterance id, folded]
      var li = document.createElement("li");
      var who = r[2] ? '<a href="#speaker-' + escapeHtml(r[2]) + '">' + highlight(r[1], terms) + "</a>"
                     : highlight(r[1] || "unnamed", terms);
      li.innerHTML = '<blockquote class="hit">' + highlight(r[0], terms) + "</blockquote>" +
        '<span class="muted">' + who + (r[3] ? " · " + escapeHtml(r[3]) : "") +
        (r[4] ? " · " + escapeHtml(r[4]) : "") + "</span>";
      list.appendChild(li);
    });
  }

  var box = document.getElementById("search-box");
  box.addEventListener("input", function () {
    if (location.hash !== "#search") history.pushState(null, "", "#search");
    show();
    search(box.value);
  });
  document.getElementById("search-form").addEventListener("submit", function (e) {
    e.preventDefault();
    search(box.value);
  });
  window.addEventListener("hashchange", show);
  window.addEventListener("popstate", show);
  search(box.value);
  show();
})();
