"""Findings about one question: its counts, its figures, its answer's traps.

Each check takes a ``QuestionContext`` and yields findings; nothing here looks outside the
question except through the context (the checker's counts, the files on disk).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import NamedTuple

from .. import links, members, scan
from ..checker import CheckerAnswer
from ..disk import IMAGE_SUFFIXES, Disk
from ..editions import Limits
from ..findings import Edit, Finding, Fix, Move
from ..parse import Figure, Question
from ..text import Span


class QuestionContext(NamedTuple):
    question: Question
    text: str  # the whole document
    counted: CheckerAnswer | None  # what the official checker counts for this answer
    limits: Limits  # the limits the checker applies to it
    last: bool  # the last question: the checker never truncates it
    disk: Disk | None  # None: the report is not saved
    figures_dir: str
    linked: frozenset[str]  # image paths (relative to the report) linked anywhere in the report
    references: dict[str, str]
    edited: str | None  # how the instructions differ from the edition's, if they do
    restore: str | None  # the original instruction text, when it is at hand


def _f(code: str, q: Question, span: Span, message: str, *fixes: Fix, **data) -> Finding:
    return Finding(code, "", q.number, span, message, tuple(fixes), data)


def _quiet(f: Finding, stakes: bool) -> Finding:
    """``f`` at its rule's level when something is at stake (the course's checker or the
    hand-in page says something else because of it), else as information."""
    return f if stakes else replace(f, severity="information")


def _ok(n: int, limits: tuple[int, int] | None) -> bool:
    return limits is None or limits[0] <= n <= limits[1]


def _passes(c: QuestionContext, words: int | None = None, images: int | None = None) -> bool:
    """The checker's verdict on the answer, with its word or figure count replaced."""
    counted = c.counted
    if counted is None:
        return False
    return _ok(counted.words if words is None else words, c.limits.words) and _ok(
        counted.images if images is None else images, c.limits.images
    )


def _short(c: QuestionContext) -> bool:
    """The checker fails the answer for too few words or figures."""
    counted, lim = c.counted, c.limits
    if counted is None:
        return False
    return (lim.words is not None and counted.words < lim.words[0]) or (
        lim.images is not None and counted.images < lim.images[0]
    )


def _range(r: tuple[int, int]) -> str:
    return f"{r[0]}-{r[1]}" if r[0] != r[1] else f"{r[0]}"


def _heading_span(q: Question) -> Span:
    return q.heading.span


# -- counts ---------------------------------------------------------------------------------------


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
    yield _f("word-count", q, _heading_span(q), msg, words=n, own=own, min=lo, max=hi)


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
    if counted is not None and counted.cut is not None and counted.cut < q.answer.span.end and not last:
        if text[counted.cut : q.answer.span.end].strip():
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
        msg = f"Question {q.number}: {n} figures, the checker needs {_range(lim.images)}"
        if uncounted:
            msg += f" ({uncounted} more written in a form it does not count)"
    else:
        msg = f"Question {q.number}: {n} figures, the checker allows at most {hi}"
    fixes: tuple[Fix, ...] = ()
    if n < lo:
        fixes = tuple(_insert_figure_fixes(c))
    yield _f("image-count", q, _heading_span(q), msg, *fixes, images=n, min=lo, max=hi)


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
        limit = max(start, block.span.start if block else _bol(c.text, cut))
    body = c.text[start:limit]
    stripped = body.rstrip()
    end = start + len(stripped)
    nl = "\r\n" if "\r\n" in c.text[a.span.start : a.span.end] else "\n"
    if c.text[end : _eol(c.text, end)].strip():
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


# -- figures --------------------------------------------------------------------------------------


def _target_for(c: QuestionContext, fig: Figure) -> str:
    if fig.kind == "reference":
        return c.references.get(fig.target.lower() or fig.alt.lower(), "")
    return fig.target


