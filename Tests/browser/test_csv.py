"""api/accreditations.csv read as a spreadsheet program reads it (Python's csv module), against
api/status.json and api/partners.json of the same built site.

The site folder is public/ of this repository (override with ACCREDIT_SITE). No browser is needed:
Scripts/browser-test runs this file with the others; alone, without Selenium installed:
    python3 -m pytest --noconftest -p no:cacheprovider Tests/browser/test_csv.py
"""

import csv
import io
import json
import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("ACCREDIT_SITE", REPO / "public")).resolve()

HEADER = ["partner", "name", "pdm", "region", "tier", "accreditation", "issued", "status", "next_evaluation",
          "marks", "open_cases", "reasons"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def raw_csv():
    return (SITE / "api" / "accreditations.csv").read_bytes()


def csv_rows():
    # newline="" keeps the CRLFs for the csv module, which handles line ends itself (as the docs say).
    return list(csv.reader(io.StringIO(raw_csv().decode("utf-8"), newline="")))


def as_written(value):
    """A value as the export writes it: defused with a leading ' when a spreadsheet would run it."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def expected_rows():
    """One row per accreditation of status.json, in its order; PDM and region from partners.json."""
    status = json.loads((SITE / "api" / "status.json").read_text(encoding="utf-8"))
    index = json.loads((SITE / "api" / "partners.json").read_text(encoding="utf-8"))
    fields = index["fields"]
    records = {p[fields.index("slug")]: p for p in index["partners"]}

    def looked_up(slug, field, table):
        value = records[slug][fields.index(field)]
        return "" if value is None else index[table][value]

    rows = []
    for partner in status["partners"]:
        slug = partner["slug"]
        for item in partner["accreditations"]:
            rows.append([as_written(value) for value in [
                slug, partner["name"], looked_up(slug, "pdm", "pdms"), looked_up(slug, "region", "regions"),
                partner["tier"] or "", item["type"], item["issued"], item["status"], item["next_evaluation"] or "",
                str(partner["marks"]), str(len(partner["open_cases"])),
                "; ".join(reason["message"] for reason in item["reasons"]),
            ]])
    return rows


def test_header_then_one_row_per_accreditation_in_status_json_order():
    rows = csv_rows()
    assert rows[0] == HEADER
    assert rows[1:] == expected_rows()


def test_utf8_without_bom_and_every_row_ends_in_crlf():
    raw = raw_csv()
    assert not raw.startswith(b"\xef\xbb\xbf")
    raw.decode("utf-8")  # raises if it is not UTF-8
    assert raw.endswith(b"\r\n")
    # The sample has no line break inside a field, so each row is one CRLF-terminated line.
    assert raw.count(b"\n") == raw.count(b"\r\n") == len(csv_rows())


def test_a_revoked_accreditation_has_no_next_evaluation():
    rows = [dict(zip(HEADER, row)) for row in csv_rows()[1:]]
    revoked = [row for row in rows if row["status"] == "revoked"]
    assert revoked, "the sample has revoked accreditations"
    assert all(row["next_evaluation"] == "" for row in revoked)
    assert all(row["next_evaluation"] for row in rows if row["status"] != "revoked")


def test_no_field_starts_a_formula():
    for row in csv_rows()[1:]:
        for value in row:
            assert not value.startswith(FORMULA_STARTS), row


def test_the_overview_links_to_it():
    home = (SITE / "index.html").read_text(encoding="utf-8")
    assert '<a href="api/accreditations.csv">Download all accreditations (CSV)</a>' in home
