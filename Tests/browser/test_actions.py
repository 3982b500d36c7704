"""actions/: what needs doing, in the built sample site (public/ or ACCREDIT_SITE)."""

import re

import pytest

from actor_pages import axe_serious, nu_errors, page_overflow_at, printed_text, violations_text
from test_site import SITE, browser, site_url  # noqa: F401 (fixtures)

PAGE = "actions/"


def static_html():
    return (SITE / PAGE / "index.html").read_text(encoding="utf-8")


def test_complete_without_javascript_and_grouped_by_week():
    html = static_html()
    weeks = re.findall(r'<h2 id="week-(\d{4}-\d\d-\d\d)">', html)
    assert weeks and weeks == sorted(weeks)
    assert weeks[0] == "2026-11-15"  # the evaluation date's week comes first
    assert "Case NW-2026-019 open at mediation" in html
    # Meridian Works' accreditations are all revoked: none is evaluated again.
    assert not re.search(r"Meridian Works</a></td><td>[^<]*</td><td>Evaluation", html)


def test_the_overview_links_here():
    home = (SITE / "index.html").read_text(encoding="utf-8")
    assert 'href="actions/"' in home
    assert "accredit upcoming --days" not in home


def test_linked_from_the_navigation():
    html = (SITE / "faq" / "index.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav aria-label="Main">.*?</nav>', html, re.S).group(0)
    assert 'href="../actions/"' in nav


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(browser, site_url, scheme):
    serious = axe_serious(browser, site_url + PAGE, scheme)
    assert not serious, violations_text(serious)


def test_valid_html(nu_report):
    assert nu_errors(nu_report, PAGE) == ""


def test_readable_at_390_px(browser, site_url):
    overflow, stacked = page_overflow_at(browser, site_url + PAGE, 390)
    assert overflow <= 0 and stacked


def test_prints_every_row(browser, site_url):
    text = printed_text(browser, site_url + PAGE)
    assert "Case NW-2026-019 open at mediation" in text
