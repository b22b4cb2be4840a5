"""Issue #6, fixes half: a fix touches only its own question, leaves a report, removes its
finding, loses no answer text, and never moves a file onto another."""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from mlops_report.analysis import Analyzer
from mlops_report.disk import Disk
from mlops_report.findings import apply_edits
from mlops_report.parse import parse
from tests.builder import ReportBuilder, words

from .conftest import CASES
from .strategies import EDITIONS, NEWLINES, apply, disks, edit, fake_disk, mutated_report

_WORD = re.compile(r"\w+")


def _words(s: str) -> Counter[str]:
    return Counter(_WORD.findall(s))


# reports that offer many fixes: placeholders left in answers, wrapped answers, headings
# inside answers, answers in the quote, <img> tags, wrong case, figures outside figures/
_TRAPS = (
    lambda n: words(30, n) + "\n\n--- question {n} fill here ---",
    lambda n: "--- " + words(40, n) + " ---",
    lambda n: words(20, n) + "\n\n## A heading inside\n\n" + words(20, n + 1),
    lambda n: words(20, n) + "\n\n#### Sub heading ####\n\n" + words(20, n + 1),
    lambda n: '<img width="600" src="figures/q14_0.png" alt="loss curve">',
    lambda n: words(10, n) + "\n<img src='figures/loss.png'>",
    lambda n: "![curve](figures/LOSS.png)",
    lambda n: "![x](docs/x.png) and ![y](loss.png)",
    lambda n: "![a\nsplit alt](figures/q19_0.png)",
    lambda n: "![r][fig]\n\n[fig]: figures/q20_0.png",
    lambda n: "[see](figures/q21_0.png)",
    lambda n: "",
)


@st.composite
def report_with_traps(draw) -> str:
    b = ReportBuilder(draw(st.sampled_from(EDITIONS)), newline=draw(st.sampled_from(NEWLINES)))
    if draw(st.booleans()):
        b.fill_all()
    for n in draw(st.lists(st.integers(1, b.count), min_size=1, max_size=6)):
        trap = draw(st.sampled_from(_TRAPS))(n)
        b.answer(n, trap.replace("{n}", str(n)))
    for n in draw(st.lists(st.integers(2, b.count), max_size=2)):
        b.on_label_line(n, words(draw(st.integers(1, 30)), n) + "\n> " + words(5, n))
    for i in draw(st.lists(st.integers(0, 11), max_size=2)):
        b.mark(i, draw(st.sampled_from(["?", "v", "xx", "-", "✓"])))
    text = b.build()
    for _ in range(draw(st.integers(0, 2))):
        text = apply(text, draw(edit(len(text))))
    return text


def _question_of(report, offset: int):
    """The question whose segment holds ``offset`` (a segment's end is the next one's start)."""
    for q in report.questions:
        if q.span.start <= offset < q.span.end or offset == q.span.end == len(report.text):
            return q
    return None


def _moved_disk(disk: Disk, moves) -> Disk:
    files = set(disk.files)
    for m in moves:
        if Path(m.source).is_relative_to(disk.root):
            files.discard(str(Path(m.source).relative_to(disk.root)))
        files.add(str(Path(m.target).relative_to(disk.root)))
    lower: dict[str, str] = {}
    for f in files:
        lower.setdefault(f.lower(), f)
    return Disk(disk.root, frozenset(files), False, lower)


