"""The document model: a report's structure with the exact source span of every element.

The document is cut into blocks by one line scan that knows fenced code, inside list items and
block quotes too (``blocks.py``): front matter, title,
sections (``## ...``), the checklist and one segment per ``### Question N``. Each question's
segment is parsed on its own (and cached by its text), so an edit inside one answer costs one
segment parse; ``markdown-it-py`` supplies the block structure of an answer (fences, tables,
headings, HTML blocks) where a line scan would guess.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from typing import NamedTuple

from . import blocks, scan
from .cache import OBJECT, SEGMENTS, memoised, size_of
from .text import BOM, LineIndex, Span

LABEL = "Answer:"
MAX_DIGITS = 6  # a question number or a limit longer than this is not a number a report states

_LINE_OPENER = re.compile(r"\n( {0,3}[#`~])")
_QUESTION = re.compile(rf"question[ \t]+(\d{{1,{MAX_DIGITS}}})\b", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"---[ \t]*question[ \t]+(\d+)[ \t]+fill[ \t]+here[ \t]*---", re.IGNORECASE)
_WRAPPED = re.compile(r"\A(---)[ \t]+\S.*?[ \t](---)\Z", re.DOTALL)
# a limit starts where a run of digits starts (a search from inside a run of ten thousand digits
# would retry the run at every digit) and has at most MAX_DIGITS digits, so int() never sees more
_RANGE = rf"(?<!\d)(\d{{1,{MAX_DIGITS}}})[ \t]*(?:-|–|to)[ \t]*(\d{{1,{MAX_DIGITS}}})[ \t]+"
_LIMIT_WORDS = re.compile(_RANGE + "words", re.IGNORECASE)
_LIMIT_IMAGES = re.compile(_RANGE + "(?:screenshots?|images?|figures?)", re.IGNORECASE)
_CHECK_ITEM = re.compile(r"([ \t]*)[*+-][ \t]+\[([^\]\r\n]{0,8})\](?![(\[])")
_ITEM_LINE = re.compile(r"(?:^|(?<=[\r\n]))[ \t]*[*+-][ \t]+\[[^\]\r\n]{0,8}\](?![(\[])")
_EXAMPLE = re.compile(r"^[ \t>]*[*_]*example[*_]*[ \t]*:?[*_]*", re.IGNORECASE | re.MULTILINE)
_BOLD_LINE = re.compile(r"\*\*(.+?)\*\*")
_ALT = re.compile(r"\balt\s*=\s*[\"']([^\"']*)")
_NOT_BREAK = re.compile(r"[^\r\n]")
_LINE_BREAK = re.compile(r"[\r\n]")
# figures, in the forms a group uses: (kind, scan, the group holding the path)
_FIGURE_SCANS = (
    ("inline", scan.inline_images, 1),  # ![alt](path "title"): the checker counts it on one line
    ("reference", scan.reference_images, 1),  # ![alt][label]
    ("reference", scan.shortcut_images, 0),  # ![label]
    ("html", scan.html_images, 0),  # <img src="path">
    ("link", scan.image_links, 1),  # [text](path.png), without the !
)


class Heading(NamedTuple):
    level: int
    title: str
    span: Span  # the whole heading line, without its line break
    line: int

    def shifted(self, d: int, lines: int) -> Heading:
        return Heading(self.level, self.title, self.span.shifted(d), self.line + lines)


class Figure(NamedTuple):
    """A figure as the group linked it."""

    kind: str  # "inline", "reference", "html", "link"
    target: str  # the path or URL as written
    alt: str
    span: Span  # the whole construct
    target_span: Span  # just the path
    counted: bool  # the official checker's regex sees it

    def shifted(self, d: int) -> Figure:
        return Figure(self.kind, self.target, self.alt, self.span.shifted(d), self.target_span.shifted(d), self.counted)


class Block(NamedTuple):
    """A markdown block inside an answer, as markdown-it-py sees it."""

    kind: str  # "fence", "table", "heading", "html"
    span: Span
    info: str = ""  # fence info string, heading marks

    def shifted(self, d: int) -> Block:
        return Block(self.kind, self.span.shifted(d), self.info)


class Instructions(NamedTuple):
    span: Span  # from after the heading line to the end of the label (or of the quote)
    text: str
    prompt: str | None  # the bold question text
    limit_line: str | None
    stated_words: tuple[int, int] | None
    stated_images: tuple[int, int] | None
    has_example: bool
    label: Span | None  # the ``Answer:`` label
    quoted: bool  # the block is a markdown quote
    example: str | None = None  # the example's text after its marker, None when there is none
    # what restoring the original instructions replaces: the quote under the heading, with the
    # label when the label is in it. A label found outside the quote may be an answer's own
    # "Answer:" (the real one removed), so the text up to it is not replaced. None: there is
    # no quote, and instructions cannot be told from an answer.
    block: Span | None = None

    def shifted(self, d: int) -> Instructions:
        return self._replace(
            span=self.span.shifted(d),
            label=self.label.shifted(d) if self.label else None,
            block=self.block.shifted(d) if self.block else None,
        )


class Answer(NamedTuple):
    span: Span  # from right after the label to the next question or section heading
    text: str
    placeholders: tuple[Span, ...]
    wrapper: tuple[Span, Span] | None  # the dashes of ``--- text ---``
    figures: tuple[Figure, ...]
    blocks: tuple[Block, ...]
    words: int  # the answer's own words: no placeholder, no ``---`` wrapper
    labels: tuple[Span, ...]  # literal ``Answer:`` inside the answer
    on_label_line: Span | None  # text typed on the label line itself

    @property
    def is_empty(self) -> bool:
        return self.words == 0 and not self.figures

    def shifted(self, d: int) -> Answer:
        return Answer(
            self.span.shifted(d),
            self.text,
            tuple(s.shifted(d) for s in self.placeholders),
            (self.wrapper[0].shifted(d), self.wrapper[1].shifted(d)) if self.wrapper else None,
            tuple(f.shifted(d) for f in self.figures),
            tuple(b.shifted(d) for b in self.blocks),
            self.words,
            tuple(s.shifted(d) for s in self.labels),
            self.on_label_line.shifted(d) if self.on_label_line else None,
        )


@dataclass(frozen=True)
class Question:
    """One ``### Question N`` segment. Its instructions and answer are parsed relative to the
    segment (``shape``, shared by every copy of the same text) and placed at the segment's offset
    when first read, so moving a question after an edit above it costs one small object."""

    number: int
    heading: Heading
    section: str
    span: Span  # the whole segment: heading to the next question or section heading
    shape: _Shape = field(repr=False)

    @cached_property
    def instructions(self) -> Instructions:
        return self.shape.instructions.shifted(self.span.start)

    @cached_property
    def answer(self) -> Answer:
        return self.shape.answer.shifted(self.span.start)

    @property
    def label(self) -> int | None:
        """Offset of the ``Answer:`` label, without placing the instructions."""
        label = self.shape.instructions.label
        return None if label is None else label.start + self.span.start

    def shifted(self, d: int, lines: int) -> Question:
        """This question ``d`` characters and ``lines`` lines further: its heading and span are
        placed when first read (``_Moved``), so moving every question below an edit costs one
        small object each, and nothing more unless they are read."""
        new = object.__new__(_Moved)
        new.__dict__.update(number=self.number, section=self.section, shape=self.shape, _from=self, _by=(d, lines))
        return new


class _Moved(Question):
    """A question moved by an edit above it: the question it was (``_from``, never itself
    moved) and by how much (``_by``: characters, lines). Equal to any question with the same
    fields."""

    @property  # type: ignore[override]
    def span(self) -> Span:
        found = self.__dict__.get("_span")
        if found is None:
            found = self.__dict__["_span"] = self.__dict__["_from"].span.shifted(self.__dict__["_by"][0])
        return found

    @property  # type: ignore[override]
    def heading(self) -> Heading:
        found = self.__dict__.get("_heading")
        if found is None:
            d, lines = self.__dict__["_by"]
            found = self.__dict__["_heading"] = self.__dict__["_from"].heading.shifted(d, lines)
        return found

    def shifted(self, d: int, lines: int) -> Question:
        was, (d0, lines0) = self.__dict__["_from"], self.__dict__["_by"]
        new = object.__new__(_Moved)
        new.__dict__.update(
            number=self.number, section=self.section, shape=self.shape, _from=was, _by=(d0 + d, lines0 + lines)
        )
        return new

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Question):
            return NotImplemented
        return (self.number, self.heading, self.section, self.span, self.shape) == (
            other.number,
            other.heading,
            other.section,
            other.span,
            other.shape,
        )

    def __hash__(self) -> int:
        return hash((self.number, self.heading, self.section, self.span, self.shape))


class ChecklistItem(NamedTuple):
    group: str
    text: str
    mark: str  # what stands between the brackets
    mark_span: Span  # the brackets and the mark
    span: Span

    def shifted(self, d: int) -> ChecklistItem:
        return ChecklistItem(self.group, self.text, self.mark, self.mark_span.shifted(d), self.span.shifted(d))

    @property
    def standard(self) -> bool:
        return self.mark in (" ", "x", "X")

    @property
    def checked(self) -> bool:
        return self.mark.strip() != ""


@dataclass
class Report:
    text: str
    lines: LineIndex
    front_matter: Span | None
    title: Heading | None
    sections: list[Heading]
    questions: list[Question]
    checklist: list[ChecklistItem]
    checklist_groups: list[Heading]
    references: dict[str, str] = field(default_factory=dict)  # reference-style link definitions
    introduction: Span | None = None  # the text between the title and the first section, trimmed
    # the stretches of lines markdown-it read for their block quotes and list items (see blocks.py):
    # (first line, line after the last, whether a fence mark is in it)
    containers: tuple[tuple[int, int, bool], ...] = ()

    @property
    def is_report(self) -> bool:
        """Whether the text is an exam report (``looks_like_report``), worked out once per
        list of questions."""
        kept = self.__dict__.get("_is_report")
        if kept is None or kept[0] is not self.questions:
            kept = self.__dict__["_is_report"] = (self.questions, looks_like_report(self), _labelled(self.questions))
        return kept[1]

    def question(self, number: int) -> Question | None:
        for q in self.questions:
            if q.number == number:
                return q
        return None

    def question_at(self, offset: int) -> Question | None:
        for q in self.questions:
            if q.span.start <= offset <= q.span.end:
                return q
        return None

    def figure_target(self, fig: Figure) -> str:
        """The path ``fig`` links: as written, or its reference definition's ("" when undefined)."""
        if fig.kind == "reference":
            return self.references.get(fig.target.lower() or fig.alt.lower(), "")
        return fig.target


