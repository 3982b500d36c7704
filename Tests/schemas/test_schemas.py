"""The JSON Schemas in schemas/ against the sample content and against `accredit check`.

Every sample file must pass its schema; each bad document in BAD must fail both its schema and
`accredit check`, so an editor squiggle and the checker agree on it. The check half runs the built binary
(ACCREDIT_BIN, default .build/debug/accredit) on a copy of content/ and is skipped when it is missing.

    python3 -m venv .build/venv && .build/venv/bin/pip install jsonschema pyyaml pytest
    PYTHONDONTWRITEBYTECODE=1 .build/venv/bin/python -m pytest -q -p no:cacheprovider Tests/schemas
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
BINARY = Path(os.environ.get("ACCREDIT_BIN", REPO / ".build" / "debug" / "accredit"))
SCHEMAS = ["site", "standards", "partner", "case"]


class DatesAsTextLoader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver: `2026-06-30` stays the text the loader reads."""


DatesAsTextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def schema(name):
    return json.loads((REPO / "schemas" / f"{name}.schema.json").read_text())


def validator(name):
    # The format checker makes "format": "date" refuse 2026-02-30, as the loader does.
    return Draft202012Validator(schema(name), format_checker=Draft202012Validator.FORMAT_CHECKER)


def front_matter(text):
    """The YAML between the first two `---` lines, as accredit splits it."""
    lines = text.splitlines()
    assert lines[0].rstrip() == "---", "a case file starts with a '---' line"
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip(" \t") == "---")
    return "\n".join(lines[1:end])


def kind(relative):
    """The schema of a content file, by its path under content/."""
    if relative in ("site.yaml", "standards.yaml"):
        return relative.removesuffix(".yaml")
    return "partner" if relative.startswith("partners/") else "case"


def errors(relative, text):
    """The schema's complaints about `text` as the content file `relative`."""
    yaml_text = front_matter(text) if kind(relative) == "case" else text
    document = yaml.load(yaml_text, Loader=DatesAsTextLoader)
    return [error.message for error in validator(kind(relative)).iter_errors(document)]


SAMPLES = (
    ["site.yaml", "standards.yaml"]
    + sorted(str(p.relative_to(CONTENT)) for p in CONTENT.glob("partners/*.yaml"))
    + sorted(str(p.relative_to(CONTENT)) for p in CONTENT.glob("cases/*/*.md"))
)


def test_the_sample_content_is_all_there():
    assert len([s for s in SAMPLES if s.startswith("partners/")]) >= 10
    assert len([s for s in SAMPLES if s.startswith("cases/")]) >= 30


@pytest.mark.parametrize("name", SCHEMAS)
def test_schema_is_a_valid_2020_12_schema(name):
    Draft202012Validator.check_schema(schema(name))


@pytest.mark.parametrize("relative", SAMPLES)
def test_sample_file_passes_its_schema(relative):
    assert errors(relative, (CONTENT / relative).read_text()) == []


# Small documents that pass both the schema and `accredit check`; the bad ones below are these with one
# mistake. everbright-studio has no cases, and nothing refers to case AW-2025-011, so overwriting them
# changes nothing else.
SITE = "site.yaml"
PARTNER = "partners/everbright-studio.yaml"
CASE = "cases/adventure-works-agency/AW-2025-011.md"
STANDARDS = "standards.yaml"
STANDARDS_TEXT = (CONTENT / STANDARDS).read_text()

GOOD = {
    SITE: "title: Status\nbase_url: https://status.example/\nas_of: 2026-11-15\n",
    PARTNER: "name: Everbright\ntiers: [{reviewed: 2026-06-30, tier: gold}]\n",
    CASE: "---\ncustomer: Contoso\nsteps: [{stage: complaint, date: 2026-02-03}]\n---\nNotes.\n",
    STANDARDS: STANDARDS_TEXT,
}

