"""`accredit serve` in a real browser: an edit in another "terminal" updates the open page by itself.

Runs the built `accredit` binary (ACCREDIT_BIN, default .build/debug/accredit) on a copy of the
sample content, opens pages in headless Chromium, edits files, and waits for the page to change
without ever asking the browser to refresh.
"""

import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By

REPO = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("ACCREDIT_BIN", REPO / ".build" / "debug" / "accredit"))
CASE = "cases/northwind-digital/NW-2026-019.md"
CASE_PAGE = "partners/northwind-digital/cases/NW-2026-019/"
RECORD = "partners/northwind-digital.yaml"


@pytest.fixture
def server(tmp_path):
    """A running `accredit serve --port 0` over a copy of content/; yields (url, content folder, log)."""
    assert BINARY.is_file(), f"{BINARY} is not built (swift build --product accredit)"
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    process = subprocess.Popen(
        [str(BINARY), "serve", "--content", str(content), "--port", "0"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    found = threading.Event()
    url = {}

    def read():
        for line in process.stdout:
            lines.append(line)
            match = re.search(r"Serving at (http://\S+/)", line)
            if match:
                url["value"] = match.group(1)
                found.set()

    threading.Thread(target=read, daemon=True).start()
    assert found.wait(30), "accredit serve printed no URL:\n" + "".join(lines)
    try:
        yield url["value"], content, lines
    finally:
        process.send_signal(2)  # SIGINT, as Ctrl-C
        try:
            assert process.wait(10) == 0, "accredit serve did not stop cleanly on SIGINT"
        finally:
            if process.poll() is None:
                process.kill()


def wait_for(predicate, timeout=5.0):
    """Polls `predicate`; an element that went stale because the page reloaded meanwhile is a "not yet"."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return time.monotonic()
        except WebDriverException:
            pass
        time.sleep(0.02)
    return None


def test_an_edited_case_note_updates_the_open_page(chromium, server):
    url, content, _ = server
    chromium.get(url + CASE_PAGE)
    assert "Tulip Mania" not in chromium.page_source
    marker = chromium.execute_script("window.__notReloaded = true; return window.__notReloaded")
    assert marker is True

    note = content / CASE
    note.write_text(note.read_text(encoding="utf-8") + "\nThe customer mentioned **Tulip Mania**.\n", encoding="utf-8")
    saved = time.monotonic()
    updated = wait_for(lambda: "Tulip Mania" in chromium.find_element(By.TAG_NAME, "body").text)
    assert updated is not None, "the open page did not update by itself within 5 s"
    assert chromium.execute_script("return window.__notReloaded === undefined"), "the page was not reloaded"
    print(f"save to updated page: {(updated - saved) * 1000:.0f} ms")


def test_a_broken_record_shows_the_overlay_until_it_is_fixed(chromium, server):
    url, content, lines = server
    chromium.get(url + "partners/northwind-digital/")
    record = content / RECORD
    good = record.read_text(encoding="utf-8")
    record.write_text(good.replace("tiers:", "teir:"), encoding="utf-8")

    def overlay_text():
        overlays = chromium.find_elements(By.ID, "accredit-overlay")
        return overlays[0].text if overlays else ""

    assert wait_for(lambda: "unknown key 'teir'" in overlay_text()), "no error overlay appeared"
    assert "northwind-digital.yaml:" in overlay_text()
    assert chromium.find_element(By.TAG_NAME, "h1").text == "Northwind Digital", "the last good page stays"
    assert any("unknown key 'teir'" in line for line in lines), "the terminal shows the error too"

    record.write_text(good, encoding="utf-8")
    assert wait_for(lambda: not chromium.find_elements(By.ID, "accredit-overlay")), "the overlay stayed"
