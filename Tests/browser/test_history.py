"""Status over time (issue 23) in the built site: the history page's charts with their tables, the
partner page's status history with its evidence links, both checked with axe-core and the Nu HTML
Checker; and the feeds, read with feedparser, whose entries keep their ids from one build to the next.

The site folder is public/ of this repository (override with ACCREDIT_SITE); the feed-id test builds the
sample content twice with ACCREDIT_BIN (default .build/debug/accredit). Run through Scripts/browser-test,
or alone: .build/venv/bin/python -m pytest Tests/browser/test_history.py
"""

import os
import subprocess
from pathlib import Path
from urllib.parse import urldefrag

import feedparser
import pytest
from conftest import nu_errors_in, serve
from selenium.webdriver.common.by import By
from test_site import axe_serious_violations, describe_violations, http_get, set_color_scheme

REPO = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("ACCREDIT_SITE", REPO / "public")).resolve()
ACCREDIT = os.environ.get("ACCREDIT_BIN", str(REPO / ".build" / "debug" / "accredit"))

HISTORY_PAGE = "history/"
PARTNER_PAGE = "partners/tailspin-interactive/"  # an accreditation that went at risk on 30 Sep 2026


@pytest.fixture(scope="module")
def site_url():
    assert (SITE / "history" / "index.html").is_file(), f"no history page in {SITE} (run the site build)"
    yield from serve(SITE)


@pytest.fixture
def browser(chromium):
    set_color_scheme(chromium, "light")
    chromium.get_log("browser")
    yield chromium
    set_color_scheme(chromium, "light")


def test_the_history_chart_has_its_title_description_and_table(browser, site_url):
    browser.get(site_url + HISTORY_PAGE)
    svg = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby='status-chart-heading'] svg")
    assert svg.get_attribute("role") == "img"
    title = svg.find_element(By.CSS_SELECTOR, "title#status-chart-title").get_attribute("textContent")
    desc = svg.find_element(By.CSS_SELECTOR, "desc#status-chart-desc").get_attribute("textContent")
    assert title and desc
    assert set(svg.get_attribute("aria-labelledby").split()) == {"status-chart-title", "status-chart-desc"}
    table = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby='status-chart-heading'] table")
    rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == 24
    # Each bar's segments are the row's non-zero numbers: their count agrees with the table's.
    cells = [int(td.text) for row in rows for td in row.find_elements(By.CSS_SELECTOR, "td")[:-1]]
    segments = svg.find_elements(By.CSS_SELECTOR, "rect.segment")
    assert len(segments) == sum(1 for value in cells if value > 0)
    partner_table = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby='partner-chart-heading'] table")
    assert len(partner_table.find_elements(By.CSS_SELECTOR, "tbody tr")) == 24


def test_the_history_page_works_without_script_and_at_390px(browser, site_url):
    browser.set_window_size(390, 900)
    try:
        browser.get(site_url + HISTORY_PAGE)
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways at 390 px ({width} px wide)"
    finally:
        browser.set_window_size(1280, 1000)


def test_at_390px_each_status_change_is_a_labelled_card_and_the_month_tables_scroll_in_their_box(browser, site_url):
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    try:
        browser.get(site_url + HISTORY_PAGE)
        found = browser.execute_script(
            """
            const cell = document.querySelector('table.changes tbody td[data-label="Reason"]');
            const boxes = Array.from(document.querySelectorAll('.chart-table'));
            return {
              stacked: cell !== null && getComputedStyle(cell).display === 'block',
              label: cell ? getComputedStyle(cell, '::before').content : '',
              boxes: boxes.map(b => [b.tabIndex, b.getAttribute('role'), !!b.getAttribute('aria-label'),
                                     getComputedStyle(b).overflowX]),
            };
            """)
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    # The changes table was squeezed into five columns, its reasons a word a line; now each row is a card.
    assert found["stacked"] and "Reason" in found["label"], found
    assert found["boxes"] and all(b == [0, "region", True, "auto"] for b in found["boxes"]), found


