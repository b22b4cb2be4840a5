"""Counts: the words and figures the official checker counts in an answer, and what the
template's marks (the placeholder, its dashes) add to them."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .. import links
from ..checker import CheckerAnswer
from ..findings import Edit, Finding, Fix
from ..parse import Question
from ..text import Span
from .context import QuestionContext, asks_figures
from .lines import finding, line_end, line_start, passes, quiet, range_text, within
from .rule import Rule, when

_BLANKS = re.compile(r"[^\S\r\n]*")


def _heading_span(q: Question) -> Span:
    return q.heading.span


def word_count(c: QuestionContext) -> Iterator[Finding]:
    q, lim, counted = c.question, c.limits, c.counted
    if lim.words is None or counted is None or q.answer.is_empty:  # unanswered says it all
        return
    lo, hi = lim.words
    n = counted.words
    if lo <= n <= hi:
        return
    own = q.answer.words
    extra, what = _template_marks(c)
    if n < lo:
        msg = f"Question {q.number}: {n} words, the checker needs {lo}-{hi}: add {lo - n}"
        if extra:
            msg += f"; {lo - n + extra} if you also remove {what}"
    else:
        msg = f"Question {q.number}: {n} words, the checker allows {lo}-{hi}: cut {n - hi}"
        if extra:
            msg += f"; {n - hi - extra} if you also remove {what}" if n - hi > extra else f", or remove {what}"
    if own != n:
        msg += f" (the answer itself has {own} words; {_why_differs(c)})"
    yield finding("word-count", q, _heading_span(q), msg, words=n, own=own, min=lo, max=hi)


def _template_marks(c: QuestionContext) -> tuple[int, str]:
    """The words the template's marks left in the counted answer add (the placeholder's 6, the
    dashes' 2), and what they are: what removing them takes from the checker's count."""
    a, counted = c.question.answer, c.counted
    if counted is None:
        return 0, ""
    inside = [p for p in a.placeholders if counted.counted.start <= p.start and p.end <= counted.counted.end]
    if inside:
        return 6 * len(inside), "the placeholder" if len(inside) == 1 else "the placeholders"
    if a.wrapper and counted.counted.start <= a.wrapper[0].start and a.wrapper[1].end <= counted.counted.end:
        return 2, "the --- dashes"
    return 0, ""


MARKS_COUNTED = "the checker counts markdown marks as words"  # when no other reason is found


def _why_differs(c: QuestionContext) -> str:
    return "; ".join(count_differences(c.question, c.text, c.counted, c.last)) or MARKS_COUNTED


def count_differences(q: Question, text: str, counted: CheckerAnswer | None, last: bool) -> list[str]:
    """Why the checker's count of an answer differs from the answer's own words (the hover
    shows these too)."""
    reasons = []
    if q.answer.placeholders:
        reasons.append("the placeholder counts 6")
    if q.answer.wrapper:
        reasons.append("the --- dashes count 2")
    if (
        counted is not None
        and counted.cut is not None
        and counted.cut < q.answer.span.end
        and not last
        and text[counted.cut : q.answer.span.end].strip()
    ):
        reasons.append("the checker stops at a ##")
    if q.answer.labels:
        reasons.append("the checker drops the text before a second 'Answer:'")
    if counted is not None and counted.counted.end > q.answer.span.end:
        reasons.append("text after the last answer is counted into it")
    return reasons


def image_count(c: QuestionContext) -> Iterator[Finding]:
    q, lim, counted = c.question, c.limits, c.counted
    if lim.images is None or counted is None or q.answer.is_empty:  # unanswered says it all
        return
    lo, hi = lim.images
    n = counted.images
    if lo <= n <= hi:
        return
    uncounted = sum(1 for f in q.answer.figures if not f.counted)
    if n < lo:
        msg = f"Question {q.number}: {n} figures, the checker needs {range_text(lim.images)}"
        if uncounted:
            msg += f" ({uncounted} more written in a form it does not count)"
    else:
        msg = f"Question {q.number}: {n} figures, the checker allows at most {hi}"
    fixes: tuple[Fix, ...] = ()
    if n < lo:
        fixes = tuple(_insert_figure_fixes(c))
    yield finding("image-count", q, _heading_span(q), msg, *fixes, images=n, min=lo, max=hi)


def _answer_end(c: QuestionContext) -> tuple[int, str, str]:
    """Where to insert a line at the end of the answer's content, and the breaks around it."""
    a = c.question.answer
    start, limit = a.span.start, a.span.end
    if c.counted is not None and a.span.start < c.counted.chunk.start <= a.span.end:
        # the checker counts from a later 'Answer:' inside the answer: a figure before it
        # would land in a chunk the checker drops
        start = c.counted.chunk.start
    cut = c.counted.cut if c.counted is not None else None
    if cut is not None and start <= cut < a.span.end:
        # the checker stops reading at a ##: a figure inserted after it would not count (also in
        # the last question, when a later 'Answer:' leaves its chunk one the checker truncates)
        block = next((b for b in a.blocks if b.span.start <= cut <= b.span.end), None)
        limit = max(start, block.span.start if block else line_start(c.text, cut))
    body = c.text[start:limit]
    stripped = body.rstrip()
    end = start + len(stripped)
    nl = "\r\n" if "\r\n" in c.text[a.span.start : a.span.end] else "\n"
    if c.text[end : line_end(c.text, end)].strip():
        # the line goes on after this point (a '##' the checker stops at, right after the
        # label): a line break here would make the rest of the line a heading of its own
        return end, "" if c.text[end - 1 : end].isspace() else " ", " "
    if not stripped.strip():
        # an empty answer: insert after the label line
        return end, nl + nl, nl
    return end, nl + nl, ""


