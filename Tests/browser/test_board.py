"""board/: the review board's agenda, in the built sample site (public/ or ACCREDIT_SITE)."""

import re

import pytest

from actor_pages import axe_serious, nu_errors, page_overflow_at, printed_text, violations_text
from test_site import SITE, browser, site_url  # noqa: F401 (fixtures)

PAGE = "board/"


def static_html():
    return (SITE / PAGE / "index.html").read_text(encoding="utf-8")


def test_complete_without_javascript():
    html = static_html()
    # Every section and its rows are in the file; no script builds them.
    for heading in ["cases-heading", "marks-heading", "serious-heading", "threshold-heading", "decisions-heading"]:
        assert f'id="{heading}"' in html
    assert "HL-2026-007" in html and "LS-2026-012" in html
    assert "Contoso Consulting" in html
    assert "WT-2026-009" in html


def test_linked_from_the_navigation_of_every_page():
    for page in ["index.html", "standards/index.html", "partners/northwind-digital/index.html"]:
        html = (SITE / page).read_text(encoding="utf-8")
        nav = re.search(r'<nav aria-label="Main">.*?</nav>', html, re.S).group(0)
        assert re.search(r'href="(\.\./)*board/"', nav), page


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(browser, site_url, scheme):
    serious = axe_serious(browser, site_url + PAGE, scheme)
    assert not serious, violations_text(serious)


def test_valid_html(nu_report):
    assert nu_errors(nu_report, PAGE) == ""


def test_readable_at_390_px(browser, site_url):
    overflow, stacked = page_overflow_at(browser, site_url + PAGE, 390)
    assert overflow <= 0 and stacked


def test_prints_the_agenda_without_the_navigation(browser, site_url):
    text = printed_text(browser, site_url + PAGE)
    assert "HL-2026-007" in text and "Partners one mark from a review" in text
    assert "Reviews for marks" not in text  # the on-page navigation is not printed
