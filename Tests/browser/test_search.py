"""Search over the committed sample site (built with `accredit build --search`): Pagefind's index is
current, the search box finds a customer's case and a case id, and following a result opens the page.
Served over HTTP; from file:// the box says how to serve the site instead."""

import filecmp
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import serve
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "public"


@pytest.fixture(scope="module")
def served():
    yield from serve(SITE)


@pytest.fixture
def browser(chromium):
    chromium.get_log("browser")  # reading the log empties it
    return chromium


def differing_files(left, right):
    comparison = filecmp.dircmp(left, right)
    found = comparison.left_only + comparison.right_only + comparison.diff_files
    for name in comparison.common_dirs:
        found += [f"{name}/{item}" for item in differing_files(Path(left) / name, Path(right) / name)]
    return found


def test_the_committed_index_is_what_pagefind_makes_of_the_committed_pages():
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / "pagefind"
        subprocess.run(
            [sys.executable, "-m", "pagefind_bin", "--site", str(SITE), "--output-path", str(fresh), "--quiet"],
            check=True,
        )
        assert differing_files(SITE / "pagefind", fresh) == [], "public/pagefind is stale: run Scripts/build-site"


def search(browser, url, query):
    browser.get(url)
    box = WebDriverWait(browser, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "#search input"))
    box.send_keys(query)
    return WebDriverWait(browser, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".pagefind-ui__result-link") or None
    )


def test_a_customer_name_finds_its_case_and_the_result_opens_it(browser, served):
    results = search(browser, served, "Redfern Outdoor")
    titles = [result.text for result in results]
    assert "Case CT-2025-002" in titles
    link = next(result for result in results if result.text == "Case CT-2025-002")
    link.click()
    WebDriverWait(browser, 10).until(lambda d: "/partners/contoso-consulting/cases/CT-2025-002/" in d.current_url)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Case CT-2025-002"


def test_a_case_id_finds_the_case_from_any_page(browser, served):
    results = search(browser, served + "faq/", "NW-2026-019")
    assert results[0].text == "Case NW-2026-019"
    assert results[0].get_attribute("href").endswith("/partners/northwind-digital/cases/NW-2026-019/")


def test_a_partner_name_finds_the_partner_page_titled_by_its_name(browser, served):
    results = search(browser, served, "Tailspin")
    assert results[0].text == "Tailspin Interactive"
    # The customer shows as metadata on case results.
    search(browser, served, "Redfern")
    tags = [tag.text for tag in browser.find_elements(By.CSS_SELECTOR, ".pagefind-ui__result-tag")]
    assert "Customer: Redfern Outdoor" in tags


def test_from_a_file_the_box_says_how_to_serve_the_site(browser):
    browser.get((SITE / "index.html").as_uri())
    time.sleep(0.5)
    notice = browser.find_element(By.ID, "search-unavailable")
    assert notice.is_displayed()
    assert "accredit serve" in notice.text
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == [], errors