def _insert_figure_fixes(c: QuestionContext, instead: Span | None = None) -> Iterator[Fix]:
    """A fix per image under the figures folder that the report does not link yet (else a
    snippet), inserted at the end of the answer, or in place of ``instead`` (the placeholder
    of an unanswered question)."""
    if instead is not None:
        at, end, before, after = instead.start, instead.end, "", ""
    else:
        at, before, after = _answer_end(c)
        end = at
    images = c.disk.images(c.figures_dir) if c.disk is not None else []
    unlinked = [p for p in images if p not in c.linked]
    for path in unlinked:
        yield Fix(
            f"Insert figure {path}",
            "insertFigure",
            (Edit(Span(at, end), f"{before}{links.figure_link(links.stem(path), path)}{after}"),),
            safe=False,
        )
    if not unlinked:
        snippet = links.figure_link("describe the figure", f"{c.figures_dir.strip('/') or 'figures'}/FILE.png")
        yield Fix(
            "Insert figure snippet", "insertFigure", (Edit(Span(at, end), f"{before}{snippet}{after}"),), safe=False
        )


def _remove_span_line(text: str, span: Span) -> Span:
    """``span`` widened to its whole line (with one line break) when nothing else is on it.
    Only the blanks next to it are read: a line of a thousand placeholders is not read again
    for each one."""
    ls = span.start
    while ls > 0 and text[ls - 1] not in "\r\n" and text[ls - 1].isspace():
        ls -= 1
    le = _BLANKS.match(text, span.end).end()  # type: ignore[union-attr]
    if (ls > 0 and text[ls - 1] not in "\r\n") or (le < len(text) and text[le] not in "\r\n"):
        return span
    if text.startswith("\r\n", le):
        le += 2
    elif le < len(text):
        le += 1
    return Span(ls, le)


def _removal(text: str, span: Span) -> Edit:
    """Remove ``span`` (with its line when nothing else is on it); a space stays between the
    words on either side, so removing ``a--- ... ---b`` does not make one word ``ab``."""
    whole = _remove_span_line(text, span)
    joins = (
        whole.start > 0
        and whole.end < len(text)
        and not text[whole.start - 1].isspace()
        and not text[whole.end].isspace()
    )
    return Edit(whole, " " if joins else "")


def placeholders(c: QuestionContext) -> Iterator[Finding]:
    """placeholder-left, answer-wrapped and unanswered."""
    q, a = c.question, c.question.answer
    if a.is_empty:
        yield unanswered(c)
        return
    for p in a.placeholders:
        yield finding(
            "placeholder-left",
            q,
            p,
            f"Question {q.number}: the placeholder is still here; the checker counts it as 6 words",
            Fix("Remove the placeholder", "removePlaceholder", (_removal(c.text, p),)),
        )
    if a.wrapper:
        left, right = a.wrapper
        lw = Span(left.start, left.end + _spaces_after(c.text, left.end))
        rw = Span(right.start - _spaces_before(c.text, right.start), right.end)
        counted = c.counted
        decides = counted is not None and passes(c) != passes(c, words=counted.words - 2)
        yield quiet(
            finding(
                "answer-wrapped",
                q,
                left,
                f"Question {q.number}: the answer is wrapped in --- dashes; the checker counts them as 2 words"
                + (" and its verdict depends on them" if decides else ""),
                Fix("Remove the --- dashes", "removeDashes", (Edit(lw, ""), Edit(rw, ""))),
            ),
            decides,
        )


