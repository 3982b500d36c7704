"""Fixtures shared by the browser tests: one headless Chromium per test session (per pytest-xdist worker:
Scripts/browser-test runs the tests on two), sites built once per session for every worker, and the `slow`
mark: a test marked slow runs only when ACCREDIT_SLOW_TESTS=1 (.ci/run sets it)."""

import fcntl
import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: minutes of work; runs only with ACCREDIT_SLOW_TESTS=1 (CI sets it)")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("ACCREDIT_SLOW_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="slow: set ACCREDIT_SLOW_TESTS=1 to run it (.ci/run does)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def built_once(tmp_path_factory, name, build):
    """A folder made by `build(folder)` once per test session, however many xdist workers ask for it: the
    first builds it under a lock in the session's shared temporary folder, the others wait and reuse it.
    Without xdist it is an ordinary temporary folder. Returns what `build` returned (recorded as a path)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # each worker's base folder is inside the session's
    folder, done = root / f"shared-{name}", root / f"shared-{name}.done"
    with open(root / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            folder.mkdir(exist_ok=True)
            done.write_text(str(build(folder)))
    return Path(done.read_text())


@pytest.fixture(scope="session")
def chromium():
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never go online
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000"):
        options.add_argument(argument)
    if Path("/usr/bin/chromium").exists():
        options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        yield driver
    finally:
        driver.quit()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def serve(folder):
    """Serves `folder` on 127.0.0.1 in a thread; yields its URL (ending in /). For fixtures: `yield from`."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