def image_not_counted(c: QuestionContext) -> Iterator[Finding]:
    q = c.question
    uncounted = sum(1 for f in q.answer.figures if not f.counted)
    counted = c.counted.images if c.counted is not None else 0
    stakes = c.limits.images is not None and _ok(counted, c.limits.images) != _ok(counted + uncounted, c.limits.images)
    for fig in q.answer.figures:
        if fig.counted:
            continue
        target = _target_for(c, fig)
        form = {
            "html": "an HTML <img>",
            "reference": "a reference-style image",
            "link": "a link without !",
            "inline": "an image split over lines",
        }[fig.kind]
        msg = f"Question {q.number}: this figure is {form}; report.py check does not count it"
        fixes = ()
        if target:
            link = f"![{links.alt_text(fig.alt) or links.stem(target)}]({links.rewritten(target)})"
            fixes = (Fix(f"Rewrite as {link}", "rewriteImage", (Edit(fig.span, link),)),)
        yield _quiet(_f("image-not-counted", q, fig.span, msg, *fixes), stakes)


def checker_only_figures(c: QuestionContext) -> list[Figure]:
    """Images the checker counts in the answer that the parser does not read as figures (a
    path with a space: CommonMark sees no image there), with the path as the author meant it:
    up to the ``)`` that balances the parentheses, as CommonMark counts them."""
    q, a, counted, text = c.question, c.question.answer, c.counted, c.text
    if counted is None:
        return []
    lo, hi = max(a.span.start, counted.counted.start), min(a.span.end, counted.counted.end)
    if lo >= hi or text.find("![", lo, hi) < 0:
        return []
    body = text[lo:hi]
    known = {f.span.start for f in a.figures}
    fences = [b.span for b in a.blocks if b.kind == "fence"]
    code = None
    out = []
    hits = list(scan.one_line_image_spans(body))
    for k, (p, m, e) in enumerate(hits):
        start = lo + p
        if start in known or any(f.start <= start < f.end for f in fences):
            continue
        if code is None:
            code = scan.code_spans(body) if "`" in body else []
        if any(s <= p < t for s, t in code):
            continue
        limit = hits[k + 1][0] if k + 1 < len(hits) else len(body)
        eol = _eol(body, e - 1)
        close = links.closing_paren(body, m + 2, min(limit, eol))
        end = close + 1 if close >= 0 else e
        dest = links.split_destination(body[m + 2 : end - 1], lo + m + 2)
        out.append(
            Figure("inline", dest.path, body[p + 2 : m], Span(start, lo + end), Span(dest.start, dest.end), True)
        )
    return out


_SIMPLE_IMAGE = re.compile(r"!\[[^\[\]\\`<>\r\n]*\]\([^\s()<>\\\"'`]*\)")


def image_link_unrendered(c: QuestionContext) -> Iterator[Finding]:
    """An image the checker counts that CommonMark does not show as an image: a path with a
    space, a backslash, or parentheses it cannot read."""
    q, text = c.question, c.text
    if c.counted is None:
        return
    candidates = [
        f
        for f in q.answer.figures
        if f.kind == "inline" and f.counted and not _SIMPLE_IMAGE.fullmatch(text, f.span.start, f.span.end)
    ]
    candidates += checker_only_figures(c)
    for fig in candidates:
        source = text[fig.span.start : fig.span.end]
        angle = text[fig.target_span.start - 1 : fig.target_span.start] == "<"
        dest = links.Destination(fig.target, fig.target_span.start, fig.target_span.end, angle)
        why = links.unrendered_reason(source, dest)
        if why is None:
            continue
        written = links.rewritten(fig.target)
        span = Span(fig.target_span.start - 1, fig.target_span.end + 1) if angle else fig.target_span
        # a path written right already (the cause lies elsewhere, e.g. a link inside the alt
        # text) gets no rewrite: it would change nothing
        fixes = (
            ()
            if text[span.start : span.end] == written
            else (Fix(f"Write the path as {written}", "rewriteImage", (Edit(span, written),)),)
        )
        yield _f(
            "image-link-unrendered",
            q,
            fig.target_span,
            f"Question {q.number}: the checker counts this figure, but {why}",
            *fixes,
        )