def looks_like_report(report: Report) -> bool:
    """An exam report has several ``Question N`` headings with ``Answer:`` labels."""
    return _looks_like(len(report.questions), _labelled(report.questions))


def _looks_like(questions: int, labelled: int) -> bool:
    return questions >= 3 and labelled >= 2


def _labelled(questions: list[Question]) -> int:
    return sum(1 for q in questions if q.shape.instructions.label is not None)


# -- the document scan --------------------------------------------------------------------------


def scan_headings(text: str, lines: LineIndex) -> list[Heading]:
    """Every ATX heading outside fenced code, in order (fences as CommonMark closes them, inside
    list items and block quotes too: ``blocks.scan``)."""
    return _headings(text, lines, blocks.scan(text, lines))


def _headings(text: str, lines: LineIndex, found: blocks.Scan) -> list[Heading]:
    out: list[Heading] = []
    for n in found.headings:
        start = lines.starts[n] + (1 if n == 0 and text.startswith(BOM) else 0)
        end = lines.line_end(n)
        heading = scan.heading_line(text[start:end])
        if heading:
            out.append(Heading(heading[0], heading[1], Span(start, end), n))
    return out


def _front_matter(text: str) -> Span | None:
    skip = 1 if text.startswith(BOM) else 0
    if not (text.startswith("---\n", skip) or text.startswith("---\r", skip)):
        return None
    m = re.compile(r"(?:\r\n|\r|\n)---[ \t]*(\r\n|\r|\n|$)").search(text, skip + 3)
    if m and text.count("\n", 0, m.start()) < 20:
        return Span(skip, m.end())
    return None


