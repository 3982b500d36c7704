"""pdms/ and pdms/<pdm>/: the PDMs' portfolios, in the built sample site (public/ or ACCREDIT_SITE)."""

import re

import pytest

from actor_pages import axe_serious, nu_errors, page_overflow_at, printed_text, violations_text
from test_site import SITE, browser, site_url  # noqa: F401 (fixtures)

PAGES = ["pdms/", "pdms/jana-kowalski/", "pdms/no-pdm/"]


def test_every_pdm_has_a_page_linked_from_the_index():
    html = (SITE / "pdms" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<td data-label="PDM"><a href="([^"]+)">([^<]+)</a>', html)
    assert [name for _, name in links][-1] == "No PDM"
    for href, _ in links:
        assert (SITE / "pdms" / href / "index.html").is_file(), href


def test_linked_from_the_navigation():
    html = (SITE / "index.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav aria-label="Main">.*?</nav>', html, re.S).group(0)
    assert 'href="pdms/"' in nav


def test_a_portfolio_is_complete_without_javascript():
    html = (SITE / "pdms" / "jana-kowalski" / "index.html").read_text(encoding="utf-8")
    for text in ["Litware Labs", "Northwind Digital", "Proseware Group", "Case NW-2026-019 open at mediation",
                 "LW-2026-016"]:
        assert text in html


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("page", PAGES)
def test_no_serious_accessibility_violations(browser, site_url, page, scheme):
    serious = axe_serious(browser, site_url + page, scheme)
    assert not serious, violations_text(serious)


@pytest.mark.parametrize("page", PAGES)
def test_valid_html(nu_report, page):
    assert nu_errors(nu_report, page) == ""


@pytest.mark.parametrize("page", PAGES)
def test_readable_at_390_px(browser, site_url, page):
    overflow, stacked = page_overflow_at(browser, site_url + page, 390)
    assert overflow <= 0 and stacked


def test_prints_the_portfolio(browser, site_url):
    text = printed_text(browser, site_url + "pdms/jana-kowalski/")
    assert "Proseware Group" in text and "Open cases" in text


def test_every_pdm_feed_parses_and_is_linked_from_its_page():
    import feedparser

    folders = sorted(path.parent for path in (SITE / "pdms").glob("*/feed.xml"))
    assert [folder.name for folder in folders] == sorted(
        path.parent.name for path in (SITE / "pdms").glob("*/index.html"))
    for folder in folders:
        feed = feedparser.parse((folder / "feed.xml").read_bytes())
        assert not feed.bozo, (folder.name, feed.get("bozo_exception"))
        html = (folder / "index.html").read_text(encoding="utf-8")
        assert '<link rel="alternate" type="application/atom+xml"' in html and 'href="feed.xml"' in html
    jana = feedparser.parse((SITE / "pdms" / "jana-kowalski" / "feed.xml").read_bytes())
    titles = [entry.title for entry in jana.entries]
    assert "Northwind Digital: case NW-2026-019 at the mediation stage" in titles
    assert all(entry.title.split(":")[0] in {"Litware Labs", "Northwind Digital", "Proseware Group"}
               for entry in jana.entries)