def image_files(c: QuestionContext) -> Iterator[Finding]:
    """image-missing-file, image-path-case, image-outside-figures, image-bad-extension."""
    q = c.question
    prefix = c.figures_dir.strip("/") + "/"
    for fig in list(q.answer.figures) + checker_only_figures(c):
        target = _target_for(c, fig)
        if not target:
            continue
        span = fig.target_span if fig.kind != "reference" else fig.span
        path = target.split("#", 1)[0].split("?", 1)[0]
        if not path.lower().endswith(IMAGE_SUFFIXES) and not path.lower().startswith(("http://", "https://", "data:")):
            yield _quiet(
                _f("image-bad-extension", q, span, f"Question {q.number}: {target} is not a .png, .jpg or .jpeg file"),
                not path.lower().endswith(_WEB_IMAGES),
            )
        if c.disk is None:
            continue
        r = c.disk.resolve(target)
        if r.state in ("remote", "absolute", "outside"):
            where = {
                "remote": "a web address",
                "absolute": "an absolute path",
                "outside": "outside the report's folder",
            }[r.state]
            if r.state != "remote" and c.disk.outside_state(target) == "missing":
                where += " (and no file is there)"
            yield _quiet(
                _f(
                    "image-outside-figures",
                    q,
                    span,
                    f"Question {q.number}: {target} is {where}; only files under reports/{prefix} are handed in",
                ),
                r.state != "remote",
            )
            continue
        if r.state == "missing":
            yield _f(
                "image-missing-file", q, span, f"Question {q.number}: {target} does not exist in the report's folder"
            )
            continue
        if r.state == "case":
            real = r.relative or ""
            fixed = _same_style(target, links.destination(real))
            yield _f(
                "image-path-case",
                q,
                span,
                f"Question {q.number}: {target} differs in case from the file {real}; Linux will not find it",
                Fix(f"Use the file's real name {fixed}", "pathCase", (Edit(span, fixed),)),
            )
        rel = r.relative or ""
        if r.state in ("exists", "case") and not rel.startswith(prefix):
            name = rel.rsplit("/", 1)[-1]
            new_rel = prefix + name
            written = links.destination(new_rel)
            if new_rel in c.disk.files:
                fixes = [Fix(f"Link {new_rel} instead", "moveToFigures", (Edit(span, written),), safe=False)]
            elif new_rel.lower() in c.disk.by_lower:
                fixes = []  # a file differing only in case is there: moving could overwrite it on Windows/macOS
            else:
                from ..moves import movable

                # only inside the project and onto no file, whatever figuresDir or a symbolic link says
                move = Move(str(c.disk.root / rel), str(c.disk.root / new_rel))
                fixes = (
                    [
                        Fix(
                            f"Move {rel} to {new_rel} and update the link",
                            "moveToFigures",
                            (Edit(span, written),),
                            (move,),
                            safe=False,
                        )
                    ]
                    if movable(move.source, move.target, c.disk.root.parent)
                    else []
                )
            # inside the reports folder the hand-in page still shows it: only the template's habit is at stake
            yield _quiet(
                _f(
                    "image-outside-figures",
                    q,
                    span,
                    f"Question {q.number}: {target} is not in the {prefix} folder",
                    *fixes,
                ),
                False,
            )


# formats a browser shows although the template asks for PNG or JPEG
_WEB_IMAGES = (".svg", ".gif", ".webp", ".avif", ".bmp")


def _same_style(written: str, real: str) -> str:
    return ("./" + real) if written.startswith("./") else real


