"""The overview's status cards, the partner list's Why column, order and "due within N days" filter, the
funnel at 390 px, and "Download this view (CSV)", in the built sample site (public/ or ACCREDIT_SITE)."""

import json
import os
import re
import shutil
import subprocess
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import serve
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from downloads import csv_rows, download_view, expected_view
from test_site import SITE, browser, site_url, status  # noqa: F401 (fixtures)

AS_OF = date(2026, 11, 15)
REPO = Path(__file__).resolve().parents[2]
ACCREDIT = os.environ.get("ACCREDIT_BIN", str(REPO / ".build" / "debug" / "accredit"))


def index_records():
    data = json.loads((SITE / "api" / "partners.json").read_text(encoding="utf-8"))
    return [dict(zip(data["fields"], p)) for p in data["partners"]]


def wait_for_list(driver):
    WebDriverWait(driver, 20).until(lambda d: d.execute_script(
        "var t = document.getElementById('partners-table'), f = document.getElementById('partner-controls');"
        "return !!t && !f.hidden && !t.hasAttribute('aria-busy');"))


def shown_slugs(driver):
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#partners-table tbody tr'))"
        ".filter(function (r) { return !r.hidden; }).map(function (r) { return r.getAttribute('data-slug'); });")


def test_download_this_view_is_the_filtered_rows_of_the_spreadsheet(browser, site_url, status, tmp_path):
    at_risk = {p["slug"] for p in status["partners"] if any(a["status"] == "at-risk" for a in p["accreditations"])}
    browser.get(site_url + "?status=at-risk")
    wait_for_list(browser)
    slugs = shown_slugs(browser)
    assert set(slugs) == at_risk and 0 < len(slugs) < len(status["partners"])

    name, data = download_view(browser, tmp_path)

    site_csv = (SITE / "api" / "accreditations.csv").read_bytes()
    rows = csv_rows(data)
    assert rows == expected_view(site_csv, slugs)
    assert rows[0][0] == "partner" and len(rows) > 1
    assert {row[0] for row in rows[1:]} == at_risk
    # The file's own bytes: UTF-8 without a byte-order mark, CRLF after every row.
    assert not data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n")
    assert data.count(b"\r\n") == len(rows)
    assert name == "accreditations-2026-11-15-filtered.csv"


def test_without_a_filter_the_download_is_every_row(browser, site_url, tmp_path):
    browser.get(site_url)
    wait_for_list(browser)
    _, data = download_view(browser, tmp_path)
    site_csv = (SITE / "api" / "accreditations.csv").read_bytes()
    assert sorted(csv_rows(data)[1:]) == sorted(csv_rows(site_csv)[1:])
    assert csv_rows(data)[0] == csv_rows(site_csv)[0]


def test_the_download_button_is_hidden_without_javascript():
    html = (SITE / "index.html").read_text(encoding="utf-8")
    form = re.search(r'<form class="table-controls" id="partner-controls" hidden>.*?</form>', html, re.S)
    assert form, "the controls are hidden until the script shows them"
    assert '<button type="button" id="download-view" hidden>Download this view (CSV)</button>' in form.group(0)


def test_status_cards_count_partners_and_link_to_the_filtered_list(browser, site_url, status):
    for key in ("revoked", "ineligible", "under-review", "at-risk", "accredited"):
        holders = [p for p in status["partners"] if any(a["status"] == key for a in p["accreditations"])]
        count = sum(a["status"] == key for p in status["partners"] for a in p["accreditations"])
        browser.get(site_url)
        link = browser.find_element(By.CSS_SELECTOR, f".count-{key} a.count-link")
        words = "partner" if len(holders) == 1 else "partners"
        assert link.find_element(By.CSS_SELECTOR, ".count").text == f"{count:,}"
        assert link.find_element(By.CSS_SELECTOR, ".count-partners").text == f"at {len(holders):,} {words}"
        link.click()
        wait_for_list(browser)
        assert f"status={key}" in browser.current_url
        assert sorted(shown_slugs(browser)) == sorted(p["slug"] for p in holders), key


