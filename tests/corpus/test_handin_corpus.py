"""The hand-in page of real reports (../shared/reports): ``mlops-report html --fragment`` against
the page the course's ``report.py html`` wrote for each (official.html) and against Python-
Markdown run here on the text as report.py reads it; the differences each one shows."""

from __future__ import annotations

import os
import subprocess
import sys

import markdown
import pytest

from mlops_report import handin
from mlops_report.analysis import Analyzer
from mlops_report.cli import read_report
from mlops_report.disk import Disk
from tests.conftest import ROOT, SHARED

REPORTS = (
    sorted(p for p in (SHARED / "reports").glob("*") if (p / "official.html").is_file())
    if (SHARED / "reports").is_dir()
    else []
)

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not REPORTS, reason=f"no real reports: {SHARED / 'reports'} is absent"),
]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "server")}


@pytest.fixture(params=REPORTS, ids=lambda p: p.name)
def folder(request):
    return request.param


def test_fragment_is_byte_identical_to_the_courses(folder, tmp_path):
    readme = folder / "reports" / "README.md"
    out = tmp_path / "report.html"
    r = subprocess.run(
        [sys.executable, "-m", "mlops_report", "html", str(readme), "--fragment", "-o", str(out)],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == (folder / "official.html").read_bytes()
    with open(readme, encoding="utf-8") as file:  # the rules of report.py html, run here
        assert out.read_bytes() == markdown.markdown(file.read()[43:]).encode("utf-8")


def test_differences_of_real_reports(folder):
    readme = folder / "reports" / "README.md"
    text = read_report(readme)
    analysis = Analyzer().analyse(text, readme.resolve(), None, Disk.scan(readme.resolve()))
    found = handin.differences(analysis, Disk.scan(readme.resolve()))
    kinds = {d.kind for d in found}
    official = (folder / "official.html").read_text(encoding="utf-8")
    # the template's checklist: literal boxes on the course's page, one marker per list
    literal = official.count("[x]") + official.count("[X]") + official.count("[ ]")
    boxes = sum(int(d.message.split()[0]) for d in found if d.kind == "checkbox")
    assert boxes == literal and boxes > 10
    # the fenced examples in the template's own instructions render as inline code
    assert "fence" in kinds and "<pre>" not in official
    # a report still carrying the Jekyll header loses only it; the others lose their title
    cut = [d for d in found if d.kind == "cut"]
    if text.startswith(handin.OLD_HEADER):
        assert not cut and official.startswith("<h1>")
    else:
        assert cut and official.startswith("<p>Operations</p>") and "“Operations”" in cut[0].message
