"""Moving a report onto a newer template of the course.

``migrate(report_text, template_text)`` writes the report on the template: every answer goes
under the question of the same number (when both have as many questions; otherwise under the
question that asks the same thing, found by the prompts' words in order), every tick goes to the
checklist item with the same text (its module tag and small rewordings aside), and the
template's new items stay unticked. What the group wrote outside the answers and has no place in
the template (a section of its own, a paragraph in the introduction, an item of its own, a
ticked item the template dropped, the answer to a question it no longer asks) is appended under
a marked heading at the end: only the old template's own words are left behind.

The template is the user's file or a page the user fetched; the package holds no template
text. Old template words are told from the group's by the new template's text, by the
fingerprints of every known edition (``editions``) and by their likeness to a paragraph of the
new template. Every comparison is bounded: the fuzzy ones only run on short texts and a bounded
number of pairs.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from pathlib import Path
from typing import Iterable, NamedTuple

from .editions import editions
from .editions.fingerprint import fingerprint, normalise
from .findings import Edit, apply_edits
from .parse import ChecklistItem, Question, Report, looks_like_report, parse
from .text import LineIndex, Span

CARRIED_HEADING = "## Kept from the report before migration"
CARRIED_NOTE = ("<!-- mlops-report migrate: text of the report that the new template has no place for. "
                "Move it into an answer or delete it: the course's checker counts it into the last answer. -->")
TEMPLATE_LIMIT = 2_000_000  # characters of a template file (the course's is about 30 000)

_WORD = re.compile(r"[a-z0-9]+")
_TAG = re.compile(r"\(\s*(M\d+(?:\s*[+,/&]\s*M?\d+)*)\s*\)\s*$")
_HEADING_LINE = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_ITEM_LINE = re.compile(r"[ \t]*[*+-][ \t]+\[[^\]\r\n]{0,8}\]")
_FUZZY_CHARS = 400  # texts compared fuzzily are cut to this many characters
_FUZZY_ITEMS = 400  # more unmatched checklist items than this are matched by exact text only
_ALIGN_QUESTIONS = 200  # more questions than this are placed by number only
_SIMILAR_PROMPT = 0.5
_SIMILAR_ITEM = 0.85
_SIMILAR_TAGGED_ITEM = 0.6  # two items with the same module tag
_SIMILAR_PARAGRAPH = 0.5


class MigrationError(Exception):
    """The report or the template cannot be migrated; the message says why, in one line."""


class Change(NamedTuple):
    # "title", "front-matter", "moved", "limits", "prompt", "instructions", "new-question",
    # "no-place", "duplicate", "ticks", "new-item", "item-gone", "carried", "unchanged"
    kind: str
    question: int  # the template's question number; 0 when it is not about one question
    text: str


class Migration(NamedTuple):
    text: str
    changes: tuple[Change, ...]
    placed: dict[int, int]  # report question number -> template question number it went to
    carried: str  # what was appended under CARRIED_HEADING ("" when nothing was)


# -- the course repository as a template source -------------------------------------------------

_GITHUB_REPO = re.compile(r"https?://(?:www\.)?github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?/?(?:tree/([^?#]+?))?/?$")
_GITHUB_BLOB = re.compile(r"https?://(?:www\.)?github\.com/([\w.-]+)/([\w.-]+)/blob/(.+)$")


def template_url(url: str) -> str:
    """The address of the template file itself: a repository's page (``github.com/OWNER/REPO``,
    ``.../tree/BRANCH``) names its ``reports/README.md``, a file's page its raw text."""
    url = url.strip()
    m = _GITHUB_BLOB.match(url)
    if m:
        return f"https://raw.githubusercontent.com/{m.group(1)}/{m.group(2)}/{m.group(3)}"
    m = _GITHUB_REPO.match(url)
    if m:
        ref = m.group(3) or "HEAD"
        return f"https://raw.githubusercontent.com/{m.group(1)}/{m.group(2)}/{ref}/reports/README.md"
    return url


def is_url(source: str) -> bool:
    return source.startswith(("https://", "http://"))