def test_the_overview_links_its_small_chart_to_the_history(browser, site_url):
    browser.get(site_url)
    link = browser.find_element(By.CSS_SELECTOR, "a.chart-link")
    assert link.get_attribute("href") == site_url + HISTORY_PAGE
    assert link.find_element(By.CSS_SELECTOR, "svg title").get_attribute("textContent")


def test_the_partner_history_links_to_its_evidence(browser, site_url):
    browser.get(site_url + PARTNER_PAGE)
    links = browser.find_elements(By.CSS_SELECTOR, "#status-history a.evidence")
    assert links, "the status history shows no evidence link"
    for link in links:
        target, fragment = urldefrag(link.get_attribute("href"))
        if fragment:
            assert target == site_url + PARTNER_PAGE
            assert browser.find_elements(By.ID, fragment), f"no element #{fragment} on the page"
        else:
            assert http_get(target)[0] == 200, target
    assert browser.find_elements(By.CSS_SELECTOR, "figure.timeline rect.status-row")
    alternate = browser.find_element(By.CSS_SELECTOR, "head link[rel='alternate'][href='feed.xml']")
    assert alternate.get_attribute("type") == "application/atom+xml"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("page", ["", HISTORY_PAGE, PARTNER_PAGE], ids=lambda p: p or "home")
def test_no_serious_accessibility_violations(browser, site_url, page, scheme):
    set_color_scheme(browser, scheme)
    browser.get(site_url + page)
    serious = axe_serious_violations(browser, scheme)
    assert not serious, f"axe-core on {page or 'home'} ({scheme}):\n" + describe_violations(serious)


def test_the_pages_are_valid_html(nu_report):
    # From the run's one Nu checker report on the whole site (the `nu_report` fixture).
    for page in ["", HISTORY_PAGE, PARTNER_PAGE]:
        assert nu_errors_in(nu_report, SITE / page / "index.html") == "", page


def feeds(folder):
    return [folder / "feed.xml"] + sorted((folder / "partners").glob("*/feed.xml"))


def test_every_feed_parses_and_carries_status_changes():
    for path in feeds(SITE):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
        ids = [entry.id for entry in parsed.entries]
        assert len(ids) == len(set(ids)), f"{path}: an id twice"
    site = feedparser.parse((SITE / "feed.xml").read_bytes())
    assert any("#status-" in entry.id for entry in site.entries)
    tailspin = feedparser.parse((SITE / PARTNER_PAGE / "feed.xml").read_bytes())
    change = [entry for entry in tailspin.entries if "at risk" in entry.title and "2026-09-30" in entry.id]
    assert change and "Data Operations and Sync expired" in change[0].summary


def test_entries_keep_their_ids_across_builds_at_different_dates(tmp_path):
    built = {}
    for date in ["2026-10-15", "2026-11-15"]:
        output = tmp_path / date
        subprocess.run(
            [ACCREDIT, "build", "--content", str(REPO / "content"), "--output", str(output), "--as-of", date,
             "--cache", str(tmp_path / f"cache-{date}"), "--no-search", "--quiet"],
            check=True, timeout=600,
        )
        built[date] = {
            path.relative_to(output).as_posix(): {entry.id: (entry.title, entry.updated) for entry in
                                                 feedparser.parse(path.read_bytes()).entries}
            for path in feeds(output)
        }
    earlier, later = built["2026-10-15"], built["2026-11-15"]
    compared = 0
    for feed, entries in earlier.items():
        kept = later.get(feed, {})
        oldest_later = min((updated for _, updated in kept.values()), default="")
        for entry_id, (title, updated) in entries.items():
            # An entry older than all the later feed keeps may have fallen off its end (100 entries).
            if len(kept) >= 100 and updated <= oldest_later:
                continue
            assert entry_id in kept, f"{feed}: {title} ({updated}) lost its id {entry_id}"
            assert kept[entry_id] == (title, updated), f"{feed}: {entry_id} changed"
            compared += 1
    assert compared > 0
    assert any("#status-" in entry_id for entries in earlier.values() for entry_id in entries)
