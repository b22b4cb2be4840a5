"""The documents the benchmarks run on: the bundled example, the real reports in ../shared when
present, and synthetic reports 10 and 100 times larger made by repeating a report's question
segments with their headings renumbered."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mlops_report.parse import parse

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "reports" / "README.md"
SHARED = ROOT.parent / "shared" / "reports"
_NUMBER = re.compile(r"(question[ \t]+)(\d+)", re.IGNORECASE)
TYPED = " and then the team wrote one more careful sentence about it"


@dataclass(frozen=True)
class Doc:
    name: str
    text: str
    questions: int
    edit_at: int  # an offset inside one answer, between two words, where typing starts

    @property
    def size(self) -> str:
        return f"{len(self.text) / 1024:.0f} KiB"


def read(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text[1:] if text.startswith("\ufeff") else text


def shared_reports() -> list[Path]:
    return sorted(SHARED.glob("*/reports/README.md")) if SHARED.is_dir() else []


def edit_point(text: str) -> int:
    """Between two words in the middle of the answer nearest the middle of the report that has
    real text (not a placeholder)."""
    report = parse(text)
    qs = report.questions
    order = sorted(range(len(qs)), key=lambda i: abs(i - len(qs) // 2))
    for i in order:
        a = qs[i].answer
        if a.placeholders or a.words < 20:
            continue
        mid = a.span.start + len(a.text) // 2
        space = text.find(" ", mid, a.span.end)
        if space > 0:
            return space
    raise ValueError("no answer with text to edit")


def doc(name: str, text: str) -> Doc:
    return Doc(name, text, len(parse(text).questions), edit_point(text))


def scaled(text: str, times: int) -> str:
    """``text`` with its question segments repeated ``times`` times, numbered 1..N in order.

    What comes after the last question (nothing, in the template) stays at the end; the
    checklist and sections before the first question stay where they are."""
    report = parse(text)
    first, last = report.questions[0].span.start, report.questions[-1].span.end
    segments = [text[q.heading.span.start : q.span.end] for q in report.questions]
    out = [text[:first]]
    n = 0
    for _ in range(times):
        for seg in segments:
            n += 1
            head_end = seg.find("\n")
            out.append(_NUMBER.sub(lambda m, n=n: f"{m.group(1)}{n}", seg[:head_end], count=1) + seg[head_end:])
    out.append(text[last:])
    return "".join(out)


def variant(text: str, k: int) -> str:
    """A distinct report of the same shape: ``k`` extra words at the end of every answer."""
    report = parse(text)
    extra = " " + " ".join(f"variant{k}word{j}" for j in range(k % 7 + 1))
    out, pos = [], 0
    for q in report.questions:
        end = q.answer.span.end
        body = text[q.answer.span.start : end].rstrip()
        cut = q.answer.span.start + len(body)
        out += [text[pos:cut], extra if body else ""]
        pos = cut
    out.append(text[pos:])
    return "".join(out)


def documents(quick: bool = False) -> tuple[list[Doc], list[Doc]]:
    """(the 31-question-size documents, the scaling series 1x/10x/100x of the example); quick:
    the example alone, at 1x/2x/4x."""
    base = read(EXAMPLE)
    real = [doc("example (bundled)", base)]
    for p in [] if quick else shared_reports():
        real.append(doc(f"shared: {p.parents[1].name}", read(p)))
    factors = (1, 2, 4) if quick else (1, 10, 100)
    series = [doc(f"example x{f}", scaled(base, f) if f > 1 else base) for f in factors]
    return real, series


_BETWEEN_WORDS = re.compile(r"\w \w")
PLACES = ("answer", "instructions", "heading", "checklist")


def edit_points(text: str) -> dict[str, int]:
    """Where typing starts in each kind of place: between two words of an answer (``edit_point``)
    and of an instruction block, at the end of a question's heading line and of a checklist
    item, each nearest the middle of the report. A place the report lacks is left out."""
    report = parse(text)
    out = {"answer": edit_point(text)}
    qs = report.questions
    middle = sorted(qs, key=lambda q: abs(q.number - qs[len(qs) // 2].number)) if qs else []
    for q in middle:
        ins = q.instructions
        end = ins.label.start if ins.label is not None else ins.span.end
        between = _BETWEEN_WORDS.search(text, ins.span.start + (end - ins.span.start) // 2, end)
        if between is not None:
            out["instructions"] = between.start() + 1
            break
    if middle:
        out["heading"] = middle[0].heading.span.end
    if report.checklist:
        out["checklist"] = report.checklist[len(report.checklist) // 2].span.end
    return out
