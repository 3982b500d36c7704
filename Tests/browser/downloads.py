"""Saving a file the page offers for download (the overview's "Download this view (CSV)") into a folder
of the test's, through Chromium's DevTools protocol, and reading CSV as spreadsheets do (Python's csv)."""

import csv
import io
import time
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def download_view(driver, folder, timeout=30):
    """Clicks #download-view once it is offered and returns the bytes of the file it saved in `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    button = WebDriverWait(driver, timeout).until(
        lambda d: d.find_element(By.ID, "download-view") if d.find_element(By.ID, "download-view").is_displayed()
        else False)
    before = set(folder.iterdir())
    button.click()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in set(folder.iterdir()) - before if not p.name.endswith(".crdownload")]
        if done:
            time.sleep(0.2)  # let Chromium finish renaming and closing it
            return done[0].name, done[0].read_bytes()
        time.sleep(0.1)
    raise AssertionError("no file was downloaded")


def csv_rows(data):
    """Rows of CSV bytes as a spreadsheet reads them: UTF-8, RFC 4180 (newline="" keeps CRLFs for csv)."""
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def expected_view(site_csv, slugs):
    """The header of api/accreditations.csv, then the rows of each of `slugs` (in that order), each
    partner's rows in the file's order."""
    rows = csv_rows(site_csv)
    by_slug = {}
    for row in rows[1:]:
        slug = row[0][1:] if row[0][:1] == "'" and row[0][1:2] in ("=", "+", "-", "@", "\t", "\r") else row[0]
        by_slug.setdefault(slug, []).append(row)
    return [rows[0]] + [row for slug in slugs for row in by_slug.get(slug, [])]
