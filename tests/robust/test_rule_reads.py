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

from mlops_report.analysis import Analyzer
from mlops_report.disk import Disk
from mlops_report.findings import Finding
from mlops_report.rules import RULES
from mlops_report.rules.context import KEYS, QuestionContext
from mlops_report.rules.registry import registered
from mlops_report.rules.rule import Rule
from mlops_report.settings import Settings
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
        start = self.text.index(f"### Question {n}\n")
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
    start = w.text.index(f"### Question {n}\n")
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


@pytest.mark.parametrize("name", sorted(SAID))
def test_a_warm_analyzer_equals_a_fresh_one_for_a_rule_reading(name, tmp_path):
    w = World(tmp_path)
    with registered(reading(name)):
        warm = Analyzer()
        w.analyse(warm)
        for edit, n in [
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
        ]:
            edit(w, n)
            assert w.analyse(warm).findings == w.analyse(Analyzer()).findings, (name, edit.__name__, n)


@given(
    name=st.sampled_from(sorted(SAID)),
    edits=st.lists(st.tuples(st.sampled_from(EDITS), st.integers(1, 31)), min_size=1, max_size=5),
)
def test_random_edits_never_leave_a_reading_rule_stale(name, edits):
    with tempfile.TemporaryDirectory() as folder, registered(reading(name)):
        w = World(Path(folder))
        warm = Analyzer()
        w.analyse(warm)
        for edit, n in edits:
            edit(w, n)
            assert w.analyse(warm).findings == w.analyse(Analyzer()).findings, (name, edit.__name__, n)


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
