"""Which answer goes under which question of the template, and what the template asks otherwise."""

from __future__ import annotations

from difflib import SequenceMatcher

from ..editions.fingerprint import fingerprint, normalise
from ..parse import Question
from .model import FUZZY_CHARS, WORD, Change, quote

_ALIGN_QUESTIONS = 80  # more questions than this are placed by number only
_SIMILAR_PROMPT = 0.5


def place(ours: list[Question], theirs: list[Question]) -> tuple[dict[int, Question], list[tuple[Question, str]]]:
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
            at = index.get(q.number)
            if at is None:
                unplaced.append((q, "no-place"))
            else:
                placed[at] = q
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
    return WORD.findall((text or "")[:FUZZY_CHARS].lower())


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


def unanswered(q: Question) -> bool:
    """Only the placeholder, or nothing, under the label."""
    return not _without_placeholders(q).strip()


def placeholder_only(q: Question) -> bool:
    """The template's placeholder and nothing else: the new template's own placeholder (with its
    number) takes its place. An answer the group emptied stays empty: the checker counts the
    placeholder as six words."""
    return bool(q.answer.placeholders) and unanswered(q)


def _without_placeholders(q: Question) -> str:
    a = q.answer
    rest = a.text
    for p in reversed(a.placeholders):
        rest = rest[: p.start - a.span.start] + rest[p.end - a.span.start :]
    return rest


def answer_text(rq: Question, tq: Question) -> str:
    """The report's answer, closed by the template's own spacing before what follows it."""
    slot = tq.answer.text
    return rq.answer.text.rstrip() + slot[len(slot.rstrip()) :]


def _limits(words, images) -> str:
    out = f"{words[0]}-{words[1]} words" if words else "no length"
    if images:
        out += f" and {images[0]}-{images[1]} figures"
    return out


def instruction_changes(rq: Question, tq: Question) -> list:
    """The changes in a question's limits and prompt; ["instructions"] when only other words
    changed."""
    ri, ti = rq.instructions, tq.instructions
    out: list = []
    n = tq.number
    if (ri.stated_words, ri.stated_images) != (ti.stated_words, ti.stated_images):
        out.append(
            Change(
                "limits",
                n,
                f"Question {n}: {_limits(ri.stated_words, ri.stated_images)} -> "
                f"{_limits(ti.stated_words, ti.stated_images)}",
            )
        )
    if normalise(ri.prompt or "") != normalise(ti.prompt or ""):
        out.append(Change("prompt", n, f"Question {n} is asked differently: {quote(ti.prompt)}"))
    elif not out and fingerprint(ri.text) != fingerprint(ti.text):
        return ["instructions"]
    return out


def numbers_in_words(numbers: list[int]) -> str:
    """ "question 4" or "questions 3-10, 12 and 14"."""
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
