"""Which checker judges: the final checker of the report's course run by default, the group's own
reports/report.py (read as data, never run) on request or for a run newer than our data, or a
checker named by id; checker-differs says where the group's copy disagrees with the course's."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from mlops_report.analysis import Analyzer
from mlops_report.editions import Limits, by_id, runs, same_checker
from mlops_report.editions.local import MAX_BYTES, read, read_source
from mlops_report.settings import Settings, from_dict
from tests.builder import ReportBuilder, words
from tests.checkers import checker_source

COURSE_2026 = by_id("2026").checker  # the January 2026 course checker: Q3 0-200
OLD_Q3 = {**COURSE_2026.limits, 3: Limits(words=(100, 200))}  # a copy from before 2026-01-09


def write(tmp_path: Path, builder: ReportBuilder, report_py: str | bytes | None = None) -> Path:
    path = builder.write(tmp_path)
    if report_py is not None:
        data = report_py.encode() if isinstance(report_py, str) else report_py
        (path.parent / "report.py").write_bytes(data)
    return path


def analyse(path: Path, **settings):
    return Analyzer().analyse(path.read_text(encoding="utf-8"), path, Settings(**settings))


def status(analysis, n: int):
    return next(q for q in analysis.questions if q.number == n)


def codes(analysis, code: str) -> list:
    return [f for f in analysis.findings if f.code == code]


# -- reading a report.py as data ------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["dict", "list"])
@pytest.mark.parametrize("run", [r.alias for r in runs()])
def test_every_final_checker_reads_back_from_both_shapes(run, shape):
    course = by_id(run).checker
    source = checker_source(
        course.limits,
        course.expected,
        shape=shape,
        cut=43 if course.slices_front_matter else None,
        zero_based=course.zero_based,
    )
    spec = read_source(source)
    assert not isinstance(spec, str), spec
    assert spec.table == course.table
    assert same_checker(spec).table == course.table


def test_numbering_from_zero_and_the_cut_are_read():
    spec = read_source(checker_source(OLD_Q3, 31, shape="list", cut=43, zero_based=True))
    assert spec.zero_based and spec.slices_front_matter and spec.expected == 31
    spec = read_source(checker_source(OLD_Q3, 31))
    assert not spec.zero_based and not spec.slices_front_matter


@pytest.mark.parametrize(
    "source, why",
    [
        ("def check(:\n    pass\n", "not valid Python (line 1"),
        ("def check():\n    table = []\x00\n", "null bytes"),
        ("def html():\n    table = {1: 2, 3: 4, 5: 6}\n", "no check function"),
        ("def check():\n    table = [sorted, max, min]\n", "no constraint table"),
        (
            "def check():\n    table = {'a': WordConstraint(min_length=1), 'b': NoConstraint(), 'c': NoConstraint()}\n",
            "no constraint table",
        ),
        ("def check():\n    table = [WordConstraint(min_length=x, max_length=2)] * 3\n", "no constraint table"),
    ],
)
def test_what_is_not_a_checker_says_why(source, why):
    found = read_source(source)
    assert isinstance(found, str) and why in found


def test_the_file_is_never_run(tmp_path):
    marker = tmp_path / "ran"
    source = f"open({str(marker)!r}, 'w').write('module')\n" + checker_source(OLD_Q3, 31).replace(
        "def check():\n", f"def check():\n    open({str(marker)!r}, 'w').write('check')\n"
    )
    path = write(tmp_path, ReportBuilder("2026").fill_all(), source)
    a = analyse(path, checker="local")
    assert a.judge.source == "local" and a.view.spec.limits[3].words == (100, 200)
    assert not marker.exists()


@pytest.mark.parametrize(
    "source",
    [
        "x = " + "(" * 100_000,
        "x = " + "-" * 200_000 + "1",
        "x = " + "[" * 50_000 + "]" * 50_000,
        "def check():\n    t = [" + ", ".join(["partial(word_limit, min_length=1, max_length=2)"] * 5000) + "]\n",
        "def check():\n    t = [WordConstraint(min_length=" + "-" * 100_000 + "1, max_length=2)] * 3\n",
    ],
)
def test_hostile_sources_are_answered_quickly(source):
    started = time.monotonic()
    found = read_source(source[:MAX_BYTES])
    assert time.monotonic() - started < 10  # milliseconds normally; a generous bound
    assert found is not None


def test_a_large_file_and_a_symbolic_link_are_not_read(tmp_path):
    big = write(tmp_path / "big", ReportBuilder("2026").fill_all(), checker_source(OLD_Q3, 31) + "#" * (MAX_BYTES + 10))
    local = read(big.parent)
    assert local.spec is None and "larger than 256 KB" in local.problem
    (f,) = codes(analyse(big), "checker-differs")
    assert "not read as a checker (it is larger than 256 KB)" in f.message

    outside = tmp_path / "elsewhere.py"
    outside.write_text(checker_source(OLD_Q3, 31))
    linked = write(tmp_path / "linked", ReportBuilder("2026").fill_all())
    (linked.parent / "report.py").symlink_to(outside)
    local = read(linked.parent)
    assert local.spec is None and "symbolic link" in local.problem
    assert analyse(linked, checker="local").view.spec.id == COURSE_2026.id


def test_an_edited_file_is_read_again(tmp_path):
    path = write(tmp_path, ReportBuilder("2026").fill_all(), checker_source(OLD_Q3, 31))
    assert read(path.parent).spec.limits[3].words == (100, 200)
    (path.parent / "report.py").write_text(checker_source({**OLD_Q3, 3: Limits(words=(10, 20))}, 31) + "\n# x\n")
    assert read(path.parent).spec.limits[3].words == (10, 20)
    (path.parent / "report.py").unlink()
    assert read(path.parent) is None


# -- which checker judges --------------------------------------------------------------------------


def q3_report(tmp_path: Path, report_py: str | None = None) -> Path:
    """A January 2026 report with 68 words in question 3 and the given report.py beside it."""
    return write(tmp_path, ReportBuilder("2026").fill_all().answer(3, words(68)), report_py)


def test_the_course_checker_judges_by_default(tmp_path):
    a = analyse(q3_report(tmp_path, checker_source(OLD_Q3, 31)))
    assert (a.judge.source, a.judge.label, a.view.spec.id) == (
        "course",
        "the January 2026 course checker",
        "2026-01-09_e3622b47",
    )
    q3 = status(a, 3)
    assert q3.limits.words == (0, 200) and q3.status == "pass"
    assert not codes(a, "word-count")


def test_local_judges_with_the_groups_copy(tmp_path):
    a = analyse(q3_report(tmp_path, checker_source(OLD_Q3, 31)), checker="local")
    assert a.judge.source == "local"
    assert a.judge.label == "your reports/report.py (the same as the January 2025 course checker)"
    q3 = status(a, 3)
    assert q3.limits.words == (100, 200) and q3.status == "fail"
    (f,) = codes(a, "word-count")
    assert "Question 3: 68 words, the checker needs 100-200" in f.message


def test_local_without_a_copy_falls_back_to_the_course_and_says_so(tmp_path):
    a = analyse(q3_report(tmp_path), checker="local")
    assert a.judge.source == "course" and a.view.spec.id == COURSE_2026.id
    assert a.judge.note == "reports/report.py is not used: there is none beside the report"


def test_a_checker_named_by_id(tmp_path):
    a = analyse(q3_report(tmp_path), checker="2024-12-22_4eb18892")
    assert (a.judge.source, a.view.spec.id) == ("setting", "2024-12-22_4eb18892")
    assert status(a, 31).limits.words == (50, 200)
    a = analyse(q3_report(tmp_path / "b"), checker="d1b907d5")
    assert a.judge.label == "report.py 2025-01-08_d1b907d5 (the January 2025 course checker)"


def test_the_setting_is_validated():
    assert from_dict({"checker": "local"}) == (Settings(checker="local"), [])
    assert from_dict({"checker": "e3622b47"})[0].checker == "e3622b47"
    settings, problems = from_dict({"checker": "1999-01-01_deadbeef"})
    assert settings.checker == "course" and "unknown checker '1999-01-01_deadbeef'" in problems[0]
    assert from_dict({"checker": 7})[1] == ["mlopsReport.checker must be a string"]


# -- checker-differs ------------------------------------------------------------------------------


def test_checker_differs_names_the_questions_and_both_limits(tmp_path):
    path = q3_report(tmp_path, checker_source(OLD_Q3, 31))
    a = analyse(path)
    (f,) = codes(a, "checker-differs")
    assert f.severity == "information" and f.question == 0
    assert f.message == ("your reports/report.py: Q3 100-200 words; the January 2026 course checker: Q3 0-200 words")
    assert a.report.text[f.span.start : f.span.end] == "### Question 3"
    local = analyse(path, checker="local")
    (g,) = codes(local, "checker-differs")
    assert g.message.startswith(f.message) and "judged by your copy" in g.message


def test_checker_differs_on_the_answer_count(tmp_path):
    old = by_id("2024").checker
    a = analyse(write(tmp_path, ReportBuilder("2026").fill_all(), checker_source(old.limits, 27, shape="list", cut=43)))
    (f,) = codes(a, "checker-differs")
    assert f.message.startswith("your reports/report.py: expects 27 answers, cuts the first 43 characters, Q3 ")
    assert "; the January 2026 course checker: expects 31 answers, reads from the first character" in f.message
    assert a.passing == 31  # the course's verdict is unchanged


def test_an_unreadable_copy_is_ignored_with_an_information(tmp_path):
    a = analyse(q3_report(tmp_path, "def check(:\n"))
    (f,) = codes(a, "checker-differs")
    assert f.message.startswith("your reports/report.py is not read as a checker (it is not valid Python (line 1")
    assert f.message.endswith("); the January 2026 course checker judges this report")
    assert a.judge.source == "course" and a.passing == 31


def test_the_same_limits_in_another_shape_differ_in_nothing(tmp_path):
    a = analyse(q3_report(tmp_path, checker_source(COURSE_2026.limits, 31, shape="list")))
    assert not codes(a, "checker-differs")


# -- the edition, by all the evidence -------------------------------------------------------------


def rewritten(builder: ReportBuilder) -> ReportBuilder:
    """Every instruction block in the group's own words, without a length line."""
    for n in range(1, builder.count + 1):
        builder.instructions(n, f"> **What we did for part {n}, in our own words.**\n>\n> Answer:")
    return builder


