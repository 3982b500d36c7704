"""The partner page (issue 24, items 6 and 7) in the built sample site (public/ or ACCREDIT_SITE): "in grace"
as the list says it, the Scheduled section, tables and the timeline in their own scroll boxes at 390 px, the
timeline opening at today, and the page printed as a status letter (Chromium's PDF read with pdftotext)."""

import base64
import json
import re
import shutil
import subprocess

import pytest

from actor_pages import axe_serious, nu_errors, violations_text
from test_site import SITE, browser, site_url  # noqa: F401 (fixtures)

FABRIKAM = "partners/fabrikam-solutions/"  # in grace, a grace extension scheduled, a wide grace table
SUMMIT = "partners/summit-peak-partners/"  # platinum again while its grace period still runs
NORTHWIND = "partners/northwind-digital/"  # an accreditation issued next month


def at_width(browser, width, url):
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": width, "height": 844, "deviceScaleFactor": 1, "mobile": width < 600})
    browser.get(url)


def clear_width(browser):
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_in_grace_on_every_page_whose_list_row_says_it():
    index = json.loads((SITE / "api/partners.json").read_text(encoding="utf-8"))
    fields = index["fields"]
    checked = 0
    for partner in index["partners"]:
        slug, in_grace = partner[fields.index("slug")], partner[fields.index("in_grace")]
        html = (SITE / "partners" / slug / "index.html").read_text(encoding="utf-8")
        tier = re.search(r"<dt>Effective tier</dt><dd>(.*?)</dd>", html, re.S).group(1)
        assert ("(in grace)" in tier) == bool(in_grace), slug
        checked += bool(in_grace)
    assert checked == 2  # Fabrikam and Summit Peak


def test_scheduled_entries_are_shown_apart_as_not_yet_in_force(browser, site_url):
    browser.get(site_url + FABRIKAM)
    rows = browser.execute_script(
        "return Array.from(document.querySelectorAll('#scheduled tbody tr'))"
        ".map(tr => Array.from(tr.cells).map(td => td.textContent.trim()))")
    assert rows == [
        ["16 Nov 2026 (tomorrow)", "Grace period", "Until 31 Jan 2027Extended to cover the January tier review",
         "Not yet in force"],
        ["15 Jan 2027 (in 61 days)", "Tier review", "Platinum (an eligible tier)", "Not yet in force"],
    ]
    # Not in the record's grace table, which holds what is in force.
    grace = browser.execute_script(
        "return Array.from(document.querySelectorAll('#record table')[1].tBodies[0].rows).map(r => r.cells[0].textContent)")
    assert grace == ["1 Jul 2026"]
    # A partner with nothing scheduled has no such section.
    assert 'id="scheduled"' not in (SITE / "partners/contoso-consulting/index.html").read_text(encoding="utf-8")


def test_no_slug_in_what_the_page_says(browser, site_url):
    browser.get(site_url + "partners/harborlight-systems/")
    text = browser.find_element("css selector", "main").text
    assert "open at the review board stage" in text
    assert "review-board" not in text and "partner-ops" not in text


def test_wide_tables_scroll_in_their_own_box_at_390_px(browser, site_url):
    at_width(browser, 390, site_url + FABRIKAM)
    try:
        page = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        boxes = browser.execute_script(
            """
            return Array.from(document.querySelectorAll('#record .table-scroll')).map(box => {
              const style = getComputedStyle(box);
              return {
                label: document.getElementById(box.getAttribute('aria-labelledby')).textContent,
                scrolls: box.scrollWidth > box.clientWidth,
                overflow: style.overflowX,
                cue: style.backgroundImage.includes('gradient') && style.backgroundAttachment.includes('local'),
                focusable: box.tabIndex === 0 && box.getAttribute('role') === 'region',
              };
            });
            """)
    finally:
        clear_width(browser)
    assert page <= 0, f"the page scrolls sideways by {page} px"
    assert boxes and all(b["overflow"] == "auto" and b["cue"] and b["focusable"] for b in boxes), boxes
    # The grace table (four columns, dates kept whole) is wider than the phone: it scrolls in its box.
    assert any(b["scrolls"] and b["label"] == "Grace periods" for b in boxes), boxes