def check_every_fix(text: str, disk: Disk | None) -> int:
    analysis = Analyzer().analyse(text, disk=disk)
    report = analysis.report
    numbers = [q.number for q in report.questions]
    n = 0
    for finding in analysis.findings:
        for fix in finding.fixes:
            n += 1
            edits = sorted(fix.edits, key=lambda e: e.span.start)
            for a, b in pairwise(edits):
                assert a.span.end <= b.span.start, f"{finding.code}: overlapping edits"
            # 1. only its own span: the question the finding is in (document findings: their span)
            owner = _question_of(report, finding.span.start) if finding.question else None
            region = owner.span if owner is not None else finding.span
            for e in edits:
                assert region.start <= e.span.start <= e.span.end <= region.end, (
                    finding.code,
                    fix.title,
                    e.span,
                    region,
                )
            after = apply_edits(text, fix.edits)
            # 2. the result is still a report with the same questions
            again = parse(after)
            assert again.is_report, (finding.code, fix.title)
            assert not Counter(numbers) - Counter(q.number for q in again.questions), (finding.code, fix.title)
            # 3. no answer text lost: words taken away are the placeholder's, or <img> markup
            lost = _words(text) - _words(after)
            allowed = Counter()
            for e in edits:
                removed = _words(text[e.span.start : e.span.end])
                if fix.kind == "removePlaceholder" or (fix.kind == "insertFigure" and e.span.start < e.span.end):
                    allowed |= removed  # the placeholder, or a figure in its place
                elif fix.kind == "rewriteImage":
                    # the alt text and the path are in the new text; what goes is markup
                    # (<img> attributes, a reference label)
                    allowed |= removed
                elif (
                    fix.kind == "restoreInstructions"
                    or fix.kind == "pathCase"
                    or fix.kind in ("moveToFigures", "checkboxMark", "renameFigure")
                ):
                    allowed |= removed
                elif fix.kind == "studyNumber":
                    # the entry is kept, written with its s (or a small s): nothing else goes
                    was = text[e.span.start : e.span.end]
                    assert e.new_text in ("s" + was, was.lower()), (was, e.new_text)
                    allowed |= removed
            assert not (lost - allowed), (finding.code, fix.title, lost - allowed)
            if fix.kind in ("removePlaceholder", "insertFigure"):
                assert all(w in ("question", "fill", "here") or w.isdigit() for w in lost), lost
            # 4. a move never lands on a file that exists (also not on a case-insensitive disk),
            # and never takes a file from outside the report's repository
            for m in fix.moves:
                assert disk is not None
                assert Path(m.source).is_relative_to(disk.root.parent), (m, "moves a file from outside the repository")
                dst = str(Path(m.target).relative_to(disk.root))
                assert dst not in disk.files and dst.lower() not in disk.by_lower, (m, "overwrites a file")
            # 5. its own finding is gone (at the same place, mapped through the edit)
            moved = _moved_disk(disk, fix.moves) if (disk is not None and fix.moves) else disk
            later = Analyzer().analyse(after, disk=moved)
            first = edits[0].span.start if edits else finding.span.start
            delta = len(after) - len(text)

            def mapped(off: int, first: int = first, delta: int = delta) -> int:
                return off if off <= first else off + delta

            same = [
                f
                for f in later.findings
                if f.code == finding.code
                and f.question == finding.question
                and (f.span.start, f.span.end) == (mapped(finding.span.start), mapped(finding.span.end))
            ]
            assert not same, (finding.code, fix.title, same)
    return n


@given(report_with_traps(), disks)
def test_fixes_on_reports_with_traps(text, disk):
    CASES["fixes.traps"] += check_every_fix(text, disk)


@given(mutated_report(), disks)
def test_fixes_on_mutated_reports(pair, disk):
    CASES["fixes.mutated"] += check_every_fix(pair[1], disk)


def test_move_fix_never_overwrites_on_case_insensitive_disks():
    # figures/loss.png exists as figures/LOSS.png: moving loss.png there overwrites it on
    # Windows and macOS
    b = ReportBuilder("2026").fill_all().answer(14, words(250) + "\n\n![l](loss.png)")
    disk = fake_disk(("figures/LOSS.png",))
    disk = Disk(
        disk.root,
        disk.files - {"figures/loss.png"},
        False,
        {k: v for k, v in disk.by_lower.items() if v != "figures/loss.png"} | {"figures/loss.png": "figures/LOSS.png"},
    )
    check_every_fix(b.build(), disk)
