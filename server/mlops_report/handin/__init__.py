"""The hand-in page: the report as the course's ``report.py html`` renders it.

Every version of the course's checker writes its page the same way (../shared/checker.md, §6):
the file is read in text mode (UTF-8 on the course's Linux machines, universal newlines), its
first 43 characters are cut (once a Jekyll header, since October 2024 the start of the title),
and the rest goes through Python-Markdown with no extensions; the result is written as it is,
with no line break added. ``fragment`` does exactly that with the same library.

``differences`` lists the places where that page differs from what the group sees on GitHub or
in an editor's preview (CommonMark with tables, read by markdown-it-py): the cut, tables left as
text, fenced code run into a paragraph, task-list boxes left as ``[x]``, raw HTML passed through,
figures the scraped folder cannot show and headings where ``report.py check`` stops counting.
Python-Markdown is imported only here, and only when a page is asked for.
"""

from __future__ import annotations

import bisect
import re
import sys
import time
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from ..analysis import Analysis
    from ..disk import Disk

CUT = 43  # characters report.py html drops before rendering
OLD_HEADER = "---\nlayout: default\nnav_exclude: true\n---\n\n"  # what the cut was made for
KINDS = ("cut", "table", "fence", "checkbox", "html", "image", "heading")


class Unrenderable(ValueError):
    """The course's script could not read the file; the message says why."""


class TooSlow(Exception):
    """Python-Markdown did not finish in the time it was given."""


def read(data: bytes) -> str:
    """The text ``report.py html`` works on: the bytes decoded as UTF-8 (a byte-order mark
    kept, as Python's ``utf-8`` codec keeps it) with every ``\\r\\n`` and ``\\r`` made ``\\n``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Unrenderable(
            f"not UTF-8 (byte 0x{data[exc.start]:02x} on line {line}): report.py html stops with UnicodeDecodeError"
        ) from None
    return newlines(text)


def newlines(text: str) -> str:
    """Python's universal newlines, as text mode reads a file."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def fragment(text: str, seconds: float | None = None) -> str:
    """What ``report.py html`` writes to ``report.html`` for a report whose text (as read in
    text mode) is ``text``. With ``seconds``, raises TooSlow once that much time has passed."""
    import markdown  # ~25 ms: only the page pays for it

    source = newlines(text)[CUT:]
    if seconds is None:
        return markdown.markdown(source)
    return _bounded(lambda: markdown.markdown(source), seconds)


def _bounded(render, seconds: float) -> str:
    """``render()``, stopped after ``seconds``. Python-Markdown's inline pass is quadratic in a
    paragraph's run of ``[`` (20 000 of them take over a minute) and it is all Python code: a
    trace function, called on every function call of this thread only, raises at the deadline.
    It doubles the cost of a normal page (30 -> 60 ms for a real report)."""
    end = time.monotonic() + seconds

    def tracer(frame, event, arg):
        if time.monotonic() > end:
            raise TooSlow(f"Python-Markdown took more than {seconds:g} s")
        return None  # no line events: only calls are watched

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        return render()
    finally:
        sys.settrace(previous)


def renderer() -> str:
    """The Python-Markdown version that renders, e.g. ``3.11.3``."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("markdown")
    except PackageNotFoundError:
        import markdown

        return getattr(markdown, "__version__", "?")


class Difference(NamedTuple):
    """One place where the course's page differs from the GitHub-like rendering."""

    kind: str  # one of KINDS
    line: int  # 0-based line of the report where it starts
    question: int | None  # the question it lies in
    message: str
    needle: str = ""  # words the rendered page shows there, to find the place
    src: str = ""  # an image's target as written

    def as_dict(self) -> dict:
        return {"kind": self.kind, "line": self.line, "question": self.question, "message": self.message}


# -- what differs ---------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
_BOX = re.compile(r"\[([ xX])\](?:\s|$)")
_SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_NOT_LOADING = {
    "missing": "no such file in the reports folder",
    "case": "the file's name differs in case ({real}), and the course's Linux server tells them apart",
    "outside": "it lies outside the reports folder, and only that folder is scraped",
    "absolute": "an absolute path names a file on this computer, not in the scraped folder",
    "empty": "the link has no path",
}


def needle(line: str, limit: int = 6) -> str:
    """The first words of ``line``, as the page's text shows them (markup dropped)."""
    return " ".join(_WORD.findall(_TAG.sub(" ", line))[:limit])


def _github() -> object:
    from markdown_it import MarkdownIt

    # what GitHub and an editor preview show: CommonMark, tables and strikethrough
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


_MD = None