@pytest.mark.parametrize("edition, run", [("2026", "January 2026"), ("2024", "January 2024")])
def test_every_instruction_block_rewritten_keeps_the_limits(edition, run):
    text = rewritten(ReportBuilder(edition)).build()  # nothing answered
    a = Analyzer().analyse(text)
    assert a.detection.how == "size"
    assert a.edition.run.name == run and a.judge.source == "course"
    assert status(a, 4).limits.words == (100, 200)
    failing = {
        n
        for n, lim in a.edition.checker.limits.items()
        if (lim.words and not lim.words[0] <= 6 <= lim.words[1]) or (lim.images and lim.images[0] > 0)
    }
    assert {q.number for q in a.questions if q.status != "pass"} == failing
    assert a.passing == a.total - len(failing)


def test_a_tie_between_runs_is_reported():
    # a report that states the 2025 limits and has none of a template's words: the 2025-01-08,
    # 2025-01-24 and 2026-01-04 templates state the same limits
    a = Analyzer().analyse(ReportBuilder("2025").fill_all().build())
    assert a.edition.id == "2025-01-24_9c3875c2"
    assert [e.id for e in a.detection.ties] == ["2026-01-04_1fa25710"]
    assert a.detection.runs == ["January 2025", "January 2026"]


# -- a run newer than our data --------------------------------------------------------------------

