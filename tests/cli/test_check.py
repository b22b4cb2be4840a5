"""``mlops-report check`` as a real process: formats, exit codes, odd files, many reports."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builder import ReportBuilder, words
from tests.conftest import ROOT, SHARED

# colour is decided by the tests that test it
ENV = {
    **{k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")},
    "PYTHONPATH": str(ROOT / "server"),
    "PYTHONIOENCODING": "utf-8",
}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mlops_report", "check", *map(str, args)],
        cwd=cwd or ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )


def report(tmp_path: Path, builder: ReportBuilder | None = None, name: str = "group") -> Path:
    return (builder or ReportBuilder("2026").fill_all()).write(tmp_path / name)


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


# -- human output and exit codes ----------------------------------------------------------------


def test_clean_report_passes(tmp_path):
    r = run(report(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "report.py check will pass 31/31; 0 errors, 0 warnings" in r.stdout
    assert re.search(r"^\s+4\s+\d+\s+\d+\s+100-200\s+0\s+-\s+pass$", r.stdout, re.M)


def test_a_failing_question_exits_1_with_located_lines(tmp_path):
    path = report(tmp_path, ReportBuilder("2026").fill_all().answer(7, words(30)))
    r = run(path)
    assert r.returncode == 1, r.stderr  # only warnings, but the course's checker fails question 7
    (line,) = [x for x in r.stdout.splitlines() if "word-count" in x]
    m = re.match(r"(.+):(\d+):(\d+): warning word-count Question 7: 30 words", line)
    assert m and m.group(1) == str(path)
    assert path.read_text().splitlines()[int(m.group(2)) - 1] == "### Question 7"
    assert "report.py check will pass 30/31: Q7 fails; 0 errors, 1 warning\n" in r.stdout


def test_errors_exit_1(tmp_path):
    r = run(report(tmp_path, ReportBuilder("2026").fill_all().figures(19, "figures/gone.png")))
    assert r.returncode == 1
    assert "error image-missing-file" in r.stdout


def test_crash_verdict(tmp_path):
    r = run(report(tmp_path, ReportBuilder("2026").fill_all().heading(5, "## Question 5")))
    assert r.returncode == 1
    assert "report.py check will crash: ValueError" in r.stdout
    assert "error checker-crash" in r.stdout


def test_many_reports_in_a_directory_tree(tmp_path):
    for i in range(100):
        b = ReportBuilder("2026").fill_all()
        if i % 10 == 0:
            b.answer(4, words(20))
        report(tmp_path, b, f"g{i:03}")
    (tmp_path / "g000" / "notes.md").write_text("# not a report\n")
    r = run(tmp_path, "--format", "json")
    assert r.returncode == 1, r.stderr  # ten reports fail question 4
    data = json.loads(r.stdout)
    assert len(data) == 100
    assert sum(1 for d in data if d["checker"]["passed"] == 30) == 10
    assert all(d["path"].endswith(os.path.join("reports", "README.md")) for d in data)


def test_several_paths_at_once(tmp_path):
    a, b = report(tmp_path, name="a"), report(tmp_path, name="b")
    r = run(a, b)
    assert r.returncode == 0
    assert r.stdout.count("report.py check will pass 31/31") == 2


# -- JSON -----------------------------------------------------------------------------------------


def test_json_schema(tmp_path):
    path = report(tmp_path, ReportBuilder("2026").fill_all().answer(7, words(30)))
    r = run(path, "--format", "json")
    (entry,) = json.loads(r.stdout)
    assert set(entry) >= {"path", "edition", "checker", "questions", "diagnostics"}
    assert entry["edition"] == "2026-01-09_eb7305c5"
    assert entry["checker"] == {
        "crashes": False,
        "reason": None,
        "cause": None,
        "at": None,
        "passed": 30,
        "failing": [7],
        "total": 31,
        "id": "2026-01-09_e3622b47",
        "source": "course",
        "label": "the January 2026 course checker",
        "note": None,
    }
    assert entry["run"] == "January 2026" and entry["ties"] == []
    q = {x["number"]: x for x in entry["questions"]}
    assert len(q) == 31
    assert set(q[7]) == {
        "number",
        "section",
        "line",
        "words",
        "checker_words",
        "min_words",
        "max_words",
        "images",
        "checker_images",
        "min_images",
        "max_images",
        "status",
    }
    assert (q[7]["checker_words"], q[7]["min_words"], q[7]["max_words"], q[7]["status"]) == (30, 50, 100, "fail")
    assert (q[1]["min_words"], q[1]["max_words"], q[1]["min_images"]) == (None, None, None)
    assert (q[19]["min_images"], q[19]["max_images"], q[19]["min_words"]) == (1, 2, None)
    lines = path.read_text().splitlines()
    assert lines[q[7]["line"]] == "### Question 7"  # 0-based
    (d,) = [d for d in entry["diagnostics"] if d["code"] == "word-count"]
    assert d["severity"] == "warning" and d["question"] == 7
    start, end = d["range"]["start"], d["range"]["end"]
    assert lines[start["line"]][start["character"] : end["character"]] == "### Question 7"


def test_json_for_a_crashing_report(tmp_path):
    path = report(tmp_path, ReportBuilder("2026").fill_all().answer(31, words(60) + "\n\n### Extra\n\nmore"))
    r = run(path, "--format", "json")
    assert r.returncode == 1
    (entry,) = json.loads(r.stdout)
    assert entry["checker"]["crashes"] is True
    assert entry["checker"]["reason"].startswith("ValueError")
    assert "contains '###', so the checker counts it twice" in entry["checker"]["cause"]
    assert path.read_text().splitlines()[entry["checker"]["at"]["line"]] == "### Extra"
    assert entry["checker"]["passed"] == 0
    assert all(q["checker_words"] is None and q["checker_images"] is None for q in entry["questions"])
    assert all(q["status"] == "crash" for q in entry["questions"])
    assert all(isinstance(q["words"], int) for q in entry["questions"])
    (crash,) = [d for d in entry["diagnostics"] if d["code"] == "checker-crash"]
    assert crash["question"] == 0
    assert path.read_text().splitlines()[crash["range"]["start"]["line"]] == "### Extra"


def test_json_columns_are_code_points(tmp_path):
    b = ReportBuilder("2026").fill_all().answer(2, "😀 s123456, s12")
    path = report(tmp_path, b)
    (entry,) = json.loads(run(path, "--format", "json").stdout)
    (d,) = [d for d in entry["diagnostics"] if d["code"] == "study-number"]
    assert d["range"]["start"]["character"] == len("😀 s123456, ")


# -- GitHub annotations ------------------------------------------------------------------------


def test_github_annotations(tmp_path):
    path = report(tmp_path, ReportBuilder("2026").fill_all().answer(7, words(30)).figures(19, "figures/x.png"))
    r = run(path, "--format", "github")
    assert r.returncode == 1
    assert re.search(
        rf"^::warning file={re.escape(str(path))},line=\d+,col=1,endLine=\d+,endColumn=\d+,"
        r"title=word-count::Question 7: 30 words",
        r.stdout,
        re.M,
    )
    assert "::error file=" in r.stdout and "title=image-missing-file" in r.stdout
    lines = r.stdout.splitlines()
    assert (
        lines[0] == f"::error file={path},title=mlops-report::report.py check will pass 30/31: Q7 fails; "
        "1 error, 1 warning"
    )
    assert lines[1].startswith("::error file=") and "title=image-missing-file" in lines[1]


# -- odd inputs ---------------------------------------------------------------------------------


def test_crlf_and_bom_change_nothing(tmp_path):
    b = ReportBuilder("2026").fill_all().answer(7, words(30)).answer(12, words(20) + "\n\n#### A\n\n" + words(40))
    plain = report(tmp_path, b, "plain")
    crlf, bom = report(tmp_path, b, "crlf"), report(tmp_path, b, "bom")
    crlf.write_bytes(plain.read_bytes().replace(b"\n", b"\r\n"))
    bom.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    outs = []
    for p in (plain, crlf, bom):
        (entry,) = json.loads(run(p, "--format", "json").stdout)
        outs.append(
            (
                [(q["words"], q["checker_words"], q["status"]) for q in entry["questions"]],
                [(d["code"], d["range"]) for d in entry["diagnostics"]],
            )
        )
    assert outs[0] == outs[1] == outs[2]


def test_not_a_report(tmp_path):
    p = tmp_path / "notes.md"
    p.write_text("# Notes\n\nNothing to see.\n")
    r = run(p)
    assert r.returncode == 0
    assert r.stdout.strip().count("\n") == 0 and "not an exam report" in r.stdout


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        ("Answer: caf\xe9".encode("latin-1"), "not UTF-8"),
    ],
)
def test_unreadable_content(tmp_path, content, reason):
    p = tmp_path / "README.md"
    p.write_bytes(content)
    r = run(p)
    assert r.returncode == 2
    assert reason in one_line(r.stderr)


def test_empty_file_is_not_a_report(tmp_path):
    p = tmp_path / "README.md"
    p.write_bytes(b"")
    r = run(p)
    assert r.returncode == 0 and "not an exam report" in r.stdout


def test_missing_file_and_empty_directory(tmp_path):
    r = run(tmp_path / "nope.md")
    assert r.returncode == 2 and "no such file" in one_line(r.stderr)
    r = run(tmp_path)
    assert r.returncode == 2 and "no reports/README.md" in one_line(r.stderr)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_permission_denied(tmp_path):
    p = report(tmp_path)
    p.chmod(0)
    try:
        r = run(p)
    finally:
        p.chmod(0o644)
    assert r.returncode == 2 and "permission denied" in one_line(r.stderr)


def test_unreadable_among_good_ones_still_checks_the_rest(tmp_path):
    good = report(tmp_path)
    r = run(tmp_path / "missing.md", good)
    assert r.returncode == 2
    assert "report.py check will pass 31/31" in r.stdout


def test_usage_errors_exit_2(tmp_path):
    assert run("--format", "xml").returncode == 2
    r = run(report(tmp_path), "--edition", "1999")
    assert r.returncode == 2 and "unknown edition" in one_line(r.stderr)
    r = run(report(tmp_path, name="x"), "--disable", "no-such-rule")
    assert r.returncode == 2 and "unknown rule code" in one_line(r.stderr)


def test_edition_override_and_disable(tmp_path):
    path = report(tmp_path, ReportBuilder("2026").fill_all().answer(7, words(30)))
    (entry,) = json.loads(run(path, "--format", "json", "--edition", "2025").stdout)
    assert entry["edition"] == "2025-01-24_9c3875c2"
    (entry,) = json.loads(run(path, "--format", "json", "--disable", "word-count").stdout)
    assert not [d for d in entry["diagnostics"] if d["code"] == "word-count"]


def test_default_path_is_reports_readme_in_the_working_directory(tmp_path):
    report(tmp_path, name="repo")
    r = run(cwd=tmp_path / "repo")
    assert r.returncode == 0 and "will pass 31/31" in r.stdout


# -- real reports, pre-commit, start-up cost ----------------------------------------------------


@pytest.mark.corpus
@pytest.mark.skipif(not (SHARED / "reports").is_dir(), reason=f"{SHARED / 'reports'} is absent")
def test_real_reports_verdicts():
    r = run(SHARED / "reports", "--format", "json")
    data = {Path(d["path"]).parts[-3]: d for d in json.loads(r.stdout)}
    for name, d in data.items():
        official = json.loads((SHARED / "reports" / name / "official.json").read_text())
        assert [q["checker_words"] for q in d["questions"]] == [q["words"] for q in official["questions"]]
        assert [q["checker_images"] for q in d["questions"]] == [q["images"] for q in official["questions"]]


def test_pre_commit_hook_definition():
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    for line in (
        "- id: mlops-report",
        "entry: mlops-report check",
        "language: python",
        "files: (^|/)reports/README\\.md$",
        "pass_filenames: true",
        "args: []",
    ):
        assert line in text


def test_check_imports_no_language_server(tmp_path):
    path = report(tmp_path)
    code = (
        "import sys\nfrom mlops_report.cli import main\n"
        f"rc = main(['check', {str(path)!r}, '--format', 'json'])\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol', 'cattrs')"
        " or m.startswith('mlops_report.lsp'))\n"
        "print('LOADED', bad, file=sys.stderr)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True, text=True, timeout=120)
    assert "LOADED []" in r.stderr, r.stderr


def test_rule_command():
    r = subprocess.run(
        [sys.executable, "-m", "mlops_report", "rule", "answer-truncated"], env=ENV, capture_output=True, text=True
    )
    assert r.returncode == 0 and r.stdout.startswith("answer-truncated (warning)")