def test_due_within_counts_every_calendar_item_from_today(browser, site_url, status):
    browser.get(site_url + "?due=30")
    wait_for_list(browser)
    last = (AS_OF + timedelta(days=30)).isoformat()
    expected = [r["slug"] for r in index_records() if r["next_due"] and r["next_due"] <= last]
    assert shown_slugs(browser) == expected
    next_evaluation = {p["slug"]: p["accreditations"] for p in status["partners"]}
    # Fabrikam's grace period and Litware's certification end today; neither is evaluated within 30 days.
    for slug in ("fabrikam-solutions", "litware-labs"):
        assert slug in expected
        assert all((a["next_evaluation"] or "9999") > last for a in next_evaluation[slug])


def test_the_why_column_says_the_reasons_in_a_few_words(browser, site_url):
    browser.get(site_url)
    why = {
        row.get_attribute("data-slug"): row.find_element(By.CSS_SELECTOR, "td.why").text
        for row in browser.find_elements(By.CSS_SELECTOR, "#partners-table tbody tr")
    }
    assert why["wingtip-partners"] == "5 marks"
    assert why["tailspin-interactive"] == "cert expired 30 Sep"
    assert why["fabrikam-solutions"] == "grace ends 15 Nov"
    assert why["contoso-consulting"] == ""


def test_partners_needing_action_come_before_the_revoked():
    html = (SITE / "index.html").read_text(encoding="utf-8")
    slugs = re.findall(r'<tr data-slug="([^"]+)"', html)
    records = {r["slug"]: r for r in index_records()}
    statuses = json.loads((SITE / "api" / "partners.json").read_text(encoding="utf-8"))["statuses"]

    def keys(slug):
        cells = records[slug]["accreditations"]
        return {statuses[s][0] for s in cells[1::2]}

    needing = [i for i, s in enumerate(slugs) if keys(s) & {"ineligible", "under-review", "at-risk"}]
    revoked = [i for i, s in enumerate(slugs) if "revoked" in keys(s) and i not in needing]
    assert needing and revoked and max(needing) < min(revoked)


def test_funnel_labels_are_whole_at_390_px(browser, site_url):
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 390, "height": 900, "deviceScaleFactor": 1, "mobile": True})
    try:
        browser.get(site_url)
        overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        clipped = browser.execute_script(
            "return Array.from(document.querySelectorAll('.funnel-label')).filter(function (l) {"
            "  var box = l.getBoundingClientRect();"
            "  return l.scrollWidth > l.clientWidth || box.right > window.innerWidth || box.left < 0; }).length;")
        labels = browser.execute_script(
            "return Array.from(document.querySelectorAll('.funnel-label')).map(function (l) { return l.textContent; });")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert overflow <= 0 and clipped == 0
    assert len(labels) == 5 and labels[0].startswith("Complaint")


# --- a hostile name through the download ---------------------------------------------------------

HOSTILE = '=HYPERLINK("http://evil.example","Contoso, ""Consulting""")'
HOSTILE_PDM = '@Marcus "M", Bell'


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """The sample content with Contoso renamed to a formula with quotes and a comma (records hold no line
    breaks) and its PDM to one that begins with @, built with the debug binary (ACCREDIT_BIN overrides)."""
    folder = tmp_path_factory.mktemp("hostile")
    content, public = folder / "content", folder / "public"
    shutil.copytree(REPO / "content", content)
    record = content / "partners" / "contoso-consulting.yaml"
    text = re.sub(r"(?m)^name: .*$", lambda _: "name: " + json.dumps(HOSTILE), record.read_text(encoding="utf-8"))
    record.write_text(re.sub(r"(?m)^pdm: .*$", lambda _: "pdm: " + json.dumps(HOSTILE_PDM), text), encoding="utf-8")
    result = subprocess.run([ACCREDIT, "build", "--content", content, "--output", public, "--no-search", "--quiet"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    yield from serve(public)


def test_the_download_keeps_hostile_text_defused_and_whole(browser, hostile_site, tmp_path):
    browser.get(hostile_site + "?q=hyperlink")
    wait_for_list(browser)
    assert shown_slugs(browser) == ["contoso-consulting"]
    _, data = download_view(browser, tmp_path)
    site_csv = urllib.request.urlopen(hostile_site + "api/accreditations.csv", timeout=10).read()
    rows = csv_rows(data)
    assert rows == expected_view(site_csv, ["contoso-consulting"]) and len(rows) == 2
    assert rows[1][1] == "'" + HOSTILE and rows[1][2] == "'" + HOSTILE_PDM  # a spreadsheet shows them as text
