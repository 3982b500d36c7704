"""Checks shared by the pages for the people who act (test_board.py, test_actions.py): axe-core in
both colour schemes, the Nu HTML Checker on the page alone, a 390 px viewport without sideways
scrolling of the page, print, and the page complete without JavaScript."""

from conftest import nu_errors_in

from test_site import SITE, axe_serious_violations, describe_violations, set_color_scheme


def axe_serious(browser, url, scheme):
    set_color_scheme(browser, scheme)
    browser.get(url)
    return axe_serious_violations(browser, scheme)


def nu_errors(report, page):
    """The Nu HTML Checker's messages on one built page ('' when it is valid), from the run's one report
    (the `nu_report` fixture)."""
    return nu_errors_in(report, SITE / page / "index.html")


def page_overflow_at(browser, url, width):
    """How many CSS pixels the page is wider than a `width`-pixel viewport, and whether the tables'
    cells are stacked there (one labelled line each) rather than in columns."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": True})
    try:
        browser.get(url)
        overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        stacked = browser.execute_script(
            "var td = document.querySelector('table.stack tbody td');"
            "return td !== null && getComputedStyle(td).display === 'block';")
        return overflow, stacked
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def printed_text(browser, url):
    """The text of the page with the print style sheet applied."""
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        browser.get(url)
        return browser.find_element("css selector", "main").text
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def violations_text(violations):
    return describe_violations(violations)