def parse(text: str) -> Report:
    lines = LineIndex(text)
    found = blocks.scan(text, lines)
    headings = _headings(text, lines, found)
    fm = _front_matter(text)
    title = next((h for h in headings if h.level == 1), None)
    sections = [h for h in headings if h.level <= 2 and h is not title and not _is_question(h)]
    questions: list[Question] = []
    checklist: list[ChecklistItem] = []
    groups: list[Heading] = []
    section = ""
    boundaries = [h for h in headings if h.level <= 2 or _is_question(h)]
    for i, h in enumerate(boundaries):
        end = boundaries[i + 1].span.start if i + 1 < len(boundaries) else len(text)
        if not _is_question(h):
            section = h.title
            continue
        number = int(_QUESTION.search(h.title).group(1))  # type: ignore[union-attr]
        shape = _parse_segment(text[h.span.start : end])
        questions.append(Question(number, h, section, Span(h.span.start, h.span.start + shape.length), shape))
    _parse_checklist(text, headings, title, checklist, groups)
    references = _references(text)
    intro = _introduction(text, fm, title, sections, questions)
    return Report(
        text, lines, fm, title, sections, questions, checklist, groups, references, intro, tuple(found.containers)
    )


_OPENS_LINE = re.compile(r" {0,3}[#`~]")


