"""The official checker's view of a report: what the course's ``report.py check`` computes.

The course script splits the raw text at every literal ``Answer:``, keeps each chunk up to its
first ``###`` and then up to its first ``##``, silently drops chunks without ``###``, appends the
last chunk again untruncated, strips newlines and counts ``str.split()`` words and one-line
inline images. We reproduce that on the document's own offsets, so every number can be shown
at the place in the text it comes from.

Python reads the file with universal newlines (``\\r\\n`` and ``\\r`` become ``\\n``); every step
below is written so that it gives the same result on the untranslated text.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import NamedTuple

from . import scan
from .cache import CHUNKS, OBJECT, memoised, size_of
from .editions.model import CheckerSpec, Limits
from .parse import LABEL
from .text import Span

_NEWLINES = "\r\n"


class CheckerAnswer(NamedTuple):
    """One entry of the checker's answer list."""

    position: int  # 1-based: the question number the checker gives it
    label: int  # offset of the ``Answer:`` this chunk follows (-1: the text before the first one)
    chunk: Span  # the whole chunk between two labels
    counted: Span  # what the checker counts, after truncation and newline stripping
    cut: int | None  # offset of the ``###``/``##`` where it was cut, if it was
    words: int
    images: int
    appended_again: bool = False  # the last chunk, appended a second time whole


class Verdict(NamedTuple):
    """The checker's judgement of one answer, with the limits it applied."""

    position: int
    limits: Limits
    words_ok: bool
    images_ok: bool

    @property
    def passed(self) -> bool:
        return self.words_ok and self.images_ok


@dataclass
class CheckerView:
    spec: CheckerSpec
    answers: list[CheckerAnswer] = field(default_factory=list)
    dropped: list[CheckerAnswer] = field(default_factory=list)  # chunks without ``###``
    crash: str | None = None  # the exception the script raises, as it would print it
    crash_at: int | None = None  # where in the text the cause is
    _by_label: tuple | None = field(default=None, init=False, repr=False, compare=False)
    _verdicts: tuple | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def crashes(self) -> bool:
        return self.crash is not None

    @property
    def verdicts(self) -> list[Verdict]:
        """Every counted answer judged (once per answer list: the status, the lens and the
        totals all ask)."""
        if self.crashes:
            return []
        kept = self._verdicts
        if kept is not None and kept[0] is self.answers:
            return kept[1]
        found = [judged(self.spec, a) for a in self.answers]
        self._verdicts = (self.answers, found)
        return found

    @property
    def passed(self) -> int:
        return sum(v.passed for v in self.verdicts)

    def answer_after(self, label: int) -> CheckerAnswer | None:
        """The counted answer that follows the ``Answer:`` at ``label`` (None: dropped or crashed)."""
        # indexed once per answer list: the analysis asks for every question, and a scan per
        # question made a 3000-question document quadratic. The first question asked for (all
        # a keystroke asks) is looked up by bisection: the answers are in the text's order, their
        # labels increasing, but for the last chunk appended again at the end
        index = self._by_label
        if index is None or index[0] is not self.answers:
            self._by_label = (self.answers, -1, None, None)
            return self._bisect(label)
        if index[1] != len(self.answers):
            first: dict[int, CheckerAnswer] = {}
            again: dict[int, CheckerAnswer] = {}
            for a in self.answers:
                if a.appended_again:
                    again[a.label] = a
                else:
                    first.setdefault(a.label, a)
            index = self._by_label = (self.answers, len(self.answers), first, again)
        found = index[2].get(label)
        return found if found is not None else index[3].get(label)

    def _bisect(self, label: int) -> CheckerAnswer | None:
        answers = self.answers
        n = len(answers)
        while n and answers[n - 1].appended_again:
            n -= 1
        k = bisect.bisect_left(answers, label, 0, n, key=_label)
        if k < n and answers[k].label == label:
            return answers[k]
        return next((a for a in answers[n:] if a.label == label), None)


