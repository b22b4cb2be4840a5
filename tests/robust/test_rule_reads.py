"""Issue #13: a rule declares the context fields it reads, and the per-question cache is keyed
by what the question rules read. A rule reading any field of the question context (the
document-wide ones included: every linked figure, the reference definitions, the folder's
files, the figures folder, the text after the last question) never gets stale findings from a
warm ``Analyzer``: after edits that change that field elsewhere in the document, it answers
exactly as a new one.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlops_report import analysis
from mlops_report.analysis import Analyzer
from mlops_report.disk import Disk
from mlops_report.findings import Edit, Finding, Fix
from mlops_report.rules import RULES
from mlops_report.rules.context import DOCUMENT_KEYS, KEYS, DocumentContext, QuestionContext
from mlops_report.rules.registry import registered
from mlops_report.rules.rule import Rule
from mlops_report.settings import Settings
from mlops_report.text import Span
from tests.builder import ReportBuilder, words

# what a throw-away rule says of the field it reads, in every question
SAID: dict[str, Callable[[QuestionContext], object]] = {
    "text": lambda c: hash(c.text),
    "counted": lambda c: None if c.counted is None else (c.counted.words, c.counted.images),
    "limits": lambda c: c.limits,
    "last": lambda c: c.last,
    "disk": lambda c: None if c.disk is None else sorted(c.disk.files),
    "figures_dir": lambda c: c.figures_dir,
    "linked": lambda c: len(c.linked),
    "references": lambda c: sorted(c.references.items()),
    "edited": lambda c: c.edited,
    "restore": lambda c: None if c.restore is None else hash(c.restore),
    "trailing": lambda c: hash(c.trailing),
}


def reading(name: str) -> Rule:
    code = f"reads-{name.replace('_', '-')}"

    def check(c: QuestionContext) -> Iterator[Finding]:
        q = c.question
        yield Finding(code, "", q.number, q.heading.span, f"Question {q.number}: {name} is {SAID[name](c)!r}")

    return Rule(code, "hint", "question", check=check, reads=(name,), summary="-", why="-", example="-", fix="-")


@dataclass
class World:
    """A report on disk with its figures, and what an analysis is given: text, walk, settings."""

    folder: Path
    path: Path = field(init=False)
    text: str = field(init=False)
    disk: Disk = field(init=False)
    settings: Settings = field(default_factory=Settings)
    originals: dict[int, str] | None = None
    added: int = 0

    def __post_init__(self) -> None:
        b = ReportBuilder("2026").fill_all()
        self.path = b.write(self.folder, figures=[*b.needed_figures(), "figures/spare.png"])
        self.text = self.path.read_text(encoding="utf-8")
        self.disk = Disk.scan(self.path)

    def end_of(self, n: int) -> int:
        """Where question ``n``'s answer ends (before the next heading, or the end)."""
        start = re.compile(rf"### Question {n}(?!\d)").search(self.text).start()  # type: ignore[union-attr]
        m = re.compile(r"\n#{2,3} ").search(self.text, start + 1)
        return m.start() + 1 if m else len(self.text)

    def insert(self, n: int, what: str) -> None:
        at = self.end_of(n)
        self.text = self.text[:at] + what + self.text[at:]

    def analyse(self, analyzer: Analyzer):
        return analyzer.analyse(self.text, disk=self.disk, settings=self.settings, originals=self.originals)


def link_figure(w: World, n: int) -> None:
    w.insert(n, "\n![spare](figures/spare.png)\n\n")


def define_reference(w: World, n: int) -> None:
    w.insert(n, f"\n[shot{n}]: figures/q19_0.png\n\n")


def type_words(w: World, n: int) -> None:
    w.insert(n, words(7) + "\n\n")


def stray_label(w: World, n: int) -> None:
    w.insert(n, "\nAnswer: " + words(3) + "\n\n")