def reparse(
    prev: Report, text: str, start: int, old_end: int, new_end: int, lines: LineIndex | None = None
) -> tuple[Report, int | None] | None:
    """``parse(text)``, reusing ``prev``, for a ``text`` that is ``prev.text`` with
    ``[start, old_end)`` replaced by ``text[start:new_end]``; also the index of the question
    that changed (None: the edit changed a checklist item, outside every question). Handled,
    when the edit adds or removes no carriage return and the heading scan of the whole text
    would find the same headings (it neither makes nor unmakes a heading or fence line):

    - an edit inside one question below its heading line: that segment is parsed again;
    - an edit inside a question's heading line that leaves it a heading of the same level and
      question number: the heading is read again and the segment parsed again;
    - an edit inside one checklist item's line that leaves it an item: that item is read again.

    Everything after the edit moves. None otherwise: the caller parses the whole text.
    ``lines``: the line index of ``text``, when the caller has it (the editor's document)."""
    old = prev.text
    qs = prev.questions
    i: int | None = bisect.bisect_right(qs, start, key=_segment_start) - 1
    q = qs[i] if i is not None and i >= 0 else None
    heading = None  # the edited question's heading, read again when the edit is in it
    item = None  # the index of the edited checklist item
    if q is not None and start > q.heading.span.end:
        if not (old_end < q.span.end or old_end == q.span.end == len(old)):
            return None
    elif q is not None and q.heading.span.start < start and old_end <= q.heading.span.end:
        heading = _heading_after(q.heading, q.number, text, start, old_end, new_end)
        if heading is None:
            return None
    else:
        if q is not None and start < q.span.end:
            return None  # a question's heading marks
        item = _item_at(prev.checklist, old, text, start, old_end, new_end)
        if item is None:
            return None
        i = None
    if "\r" in old[start - 1 : old_end + 1] or "\r" in text[start - 1 : new_end + 1]:
        return None
    if lines is None or lines.text is not text:
        lines = prev.lines.after_edit(text, start, old_end, new_end)
    # a heading line stays a heading line (checked above); any other line must not become one
    if heading is None and (
        _opens_a_line(old, prev.lines, start, old_end) or _opens_a_line(text, lines, start, new_end)
    ):
        return None
    containers = _containers_after(prev, text, lines, start, old_end, new_end)
    if containers is None:
        return None
    fm = _front_matter(text)
    if fm != prev.front_matter:
        return None
    d = new_end - old_end
    dl = len(lines.starts) - len(prev.lines.starts)

    def moved_heading(h: Heading) -> Heading:
        return h.shifted(d, dl) if h.span.start > start else h

    if i is None:
        at = bisect.bisect_right(qs, start, key=_segment_start)
        questions = qs[:at] + [later.shifted(d, dl) for later in qs[at:]]
    else:
        assert q is not None
        shape = _parse_segment(text[q.span.start : q.span.end + d])
        questions = qs[:i]
        questions.append(Question(q.number, heading or q.heading, q.section, Span(q.span.start, q.span.end + d), shape))
        questions += [later.shifted(d, dl) for later in qs[i + 1 :]]
    if item is None and (not prev.checklist or prev.checklist[-1].span.start <= start):
        checklist = prev.checklist  # all above the edit: the same list (nothing changes it)
    else:
        checklist = [c.shifted(d) if c.span.start > start else c for c in prev.checklist]
    if item is not None:
        was = prev.checklist[item]
        checklist[item] = _checklist_item(was.group, text, was.span.start, was.span.end + d)  # type: ignore[assignment]
    references = _references(text)
    # the introduction follows the title, the first level-1 heading, which may lie below the
    # edited question; it never holds an edit inside a question (it stops at the first question
    # heading after it), but it may hold the checklist
    intro = prev.introduction
    if intro is not None and item is not None and intro.start <= old_end and start <= intro.end:
        intro = _introduction(text, fm, prev.title, [moved_heading(h) for h in prev.sections], questions)
    elif intro is not None and intro.start > start:
        intro = intro.shifted(d)
    report = Report(
        text,
        lines,
        fm,
        moved_heading(prev.title) if prev.title else None,
        [moved_heading(h) for h in prev.sections],
        questions,
        checklist,
        [moved_heading(h) for h in prev.checklist_groups],
        references,
        intro,
        containers,
    )
    kept = prev.__dict__.get("_is_report")
    if kept is not None and kept[0] is prev.questions:  # worked out for the text before: one question changed
        labelled = kept[2]
        if i is not None:
            labelled += (questions[i].shape.instructions.label is not None) - (
                qs[i].shape.instructions.label is not None
            )
        report.__dict__["_is_report"] = (questions, _looks_like(len(questions), labelled), labelled)
    return report, i