def _label(a: CheckerAnswer) -> int:
    return a.label


def judged(spec: CheckerSpec, answer: CheckerAnswer) -> Verdict:
    """``answer`` judged by the limits ``spec`` gives its position."""
    return judge(answer, spec.limits.get(answer.position, Limits()))


def judge(answer: CheckerAnswer, limits: Limits) -> Verdict:
    return Verdict(
        answer.position,
        limits,
        limits.words is None or limits.words[0] <= answer.words <= limits.words[1],
        limits.images is None or limits.images[0] <= answer.images <= limits.images[1],
    )


def count_words(text: str) -> int:
    return len(text.split())


def count_images(text: str) -> int:
    """What the script's ``re.findall(r"\\!\\[.*?\\]\\(.*?\\)", answer)`` counts, in linear time."""
    return scan.one_line_images(text)


def _translated_offset(text: str, index: int) -> int:
    """The offset in ``text`` of character ``index`` of its universal-newline translation."""
    seen = 0
    i = 0
    n = len(text)
    while i < n and seen < index:
        if text.startswith("\r\n", i):
            i += 2
        else:
            i += 1
        seen += 1
    return i


def _strip_newlines(text: str, span: Span) -> Span:
    s, e = span.start, span.end
    while s < e and text[s] in _NEWLINES:
        s += 1
    while e > s and text[e - 1] in _NEWLINES:
        e -= 1
    return Span(s, e)


def _chunks(text: str, start: int) -> list[tuple[int, Span]]:
    """(label offset, chunk span) for every piece of ``text[start:]`` split at ``Answer:``."""
    out: list[tuple[int, Span]] = []
    label = -1
    pos = start
    while True:
        nxt = text.find(LABEL, pos)
        if nxt < 0:
            out.append((label, Span(pos, len(text))))
            return out
        out.append((label, Span(pos, nxt)))
        label = nxt
        pos = nxt + len(LABEL)


@memoised("checker chunks", CHUNKS, lambda body, truncate, counts: size_of(body) + OBJECT)
def _chunk_counts(body: str, truncate: bool) -> tuple[int | None, Span, int, int]:
    """(cut, counted span, words, images) of one chunk, relative to its start. Cached by the
    chunk's text: an edit changes one chunk, and the view is rebuilt on every edit."""
    cut = None
    end = len(body)
    if truncate:
        k = body.find("###")
        head = body[:k]
        j = head.find("##")
        cut = end = j if j >= 0 else k
    counted = _strip_newlines(body, Span(0, end))
    piece = body[counted.start : counted.end]
    return cut, counted, count_words(piece), count_images(piece)


def _answer(text: str, position: int, label: int, chunk: Span, truncate: bool) -> CheckerAnswer:
    cut, counted, words, images = _chunk_counts(text[chunk.start : chunk.end], truncate)
    base = chunk.start
    return CheckerAnswer(
        position=position,
        label=label,
        chunk=chunk,
        counted=counted.shifted(base),
        cut=None if cut is None else base + cut,
        words=words,
        images=images,
        appended_again=not truncate,
    )


def check(text: str, spec: CheckerSpec) -> CheckerView:
    """Run the official algorithm of ``spec``'s script on ``text``."""
    view = CheckerView(spec)
    start = _translated_offset(text, 43) if spec.slices_front_matter else 0
    chunks = _chunks(text, start)
    if spec.family == "C":
        chunks.pop(0)
        if not chunks:
            view.crash = "IndexError: list index out of range (the report has no 'Answer:' label)"
            view.crash_at = 0
            return view
    kept: list[CheckerAnswer] = []
    for label, chunk in chunks:
        if "###" in text[chunk.start : chunk.end]:
            kept.append(_answer(text, 0, label, chunk, truncate=True))
        else:
            view.dropped.append(_answer(text, 0, label, chunk, truncate=False))
    last_label, last_chunk = chunks[-1]
    kept.append(_answer(text, 0, last_label, last_chunk, truncate=False))
    if spec.family != "C":
        kept = kept[1:]
    view.answers = [
        CheckerAnswer(i, a.label, a.chunk, a.counted, a.cut, a.words, a.images, a.appended_again)
        for i, a in enumerate(kept, start=1)
    ]
    expected = spec.expected
    if expected is not None and len(view.answers) != expected:
        view.crash = (
            f"ValueError: Number of answers are different from the expected {expected} (it finds {len(view.answers)})"
        )
        view.crash_at = _crash_cause(text, view)
    return view