def trailing_text(w: World, n: int) -> None:
    w.text += f"\n## Notes {n}\n\n" + words(n) + "\n"


def new_last_question(w: World, n: int) -> None:
    w.text += f"\n### Question {32 + n}\n\n> Answer:\n\n" + words(5) + "\n"


def edit_instructions(w: World, n: int) -> None:
    """A stated length edited in question ``n``'s instructions (or the next question's, when an
    earlier edit typed after ``n``'s heading number)."""
    heading = re.search(rf"^### Question {n}\b", w.text, re.MULTILINE)
    start = heading.start() if heading else 0
    w.text = w.text[:start] + w.text[start:].replace("answer length: 100-200", "answer length: 50-200", 1)


def add_file(w: World, n: int) -> None:
    w.added += 1
    (w.path.parent / "figures" / f"new{w.added}.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    w.disk = Disk.scan(w.path)


def figures_folder(w: World, n: int) -> None:
    w.settings = Settings(figures_dir="pictures" if w.settings.figures_dir == "figures" else "figures")


def originals(w: World, n: int) -> None:
    block = ReportBuilder("2026")._instruction_block(n)
    w.originals = {n: block} if not w.originals or n not in w.originals else {n: block + "\n"}


EDITS = [
    link_figure,
    define_reference,
    type_words,
    stray_label,
    trailing_text,
    new_last_question,
    edit_instructions,
    add_file,
    figures_folder,
    originals,
]


def test_every_field_a_rule_may_read_is_covered():
    assert set(SAID) == set(KEYS)


def test_a_rule_counting_every_linked_figure_is_not_stale(tmp_path):
    """The bug a hand-kept key had: question 5 asks for no figure, so its key left out the
    linked figures, and a warm analyzer said 5 where a fresh one said 6."""
    w = World(tmp_path)
    with registered(reading("linked")):
        warm = Analyzer()
        w.analyse(warm)
        link_figure(w, 20)
        said = [f.message for f in w.analyse(warm).findings if f.code == "reads-linked" and f.question == 5]
        assert said == ["Question 5: linked is 6"]


def replay(folder: Path, rule, name: str, edits) -> None:
    """``edits`` made one after another on a built report with ``rule`` registered: after each,
    a warm analyzer must say what a fresh one says."""
    w = World(folder)
    with registered(rule):
        warm = Analyzer()
        w.analyse(warm)
        for edit, n in edits:
            edit(w, n)
            assert w.analyse(warm).findings == w.analyse(Analyzer()).findings, (name, edit.__name__, n)


@pytest.mark.parametrize("name", sorted(SAID))
def test_a_warm_analyzer_equals_a_fresh_one_for_a_rule_reading(name, tmp_path):
    replay(
        tmp_path,
        reading(name),
        name,
        [
            (link_figure, 20),
            (define_reference, 7),
            (type_words, 12),
            (stray_label, 4),
            (edit_instructions, 4),
            (originals, 4),
            (originals, 4),
            (trailing_text, 1),
            (trailing_text, 2),
            (add_file, 0),
            (figures_folder, 0),
            (new_last_question, 0),
            (type_words, 31),
        ],
    )


@given(
    name=st.sampled_from(sorted(SAID)),
    edits=st.lists(st.tuples(st.sampled_from(EDITS), st.integers(1, 31)), min_size=1, max_size=5),
)
def test_random_edits_never_leave_a_reading_rule_stale(name, edits):
    with tempfile.TemporaryDirectory() as folder:
        replay(Path(folder), reading(name), name, edits)


def test_a_registered_rule_is_gone_after_its_block(tmp_path):
    w = World(tmp_path)
    analyzer = Analyzer()
    with registered(reading("last")):
        assert "reads-last" in RULES
        assert any(f.code == "reads-last" for f in w.analyse(analyzer).findings)
    assert "reads-last" not in RULES
    type_words(w, 9)  # an edit the warm analyzer would take on the keystroke path
    assert not any(f.code == "reads-last" for f in w.analyse(analyzer).findings)


def test_a_rule_reading_an_unknown_field_is_refused():
    with pytest.raises(ValueError, match="not fields of its question context"):
        Rule(
            "reads-nothing",
            "hint",
            "question",
            check=lambda c: (),
            reads=("colour",),
            summary="-",
            why="-",
            example="-",
            fix="-",
        )


# -- document rules: kept with the last analysis under the key of what they read --------------

# what a throw-away document rule says of the field it reads, and where (a place the field
# decides, so that a moved span is checked too)
DOCUMENT_SAID: dict[str, Callable[[DocumentContext], object]] = {
    "report": lambda c: hash(c.report.text),
    "figures": lambda c: [(q.number, [f.target for f in q.shape.answer.figures]) for q in c.report.questions],
    "names": lambda c: [f.target for q in c.report.questions for f in q.shape.answer.figures if "%" in f.target],
    "checklist": lambda c: [(i.text, i.mark) for i in c.report.checklist],
    "headings": lambda c: [(q.number, q.section) for q in c.report.questions],
    "numbering": lambda c: _numbering_said(c),
    "crash": lambda c: c.view.crash,
    "detection": lambda c: c.detection.edition.id,
    "view": lambda c: c.view.passed,
    "judge": lambda c: None if c.judge is None else c.judge.checker.id,
    "local": lambda c: c.local,
    "disk": lambda c: None if c.disk is None else sorted(c.disk.files),
    "settings": lambda c: c.settings.key,
    "repo": lambda c: c.repo,
    "evidence": lambda c: c.evidence,
}


def _numbering_said(c: DocumentContext) -> list:
    """The questions' numbers, the edition's count, and the answer of each question a gap in
    the numbering follows."""
    qs, total = c.report.questions, c.detection.edition.questions
    following = [q.number for q in qs[1:]] + [total + 1]
    return [
        (q.number, q.shape.answer.text if n != q.number + 1 else None) for q, n in zip(qs, following, strict=True)
    ] + [total]


def _place(name: str, c: DocumentContext) -> Span:
    """Where the rule reports: the last figure, the last checklist item's mark, the last
    heading; the top of the document for the other fields."""
    r = c.report
    if name in ("figures", "names"):
        figs = [f.shifted(q.span.start) for q in r.questions for f in q.shape.answer.figures]
        return figs[-1].target_span if figs else Span(0, 0)
    if name == "checklist" and r.checklist:
        return r.checklist[-1].mark_span
    if name == "headings" and r.questions:
        return r.questions[-1].heading.span
    return Span(0, 0)


def document_reading(name: str, calls: list[str] | None = None, reads: tuple[str, ...] | None = None) -> Rule:
    """A document rule saying what ``name`` is, with a fix at the same place; ``reads``: what it
    declares (``name`` by default)."""
    code = f"document-reads-{name}"

    def check(c: DocumentContext) -> Iterator[Finding]:
        if calls is not None:
            calls.append(name)
        at = _place(name, c)
        fix = Fix("Say it again", "sayAgain", (Edit(at, c.report.text[at.start : at.end]),))
        yield Finding(code, "", 0, at, f"{name} is {DOCUMENT_SAID[name](c)!r}", (fix,))

    return Rule(
        code,
        "hint",
        "document",
        check=check,
        reads=reads or (name,),
        summary="-",
        why="-",
        example="-",
        fix="-",
    )


def tick_item(w: World, n: int) -> None:
    """Type at the end of the last checklist item's text (an edit inside one item)."""
    at = w.text.index("\n", w.text.rindex("* ["))
    w.text = w.text[:at] + f" {words(1)}" + w.text[at:]


def type_in_heading(w: World, n: int) -> None:
    """Type after the number of question ``n``'s heading (the heading stays question ``n``)."""
    at = w.text.index(f"### Question {n}\n") + len(f"### Question {n}") if f"### Question {n}\n" in w.text else 0
    w.text = w.text[:at] + " x" + w.text[at:]


def link_encoded_figure(w: World, n: int) -> None:
    w.insert(n, "\n![spare](figures/spare%2Epng)\n\n")


def type_a_letter(w: World, n: int) -> None:
    """One letter at the end of question ``n``'s answer: the keystroke path."""
    at = w.end_of(n) - 1
    w.text = w.text[:at] + "y" + w.text[at:]


DOCUMENT_EDITS = [*EDITS, tick_item, type_in_heading, link_encoded_figure, type_a_letter]


def test_every_field_a_document_rule_may_read_is_covered():
    assert set(DOCUMENT_SAID) == set(DOCUMENT_KEYS)


@pytest.mark.parametrize("name", sorted(DOCUMENT_SAID))
def test_a_warm_analyzer_equals_a_fresh_one_for_a_document_rule_reading(name, tmp_path):
    replay(
        tmp_path,
        document_reading(name),
        name,
        [
            (type_a_letter, 3),
            (type_a_letter, 30),
            (tick_item, 0),
            (type_a_letter, 3),
            (type_in_heading, 31),
            (type_in_heading, 2),
            (type_a_letter, 31),
            (link_figure, 20),
            (type_a_letter, 10),
            (link_encoded_figure, 25),
            (type_a_letter, 12),
            (define_reference, 7),
            (type_words, 12),
            (stray_label, 4),
            (add_file, 0),
            (figures_folder, 0),
            (trailing_text, 1),
            (type_a_letter, 31),
        ],
    )


@given(
    name=st.sampled_from(sorted(DOCUMENT_SAID)),
    edits=st.lists(st.tuples(st.sampled_from(DOCUMENT_EDITS), st.integers(1, 31)), min_size=1, max_size=5),
)
def test_random_edits_never_leave_a_document_rule_stale(name, edits):
    with tempfile.TemporaryDirectory() as folder:
        replay(Path(folder), document_reading(name), name, edits)


@pytest.mark.parametrize("name", ["figures", "checklist", "headings"])
def test_a_keystroke_in_an_answer_runs_no_document_rule_that_reads_neither_text_nor_view(name, tmp_path, monkeypatch):
    """Typing in an answer changes no figure link, checklist item or heading: the rule's
    findings are taken over (moved below the edit), and it does not run (the check of reads,
    which runs it again to compare, off)."""
    monkeypatch.setattr(analysis, "VERIFY_READS", False)
    w = World(tmp_path)
    calls: list[str] = []
    with registered(document_reading(name, calls)):
        warm = Analyzer()
        w.analyse(warm)
        calls.clear()
        for n in (3, 17, 30):
            type_a_letter(w, n)
            found = [f for f in w.analyse(warm).findings if f.code == f"document-reads-{name}"]
            assert found == [f for f in w.analyse(Analyzer()).findings if f.code == f"document-reads-{name}"]
        assert calls == [name] * 3  # the fresh analyses' runs only


def test_a_document_rule_declaring_too_little_is_caught(tmp_path, monkeypatch):
    """A rule that reads the checklist but declares only the figures would keep a stale finding
    after an edit of an item; with the check of reads on (the test suite's default), the
    analysis runs it again and says so."""
    monkeypatch.setattr(analysis, "VERIFY_READS", True)
    w = World(tmp_path)
    with registered(document_reading("checklist", reads=("figures",))):
        warm = Analyzer()
        w.analyse(warm)
        tick_item(w, 0)
        with pytest.raises(AssertionError, match="reads more than its rules declare"):
            w.analyse(warm)


def test_a_document_rule_reading_an_unknown_field_is_refused():
    with pytest.raises(ValueError, match="not fields of its document context"):
        Rule(
            "reads-colour",
            "hint",
            "document",
            check=lambda c: (),
            reads=("colour",),
            summary="-",
            why="-",
            example="-",
            fix="-",
        )
