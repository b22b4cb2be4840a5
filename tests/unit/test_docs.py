"""docs/rules.md is generated from the rules and documents every code."""

from __future__ import annotations

import re
import subprocess
import sys

from mlops_report.findings import SEVERITIES
from mlops_report.rules import RULES
from tests.conftest import ROOT


def test_rules_md_is_the_generated_page():
    run = subprocess.run(
        [sys.executable, "-m", "mlops_report.rules.docs"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == run.stdout, "run `make docs`"


def test_codes_py_is_the_generated_module():
    run = subprocess.run(
        [sys.executable, "-m", "mlops_report.rules.docs", "codes"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    path = ROOT / "server" / "mlops_report" / "rules" / "codes.py"
    assert path.read_text(encoding="utf-8") == run.stdout, "run `make docs`"


def test_every_code_is_documented_and_well_formed():
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for code, rule in RULES.items():
        assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", code)
        assert rule.severity in SEVERITIES
        assert rule.scope in ("question", "document")
        assert f"\n## {code}\n" in page
        assert all((rule.summary, rule.why, rule.example, rule.fix))