def _heading_after(h: Heading, number: int, text: str, start: int, old_end: int, new_end: int) -> Heading | None:
    """Question ``number``'s heading ``h`` after an edit inside its line, when the line stays a
    heading of the same level and question number; None otherwise."""
    if _LINE_BREAK.search(text, start, new_end) is not None:
        return None
    span = Span(h.span.start, h.span.end + new_end - old_end)
    read = scan.heading_line(text[span.start : span.end])
    if read is None or read[0] != h.level:
        return None
    new = Heading(read[0], read[1], span, h.line)
    m = _QUESTION.match(new.title)
    if not _is_question(new) or m is None or int(m.group(1)) != number:
        return None
    return new


def _item_at(items: list[ChecklistItem], old: str, text: str, start: int, old_end: int, new_end: int) -> int | None:
    """The index of the checklist item whose line holds the edit, when the edit makes or removes
    no line break and the line stays an item; None otherwise."""
    k = bisect.bisect_right(items, start, key=_item_start) - 1
    if k < 0 or old_end > items[k].span.end:
        return None
    if _LINE_BREAK.search(old, start, old_end) is not None or _LINE_BREAK.search(text, start, new_end) is not None:
        return None
    s, e = items[k].span.start, items[k].span.end + new_end - old_end
    return k if _CHECK_ITEM.match(text, s, e) is not None else None


def _item_start(item: ChecklistItem) -> int:
    return item.span.start


def _references(text: str) -> dict[str, str]:
    """Reference-style link definitions: label (lower case) -> destination."""
    if "]:" not in text:
        return {}
    return {
        text[label[0] : label[1]].strip().lower(): text[dest[0] : dest[1]].strip("<>")
        for label, dest in (hit.groups for hit in scan.reference_definitions(text))
    }


def _segment_start(q: Question) -> int:
    return q.span.start


def _opens_a_line(text: str, lines: LineIndex, start: int, end: int) -> bool:
    """Whether a line from the one holding ``start`` to the one holding ``end`` could be a
    heading or a fence line (what the heading scan looks at)."""
    first = lines.line_of(start)
    region = text[lines.starts[first] : lines.line_end(lines.line_of(end))]
    return _OPENS_LINE.match(region) is not None or _LINE_OPENER.search(region) is not None