def fetch_template(url: str, timeout: float = 20.0) -> str:
    """The text at ``url`` (see ``template_url``), at most ``TEMPLATE_LIMIT`` characters. Only the
    command line calls this, when the user names a URL; the language server never goes online."""
    from urllib.error import URLError
    from urllib.request import Request, urlopen

    target = template_url(url)
    try:
        with urlopen(Request(target, headers={"User-Agent": "mlops-report"}), timeout=timeout) as answer:
            data = answer.read(TEMPLATE_LIMIT * 4 + 1)
    except (URLError, OSError, ValueError) as exc:
        raise MigrationError(f"{target}: cannot be fetched ({getattr(exc, 'reason', exc)})") from None
    if len(data) > TEMPLATE_LIMIT * 4:
        raise MigrationError(f"{target}: larger than a report template")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MigrationError(f"{target}: not UTF-8 text") from None


# -- the migration ------------------------------------------------------------------------------


def migrate(report_text: str, template_text: str) -> Migration:
    """``report_text`` written on ``template_text``; see the module's documentation."""
    report = parse(report_text)
    if not looks_like_report(report):
        raise MigrationError("the report has no '### Question N' headings with 'Answer:' labels")
    if len(template_text) > TEMPLATE_LIMIT:
        raise MigrationError("the template is larger than a report template")
    template = parse(_with_newlines(template_text, _newline(report_text)))
    if not looks_like_report(template):
        raise MigrationError("the template has no '### Question N' headings with 'Answer:' labels")
    changes: list[Change] = []
    edits: list[Edit] = []
    carried: list[tuple[int, str]] = []  # (offset in the report, text) of what has no place
    known = _Known(template)
    reworded: list[int] = []

    _title(report, template, edits, changes)
    _front_matter(report, template, changes)
    placed, unplaced = _place(report.questions, template.questions)
    for j, tq in enumerate(template.questions):
        rq = placed.get(j)
        if rq is None:
            changes.append(Change("new-question", tq.number,
                                  f"Question {tq.number} is new: {_quote(tq.instructions.prompt)}"))
            continue
        if rq.number != tq.number:
            changes.append(Change("moved", tq.number, f"the answer to question {rq.number} is now under "
                                                      f"question {tq.number}: {_quote(tq.instructions.prompt)}"))
        found = _instruction_changes(rq, tq)
        if found == ["instructions"]:
            reworded.append(tq.number)
        else:
            changes += found
        if not _placeholder_only(rq):
            edits.append(Edit(tq.answer.span, _answer_text(rq, tq)))
    for rq, why in unplaced:
        if not _unanswered(rq):
            title = f"**Question {rq.number} of the report before migration**"
            if rq.instructions.prompt:
                title += f" ({_short(rq.instructions.prompt)})"
            carried.append((rq.span.start, title + "\n\n" + rq.answer.text.strip("\r\n")))
        kind = "duplicate" if why == "duplicate" else "no-place"
        what = "appears twice" if why == "duplicate" else "has no place in the template"
        tail = "its answer is kept at the end" if not _unanswered(rq) else "it was unanswered"
        changes.append(Change(kind, 0, f"question {rq.number} of the report {what}: {tail}"))

    if reworded:
        changes.append(Change("instructions", 0, f"the instructions of {_numbers(reworded)} are worded "
                                                 "differently (same prompt and length)"))
    _checklist(report, template, edits, changes, carried)
    carried += _own_text(report, known)
    text = apply_edits(template.text, edits)
    nl = _newline(report_text)
    appended = ""
    if carried:
        carried.sort(key=lambda piece: piece[0])
        appended = _with_newlines("\n\n".join(piece for _, piece in carried), nl)
        block = nl.join(["", CARRIED_HEADING, "", CARRIED_NOTE, "", appended, ""])
        text = text.rstrip("\r\n") + nl + block
        changes.append(Change("carried", 0, f"{len(carried)} pieces of the report's own text have no place in "
                                            f"the template: kept at the end under '{CARRIED_HEADING[3:]}'"))
    if text == report_text:
        changes = [Change("unchanged", 0, "the report is already written on this template")]
    numbers = {id(q): tq.number for j, q in placed.items() for tq in (template.questions[j],)}
    return Migration(text, tuple(changes), {q.number: numbers[id(q)] for q in placed.values()}, appended)


def summary(migration: Migration) -> list[str]:
    """What changed, one line each, as the command prints it."""
    return [c.text for c in migration.changes]