NEWER = {**COURSE_2026.limits, 3: Limits(words=(50, 150)), 12: Limits(words=(80, 160))}


def newer_template() -> ReportBuilder:
    """A template of a run after our data: two length lines and a prompt changed."""
    b = ReportBuilder("2026").fill_all().answer(3, words(120)).answer(12, words(120))
    for n, (lo, hi) in ((3, (50, 150)), (12, (80, 160))):
        b.instructions(
            n,
            f"> **Tell us, in a new way, about part {n} of the project.**\n>\n"
            f"> Recommended answer length: {lo}-{hi} words.\n>\n> Example:\n"
            f"> *An answer could name the tools used for part {n} and why.*\n>\n> Answer:",
        )
    return b


def test_a_newer_run_is_judged_by_the_groups_checker(tmp_path):
    a = analyse(write(tmp_path, newer_template(), checker_source(NEWER, 31)))
    assert a.detection.how == "newer"
    assert a.edition.label == "newer than January 2026"
    assert a.judge.source == "local"
    assert a.judge.label == "your reports/report.py, for a run newer than our data"
    assert status(a, 3).limits.words == (50, 150) and status(a, 12).limits.words == (80, 160)
    assert a.passing == 31
    assert not [f for f in a.findings if f.code in ("instructions-edited", "checker-differs", "word-count")]