def _containers_after(
    prev: Report, text: str, lines: LineIndex, start: int, old_end: int, new_end: int
) -> tuple[tuple[int, int, bool], ...] | None:
    """The container stretches (``blocks.scan``) after an edit that the heading scan would read
    the same: None when it might not. An edit may not touch a fence mark, nor a stretch with one
    (nor the line before it or the one that ends it: a blank line or an indent moves its ends);
    an edit that touches a stretch or makes a line that opens a quote or list item may go on
    only when no fence mark lies from that stretch to where the containers surely end."""
    old = prev.text
    if _fence_mark(old, prev.lines, start, old_end) or _fence_mark(text, lines, start, new_end):
        return None
    first, last = prev.lines.line_of(start), prev.lines.line_of(old_end)
    dl = len(lines.starts) - len(prev.lines.starts)
    touched = [c for c in prev.containers if c[0] - 1 <= last and first <= c[1]]
    if any(marked for _, _, marked in touched):
        return None
    kept = [c if c[0] <= last else (c[0] + dl, c[1] + dl, c[2]) for c in prev.containers if c not in touched]
    if (
        not touched
        and not _opens_a_container(old, prev.lines, start, old_end)
        and not _opens_a_container(text, lines, start, new_end)
    ):
        return tuple(kept)
    a = min([c[0] for c in touched] + [first])
    beyond = blocks.beyond_containers(text, lines, lines.starts[lines.line_of(new_end)])
    b = lines.line_of(beyond) if beyond is not None else lines.line_count
    if (
        text.find("```", lines.starts[a], lines.starts[b] if b < lines.line_count else len(text)) >= 0
        or text.find("~~~", lines.starts[a], lines.starts[b] if b < lines.line_count else len(text)) >= 0
    ):
        return None
    # no fence from a to b: the stretches there can only be read as they were; one record covers them
    out = [c for c in kept if c[1] <= a or c[0] >= b] + [(a, b, False)]
    return tuple(sorted(out))


_CONTAINER_LINE = re.compile(r" {0,3}(?:>|[-+*](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$))", re.MULTILINE)


def _fence_mark(text: str, lines: LineIndex, start: int, end: int) -> bool:
    """Whether a line from the one holding ``start`` to the one holding ``end`` has a fence mark
    (three backticks or tildes), at any indent."""
    a, b = lines.starts[lines.line_of(start)], lines.line_end(lines.line_of(end))
    return text.find("```", a, b) >= 0 or text.find("~~~", a, b) >= 0


def _opens_a_container(text: str, lines: LineIndex, start: int, end: int) -> bool:
    """Whether a line from the one holding ``start`` to the one holding ``end`` starts with a
    block quote's '>' or a list item's marker."""
    first = lines.line_of(start)
    region = text[lines.starts[first] : lines.line_end(lines.line_of(end))]
    return _CONTAINER_LINE.search(region) is not None


def _introduction(
    text: str, fm: Span | None, title: Heading | None, sections: list[Heading], questions: list[Question]
) -> Span | None:
    start = title.span.end if title is not None else (fm.end if fm is not None else 0)
    ends = [h.span.start for h in sections if h.span.start >= start]
    ends += [q.heading.span.start for q in questions if q.heading.span.start >= start]
    end = min(ends, default=len(text))
    body = text[start:end]
    if not body.strip():
        return None
    lead = len(body) - len(body.lstrip())
    return Span(start + lead, start + len(body.rstrip()))


def _is_question(h: Heading) -> bool:
    return 2 <= h.level <= 4 and _QUESTION.match(h.title) is not None


# -- one question's segment, parsed relative to its start and cached ----------------------------


class _Shape(NamedTuple):
    instructions: Instructions
    answer: Answer
    length: int
    weight: int  # the bytes it keeps (see _weigh)


def _weigh(ins: Instructions, a: Answer) -> int:
    """The bytes a parsed segment keeps: the copies of its instructions and answer, and the
    small objects for every figure, block, placeholder and label."""
    strings = size_of(ins.text) + size_of(a.text) + size_of(ins.example) + size_of(ins.prompt)
    strings += sum(size_of(f.target) + size_of(f.alt) + OBJECT for f in a.figures)
    return strings + OBJECT * (8 + len(a.figures) + len(a.blocks) + len(a.placeholders) + len(a.labels))


@memoised("segments", SEGMENTS, lambda seg, shape: size_of(seg) + shape.weight)
def _parse_segment(seg: str) -> _Shape:
    lines = LineIndex(seg)
    body_start = lines.starts[1] if lines.line_count > 1 else len(seg)
    # the instruction block: the quote right under the heading, up to and including the label
    n = 1
    while n < lines.line_count and not lines.line_text(n).strip():
        n += 1
    quote_end = body_start
    quoted = False
    m = n
    while m < lines.line_count and lines.line_text(m).lstrip().startswith(">"):
        quoted = True
        quote_end = lines.line_end(m)
        m += 1
    label_at = seg.find(LABEL, body_start)
    label = Span(label_at, label_at + len(LABEL)) if label_at >= 0 else None
    instr_end = label.end if label else quote_end
    instr_text = seg[body_start:instr_end]
    if quoted:
        block: Span | None = Span(body_start, label.end if label and label.start < quote_end else quote_end)
    else:
        block = Span(body_start, body_start) if label is None else None
    instructions = _instructions(instr_text, Span(body_start, instr_end), label, quoted)._replace(block=block)
    answer = _answer(seg, instr_end, label)
    return _Shape(instructions, answer, len(seg), _weigh(instructions, answer))


