"""The group's own words outside the answers: what neither the new template nor a known edition says."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from ..editions import editions
from ..editions.fingerprint import fingerprint, normalise
from ..parse import Report
from ..text import LineIndex, Span
from .checklist import items
from .model import CARRIED_HEADING, CARRIED_NOTE, WORD

_HEADING_LINE = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_SIMILAR_PARAGRAPH = 0.5


@lru_cache(maxsize=1)
def _edition_lines() -> frozenset[str]:
    """Fingerprints of what every known edition says outside its answers: the lines of its
    introduction and its instruction blocks."""
    return frozenset(p for e in editions() for p in (*e.preamble, *e.fingerprints.values()))


class Known:
    """What the new template says outside its answers, to tell old template words from the
    group's: its lines and paragraphs, the words of each paragraph, and every known edition's
    fingerprints. The likeness test has a budget: past it, a paragraph counts as the group's
    (kept, never dropped)."""

    BUDGET = 2_000_000  # word postings visited in likeness tests, for a whole migration

    def __init__(self, template: Report) -> None:
        self.headings = {normalise(h.title).lower() for h in _headings(template)}
        self.lines = {normalise(line) for line in template.text.splitlines()}
        self.blocks: set[str] = set()
        self.paragraphs: list[frozenset[str]] = []
        self.index: dict[str, list[int]] = {}
        for _, body in _paragraphs(template.text, [Span(0, len(template.text))]):
            self.blocks.add(normalise(body))
            words = frozenset(WORD.findall(body.lower()))
            if words:
                for w in words:
                    self.index.setdefault(w, []).append(len(self.paragraphs))
                self.paragraphs.append(words)
        self.longest = max((len(p) for p in self.paragraphs), default=0)
        self.budget = self.BUDGET

    def says(self, paragraph: str) -> bool:
        flat = normalise(paragraph)
        if not flat or flat in self.blocks:
            return True
        prints = _edition_lines()
        if fingerprint(paragraph) in prints:
            return True
        lines = [normalise(line) for line in paragraph.splitlines()]
        if all(not line or line in self.lines or fingerprint(line) in prints for line in lines):
            return True
        words = frozenset(WORD.findall(paragraph.lower()))
        if not words:
            return True  # marks only: a fence, a rule, a lone '>'
        if len(words) > 2 * self.longest:
            return False  # no template paragraph is half as long
        shared: dict[int, int] = {}
        for w in words:
            postings = self.index.get(w, ())
            self.budget -= len(postings)
            if self.budget < 0:
                return False
            for k in postings:
                shared[k] = shared.get(k, 0) + 1
        return any(n / (len(words) + len(self.paragraphs[k]) - n) >= _SIMILAR_PARAGRAPH for k, n in shared.items())


def _headings(report: Report):
    yield from report.sections
    yield from report.checklist_groups
    if report.title is not None:
        yield report.title


def _outside(report: Report) -> list[Span]:
    """The parts of the report that are neither answers, nor question headings, nor checklist
    items (nor the front matter and title, which the template decides)."""
    taken = []
    if report.front_matter is not None:
        taken.append(report.front_matter)
    if report.title is not None:
        taken.append(report.title.span)
    for q in report.questions:
        taken.append(Span(q.heading.span.start, q.span.end))
    taken += [i.span for i in items(report)]
    taken.sort(key=lambda s: s.start)
    out, at = [], 0
    for s in taken:
        if s.start > at:
            out.append(Span(at, s.start))
        at = max(at, s.end)
    if at < len(report.text):
        out.append(Span(at, len(report.text)))
    return out


def _paragraphs(text: str, spans: Iterable[Span]) -> Iterable[tuple[Span, str]]:
    """Runs of lines with words (a quote's '>' aside), each heading line a run of its own."""
    for span in spans:
        chunk = text[span.start : span.end]
        lines = LineIndex(chunk)
        start = None
        end = 0
        for n in range(lines.line_count):
            s, e = lines.starts[n], lines.line_end(n)
            line = chunk[s:e]
            heading = _HEADING_LINE.match(line) is not None
            if not normalise(line) or heading:
                if start is not None:
                    yield Span(span.start + start, span.start + end), chunk[start:end]
                    start = None
                if heading:
                    yield Span(span.start + s, span.start + e), line
                continue
            if start is None:
                start = s
            end = e
        if start is not None:
            yield Span(span.start + start, span.start + end), chunk[start:end]


def own_text(report: Report, known: Known) -> list[tuple[int, str]]:
    """(offset, text) of the paragraphs outside the answers that neither the new template nor a
    known edition says, each with the headings of its own above it (a section the group added
    comes whole; a heading only the old template had, and its words, stay behind)."""
    out: list[tuple[int, str]] = []
    pending: list[tuple[int, str]] = []  # headings the template does not have, above what comes next
    groups = {h.span.start for h in report.checklist_groups}
    for span, body in _paragraphs(report.text, _outside(report)):
        if body in (CARRIED_HEADING, CARRIED_NOTE):  # a migration before this one kept text here
            continue
        if _HEADING_LINE.match(body):
            level = len(body.strip()) - len(body.strip().lstrip("#"))
            title = normalise(body.strip().strip("#")).lower()
            unknown = title not in known.headings and not known.says(body)
            if level <= 2:
                pending = []
            if unknown and span.start not in groups:
                pending.append((span.start, body))
            continue
        if not known.says(body):
            out += pending
            pending = []
            out.append((span.start, body))
    for q in report.questions:  # instruction blocks the group wrote into
        ins = q.instructions
        if fingerprint(ins.text) in _edition_lines():
            continue
        end = q.label if q.label is not None else ins.span.end
        for span, body in _paragraphs(report.text, [Span(ins.span.start, end)]):
            if not known.says(body):
                out.append((span.start, body))
    return out