# -- newlines -----------------------------------------------------------------------------------


def _newline(text: str) -> str:
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def _with_newlines(text: str, nl: str) -> str:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\n", nl) if nl != "\n" else text


# -- title and front matter ---------------------------------------------------------------------


def _title(report: Report, template: Report, edits: list[Edit], changes: list[Change]) -> None:
    """The group's own title stays."""
    rt, tt = report.title, template.title
    if rt is None or tt is None or normalise(rt.title) == normalise(tt.title):
        return
    if any(normalise(rt.title) == normalise(h.title) for h in template.sections):
        return
    edits.append(Edit(tt.span, report.text[rt.span.start : rt.span.end]))
    changes.append(Change("title", 0, f"the report's title is kept: {_quote(rt.title)}"))


def _front_matter(report: Report, template: Report, changes: list[Change]) -> None:
    if (report.front_matter is None) == (template.front_matter is None):
        return
    if template.front_matter is None:
        changes.append(Change("front-matter", 0, "the front matter (---, layout, ---) is gone, as in the template"))
    else:
        changes.append(Change("front-matter", 0, "the template's front matter (---, layout, ---) is added"))


# -- questions ----------------------------------------------------------------------------------


def _place(ours: list[Question], theirs: list[Question]) -> tuple[dict[int, Question], list[tuple[Question, str]]]:
    """Template question index -> the report question whose answer goes there; and the report
    questions without a place (with why: "duplicate" or "no-place"). With as many questions on
    both sides, by number; otherwise by the prompts, keeping the order."""
    first: list[Question] = []
    unplaced: list[tuple[Question, str]] = []
    seen: set[int] = set()
    for q in ours:
        if q.number in seen:
            unplaced.append((q, "duplicate"))
        else:
            seen.add(q.number)
            first.append(q)
    top_ours = max((q.number for q in first), default=0)
    top_theirs = max((q.number for q in theirs), default=0)
    placed: dict[int, Question] = {}
    if top_ours == top_theirs or len(first) > _ALIGN_QUESTIONS or len(theirs) > _ALIGN_QUESTIONS:
        index: dict[int, int] = {}
        for j, tq in enumerate(theirs):
            index.setdefault(tq.number, j)
        for q in first:
            j = index.get(q.number)
            if j is None:
                unplaced.append((q, "no-place"))
            else:
                placed[j] = q
    else:
        pairs = _align([_words(q.instructions.prompt) for q in first], [_words(q.instructions.prompt) for q in theirs])
        taken = set()
        for i, j in pairs:
            placed[j] = first[i]
            taken.add(i)
        unplaced += [(q, "no-place") for i, q in enumerate(first) if i not in taken]
    unplaced.sort(key=lambda pair: pair[0].span.start)
    return placed, unplaced


def _words(text: str | None) -> list[str]:
    return _WORD.findall((text or "")[:_FUZZY_CHARS].lower())


