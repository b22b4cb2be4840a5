"""The answer's traps: text the checker reads otherwise than the group meant it (inside the
instruction quote, after a ``##``, after a second ``Answer:``, after the last answer)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .. import scan
from ..findings import Edit, Finding, Fix
from ..text import Span
from .context import QuestionContext
from .lines import finding, line_end, line_start, next_line, passes, quiet, quoted_label, short
from .rule import Rule

_QUOTE_PREFIX = re.compile(r"[ \t]{0,3}>[ \t]?")


def answer_in_quote(c: QuestionContext) -> Iterator[Finding]:
    q, a, text = c.question, c.question.answer, c.text
    label = q.instructions.label
    if label is None or not q.instructions.quoted:
        return
    # the label line's rest, then following lines that continue the quote
    pos = a.span.start
    eol = line_end(text, pos)
    pieces = [text[pos:eol].strip()]
    end = eol
    nxt = next_line(text, eol)
    while nxt < a.span.end:
        le = line_end(text, nxt)
        m = _QUOTE_PREFIX.match(text, nxt, le)
        if not m:
            break
        pieces.append(text[m.end() : le].rstrip())
        end = le
        nxt = next_line(text, le)
    while pieces and not pieces[-1].strip():
        pieces.pop()
    if not any(p.strip() for p in pieces):
        return
    first = next(i for i, p in enumerate(pieces) if p.strip())
    body = pieces[first:]
    nl = "\r\n" if "\r\n" in text[pos : end + 2] else "\n"
    # the finding sits on the '> Answer:' marker; the fix moves everything up to the end of the
    # last quoted line with text
    last_line_end = end
    marker = line_start(text, label.start)
    marker += len(text[marker : label.start]) - len(text[marker : label.start].lstrip())
    yield finding(
        "answer-in-quote",
        q,
        Span(marker, label.end),
        f"Question {q.number}: the answer is inside the instruction quote; it renders as part of the "
        "instructions and every > counts as a word",
        *(
            Fix(
                "Move the answer out of the quote",
                "unquoteAnswer",
                (Edit(Span(pos, last_line_end), nl + nl + nl.join(body)),),
            ),
        )
        if _moves_safely(body)
        else (),
    )


_FENCE_LINE = re.compile(r" {0,3}(`{3,}|~{3,})")
_STRUCTURE_LINE = re.compile(r" {0,3}(?:#{1,2}(?:[ \t]|$)|#{2,4}[ \t]+question[ \t]+\d)", re.IGNORECASE)


def _moves_safely(lines: list[str]) -> bool:
    """Lines taken out of a quote keep the document's structure: no fence left open (outside
    the quote it would swallow every question after it), no section or question heading."""
    fence = None
    for line in lines:
        m = _FENCE_LINE.match(line)
        if m:
            mark = m.group(1)
            if fence is None:
                fence = mark
            elif mark[0] == fence[0] and len(mark) >= len(fence) and not line[m.end() :].strip():
                fence = None
            continue
        if fence is None and _STRUCTURE_LINE.match(line):
            return False
    return fence is None


def answer_truncated(c: QuestionContext) -> Iterator[Finding]:
    """A ``##`` inside a middle answer: the checker counts only the text before it."""
    q, a, counted, text = c.question, c.question.answer, c.counted, c.text
    if c.last or counted is None or counted.cut is None:
        return
    cut = counted.cut
    if not (a.span.start <= cut < a.span.end) or not text[cut : a.span.end].strip():
        return
    seen, own = counted.words, a.words
    eol = line_end(text, cut)
    bol = line_start(text, cut)
    run = len(text[cut:eol]) - len(text[cut:eol].lstrip("#"))

    def inside(kind: str):
        return next((b for b in a.blocks if b.kind == kind and b.span.start <= cut < b.span.end), None)

    heading, fence = inside("heading"), inside("fence")
    fixes: tuple[Fix, ...] = ()
    if heading is not None:
        line = text[heading.span.start : heading.span.end]
        title = scan.heading_text(line)
        what = "heading"
        fixes = (
            Fix(
                "Turn the heading into bold text",
                "headingToBold",
                (Edit(heading.span, f"**{title}**" if title else ""),),
            ),
        )
    elif fence is not None:
        what = "'##' in a code block"
        if not text[bol:cut].strip():
            fixes = (
                Fix("Start the comment with a single #", "singleHash", (Edit(Span(cut, cut + run), "#"),), safe=False),
            )
    else:
        token_start = cut
        while token_start > bol and not text[token_start - 1].isspace():
            token_start -= 1
        token = text[token_start:eol].split(None, 1)[0] if text[token_start:eol].strip() else ""
        what = "'##' in a link" if ("://" in token or "](" in token or token.startswith(("(", "<"))) else "'##'"
    yield quiet(
        finding(
            "answer-truncated",
            q,
            Span(cut, eol),
            f"Question {q.number}: the checker stops counting at this {what}: it sees {seen} words of "
            f"the answer's {own}",
            *fixes,
            seen=seen,
            own=own,
        ),
        short(c),
    )