# -- the answer's own traps -----------------------------------------------------------------------


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
        yield _f(
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
        decides = counted is not None and _passes(c) != _passes(c, words=counted.words - 2)
        yield _quiet(
            _f(
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
            f"{_range(lim.words)} words" if lim.words else "",
            f"{_range(lim.images)} figure{'' if lim.images == (1, 1) else 's'}" if lim.images else "",
        ]
        needs = [x for x in needs if x]
        if lim.words is not None and not _ok(counted.words, lim.words):
            fails.append("words")
        if lim.images is not None and not _ok(counted.images, lim.images):
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
    data = {"fails": fails}
    if counted is not None:
        data.update(words=counted.words, images=counted.images)
    return _quiet(_f("unanswered", q, span, message, *fixes, **data), bool(fails))


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


_QUOTE_PREFIX = re.compile(r"[ \t]{0,3}>[ \t]?")


def answer_in_quote(c: QuestionContext) -> Iterator[Finding]:
    q, a, text = c.question, c.question.answer, c.text
    label = q.instructions.label
    if label is None or not q.instructions.quoted:
        return
    # the label line's rest, then following lines that continue the quote
    pos = a.span.start
    eol = _eol(text, pos)
    pieces = [text[pos:eol].strip()]
    end = eol
    nxt = _next_line(text, eol)
    while nxt < a.span.end:
        le = _eol(text, nxt)
        m = _QUOTE_PREFIX.match(text, nxt, le)
        if not m:
            break
        pieces.append(text[m.end() : le].rstrip())
        end = le
        nxt = _next_line(text, le)
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
    marker = _bol(text, label.start)
    marker += len(text[marker : label.start]) - len(text[marker : label.start].lstrip())
    yield _f(
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


_BREAK = re.compile(r"[\r\n]")
_BLANKS = re.compile(r"[^\S\r\n]*")


def _eol(text: str, pos: int) -> int:
    """The end of the line holding ``pos``: its first line break at or after ``pos``."""
    if pos >= len(text):
        return pos
    m = _BREAK.search(text, pos)
    return m.start() if m else len(text)


def _bol(text: str, pos: int) -> int:
    """The start of the line holding ``pos`` (right after the last line break before it)."""
    k = text.rfind("\n", 0, pos)
    return max(k, text.rfind("\r", k + 1, pos)) + 1


def _next_line(text: str, eol: int) -> int:
    if text.startswith("\r\n", eol):
        return eol + 2
    return eol + 1 if eol < len(text) else eol + 1


def answer_truncated(c: QuestionContext) -> Iterator[Finding]:
    """A ``##`` inside a middle answer: the checker counts only the text before it."""
    q, a, counted, text = c.question, c.question.answer, c.counted, c.text
    if c.last or counted is None or counted.cut is None:
        return
    cut = counted.cut
    if not (a.span.start <= cut < a.span.end) or not text[cut : a.span.end].strip():
        return
    seen, own = counted.words, a.words
    eol = _eol(text, cut)
    bol = _bol(text, cut)
    run = len(text[cut:eol]) - len(text[cut:eol].lstrip("#"))
    inside = lambda kind: next((b for b in a.blocks if b.kind == kind and b.span.start <= cut < b.span.end), None)
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
    yield _quiet(
        _f(
            "answer-truncated",
            q,
            Span(cut, eol),
            f"Question {q.number}: the checker stops counting at this {what}: it sees {seen} words of "
            f"the answer's {own}",
            *fixes,
            seen=seen,
            own=own,
        ),
        _short(c),
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
        yield _quiet(
            _f(
                "answer-label-extra",
                q,
                lab,
                f"Question {q.number}: {where}; the checker splits the report at it, so "
                f"the {before} words before it no longer count as this answer",
                *fixes,
            ),
            _short(c) or c.counted is None,
        )


_QUOTE_MARKS = re.compile(r"[ \t]{0,3}>[ \t>]*")


def quoted_label(text: str, label: Span) -> bool:
    """Whether ``Answer:`` at ``label`` stands at the start of a quote line, as the template
    writes its label (``> Answer:``)."""
    start = _bol(text, label.start)
    return label.start > start and _QUOTE_MARKS.fullmatch(text, start, label.start) is not None


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
    decides = counted is not None and _passes(c) != _passes(c, words=max(0, counted.words - n))
    yield _quiet(
        _f(
            "trailing-content",
            q,
            Span(start, _eol(c.text, start)),
            f"Question {q.number}: the {n} words after the last answer, to the end of the file, are counted "
            f"into question {q.number}'s answer by the checker",
            words=n,
        ),
        decides,
    )


def instructions_edited(c: QuestionContext) -> Iterator[Finding]:
    if not c.edited:
        return
    q = c.question
    span = q.instructions.span if q.instructions.span.end > q.instructions.span.start else q.heading.span
    first = span.start + (len(c.text[span.start : span.end]) - len(c.text[span.start : span.end].lstrip()))
    span = Span(first, min(span.end, _eol(c.text, first)))
    lim = c.limits
    official = (
        ", ".join(
            x
            for x in (
                f"{_range(lim.words)} words" if lim.words else "",
                f"{_range(lim.images)} figures" if lim.images else "",
            )
            if x
        )
        or "no limits"
    )
    fixes = ()
    block = q.instructions.block
    if c.restore is not None and block is not None:  # only the instruction block: no answer text
        fixes = (
            Fix("Restore the original instructions", "restoreInstructions", (Edit(block, c.restore),), safe=False),
        )
    yield _f(
        "instructions-edited",
        q,
        span,
        f"Question {q.number}: {c.edited}; the official limits still apply ({official})",
        *fixes,
    )


def group_number(c: QuestionContext) -> Iterator[Finding]:
    q = c.question
    if q.number != 1 or q.answer.is_empty:
        return
    if members.group_number(c.text, q.answer) is None:
        own = members.own_text(c.text, q.answer)
        yield _f("group-number", q, _content_span(c), f"Question 1: {own.strip()[:40]!r} is not a group number")


def study_number(c: QuestionContext) -> Iterator[Finding]:
    """Each token of question 2's answer that tries to be a study number and is not ``s`` + 6 digits."""
    q = c.question
    if q.number != 2 or q.answer.is_empty:
        return
    good = flagged = 0
    for token, span in members.entries(c.text, q.answer):
        if members.STUDY_NUMBER.fullmatch(token):
            good += 1
            continue
        fixes: tuple[Fix, ...] = ()
        if re.fullmatch(r"S\d{6}", token):
            why = "is written with a capital S"
            fixes = (Fix(f"Write {token.lower()}", "studyNumber", (Edit(span, token.lower()),)),)
        elif re.fullmatch(r"[sS]\d+", token):
            why = f"has {len(token) - 1} digits"
        elif re.fullmatch(r"\d{6}", token):
            why = "lacks the leading s"
            fixes = (Fix(f"Write s{token}", "studyNumber", (Edit(span, "s" + token),)),)
        elif re.fullmatch(r"[sS][xX]{6}", token):
            why = "is the example's pattern"
        else:
            continue
        flagged += 1
        yield _f(
            "study-number", q, span, f"Question 2: {token} {why}; a study number is s followed by 6 digits", *fixes
        )
    if not good and not flagged:
        yield _f(
            "study-number", q, _content_span(c), "Question 2: the answer names no study number (s followed by 6 digits)"
        )


def _content_span(c: QuestionContext) -> Span:
    a = c.question.answer
    body = c.text[a.span.start : a.span.end]
    lead = len(body) - len(body.lstrip())
    s = a.span.start + lead
    return Span(s, _eol(c.text, s))


def html_render(c: QuestionContext) -> Iterator[Finding]:
    q = c.question
    for b in q.answer.blocks:
        if b.kind == "table":
            msg = f"Question {q.number}: report.py html renders this table as plain text with | marks"
        elif b.kind == "fence":
            msg = f"Question {q.number}: report.py html renders this fenced code as inline code in a paragraph"
        else:
            continue
        yield _f("html-render", q, Span(b.span.start, _eol(c.text, b.span.start)), msg)


# every check of a question, in order; a list, so a check can be added (the analysis runs each
# one on its own: one that raises is logged and the others still report)
CHECKS: list[Callable[[QuestionContext], Iterator[Finding]]] = [
    word_count,
    image_count,
    image_not_counted,
    image_link_unrendered,
    image_files,
    placeholders,
    answer_in_quote,
    answer_truncated,
    answer_label_extra,
    trailing_content,
    instructions_edited,
    group_number,
    study_number,
    html_render,
]
