// The dashboard's behaviour: sort by a column, filter, search, expand a row's findings.
// Every value it reads is in data- attributes written (and escaped) by page.py; nothing is
// parsed as HTML here.
(function () {
  "use strict";
  var table = document.getElementById("reports");
  var search = document.getElementById("search");
  var filter = document.getElementById("filter");
  var shown = document.getElementById("shown");
  var groups = Array.prototype.slice.call(table.querySelectorAll("tbody.report"));
  var NUMERIC = /^(passed|figures|ticked|errors|warnings|committed|group|q\d+)$/;

  function head(group) {
    return group.querySelector("tr[data-report]");
  }

  function value(group, key) {
    var raw = head(group).getAttribute("data-" + key) || "";
    if (!NUMERIC.test(key)) return raw;
    var n = parseFloat(raw);
    return isNaN(n) ? Infinity : n;
  }

  function apply() {
    var words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var wanted = filter.value;
    var count = 0;
    groups.forEach(function (group) {
      var row = head(group);
      var text = row.getAttribute("data-search");
      var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
      if (ok && wanted) {
        var flags = (row.getAttribute("data-flags") || "").split(" ");
        ok = row.getAttribute("data-state") === wanted || flags.indexOf(wanted) >= 0;
      }
      group.hidden = !ok;
      if (ok) count += 1;
    });
    shown.textContent = count + " of " + groups.length + " rows";
  }

  var sorted = { key: null, up: true };
  function sortBy(key, button) {
    sorted.up = sorted.key === key ? !sorted.up : true;
    sorted.key = key;
    var sign = sorted.up ? 1 : -1;
    var order = groups.map(function (group, i) { return [value(group, key), i, group]; });
    order.sort(function (a, b) {
      if (a[0] < b[0]) return -sign;
      if (a[0] > b[0]) return sign;
      return a[1] - b[1];
    });
    order.forEach(function (entry) { table.appendChild(entry[2]); });
    table.querySelectorAll("thead th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    button.parentNode.setAttribute("aria-sort", sorted.up ? "ascending" : "descending");
  }

  table.querySelectorAll("thead button[data-sort]").forEach(function (button) {
    button.addEventListener("click", function () { sortBy(button.getAttribute("data-sort"), button); });
  });

  table.addEventListener("click", function (event) {
    var button = event.target.closest("button.expand");
    if (!button) return;
    var details = button.closest("tbody").querySelector("tr.findings");
    var open = details.hidden;
    details.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.closest("tr").classList.toggle("open", open);
  });

  document.querySelectorAll(".card[data-filter]").forEach(function (card) {
    card.addEventListener("click", function () {
      filter.value = card.getAttribute("data-filter");
      apply();
    });
  });

  document.querySelectorAll(".bar[data-n]").forEach(function (bar) {
    var n = parseFloat(bar.getAttribute("data-n")) || 0;
    var max = parseFloat(bar.getAttribute("data-max")) || 1;
    bar.style.width = Math.round((200 * n) / max) + "px";
  });

  search.addEventListener("input", apply);
  filter.addEventListener("change", apply);
  apply();
})();
