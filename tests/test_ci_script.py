"""CI's own entry point parses and ends in the same test command the README gives.

A broken `.ci/run` fails before a single test runs, so nothing else in the suite would notice it;
`make test` runs this file, which is how a bad edit is caught before it is committed.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CI_SCRIPT = ROOT / ".ci" / "run"

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def test_the_ci_script_is_valid_bash():
    result = subprocess.run(["bash", "-n", str(CI_SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_ci_script_runs_the_readme_test_command():
    lines = [line.strip() for line in CI_SCRIPT.read_text().splitlines()]
    commands = [line for line in lines if line and not line.startswith("#")]
    assert commands[-1] == "make test"
    assert "make test" in (ROOT / "README.md").read_text()