def _crash_cause(text: str, view: CheckerView) -> int:
    """Where to point for a count error: a dropped chunk's label, else a doubled last answer,
    else the first label."""
    for d in view.dropped:
        if d.label >= 0:
            return d.label
    if len(view.answers) >= 2 and view.answers[-1].appended_again:
        last = view.answers[-1]
        k = text.find("###", last.chunk.start, last.chunk.end)
        if k >= 0 and view.answers[-2].chunk == last.chunk:
            return k
    first = text.find(LABEL)
    return first if first >= 0 else 0


def recheck(
    prev: CheckerView, old: str, text: str, start: int, old_end: int, new_end: int
) -> tuple[CheckerView, frozenset[int]] | None:
    """``check(text, prev.spec)`` for a ``text`` that is ``old`` (checked as ``prev``) with
    ``[start, old_end)`` replaced by ``text[start:new_end]``, when the edit stays inside one
    chunk: it makes or breaks no ``Answer:``, and the chunk keeps or lacks its ``###`` as before.
    Then that chunk is recounted and the ones after it move. Also the labels of the recounted
    answers. None when the edit is not of that kind (the caller checks the whole text)."""
    if prev.spec.slices_front_matter and start < 100:  # the script's slice is near the start
        return None
    if LABEL in old[max(0, start - 6) : old_end + 6] or LABEL in text[max(0, start - 6) : new_end + 6]:
        return None
    entries = prev.answers + prev.dropped
    chunk = next((a.chunk for a in entries if a.chunk.start <= start and old_end <= a.chunk.end), None)
    if chunk is None:
        # the text before the first label, which the script never counts (the checklist): kept
        # out of both lists as long as it keeps its ``###`` (a chunk without one is dropped)
        first = old.find(LABEL)
        if first < 0 or old_end > first:
            return None
        chunk = Span(_translated_offset(old, 43) if prev.spec.slices_front_matter else 0, first)
    d = new_end - old_end
    grown = Span(chunk.start, chunk.end + d)
    if ("###" in old[chunk.start : chunk.end]) != ("###" in text[grown.start : grown.end]):
        return None
    changed: set[int] = set()

    def after_edit(a: CheckerAnswer) -> CheckerAnswer:
        if a.chunk == chunk:
            new = _answer(text, a.position, a.label, grown, truncate=not a.appended_again)
            if (new.counted, new.cut, new.words, new.images) != (a.counted, a.cut, a.words, a.images):
                changed.add(a.label)  # counted again and counts otherwise (an edit after its cut does not)
            return new
        if a.chunk.start < start or d == 0:
            return a
        return CheckerAnswer(
            a.position,
            a.label + d,
            a.chunk.shifted(d),
            a.counted.shifted(d),
            None if a.cut is None else a.cut + d,
            a.words,
            a.images,
            a.appended_again,
        )

    view = CheckerView(
        prev.spec, [after_edit(a) for a in prev.answers], [after_edit(a) for a in prev.dropped], prev.crash
    )
    if view.crash is not None:
        view.crash_at = _crash_cause(text, view)
    elif prev._verdicts is not None and prev._verdicts[0] is prev.answers:
        # an answer that only moved is judged as it was
        verdicts = [
            v if a.label not in changed else judged(prev.spec, a)
            for a, v in zip(view.answers, prev._verdicts[1], strict=True)
        ]
        view._verdicts = (view.answers, verdicts)
    return view, frozenset(changed)