def answer_label_extra(c: QuestionContext) -> Iterator[Finding]:
    q, a, text = c.question, c.question.answer, c.text
    labels = a.labels
    code = None
    for i, lab in enumerate(labels):
        since = labels[i - 1].end if i else a.span.start
        before = len(text[since : lab.start].split())
        fixes: tuple[Fix, ...] = ()
        if quoted_label(text, lab):
            # a template's '> Answer:' line: its question's heading is what is missing (or the
            # block was pasted); rewriting the template's own label would hide that
            where = "an instruction block's label"
        else:
            if code is None:
                code = [b.span for b in a.blocks if b.kind == "fence"]
                if "`" in a.text:
                    code += [Span(a.span.start + s, a.span.start + e) for s, e in scan.code_spans(a.text)]
            where = "'Answer:' inside the answer"
            if not any(s.start <= lab.start < s.end for s in code):  # an entity shows as typed in code
                fixes = (
                    Fix(
                        "Write the colon as &#58; (it looks the same; the checker no longer splits here)",
                        "escapeLabel",
                        (Edit(lab, "Answer&#58;"),),
                    ),
                )
        yield quiet(
            finding(
                "answer-label-extra",
                q,
                lab,
                f"Question {q.number}: {where}; the checker splits the report at it, so "
                f"the {before} words before it no longer count as this answer",
                *fixes,
            ),
            short(c) or c.counted is None,
        )


def trailing_content(c: QuestionContext) -> Iterator[Finding]:
    """Text after the last question's answer (under a heading of its own) that the checker counts
    into the last answer, because it reads the last answer to the end of the file."""
    if not c.last:
        return
    q = c.question
    extra = c.text[q.span.end :]
    if not extra.strip():
        return
    start = q.span.end + (len(extra) - len(extra.lstrip()))
    n = len(extra.split())
    counted = c.counted
    decides = counted is not None and passes(c) != passes(c, words=max(0, counted.words - n))
    yield quiet(
        finding(
            "trailing-content",
            q,
            Span(start, line_end(c.text, start)),
            f"Question {q.number}: the {n} words after the last answer, to the end of the file, are counted "
            f"into question {q.number}'s answer by the checker",
            words=n,
        ),
        decides,
    )


ANSWER_IN_QUOTE = Rule(
    "answer-in-quote",
    "warning",
    "question",
    check=answer_in_quote,
    fixes=("unquoteAnswer",),
    summary="The answer was typed inside the instruction quote (on or right under the `> Answer:` line).",
    why="It renders as part of the grey instruction block, and every `>` is counted as a word.",
    example="`> Answer: We used ...`",
    fix="Move the text out of the quote, below the label (one click).",
)


ANSWER_TRUNCATED = Rule(
    "answer-truncated",
    "warning",
    "question",
    check=answer_truncated,
    reads=("counted", "limits", "last"),
    fixes=("headingToBold", "singleHash"),
    summary="A `##` (a heading, a `## comment` in code, `##` in a URL) inside an answer that is not the last one.",
    why="The official checker cuts the answer at the first `##`: everything after it is not counted.",
    example="A `#### Results` sub-heading in the middle of a 150-word answer; the checker sees 40 words.",
    fix="Turn a heading into bold text (one click), start a code comment with a single `#` (one click), or write "
    "a link's `##` another way. Information when the checker passes the answer anyway.",
)


ANSWER_LABEL_EXTRA = Rule(
    "answer-label-extra",
    "warning",
    "question",
    check=answer_label_extra,
    reads=("counted", "limits"),
    fixes=("escapeLabel",),
    summary="The literal text `Answer:` inside an answer.",
    why="The checker splits the whole report at every `Answer:`: everything before this one in the answer is dropped.",
    example="`Answer: yes, we did.` written at the start of a 150-word answer.",
    fix="Write the colon as the HTML entity `&#58;` (one click): the page looks the same and the checker no longer "
    "splits there. Or reword it. No such fix in code (an entity shows as typed there) nor on a `> Answer:` line "
    "of an instruction block: there the question's heading is missing (`question-missing`). Information when "
    "the checker passes the answer anyway.",
)


TRAILING_CONTENT = Rule(
    "trailing-content",
    "warning",
    "question",
    check=trailing_content,
    reads=("counted", "limits", "last", "trailing"),
    summary="Text after the last question's answer, under a heading of its own.",
    why="The checker counts everything up to the end of the file into the last answer.",
    example="A `## References` section at the end of the report.",
    fix="Move the text into an answer, or remove it. Information when the last answer's verdict does not depend on "
    "those words.",
)