def test_the_timeline_opens_at_today_at_390_px_with_its_labels_in_view(browser, site_url):
    at_width(browser, 390, site_url + FABRIKAM)
    try:
        found = browser.execute_script(
            """
            const box = document.querySelector('.timeline-scroll');
            const today = box.querySelector('line.today').getBoundingClientRect();
            const frame = box.getBoundingClientRect();
            const labels = box.querySelector('.timeline-labels').getBoundingClientRect();
            return {scrollLeft: box.scrollLeft, scrolls: box.scrollWidth > box.clientWidth,
                    todayX: today.left - frame.left, width: box.clientWidth,
                    labelsLeft: labels.left - frame.left, labelsRight: labels.right - frame.left};
            """)
    finally:
        clear_width(browser)
    assert found["scrolls"] and found["scrollLeft"] > 0, found
    # Today is in view, right of the lane labels that stay at the box's left edge.
    assert found["labelsLeft"] == 0, found
    assert found["labelsRight"] < found["todayX"] < found["width"], found


def test_the_timeline_is_not_scrolled_on_a_wide_screen(browser, site_url):
    browser.get(site_url + FABRIKAM)  # 1280 px
    scroll = browser.execute_script(
        "const b = document.querySelector('.timeline-scroll'); return [b.scrollLeft, b.scrollWidth - b.clientWidth]")
    assert scroll == [0, 0]


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(browser, site_url, scheme, width):
    if width != 1280:
        browser.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride", {"width": width, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    try:
        serious = axe_serious(browser, site_url + FABRIKAM, scheme)
    finally:
        clear_width(browser)
    assert not serious, violations_text(serious)


@pytest.mark.parametrize("page", [FABRIKAM, NORTHWIND])
def test_valid_html(nu_report, page):
    assert nu_errors(nu_report, page) == ""


PAPER = {"letter": (8.5, 11), "a4": (8.27, 11.69)}


def printed_pages(browser, url, paper):
    """Chromium's PDF of the page (on `paper`, with Chromium's default margins), as the text of each sheet."""
    browser.get(url)
    width, height = PAPER[paper]
    options = {"printBackground": False, "paperWidth": width, "paperHeight": height}
    pdf = base64.b64decode(browser.execute_cdp_cmd("Page.printToPDF", options)["data"])
    pages, number = [], 1
    while True:
        result = subprocess.run(
            ["pdftotext", "-layout", "-f", str(number), "-l", str(number), "-", "-"],
            input=pdf, capture_output=True, timeout=60)
        if result.returncode != 0:
            break
        pages.append(result.stdout.decode("utf-8"))
        number += 1
    return pages


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
@pytest.mark.parametrize("paper", sorted(PAPER))
@pytest.mark.parametrize("page", [FABRIKAM, NORTHWIND, "partners/everbright-studio/", "partners/litware-labs/"])
def test_printed_as_a_status_letter(browser, site_url, page, paper):
    pages = printed_pages(browser, site_url + page, paper)
    headings = browser.execute_script(
        "return Array.from(document.querySelectorAll('main h2, main h3, main h4')).map(h => h.textContent.trim())")
    name = browser.find_element("css selector", "h1").text
    assert len(pages) >= 2
    first = pages[0]
    # The partner and the date at the top of page one.
    assert name in first and "Accreditation status as of 15 Nov 2026" in first
    assert first.index(name) < first.index("Accreditation status as of") < first.index("Accreditations")
    for number, text in enumerate(pages, 1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines, f"sheet {number} is empty"
        # No heading left at the foot of a sheet, away from what it heads.
        assert lines[-1] not in headings, f"sheet {number} ends with the heading {lines[-1]!r}"
        # No sheet holding only the badge, or only the footer.
        assert "Status badge" not in lines and not lines[0].startswith("Statuses evaluated"), (number, lines[:3])
