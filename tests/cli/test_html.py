"""``mlops-report html`` as a real process: the course's page byte for byte, the standalone page,
where it writes and what it never overwrites."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import markdown

from tests.builder import ReportBuilder, words
from tests.conftest import ROOT

ENV = {**os.environ, "PYTHONPATH": str(ROOT / "server"), "PYTHONIOENCODING": "utf-8"}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mlops_report", "html", *map(str, args)],
        cwd=cwd or ROOT,
        env=ENV,
        capture_output=True,
        timeout=120,
    )


def expected(readme: Path) -> bytes:
    """What report.py html writes, from its rules: text-mode read, 43 characters cut, Python-Markdown."""
    with open(readme, encoding="utf-8") as file:
        return markdown.markdown(file.read()[43:]).encode("utf-8")


def group(tmp_path: Path, edition: str = "2026") -> Path:
    b = ReportBuilder(edition).fill_all()
    b.answer(5, words(60) + "\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```sh\nmake test\n```\n\n" + words(60))
    return b.write(tmp_path / "group")


def test_fragment_in_the_project_folder_writes_reports_report_html(tmp_path):
    readme = group(tmp_path)
    r = run("--fragment", cwd=readme.parent.parent)
    assert r.returncode == 0, r.stderr
    assert (readme.parent / "report.html").read_bytes() == expected(readme)
    assert r.stdout == b""


def test_fragment_for_every_family(tmp_path):
    for edition in ("2023", "2024", "2025", "2026"):
        readme = group(tmp_path / edition, edition)
        r = run(readme, "--fragment", "-o", "-")
        assert r.returncode == 0, r.stderr
        assert r.stdout == expected(readme), edition


def test_an_existing_report_html_is_kept_without_force(tmp_path):
    readme = group(tmp_path)
    committed = readme.parent / "report.html"
    committed.write_bytes(b"the group's own page")
    r = run(readme, "--fragment")
    assert r.returncode == 2 and b"--force" in r.stderr and b"Traceback" not in r.stderr
    assert committed.read_bytes() == b"the group's own page"
    r = run(readme, "--fragment", "--force")
    assert r.returncode == 0 and committed.read_bytes() == expected(readme)


def test_a_link_in_the_way_is_replaced_never_written_through(tmp_path):
    readme = group(tmp_path)
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("keep me")
    (readme.parent / "report.html").symlink_to(elsewhere)
    assert run(readme, "--fragment").returncode == 2
    assert run(readme, "--fragment", "--force").returncode == 0
    assert elsewhere.read_text() == "keep me"
    assert (readme.parent / "report.html").read_bytes() == expected(readme)


def test_the_page_holds_the_fragment_and_its_margin(tmp_path):
    readme = group(tmp_path)
    out = tmp_path / "page.html"
    r = run(readme, "-o", out)
    assert r.returncode == 0, r.stderr
    page = out.read_text(encoding="utf-8")
    assert expected(readme).decode() in page
    assert 'data-kind="table"' in page and 'data-kind="fence"' in page and 'data-kind="cut"' in page
    # written away from the report: figures load from the report's folder
    assert f'<base href="{readme.parent.resolve().as_uri()}/">' in page


def test_the_page_beside_the_report_needs_no_base(tmp_path):
    readme = group(tmp_path)
    assert run(readme).returncode == 0
    assert "<base href" not in (readme.parent / "report.html").read_text(encoding="utf-8")


def test_a_file_report_py_cannot_read_is_one_line_exit_2(tmp_path):
    readme = tmp_path / "reports" / "README.md"
    readme.parent.mkdir()
    readme.write_bytes(b"# title\n\xff\n")
    r = run(readme, "-o", "-")
    assert r.returncode == 2 and r.stdout == b""
    (line,) = r.stderr.decode().strip().splitlines()
    assert "not UTF-8" in line and "UnicodeDecodeError" in line
    r = run(tmp_path / "nothing.md")
    assert r.returncode == 2 and b"no such file" in r.stderr


def test_checker_option_is_checked_like_checks(tmp_path):
    readme = group(tmp_path)
    r = run(readme, "--checker", "no-such-checker", "-o", "-")
    assert r.returncode == 2 and b"Traceback" not in r.stderr
    r = run(readme, "--checker", "2023-09-27_64ea22b7", "--fragment", "-o", "-")
    assert r.returncode == 0 and r.stdout == expected(readme)


def test_check_never_imports_python_markdown(tmp_path):
    readme = group(tmp_path)
    probe = (
        "import sys; from mlops_report.cli import main; code = main(['check', sys.argv[1]]); "
        "print('markdown' in sys.modules, file=sys.stderr)"
    )
    r = subprocess.run([sys.executable, "-c", probe, str(readme)], env=ENV, capture_output=True, text=True, timeout=120)
    assert r.stderr.strip().splitlines()[-1] == "False"