BAD = [
    ("unknown top-level key", PARTNER, "name: Everbright\nteir: gold\ntiers: [{reviewed: 2026-06-30, tier: gold}]\n"),
    ("unknown key in a tier entry", PARTNER, "name: Everbright\ntiers: [{reviewed: 2026-06-30, tier: gold, teir: x}]\n"),
    ("unknown key in a decision", PARTNER,
     "name: Everbright\ntiers: [{reviewed: 2026-06-30, tier: gold}]\n"
     "accreditations: [{type: crm-implementation, issued: 2026-01-05}]\n"
     "decisions: [{date: 2026-04-10, accreditation: all, outcome: retain, aproval: true}]\n"),
    ("bad decision outcome", PARTNER,
     "name: Everbright\ntiers: [{reviewed: 2026-06-30, tier: gold}]\n"
     "decisions: [{date: 2026-04-10, accreditation: all, outcome: retained}]\n"),
    ("date that is not a date", PARTNER, "name: Everbright\ntiers: [{reviewed: 30/06/2026, tier: gold}]\n"),
    ("date that is not in the calendar", PARTNER, "name: Everbright\ntiers: [{reviewed: 2026-06-31, tier: gold}]\n"),
    ("missing tiers", PARTNER, "name: Everbright\n"),
    # Names are one line of text (docs/content-format.md, "Names"): issue 20's hostile partner name, a
    # line break, a tab, a right-to-left override, and names in the standards.
    ("name with terminal escapes", PARTNER,
     'name: "Evil\\e]0;PWNED\\a\\e[2J"\ntiers: [{reviewed: 2026-06-30, tier: gold}]\n'),
    ("name with a line break", PARTNER,
     'name: "Evil\\r\\n## Injected heading"\ntiers: [{reviewed: 2026-06-30, tier: gold}]\n'),
    ("name ending in a line break", PARTNER, "name: |\n  Evil\ntiers: [{reviewed: 2026-06-30, tier: gold}]\n"),
    ("name with a tab", PARTNER, 'name: "Ever\\tbright"\ntiers: [{reviewed: 2026-06-30, tier: gold}]\n'),
    ("name with a bidirectional override", PARTNER,
     'name: "Evil\\u202eX"\ntiers: [{reviewed: 2026-06-30, tier: gold}]\n'),
    ("tier with a line break", STANDARDS, STANDARDS_TEXT.replace("tiers: [partner,", 'tiers: ["part\\nner",', 1)),
    ("certification name with an escape", STANDARDS,
     STANDARDS_TEXT.replace("Sales Software Implementation", '"Sales\\e[2J Software"', 1)),
    ("accreditation name with a line separator", STANDARDS,
     STANDARDS_TEXT.replace("    name: CRM Implementation\n", '    name: "CRM\\LImplementation"\n', 1)),
    ("misspelled case stage", CASE,
     "---\ncustomer: Contoso\nsteps:\n  - {stage: complaint, date: 2026-02-03}\n"
     "  - {stage: mediaton, date: 2026-02-20}\n---\nNotes.\n"),
    ("bad case outcome decision", CASE,
     "---\ncustomer: Contoso\nsteps: [{stage: complaint, date: 2026-02-03}]\n"
     "outcome: {decision: resolve, date: 2026-02-10}\n---\nNotes.\n"),
    ("unknown key in a case outcome", CASE,
     "---\ncustomer: Contoso\nsteps: [{stage: complaint, date: 2026-02-03}]\n"
     "outcome: {decision: resolved, date: 2026-02-10, by: me}\n---\nNotes.\n"),
    ("unknown key in site settings", SITE, "title: Status\nbaseurl: https://status.example/\n"),
    ("site date that is not a date", SITE, "title: Status\nas_of: 2026-11\n"),
    ("site search that is not true or false", SITE, "title: Status\nsearch: sometimes\n"),
    ("unknown key in standards", STANDARDS, STANDARDS_TEXT + "marks_threshold: 3\n"),
    ("unknown key in an accreditation type", STANDARDS,
     STANDARDS_TEXT.replace("    name: CRM Implementation\n", "    name: CRM Implementation\n    certs: []\n")),
]


def run_check(tmp_path, relative, text):
    """`accredit check` on a copy of content/ with `relative` replaced by `text`."""
    if not BINARY.exists():
        pytest.skip(f"no accredit binary at {BINARY} (set ACCREDIT_BIN)")
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    (content / relative).write_text(text)
    return subprocess.run(
        [str(BINARY), "check", "--content", str(content)], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("relative", GOOD)
def test_good_document_passes_schema_and_check(tmp_path, relative):
    text = GOOD[relative]
    assert errors(relative, text) == []
    result = run_check(tmp_path, relative, text)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("relative, text", [row[1:] for row in BAD], ids=[row[0] for row in BAD])
def test_bad_document_fails_schema_and_check(tmp_path, relative, text):
    assert errors(relative, text) != []
    result = run_check(tmp_path, relative, text)
    assert result.returncode == 1
    assert relative in result.stdout + result.stderr


def test_check_accepts_the_yaml_language_server_header(tmp_path):
    """The `# yaml-language-server: $schema=…` line docs/content-format.md tells editors to add is a comment."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    headers = {"site.yaml": "../schemas/site.schema.json", "standards.yaml": "../schemas/standards.schema.json"}
    headers |= {f"partners/{p.name}": "../../schemas/partner.schema.json" for p in content.glob("partners/*.yaml")}
    for relative, schema_path in headers.items():
        # The path is relative to the file, in the repository's layout.
        assert ((CONTENT / relative).parent / schema_path).resolve() == REPO / "schemas" / f"{kind(relative)}.schema.json"
        file = content / relative
        file.write_text(f"# yaml-language-server: $schema={schema_path}\n" + file.read_text())
        assert errors(relative, file.read_text()) == []
    if not BINARY.exists():
        pytest.skip(f"no accredit binary at {BINARY} (set ACCREDIT_BIN)")
    result = subprocess.run([str(BINARY), "check", "--content", str(content)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