def differences(analysis: Analysis, disk: Disk | None = None) -> list[Difference]:
    """Every difference between the course's page of ``analysis.report`` and its GitHub-like
    rendering, in the order of the text."""
    global _MD
    report = analysis.report
    text, lines = report.text, report.lines
    out: list[Difference] = []
    cut = _cut(text)
    if cut is not None:
        out.append(cut)

    heads = [q.span.start for q in report.questions]  # in the order of the text

    def question(line: int) -> int | None:
        offset = lines.starts[min(line, len(lines.starts) - 1)]
        i = bisect.bisect_right(heads, offset) - 1
        return report.questions[i].number if i >= 0 and offset <= report.questions[i].span.end else None

    def first_text_line(first: int, last: int) -> str:
        for n in range(first, min(last, lines.line_count)):
            words = needle(lines.line_text(n))
            if words:
                return words
        return ""

    if _MD is None:
        _MD = _github()
    tokens = _MD.parse(text)  # type: ignore[attr-defined]
    boxes: list[list[int]] = []  # per open list: [boxes seen, line of the first]
    for i, tok in enumerate(tokens):
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            boxes.append([0, 0])
            continue
        if tok.type in ("bullet_list_close", "ordered_list_close"):
            count, line = boxes.pop() if boxes else (0, 0)
            if count:
                out.append(
                    Difference(
                        "checkbox",
                        line,
                        question(line),
                        _box_message(count),
                        needle(_BOX.sub(" ", lines.line_text(line).lstrip(" \t*+-0123456789.)"), count=1)),
                    )
                )
            continue
        if tok.map is None:
            continue
        first, last = tok.map
        if tok.type == "table_open":
            out.append(
                Difference(
                    "table",
                    first,
                    question(first),
                    "A table: the course's page shows its rows as text with | marks.",
                    first_text_line(first, last),
                )
            )
        elif tok.type == "fence":
            out.append(
                Difference(
                    "fence",
                    first,
                    question(first),
                    "Fenced code: the course's page has no code block here; the fence becomes "
                    "inline code run into one paragraph (line breaks and indentation lost).",
                    first_text_line(first + 1, last) or needle(tok.info),
                )
            )
        elif tok.type == "html_block" and not _comment(tok.content):
            out.append(_html(tok.content, first, question(first)))
        elif tok.type == "inline" and tok.children:
            if boxes and _BOX.match(tok.content) and i >= 2 and tokens[i - 2].type == "list_item_open":
                if not boxes[-1][0]:
                    boxes[-1][1] = first
                boxes[-1][0] += 1
            for child in tok.children:
                if child.type == "html_inline" and not _comment(child.content) and not _break(child.content):
                    out.append(_html(lines.line_text(first), first, question(first)))
                    break
    out += _images(analysis, disk)
    out += _headings(analysis)
    out.sort(key=lambda d: (d.line, KINDS.index(d.kind)))
    return out


def _cut(text: str) -> Difference | None:
    read_text = newlines(text)
    if read_text.startswith(OLD_HEADER):
        return None  # the cut removes the header it was written for
    lost = read_text[:CUT]
    shown = read_text[CUT:].lstrip("\n").split("\n", 1)[0].strip()
    message = f"report.py html cuts the first {CUT} characters ({_quote(lost)}) before rendering" + (
        f": the page starts with {_quote(shown)}." if shown else "."
    )
    if lost.lstrip().startswith("#") and "\n" not in lost.strip("\n"):
        message += " The title's heading is gone; what is left of its line is a plain paragraph."
    return Difference("cut", 0, None, message, needle(shown))


def _quote(s: str, limit: int = 60) -> str:
    s = s.replace("\n", "⏎")
    return "“" + (s if len(s) <= limit else s[: limit - 1] + "…") + "”"


def _box_message(count: int) -> str:
    what = "a task-list box" if count == 1 else f"{count} task-list boxes"
    return f"{what[0].upper()}{what[1:]}: the course's page shows [x] and [ ] as text, not as boxes."


def _comment(html: str) -> bool:
    return html.strip().startswith("<!--")


def _break(html: str) -> bool:
    return re.fullmatch(r"</?br\s*/?>", html.strip(), re.IGNORECASE) is not None


def _html(html: str, line: int, question: int | None) -> Difference:
    m = _SRC.search(html)
    src = next((g for g in m.groups() if g is not None), "") if m else ""
    return Difference(
        "html",
        line,
        question,
        "Raw HTML: the course's page keeps it exactly as written, unfiltered, where GitHub drops "
        "the tags and attributes it does not allow (style, script, forms, …).",
        needle(html),
        src,
    )


def _images(analysis: Analysis, disk: Disk | None) -> list[Difference]:
    if disk is None:
        return []
    report = analysis.report
    out = []
    for q in report.questions:
        for fig in q.answer.figures:
            if fig.kind == "link":
                continue  # a plain link is no image on either page
            target = fig.target if fig.kind != "reference" else report.references.get(fig.target.strip().lower(), "")
            resolved = disk.resolve(target) if target else None
            state = resolved.state if resolved is not None else "empty"
            if state in ("exists", "remote"):
                continue
            why = _NOT_LOADING[state].format(real=resolved.relative if resolved else "")
            line = report.lines.line_of(fig.span.start)
            out.append(
                Difference(
                    "image",
                    line,
                    q.number,
                    f"{target or fig.alt or 'This figure'} will not load on the course's page: {why}.",
                    needle(fig.alt),
                    target,
                )
            )
    return out


def _headings(analysis: Analysis) -> list[Difference]:
    view, report = analysis.view, analysis.report
    if view is None or view.crashes:
        return []
    out = []
    for q in report.questions:
        if q.label is None:
            continue
        counted = view.answer_after(q.label)
        if counted is None or counted.cut is None:
            continue
        for block in q.answer.blocks:
            if block.kind == "heading" and block.span.start <= counted.cut < block.span.end:
                line = report.lines.line_of(block.span.start)
                out.append(
                    Difference(
                        "heading",
                        line,
                        q.number,
                        f"A heading inside the answer: report.py check counts question {q.number} "
                        "only up to here, though the page shows the rest.",
                        needle(report.lines.line_text(line)),
                    )
                )
                break
    return out


def questions(analysis: Analysis) -> list[tuple[int, int]]:
    """(number, 0-based heading line) of every question, for scrolling the page."""
    return [(q.number, q.heading.line) for q in analysis.report.questions]