def _instructions(text: str, span: Span, label: Span | None, quoted: bool) -> Instructions:
    prompt_m = _BOLD_LINE.findall(text)
    prompt = " ".join(p.strip() for p in prompt_m) if prompt_m else None
    limit_line = None
    words = images = None
    for raw in text.splitlines():
        line = raw.lstrip(" >").strip()
        if "length" in line.lower() and _LIMIT_WORDS.search(line):
            limit_line = line.strip("*_ ")
            w = _LIMIT_WORDS.search(line)
            words = (int(w.group(1)), int(w.group(2)))  # type: ignore[union-attr]
            i = _LIMIT_IMAGES.search(line)
            if i:
                images = (int(i.group(1)), int(i.group(2)))
            break
    if images is None and prompt:
        i = _LIMIT_IMAGES.search(prompt)
        if i:
            images = (int(i.group(1)), int(i.group(2)))
    marker = _EXAMPLE.search(text)
    example = None
    if marker is not None:
        body = text[marker.end() :]
        example = body[: -len(LABEL)] if label is not None and body.endswith(LABEL) else body
    return Instructions(span, text, prompt, limit_line, words, images, marker is not None, label, quoted, example)


def _answer(seg: str, start: int, label: Span | None) -> Answer:
    text = seg[start:]
    placeholders = tuple(Span(start + m.start(), start + m.end()) for m in _PLACEHOLDER.finditer(text))
    stripped = text.strip()
    wrapper = None
    own = text
    if placeholders:
        pieces = []
        last = 0
        for p in placeholders:
            pieces.append(text[last : p.start - start])
            last = p.end - start
        pieces.append(text[last:])
        own = " ".join(pieces)
    elif stripped:
        w = _WRAPPED.match(stripped)
        if w:
            lead = start + text.find(stripped)
            wrapper = (
                Span(lead + w.start(1), lead + w.end(1)),
                Span(lead + w.start(2), lead + w.end(2)),
            )
            own = stripped[3:-3]
    labels = []
    k = text.find(LABEL)
    while k >= 0:
        labels.append(Span(start + k, start + k + len(LABEL)))
        k = text.find(LABEL, k + 1)
    on_label = None
    if label is not None:
        eol = _line_end(seg, start)
        if seg[start:eol].strip():
            first = start + (len(seg[start:eol]) - len(seg[start:eol].lstrip()))
            on_label = Span(first, eol)
    blocks = _blocks(text, start) if _maybe_blocks(text) else ()
    figures = _figures(text, start, blocks)
    return Answer(
        span=Span(start, len(seg)),
        text=text,
        placeholders=placeholders,
        wrapper=wrapper,
        figures=figures,
        blocks=blocks,
        words=len(own.split()),
        labels=tuple(labels),
        on_label_line=on_label,
    )


def _line_end(s: str, pos: int) -> int:
    ends = [i for i in (s.find("\n", pos), s.find("\r", pos)) if i >= 0]
    return min(ends) if ends else len(s)


def _maybe_blocks(text: str) -> bool:
    return any(c in text for c in ("```", "~~~", "|", "#", "<"))


markdown = blocks.markdown


def _blocks(text: str, base: int) -> tuple[Block, ...]:
    lines = LineIndex(text)
    out = []
    for tok in markdown().parse(text):
        if tok.map is None or tok.level != 0:
            continue
        kind = {"fence": "fence", "table_open": "table", "heading_open": "heading", "html_block": "html"}.get(tok.type)
        if kind is None:
            continue
        first, last = tok.map
        s = lines.starts[first]
        e = lines.line_end(max(first, last - 1))
        info = tok.info if kind == "fence" else tok.markup
        out.append(Block(kind, Span(base + s, base + e), info))
    return tuple(out)