def unanswered(c: QuestionContext) -> Finding:
    """One finding for a question without an answer: what the checker needs and sees, and the
    figure fixes in place of the placeholder; a warning only when the checker fails it."""
    q, a, counted, lim = c.question, c.question.answer, c.counted, c.limits
    span = a.placeholders[0] if a.placeholders else (q.instructions.label or q.heading.span)
    message = f"Question {q.number} is not answered yet"
    fails: list[str] = []
    fixes: tuple[Fix, ...] = ()
    if counted is not None:
        needs = [
            f"{range_text(lim.words)} words" if lim.words else "",
            f"{range_text(lim.images)} figure{'' if lim.images == (1, 1) else 's'}" if lim.images else "",
        ]
        needs = [x for x in needs if x]
        if lim.words is not None and not within(counted.words, lim.words):
            fails.append("words")
        if lim.images is not None and not within(counted.images, lim.images):
            fails.append("images")
        sees = f"{counted.words} words" + (
            " (the placeholder)" if a.placeholders and counted.words == 6 * len(a.placeholders) else ""
        )
        if lim.images is not None:
            sees += f" and {counted.images} figure{'' if counted.images == 1 else 's'}"
        if not needs:
            message += "; the checker does not check it"
        elif fails:
            message += f": the checker needs {' and '.join(needs)} and sees {sees}"
        else:
            message += f"; the checker passes it ({' and '.join(needs)}; it sees {sees})"
        if "images" in fails:
            fixes = tuple(_insert_figure_fixes(c, a.placeholders[0] if len(a.placeholders) == 1 else None))
    data: dict[str, object] = {"fails": fails}
    if counted is not None:
        data.update(words=counted.words, images=counted.images)
    return quiet(finding("unanswered", q, span, message, *fixes, **data), bool(fails))


def _spaces_after(text: str, i: int) -> int:
    n = 0
    while i + n < len(text) and text[i + n] in " \t":
        n += 1
    return n


def _spaces_before(text: str, i: int) -> int:
    n = 0
    while i - n - 1 >= 0 and text[i - n - 1] in " \t":
        n += 1
    return n


WORD_COUNT = Rule(
    "word-count",
    "warning",
    "question",
    check=word_count,
    reads=("counted", "limits", "last"),
    summary="The answer has fewer or more words than its question allows, counted the way the official checker "
    "counts them.",
    why="The course's `report.py check` splits the answer at white space and counts every piece: markdown marks, code, "
    "URLs and the placeholder included. Its count is the one the teachers see; the message also gives the answer's "
    "own count when the two differ.",
    example="A question that allows 100-200 words and an answer of 98 pieces of text.",
    fix="Write or cut the number of words the message names; when the placeholder or the `---` dashes are still "
    "counted, it also says how many once they are removed. Hover the question heading to see both counts live.",
)


IMAGE_COUNT = Rule(
    "image-count",
    "warning",
    "question",
    check=image_count,
    reads=("counted", "limits", "disk", "figures_dir", when("linked", asks_figures)),
    fixes=("insertFigure",),
    summary="The answer has fewer or more figures than its question asks for, as the official checker counts them.",
    why="The checker counts only `![alt](path)` written on one line. A question asking for 1-3 screenshots fails "
    "with 0.",
    example="Question 14 asks for 1 to 3 screenshots and the answer has none.",
    fix="Insert a figure: the quick fix offers every image under `figures/` that the report does not link yet.",
)


PLACEHOLDER_LEFT = Rule(
    "placeholder-left",
    "warning",
    "question",
    check=placeholders,
    fixes=("removePlaceholder",),
    summary="The answer has text and still holds the `--- question N fill here ---` placeholder.",
    why="The checker never removes the placeholder: it adds 6 words to the count and shows in the hand-in.",
    example="An answer followed by `--- question 7 fill here ---`.",
    fix="Remove the placeholder (one click). When the checker needs its 6 words to pass the question, the fix "
    'says what the question would drop to, is not preferred and "fix all" leaves it: write the words first.',
)


ANSWER_WRAPPED = Rule(
    "answer-wrapped",
    "warning",
    "question",
    check=placeholders,
    reads=("counted", "limits"),
    fixes=("removeDashes",),
    summary="The answer is wrapped in the placeholder's dashes: `--- our answer ---`.",
    why="The dashes are counted as two words and show in the hand-in.",
    example="`--- 42 ---`",
    fix="Remove the dashes (one click). A warning only when the question's verdict depends on those 2 words; "
    'then the fix says what it costs and "fix all" leaves it.',
)


UNANSWERED = Rule(
    "unanswered",
    "warning",
    "question",
    check=placeholders,
    reads=("counted", "limits", "disk", "figures_dir", when("linked", asks_figures)),
    fixes=("insertFigure",),
    summary="The question has no answer yet (only the placeholder, or nothing). One finding says what the checker "
    "needs and what it sees; no separate `word-count` or `image-count`.",
    why="The checker counts the placeholder as 6 words, so an empty answer to a question with a minimum of 0 even "
    "passes (then the finding is information); it is still unanswered.",
    example="`--- question 12 fill here ---` alone under the instructions.",
    fix="Write the answer in place of the placeholder. For a question that asks for figures, the quick fix puts a "
    "figure from `figures/` in the placeholder's place.",
)
