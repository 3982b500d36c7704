// accredit: sorting and filtering for the partner table. Plain JavaScript, no framework; without
// JavaScript the table is complete and readable, and the controls stay hidden.
(function () {
  "use strict";
  var table = document.getElementById("partners-table");
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var controls = document.querySelector(".table-controls");
  var search = document.getElementById("partner-filter");
  var status = document.getElementById("status-filter");
  var tier = document.getElementById("tier-filter");
  var count = document.getElementById("match-count");

  function cellValue(row, index, kind) {
    var value = row.cells[index].getAttribute("data-value") || row.cells[index].textContent.trim();
    return kind === "number" ? parseFloat(value) : value.toLowerCase();
  }

  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  headers.forEach(function (th, index) {
    var kind = th.getAttribute("data-sort");
    if (!kind) return;
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    th.setAttribute("aria-sort", "none");
    button.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      headers.forEach(function (other) { if (other.hasAttribute("aria-sort")) other.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var sorted = rows.slice().sort(function (a, b) {
        var x = cellValue(a, index, kind), y = cellValue(b, index, kind);
        var order = x < y ? -1 : x > y ? 1 : 0;
        if (order === 0) order = cellValue(a, 0, "text") < cellValue(b, 0, "text") ? -1 : 1;
        return ascending ? order : -order;
      });
      sorted.forEach(function (row) { body.appendChild(row); });
    });
  });

  function applyFilters() {
    var text = search.value.trim().toLowerCase();
    var wantedStatus = status.value;
    var wantedTier = tier.value;
    var shown = 0;
    rows.forEach(function (row) {
      var matches = (!text || row.cells[0].textContent.toLowerCase().indexOf(text) !== -1) &&
        (!wantedStatus || (" " + row.getAttribute("data-statuses") + " ").indexOf(" " + wantedStatus + " ") !== -1) &&
        (!wantedTier || row.getAttribute("data-tier") === wantedTier);
      row.hidden = !matches;
      if (matches) shown += 1;
    });
    count.textContent = shown === rows.length ? "" : shown + " of " + rows.length + " partners shown";
  }

  [search, status, tier].forEach(function (control) {
    control.addEventListener("input", applyFilters);
    control.addEventListener("change", applyFilters);
  });
  controls.hidden = false;
})();
