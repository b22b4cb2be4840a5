// The hand-in page's margin: puts every difference beside the place of the course's page it
// marks, and (in a VS Code webview) reveals its line in the editor when clicked.
(function () {
  "use strict";
  var page = document.getElementById("mr-page");
  var margin = document.getElementById("mr-margin");
  var vscode = typeof acquireVsCodeApi === "function" ? acquireVsCodeApi() : null;
  if (!page || !margin) return;
  var wordRe = /[\p{L}\p{N}]+/gu;
  function words(s) { return " " + ((s || "").match(wordRe) || []).join(" ") + " "; }

  var blocks = Array.prototype.slice.call(page.children);
  function topBlock(el) {
    while (el && el.parentElement !== page) el = el.parentElement;
    return el ? blocks.indexOf(el) : -1;
  }
  // the question headings as the page shows them
  var heads = {};
  var headAt = [];
  Array.prototype.forEach.call(page.querySelectorAll("h1,h2,h3,h4,h5,h6"), function (h) {
    var m = /^\s*question\s+(\d+)\b/i.exec(h.textContent || "");
    if (!m || heads[m[1]]) return;
    heads[m[1]] = h;
    if (!h.id) h.id = "question-" + m[1];
    headAt.push(topBlock(h));
  });
  function sectionOf(number) {
    var h = heads[number];
    if (!h) return null;
    var start = topBlock(h);
    var end = blocks.length;
    headAt.forEach(function (i) { if (i > start && i < end) end = i; });
    return [start, end];
  }
  function find(mark, from) {
    var needle = " " + (mark.dataset.needle || "") + " ";
    var src = mark.dataset.src || "";
    var section = mark.dataset.question ? sectionOf(mark.dataset.question) : null;
    var start = section ? section[0] : from;
    var end = section ? section[1] : blocks.length;
    if (!section && mark.dataset.kind === "cut") return blocks.length ? 0 : -1;
    for (var i = Math.max(start, section ? start : from); i < end; i++) {
      var b = blocks[i];
      if (src && Array.prototype.some.call(b.querySelectorAll ? b.querySelectorAll("img") : [],
        function (img) { return img.getAttribute("src") === src; })) return i;
      if (needle.trim() && words(b.textContent).indexOf(needle) >= 0) return i;
    }
    return section ? section[0] : -1;
  }

  var marks = Array.prototype.slice.call(margin.querySelectorAll(".mr-diff"));
  var targets = [];
  var cursor = 0;
  marks.forEach(function (mark) {
    var i = find(mark, cursor);
    if (i >= 0) cursor = i;
    targets.push(i >= 0 ? blocks[i] : null);
    if (i >= 0) blocks[i].classList.add("mr-marked");
  });

  function place() {
    if (window.matchMedia("(max-width: 420px)").matches) {
      margin.classList.remove("mr-placed");
      return;
    }
    margin.classList.add("mr-placed");
    var origin = margin.getBoundingClientRect().top;
    var bottom = 0;
    marks.forEach(function (mark, k) {
      var t = targets[k];
      var top = t ? t.getBoundingClientRect().top - origin : bottom;
      top = Math.max(top, bottom);
      mark.style.top = top + "px";
      bottom = top + mark.offsetHeight + 4;
    });
    margin.style.minHeight = bottom + "px";
  }
  place();
  window.addEventListener("load", place);
  window.addEventListener("resize", place);
  Array.prototype.forEach.call(page.querySelectorAll("img"), function (img) {
    img.addEventListener("load", place);
    img.addEventListener("error", place);
  });

  function flash(el) {
    if (!el) return;
    el.classList.remove("mr-flash");
    void el.offsetWidth;
    el.classList.add("mr-flash");
  }
  marks.forEach(function (mark, k) {
    mark.addEventListener("click", function (event) {
      event.preventDefault();
      var t = targets[k] || document.getElementById("mr-top");
      t.scrollIntoView({ block: "center" });
      flash(targets[k]);
      if (vscode) vscode.postMessage({ type: "reveal", line: Number(mark.dataset.line) });
    });
  });
  // links inside the report to places in it (the page may have a <base> elsewhere)
  page.addEventListener("click", function (event) {
    var a = event.target.closest ? event.target.closest("a[href^='#']") : null;
    if (!a) return;
    var el = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
    if (el) { event.preventDefault(); el.scrollIntoView({ block: "start" }); }
  });

  // the question that holds a line of the report, from the heading lines the server gave
  var starts = (page.dataset.questions || "").split(",").filter(Boolean).map(function (s) {
    var p = s.split(":");
    return [p[0], Number(p[1])];
  });
  function scrollToLine(line) {
    var number = null;
    starts.forEach(function (s) { if (s[1] <= line) number = s[0]; });
    var h = number !== null ? heads[number] : null;
    if (h) h.scrollIntoView({ block: "start" });
    else if (line !== null) window.scrollTo(0, 0);
  }
  window.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type === "scroll" && typeof data.line === "number") scrollToLine(data.line);
  });
  var first = document.body.dataset.line;
  if (first) scrollToLine(Number(first));
})();