def test_a_patched_copy_is_not_a_newer_run(tmp_path):
    # the group loosened its copy, the report still states the course's limits
    a = analyse(
        write(
            tmp_path,
            ReportBuilder("2026").fill_all().answer(4, words(60)),
            checker_source({**COURSE_2026.limits, 4: Limits(words=(50, 200))}, 31),
        )
    )
    assert a.detection.how != "newer" and a.judge.source == "course"
    assert status(a, 4).status == "fail"
    (f,) = codes(a, "checker-differs")
    assert f.message == ("your reports/report.py: Q4 50-200 words; the January 2026 course checker: Q4 100-200 words")


def test_a_newer_run_of_another_size_never_crashes(tmp_path):
    b = ReportBuilder("2026").fill_all()
    b.count = 33  # two questions more than any template we know
    limits = {**COURSE_2026.limits, 32: Limits(words=(10, 50)), 33: Limits(words=(10, 50))}
    a = analyse(write(tmp_path, b, checker_source(limits, 33)))
    assert a.detection.how == "newer" and not a.view.crashes
    assert a.total == 33 and status(a, 33).limits.words == (10, 50)
    assert not codes(a, "checker-crash")


def test_a_newer_run_can_still_be_judged_by_a_named_checker(tmp_path):
    path = write(tmp_path, newer_template(), checker_source(NEWER, 31))
    assert analyse(path, checker="local").judge.source == "local"
    a = analyse(path, checker="e3622b47")
    assert (a.judge.source, a.view.spec.id) == ("setting", "2026-01-09_e3622b47")
    assert status(a, 3).limits.words == (0, 200)


def test_huge_numbers_cost_nothing(tmp_path):
    # a copy insisting on a billion answers, and a report numbering a question in the billions
    source = checker_source(NEWER, 31).replace("len(pieces) != 31", "len(pieces) != 1000000000")
    assert read_source(source) == "it expects 1000000000 answers, more than a report can hold"
    b = newer_template().heading(31, "### Question 999999999")
    started = time.monotonic()
    a = analyse(write(tmp_path, b, checker_source(NEWER, 31)))
    assert time.monotonic() - started < 10  # milliseconds normally; a generous bound
    assert a.judge is not None and a.total <= 31
