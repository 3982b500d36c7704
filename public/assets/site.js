// accredit: filtering and sorting for the partner list. Plain JavaScript, no framework, no build step.
// Without JavaScript every page of the list is complete and the controls stay hidden. With it, a list
// that fits on one page is filtered and sorted in place; a longer one fetches api/partners.json and
// draws the matching partners a page at a time. The view lives in the URL query, so it can be shared.
// "Download this view (CSV)" saves the rows of api/accreditations.csv of the partners the view selects.
(function () {
  "use strict";
  var table = document.getElementById("partners-table");
  if (!table) return;
  var body = table.tBodies[0];
  var form = document.getElementById("partner-controls");
  var count = document.getElementById("match-count");
  var summary = document.getElementById("list-summary");
  var unavailable = document.getElementById("index-unavailable");
  var pager = document.querySelector("nav.pager");
  var download = document.getElementById("download-view");
  var FILTERS = ["q", "status", "tier", "region", "pdm", "due", "open"];
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var NO_DATE = "9999-12-31";  // sorts partners without a next evaluation last, as the server does
  var controls = {};
  FILTERS.forEach(function (name) { controls[name] = form.elements[name]; });
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells).filter(function (th) {
    return th.hasAttribute("data-key");
  });

  var root = table.getAttribute("data-root") || "";
  var staticPage = parseInt(table.getAttribute("data-page"), 10) || 1;
  // What the server drew, put back whenever the view is the default one again.
  var staticRows = Array.prototype.slice.call(body.rows);
  var staticPager = pager && pager.querySelector("ul");
  var staticSummary = summary ? summary.textContent : "";

  // "rows": the rows in the page are what is filtered (the whole list, or this page only when the
  // index is unavailable); "loading": waiting for the index; "index": drawing from it.
  var mode = (parseInt(table.getAttribute("data-pages"), 10) || 1) > 1 ? "loading" : "rows";
  var pageOnly = false;
  var records = [];  // one per partner, in the list's order: what the filters and sorting look at
  var index = null;  // api/partners.json, once fetched
  var pageSize = 50;
  var asOf = table.getAttribute("data-as-of");
  var state = readQuery();

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function grouped(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function displayDate(iso) {  // 2027-03-05 → 5 Mar 2027
    var p = iso.split("-");
    return parseInt(p[2], 10) + " " + MONTHS[parseInt(p[1], 10) - 1] + " " + p[0];
  }
  function addDays(iso, days) {
    var p = iso.split("-");
    return new Date(Date.UTC(+p[0], +p[1] - 1, +p[2] + days)).toISOString().slice(0, 10);
  }
  function distinct(list) { return list.filter(function (v, i) { return v && list.indexOf(v) === i; }).sort(); }

  // --- the view in the URL: ?q=&status=&tier=&region=&pdm=&due=&open=1&sort=&dir=desc&page= -----

  function readQuery() {
    var query = new URLSearchParams(location.search), view = {};
    FILTERS.forEach(function (name) { view[name] = query.get(name) || ""; });
    view.open = view.open === "1" ? "1" : "";
    var known = headers.some(function (th) { return th.getAttribute("data-key") === query.get("sort"); });
    view.sort = known ? query.get("sort") : "";
    view.dir = known && query.get("dir") === "desc" ? "desc" : "asc";
    view.page = parseInt(query.get("page"), 10) || 0;  // 0: the default page
    return view;
  }
  function filtering() { return FILTERS.some(function (name) { return state[name]; }); }
  // Unfiltered and unsorted, the view starts at this page's part of the list; otherwise at page 1.
  function defaultPage() { return filtering() || state.sort ? 1 : staticPage; }
  function queryString(page) {  // only what differs from the default view
    var query = new URLSearchParams();
    FILTERS.forEach(function (name) { if (state[name]) query.set(name, state[name]); });
    if (state.sort) query.set("sort", state.sort);
    if (state.sort && state.dir === "desc") query.set("dir", "desc");
    if (mode !== "rows" && page && page !== defaultPage()) query.set("page", String(page));
    var text = query.toString();
    return text ? "?" + text : "";
  }
  function writeQuery() {
    try {
      history.replaceState(history.state, "", location.pathname + queryString(state.page) + location.hash);
    } catch (e) { /* a browser may refuse for file: URLs; the view works all the same */ }
  }

  // --- records: the same shape from the table's rows and from the index ---------------------------

  function recordFromRow(row, position) {
    var sort = {};
    headers.forEach(function (th) {
      var value = row.cells[th.cellIndex].getAttribute("data-value") || "";
      sort[th.getAttribute("data-key")] = th.getAttribute("data-sort") === "number" ? parseFloat(value) : value.toLowerCase();
    });
    return { row: row, position: position, slug: row.getAttribute("data-slug"),
      name: row.cells[0].textContent.trim().toLowerCase(),
      statuses: (row.getAttribute("data-statuses") || "").split(" "), tier: row.getAttribute("data-tier"),
      region: row.getAttribute("data-region"), pdm: row.getAttribute("data-pdm"),
      open: row.getAttribute("data-open") !== "0", next: row.getAttribute("data-next") || NO_DATE,
      due: row.getAttribute("data-due") || NO_DATE, sort: sort };
  }

  // A partner of the index: [slug, name, tier, in_grace, region, pdm, [type, status, …], marks, open, next,
  // why, next_due].
  function recordFromIndex(p, position) {
    var keys = [], rank = index.statuses.length;
    for (var i = 1; i < p[6].length; i += 2) {
      if (keys.indexOf(index.statuses[p[6][i]][0]) === -1) keys.push(index.statuses[p[6][i]][0]);
      rank = Math.min(rank, p[6][i]);
    }
    var region = p[4] === null ? "" : index.regions[p[4]], pdm = p[5] === null ? "" : index.pdms[p[5]];
    var next = p[9] || NO_DATE;
    return { entry: p, position: position, slug: p[0], name: p[1].toLowerCase(), statuses: keys,
      tier: p[2] === null ? "None" : index.tiers[p[2]][1], region: region, pdm: pdm, open: p[8] > 0, next: next,
      due: p[11] || NO_DATE,
      sort: { name: p[1].toLowerCase(), tier: p[2] === null ? -1 : p[2], region: region.toLowerCase(),
        pdm: pdm.toLowerCase(), status: rank, why: (p[10] || "").toLowerCase(), marks: p[7], next: next } };
  }

  // The matching records in the chosen order; ties keep the list's order (needing action first). "Due
  // within N days" compares each partner's first calendar item from the evaluation date on (next_due).
  function matching() {
    var text = state.q.trim().toLowerCase();
    var dueBy = state.due && asOf ? addDays(asOf, parseInt(state.due, 10) || 0) : "";
    var found = records.filter(function (r) {
      return (!text || r.name.indexOf(text) !== -1) && (!state.status || r.statuses.indexOf(state.status) !== -1) &&
        (!state.tier || r.tier === state.tier) && (!state.region || r.region === state.region) &&
        (!state.pdm || r.pdm === state.pdm) && (!state.open || r.open) && (!dueBy || r.due <= dueBy);
    });
    var key = state.sort, sign = state.dir === "desc" ? -1 : 1;
    if (key) found.sort(function (a, b) {
      var x = a.sort[key], y = b.sort[key];
      return (x < y ? -sign : x > y ? sign : 0) || a.position - b.position;
    });
    return found;
  }

  // --- drawing ----------------------------------------------------------------------------------

  function badge(status) {  // [key, label, svg path]: like the server's status-badge.mustache
    var span = el("span", "status status-" + status[0]);
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    [["class", "icon"], ["viewBox", "0 0 16 16"], ["width", "16"], ["height", "16"], ["aria-hidden", "true"],
      ["focusable", "false"]].forEach(function (a) { svg.setAttribute(a[0], a[1]); });
    path.setAttribute("d", status[2]);
    svg.appendChild(path);
    span.appendChild(svg);
    span.appendChild(document.createTextNode(status[1]));
    return span;
  }

  // A row like the server's (partner-list.mustache), from a record of the index. Text only: names
  // are never parsed as markup.
  function buildRow(r) {
    var p = r.entry, tr = el("tr");
    [["statuses", r.statuses.slice().sort().join(" ")], ["tier", r.tier], ["region", r.region], ["pdm", r.pdm],
      ["open", String(p[8])], ["next", r.next], ["slug", p[0]], ["due", r.due]].forEach(function (a) {
      tr.setAttribute("data-" + a[0], a[1]);
    });
    function cell(value, className, content) {
      var td = el("td", className);
      td.setAttribute("data-value", String(value));
      if (content !== "") td.appendChild(typeof content === "string" ? document.createTextNode(content) : content);
      return tr.appendChild(td);
    }
    var link = el("a", "", p[1]);
    link.href = root + "partners/" + encodeURIComponent(p[0]) + "/";
    cell(p[1], "", link);
    var tier = cell(r.sort.tier, "", r.tier);
    if (p[3]) { tier.appendChild(document.createTextNode(" ")); tier.appendChild(el("span", "note", "(in grace)")); }
    cell(r.region, "", r.region || el("span", "muted", "—"));
    cell(r.pdm, "", r.pdm || el("span", "muted", "—"));
    var list = el("ul", "accreditation-list");
    for (var i = 0; i < p[6].length; i += 2) {
      var li = list.appendChild(el("li"));
      li.appendChild(el("span", "accreditation-name", index.accreditation_types[p[6][i]][1]));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(badge(index.statuses[p[6][i + 1]]));
    }
    cell(r.sort.status, "", p[6].length ? list : el("span", "muted", "None yet"));
    cell(p[10] || "", "why", p[10] || "");
    cell(p[7], "numeric", String(p[7]));
    var when = el("time", "", p[9] ? displayDate(p[9]) : undefined);
    if (p[9]) when.setAttribute("datetime", p[9]);
    cell(r.next, "next", p[9] ? when : el("span", "muted", "—"));
    return tr;
  }

  // The server's window of page links: the first, the last, and two either side of the current one.
  function drawPager(current, pages) {
    var list = el("ul"), shown = [];
    function link(number, text, rel) {
      var a = list.appendChild(el("li")).appendChild(el("a", "", text));
      a.href = queryString(number) || location.pathname;
      a.setAttribute("data-page", String(number));
      if (rel) a.rel = rel;
      if (!rel && number === current) a.setAttribute("aria-current", "page");
    }
    for (var n = 1; n <= pages; n++) if (n === 1 || n === pages || Math.abs(n - current) <= 2) shown.push(n);
    if (current > 1) link(current - 1, "← Previous", "prev");
    shown.forEach(function (n, i) {
      if (i > 0 && shown[i - 1] !== n - 1) list.appendChild(el("li", "gap", "…")).setAttribute("aria-hidden", "true");
      link(n, String(n));
    });
    if (current < pages) link(current + 1, "Next →", "next");
    pager.replaceChild(list, pager.querySelector("ul"));
    pager.hidden = pages <= 1;
  }

  // "Partners 51–100 of 1,204, sorted by marks, descending." above the table.
  function describe(start, shown, matched) {
    var th = headers.filter(function (h) { return h.getAttribute("data-key") === state.sort; })[0];
    var range = !matched ? "No partners match" : pageOnly ? grouped(matched) + " partners of this page"
      : "Partners " + grouped(start + 1) + "–" + grouped(start + shown) + " of " + grouped(matched);
    return range + ", " + (th ? "sorted by " + th.textContent.trim().toLowerCase() + ", " +
      (state.dir === "desc" ? "descending." : "ascending.") :
      "those needing action first (ineligible, under review, at risk), then revoked, then accredited, then by name.");
  }

  function update() {
    headers.forEach(function (th) {
      var key = th.getAttribute("data-key");
      th.setAttribute("aria-sort", key !== state.sort ? "none" : state.dir === "desc" ? "descending" : "ascending");
    });
    if (mode === "loading") return;  // drawn when the index arrives
    var found = matching(), custom = filtering() || state.sort;
    count.textContent = filtering() ? grouped(found.length) + " of " + grouped(records.length) + " partners" +
      (pageOnly ? " on this page" : "") + " match" : "";
    if (mode === "rows") {
      records.forEach(function (r) { r.row.hidden = true; });
      found.forEach(function (r) { r.row.hidden = false; body.appendChild(r.row); });  // in order, at the end
      if (summary) summary.textContent = custom ? describe(0, found.length, found.length) : staticSummary;
      return;
    }
    var pages = Math.max(1, Math.ceil(found.length / pageSize));
    var page = Math.min(state.page || defaultPage(), pages), start = (page - 1) * pageSize;
    var drawn = !custom && page === staticPage ? staticRows : found.slice(start, start + pageSize).map(buildRow);
    var rows = document.createDocumentFragment();
    drawn.forEach(function (row) { rows.appendChild(row); });
    while (body.firstChild) body.removeChild(body.firstChild);
    body.appendChild(rows);
    if (drawn === staticRows) {  // exactly what the server drew, with its links to the static pages
      if (pager && pager.querySelector("ul") !== staticPager) pager.replaceChild(staticPager, pager.querySelector("ul"));
      if (pager) pager.hidden = false;
      if (summary) summary.textContent = staticSummary;
    } else {
      if (pager) drawPager(page, pages);
      if (summary) summary.textContent = describe(start, drawn.length, found.length);
    }
  }

  function changed() {
    state.page = 0;
    update();
    writeQuery();
  }

  // --- controls ---------------------------------------------------------------------------------

  // Replaces a select's choices after its first ("Any …"), keeping the view's value even when it is
  // not among them (a shared URL), so that the control always shows what filters.
  function fillOptions(select, values) {
    var wanted = state[select.name];
    if (wanted && values.indexOf(wanted) === -1) values = values.concat([wanted]);
    while (select.options.length > 1) select.remove(1);
    values.forEach(function (value) { select.appendChild(el("option", "", value)).value = value; });
    select.value = wanted;
  }

  // Shows the controls set to the view; a status, tier or due value they do not offer is dropped.
  FILTERS.forEach(function (name) {
    var control = controls[name];
    if (name === "region" || name === "pdm") fillOptions(control, []);
    else if (name === "open") control.checked = state.open === "1";
    else { control.value = state[name]; state[name] = control.value; }
    function read() {
      var value = control.type === "checkbox" ? (control.checked ? "1" : "") : control.value;
      if (value !== state[name]) { state[name] = value; changed(); }
    }
    control.addEventListener("input", read);
    control.addEventListener("change", read);
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });  // Enter in the search box
  form.hidden = false;

  headers.forEach(function (th) {
    var button = el("button", "", th.textContent);
    button.type = "button";
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () {  // ascending first, then each click reverses
      state.dir = state.sort === th.getAttribute("data-key") && state.dir === "asc" ? "desc" : "asc";
      state.sort = th.getAttribute("data-key");
      changed();
    });
  });

  if (pager) pager.addEventListener("click", function (event) {  // the script's page links: no reload
    var link = event.target.closest && event.target.closest("a[data-page]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    state.page = parseInt(link.getAttribute("data-page"), 10);
    update();
    writeQuery();
    var current = pager.querySelector("[aria-current]");
    if (current) current.focus();
    if (table.getBoundingClientRect().top < 0) table.scrollIntoView();
  });

  // --- "Download this view (CSV)": the rows of api/accreditations.csv of the matching partners -------

  // The value of a CSV field as written (quoted or not), with the export's formula defusing undone.
  function fieldValue(raw) {
    if (raw.charAt(0) === '"') raw = raw.slice(1, -1).replace(/""/g, '"');
    if (raw.charAt(0) === "'" && "=+-@\t\r".indexOf(raw.charAt(1)) !== -1) raw = raw.slice(1);
    return raw;
  }

  // The file's records (RFC 4180: a line break inside quotes belongs to the field), each as its exact
  // text with its CRLF, and the partner's slug (the first field).
  function csvRecords(text) {
    var found = [], start = 0, quoted = false, firstEnd = -1;
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i);
      if (c === '"') quoted = !quoted;
      else if (!quoted && c === "," && firstEnd < 0) firstEnd = i;
      else if (!quoted && c === "\n") {
        found.push({ text: text.slice(start, i + 1),
          slug: fieldValue(text.slice(start, firstEnd < 0 ? i : firstEnd).replace(/\r$/, "")) });
        start = i + 1;
        firstEnd = -1;
      }
    }
    return found;
  }

  // The header, then each matching partner's rows in the view's order (each partner's in the file's order):
  // the same bytes as the file's, so the columns, quoting and formula defusing are the export's.
  function downloadView() {
    var wanted = matching();
    download.disabled = true;
    fetch(table.getAttribute("data-csv"))
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (text) {
        var rows = csvRecords(text), bySlug = {};
        rows.slice(1).forEach(function (row) { (bySlug[row.slug] = bySlug[row.slug] || []).push(row.text); });
        var parts = rows.length ? [rows[0].text] : [];
        wanted.forEach(function (r) { parts = parts.concat(bySlug[r.slug] || []); });
        var link = el("a");
        link.href = URL.createObjectURL(new Blob(parts, { type: "text/csv;charset=utf-8" }));
        link.download = "accreditations-" + (asOf || "view") + (filtering() ? "-filtered" : "") + ".csv";
        document.body.appendChild(link);
        link.click();
        document.body.removeChild(link);
        setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
        download.disabled = false;
      }, function () {
        download.disabled = false;
        count.textContent = "The spreadsheet (api/accreditations.csv) could not be loaded.";
      });
  }
  if (download) download.addEventListener("click", downloadView);
  // Only where the file can be fetched (not from a file: page, where browsers refuse).
  function offerDownload() { if (download) download.hidden = pageOnly || location.protocol === "file:" || !window.fetch || !window.Blob; }

  // --- the data: this page's rows, or the index ---------------------------------------------------

  function useRows(onlyThisPage) {
    mode = "rows";
    pageOnly = onlyThisPage;
    if (!asOf) {  // the evaluation date, for "due within N days": the page's lede states it
      var time = document.querySelector(".lede time[datetime]");
      asOf = time ? time.getAttribute("datetime") : new Date().toISOString().slice(0, 10);
    }
    records = staticRows.map(recordFromRow);
    fillOptions(controls.region, distinct(records.map(function (r) { return r.region; })));
    fillOptions(controls.pdm, distinct(records.map(function (r) { return r.pdm; })));
    offerDownload();
    update();
    writeQuery();
  }

  function indexUnavailable() {  // filter this page's rows, and say why only those
    table.removeAttribute("aria-busy");
    unavailable.hidden = false;
    useRows(true);
  }

  function useIndex(data) {
    if (!data || data.schema !== 1 || !data.partners) return indexUnavailable();
    index = data;
    mode = "index";
    asOf = data.as_of;
    pageSize = data.page_size || pageSize;
    records = data.partners.map(recordFromIndex);
    fillOptions(controls.region, data.regions.slice());
    fillOptions(controls.pdm, data.pdms.slice());
    offerDownload();
    table.removeAttribute("aria-busy");
    update();
    writeQuery();
  }

  if (mode === "rows") {
    useRows(false);
  } else if (location.protocol === "file:" || !window.fetch) {
    indexUnavailable();  // browsers do not fetch from file: URLs, and trying logs an error
  } else {
    table.setAttribute("aria-busy", "true");
    update();
    fetch(table.getAttribute("data-index"))
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(useIndex, indexUnavailable);  // not served, or not JSON
  }
})();