def _masked(text: str, base: int, blocks: tuple[Block, ...]) -> str:
    """``text`` with fenced code and inline code replaced by spaces (offsets unchanged)."""
    chars = None
    for b in blocks:
        if b.kind == "fence":
            chars = chars or list(text)
            for i in range(b.span.start - base, b.span.end - base):
                if chars[i] not in "\r\n":
                    chars[i] = " "
    out = "".join(chars) if chars else text
    if "`" in out:
        pieces, last = [], 0
        for s, e in scan.code_spans(out):
            pieces += [out[last:s], _NOT_BREAK.sub(" ", out[s:e])]
            last = e
        out = "".join(pieces) + out[last:] if pieces else out
    return out


def _figures(text: str, base: int, blocks: tuple[Block, ...]) -> tuple[Figure, ...]:
    if "[" not in text and "<" not in text:
        return ()
    plain = _masked(text, base, blocks)
    found: list[Figure] = []
    for kind, find, target in _FIGURE_SCANS:
        # a figure whose start lies inside one found before is part of it; a scan's hits come
        # in order and do not overlap, so one walk over the figures found before suffices
        taken = sorted((f.span.start - base, f.span.end - base) for f in found)
        k, reach = 0, -1
        for hit in find(plain):
            while k < len(taken) and taken[k][0] <= hit.start:
                reach = max(reach, taken[k][1])
                k += 1
            if hit.start < reach:
                continue
            if kind == "html":
                m = _ALT.search(plain, hit.start, hit.end)
                alt = m.group(1) if m else ""
            else:
                alt = plain[hit.groups[0][0] : hit.groups[0][1]]
            counted = kind == "inline" and _LINE_BREAK.search(plain, hit.start, hit.end) is None
            ts, te = hit.groups[target]
            raw = plain[ts:te]
            if raw[:1] in "\"'<" and len(raw) >= 2:
                raw, ts, te = raw[1:-1], ts + 1, te - 1
            found.append(
                Figure(kind, raw, alt, Span(base + hit.start, base + hit.end), Span(base + ts, base + te), counted)
            )
    found.sort(key=lambda f: f.span.start)
    return tuple(found)


# -- the checklist ------------------------------------------------------------------------------


def _parse_checklist(
    text: str, headings: list[Heading], title: Heading | None, items: list[ChecklistItem], groups: list[Heading]
) -> None:
    """The checklist: under the first heading that names it (at any level before the questions,
    a section heading after them), up to the first
    question or the first section (a heading of level 1 or 2) without a checklist item, so that
    groups promoted to ``## Week 1``, or a ``#`` heading after the checklist's own, keep their
    items. Every heading inside is a group."""
    first_question = next((h.span.start for h in headings if _is_question(h)), len(text))
    at = next(
        (
            k
            for k, h in enumerate(headings)
            if h is not title
            and "checklist" in h.title.lower()
            and not _is_question(h)
            and (h.span.start < first_question or h.level <= 2)
        ),
        None,
    )
    if at is None:
        return
    start = headings[at].span.end
    end = len(text)
    boundaries = [k for k in range(at + 1, len(headings)) if headings[k].level <= 2 or _is_question(headings[k])]
    k = len(headings)
    for b, nxt in pairwise([*boundaries, len(headings)]):
        h = headings[b]
        stop = headings[nxt].span.start if nxt < len(headings) else len(text)
        if _is_question(h) or not _ITEM_LINE.search(text, h.span.end, stop):
            k, end = b, h.span.start
            break
    inner = headings[at + 1 : k]
    groups.extend(inner)
    group = ""
    gi = 0
    for m in re.finditer(r"[^\r\n]*(?:\r\n|\r|\n|$)", text[start:end]):
        if not m.group(0):
            break
        line_start = start + m.start()
        while gi < len(inner) and inner[gi].span.start <= line_start:
            group = inner[gi].title
            gi += 1
        line_end = line_start + len(m.group(0).rstrip("\r\n"))
        item = _checklist_item(group, text, line_start, line_end)
        if item is not None:
            items.append(item)


def _checklist_item(group: str, text: str, start: int, end: int) -> ChecklistItem | None:
    """The checklist item on the line ``text[start:end]``, if the line is one."""
    c = _CHECK_ITEM.match(text, start, end)
    if c is None:
        return None
    return ChecklistItem(
        group, text[c.end() : end].strip(), c.group(2), Span(c.start(2) - 1, c.end(2) + 1), Span(start, end)
    )