def _similar(a: list[str], b: list[str]) -> float:
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _align(ours: list[list[str]], theirs: list[list[str]]) -> list[tuple[int, int]]:
    """The pairs (i, j), in order in both lists, of the most similar prompts in total, each pair
    at least ``_SIMILAR_PROMPT`` alike."""
    n, m = len(ours), len(theirs)
    score = [[_similar(a, b) for b in theirs] for a in ours]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            here = max(best[i + 1][j], best[i][j + 1])
            if score[i][j] >= _SIMILAR_PROMPT:
                here = max(here, score[i][j] + best[i + 1][j + 1])
            best[i][j] = here
    pairs = []
    i = j = 0
    while i < n and j < m:
        if score[i][j] >= _SIMILAR_PROMPT and best[i][j] == score[i][j] + best[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _unanswered(q: Question) -> bool:
    """Only the placeholder, or nothing, under the label."""
    return not _without_placeholders(q).strip()


def _placeholder_only(q: Question) -> bool:
    """The template's placeholder and nothing else: the new template's own placeholder (with its
    number) takes its place. An answer the group emptied stays empty: the checker counts the
    placeholder as six words."""
    return bool(q.answer.placeholders) and _unanswered(q)


def _without_placeholders(q: Question) -> str:
    a = q.answer
    rest = a.text
    for p in reversed(a.placeholders):
        rest = rest[: p.start - a.span.start] + rest[p.end - a.span.start :]
    return rest


def _answer_text(rq: Question, tq: Question) -> str:
    """The report's answer, closed by the template's own spacing before what follows it."""
    slot = tq.answer.text
    return rq.answer.text.rstrip() + slot[len(slot.rstrip()) :]


def _limits(words, images) -> str:
    out = f"{words[0]}-{words[1]} words" if words else "no length"
    if images:
        out += f" and {images[0]}-{images[1]} figures"
    return out


def _instruction_changes(rq: Question, tq: Question) -> list:
    """The changes in a question's limits and prompt; ["instructions"] when only other words
    changed."""
    ri, ti = rq.instructions, tq.instructions
    out: list = []
    n = tq.number
    if (ri.stated_words, ri.stated_images) != (ti.stated_words, ti.stated_images):
        out.append(Change("limits", n, f"Question {n}: {_limits(ri.stated_words, ri.stated_images)} -> "
                                       f"{_limits(ti.stated_words, ti.stated_images)}"))
    if normalise(ri.prompt or "") != normalise(ti.prompt or ""):
        out.append(Change("prompt", n, f"Question {n} is asked differently: {_quote(ti.prompt)}"))
    elif not out and fingerprint(ri.text) != fingerprint(ti.text):
        return ["instructions"]
    return out


def _numbers(numbers: list[int]) -> str:
    """"question 4" or "questions 3-10, 12 and 14"."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [f"{r[0]}-{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs]
    if len(numbers) == 1:
        return f"question {parts[0]}"
    text = ", ".join(parts)
    head, _, last = text.rpartition(", ")
    return f"questions {head} and {last}" if head else f"questions {text}"


def _short(text: str | None, limit: int = 70) -> str:
    text = normalise(text or "").replace("**", "")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _quote(text: str | None) -> str:
    return f"“{_short(text)}”" if text else "(no prompt)"


# -- the checklist ------------------------------------------------------------------------------


class _Item(NamedTuple):
    item: ChecklistItem
    span: Span  # the item with its continuation lines
    key: str  # its words, lower case, without the module tag
    tag: str  # "M2+M6", "" when it has none
    first: str  # the words of its first line only


def _items(report: Report) -> list[_Item]:
    """Checklist items with the lines that continue them (an item may wrap)."""
    text, lines = report.text, report.lines
    out = []
    for it in report.checklist:
        n = lines.line_of(it.span.start)
        end = it.span.end
        k = n + 1
        while k < lines.line_count and k - n <= 20:
            line = text[lines.starts[k] : lines.line_end(k)]
            if not line.strip() or _ITEM_LINE.match(line) or _HEADING_LINE.match(line):
                break
            end = lines.line_end(k)
            k += 1
        full = normalise(text[it.span.start : end])
        body = full[full.find("]") + 1 :].strip()
        tag = _TAG.search(body)
        key = " ".join(_WORD.findall((body[: tag.start()] if tag else body).lower()))
        first = _TAG.sub("", it.text)
        out.append(_Item(it, Span(it.span.start, end), key, re.sub(r"\s", "", tag.group(1)) if tag else "",
                         " ".join(_WORD.findall(first.lower()))))
    return out


def _checklist(report: Report, template: Report, edits: list[Edit], changes: list[Change],
               carried: list[tuple[int, str]]) -> None:
    ours, theirs = _items(report), _items(template)
    if not theirs:
        gone = [r for r in ours if r.item.checked]
        if gone:
            carried.append((gone[0].span.start, "\n".join(report.text[r.span.start : r.span.end] for r in gone)))
            changes.append(Change("carried", 0, f"the template has no checklist: {len(gone)} ticked items are kept "
                                                "at the end"))
        return
    match, annotated = _match_items(ours, theirs)  # template index -> report index
    for j, t in enumerate(theirs):
        i = match.get(j)
        if j in annotated:  # the group's note after the item's words goes with it
            edits.append(Edit(t.span, report.text[ours[i].span.start : ours[i].span.end]))
            continue
        mark = ours[i].item.mark if i is not None else " "
        if mark != t.item.mark:
            edits.append(Edit(t.item.mark_span, f"[{mark}]"))
    at = len(changes)
    for j, t in enumerate(theirs):
        if j not in match and ours:
            changes.append(Change("new-item", 0, f"new checklist item (unticked): {_quote(_item_text(template, t))}"))
    matched = set(match.values())
    placed = [(ours[i].key, ours[i].item.checked) for i in matched]
    exact = set(placed)
    prefixes = len(placed) * len(ours) <= 1_000_000  # a bounded look for a shorter second copy
    printed = _edition_checklist()
    left = []
    copies = []
    for i, r in enumerate(ours):
        if i in matched:
            continue
        if (r.key, r.item.checked) in exact or prefixes and any(
                checked == r.item.checked and key.startswith(r.key + " ") for key, checked in placed):
            copies.append(r)  # a second copy of an item already placed: nothing of it is lost
        elif r.item.checked or fingerprint(r.item.text) not in printed:
            left.append(r)
        else:
            changes.append(Change("item-gone", 0, f"no longer in the checklist: {_quote(_item_text(report, r))}"))
    twice = len(copies)
    if twice:
        changes.append(Change("item-gone", 0, f"{twice} checklist item{'s' if twice > 1 else ''} the report "
                                              "lists twice: kept once"))
    ticked = sum(1 for r in ours if r.item.checked) - sum(1 for r in copies if r.item.checked)
    kept = sum(1 for i in match.values() if ours[i].item.checked)
    if ours:
        changes.insert(at, Change("ticks", 0, f"{kept} of the report's {ticked} ticks are kept on the same items"))
    if left:
        carried.append((left[0].span.start, "\n".join(report.text[r.span.start : r.span.end] for r in left)))
        for r in left:
            what = "ticked" if r.item.checked else "the report's own"
            changes.append(Change("carried", 0, f"a {what} checklist item the template does not have is kept at "
                                                f"the end: {_quote(_item_text(report, r))}"))


def _item_text(report: Report, item: _Item) -> str:
    body = normalise(report.text[item.span.start : item.span.end])
    return body[body.find("]") + 1 :].strip()


def _match_items(ours: list[_Item], theirs: list[_Item]) -> tuple[dict[int, int], set[int]]:
    """Template item index -> report item index: the same words first (a ticked copy before an
    unticked one), then the same first line (an item that wrapped onto a second line, or lost
    it), then the template's words followed by a note of the group's, then the most alike. Also
    the template items matched with a note."""
    match: dict[int, int] = {}
    used: set[int] = set()
    order = sorted(range(len(ours)), key=lambda i: not ours[i].item.checked)
    for field in ("key", "first"):
        by_key: dict[str, list[int]] = {}
        for i in order:
            if i not in used:
                by_key.setdefault(getattr(ours[i], field), []).append(i)
        for j, t in enumerate(theirs):
            if j in match:
                continue
            for i in by_key.get(getattr(t, field), ()):
                if i not in used:
                    match[j] = i
                    used.add(i)
                    break
    rest_ours = [i for i in order if i not in used]
    rest_theirs = [j for j in range(len(theirs)) if j not in match]
    annotated: set[int] = set()
    if len(rest_ours) > _FUZZY_ITEMS or len(rest_theirs) > _FUZZY_ITEMS:
        return match, annotated
    for j in rest_theirs:  # the group's note after the template's words
        key = theirs[j].key
        if key.count(" ") < 2:
            continue
        for i in rest_ours:
            if i not in used and ours[i].key.startswith(key + " "):
                match[j] = i
                used.add(i)
                annotated.add(j)
                break
    for j in rest_theirs:  # the template's item says more than the old one did
        if j in match:
            continue
        for i in rest_ours:
            key = ours[i].key
            if i not in used and key.count(" ") >= 2 and theirs[j].key.startswith(key + " "):
                match[j] = i
                used.add(i)
                break
    scored = []
    for i in rest_ours:
        if i in used:
            continue
        for j in rest_theirs:
            if j in match:
                continue
            ratio = max(_alike(ours[i].key, theirs[j].key), _alike(ours[i].first, theirs[j].first))
            same_tag = ours[i].tag and ours[i].tag == theirs[j].tag
            if ratio >= _SIMILAR_ITEM or (same_tag and ratio >= _SIMILAR_TAGGED_ITEM):
                scored.append((ratio, -i, -j))
    for ratio, i, j in sorted(scored, reverse=True):
        if -i in used or -j in match:
            continue
        match[-j] = -i
        used.add(-i)
    return match, annotated


def _alike(a: str, b: str) -> float:
    """How alike two short texts are (0 to 1); 0 below the lowest bar that counts."""
    s = SequenceMatcher(None, a[:_FUZZY_CHARS], b[:_FUZZY_CHARS], autojunk=False)
    if s.real_quick_ratio() < _SIMILAR_TAGGED_ITEM or s.quick_ratio() < _SIMILAR_TAGGED_ITEM:
        return 0.0
    return s.ratio()


_EDITION_PRINTS: dict[str, frozenset[str]] = {}


def _edition_checklist() -> frozenset[str]:
    if "checklist" not in _EDITION_PRINTS:
        _EDITION_PRINTS["checklist"] = frozenset(p for e in editions() for p in e.checklist)
    return _EDITION_PRINTS["checklist"]


def _edition_lines() -> frozenset[str]:
    """Fingerprints of what every known edition says outside its answers: the lines of its
    introduction and its instruction blocks."""
    if "lines" not in _EDITION_PRINTS:
        _EDITION_PRINTS["lines"] = frozenset(
            p for e in editions() for p in (*e.preamble, *e.fingerprints.values()))
    return _EDITION_PRINTS["lines"]


# -- the group's own text outside the answers ----------------------------------------------------


class _Known:
    """What the new template says outside its answers, to tell old template words from the
    group's."""

    def __init__(self, template: Report) -> None:
        self.flat = " " + normalise(template.text) + " "
        self.headings = {normalise(h.title).lower() for h in _headings(template)}
        self.paragraphs: list[frozenset[str]] = []
        self.index: dict[str, list[int]] = {}
        for _, body in _paragraphs(template.text, [Span(0, len(template.text))]):
            words = frozenset(_WORD.findall(body.lower()))
            if words:
                for w in words:
                    self.index.setdefault(w, []).append(len(self.paragraphs))
                self.paragraphs.append(words)

    def says(self, paragraph: str) -> bool:
        flat = normalise(paragraph)
        if not flat or f" {flat} " in self.flat or flat in self.flat:
            return True
        prints = _edition_lines()
        if fingerprint(paragraph) in prints:
            return True
        lines = [line for line in paragraph.splitlines() if normalise(line)]
        if lines and all(fingerprint(line) in prints or f" {normalise(line)} " in self.flat for line in lines):
            return True
        words = frozenset(_WORD.findall(paragraph.lower()))
        if not words:
            return True  # marks only: a fence, a rule, a lone '>'
        shared: dict[int, int] = {}
        for w in words:
            for k in self.index.get(w, ()):
                shared[k] = shared.get(k, 0) + 1
        return any(n / len(words | self.paragraphs[k]) >= _SIMILAR_PARAGRAPH for k, n in shared.items())


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
    taken += [i.span for i in _items(report)]
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


def _own_text(report: Report, known: _Known) -> list[tuple[int, str]]:
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


# -- writing the result -------------------------------------------------------------------------


def committed(path: Path) -> bool:
    """Whether ``path``'s bytes are exactly its version in the commit HEAD names (read
    in-process; False when there is no repository or anything cannot be read)."""
    import os

    from .repo import RepoError, Repository

    try:
        real = Path(os.path.realpath(path))
        repo = Repository.discover(real.parent, cap=8 * TEMPLATE_LIMIT)
        if repo is None:
            return False
        with repo:
            head = repo.head()
            if head is None:
                return False
            parts = real.relative_to(Path(os.path.realpath(repo.work_tree))).parts
            return repo.blob_at(head, parts) == real.read_bytes()
    except (RepoError, OSError, ValueError):
        return False


def write_atomically(path: Path, text: str, *, bom: bool = False, like: Path | None = None) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file beside it, so that a failure
    half-way leaves the old file whole; with the permissions of ``like`` when given."""
    import os
    import tempfile

    data = (("\ufeff" if bom else "") + text).encode("utf-8", "surrogatepass")
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if like is not None and like.exists():
            os.chmod(temp, like.stat().st_mode & 0o7777)
        else:
            os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask
