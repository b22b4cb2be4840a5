"""Synthetic exam reports, in our own words, for tests and examples.

A built report has the structure of a real one (title, checklist, sections, ``### Question N``
headings, quoted instructions with a bold prompt, a length line, an example and the
``Answer:`` label, then the placeholder) and states the limits of the chosen edition, so the
engine recognises the edition by its shape. None of the course's sentences are used.

    b = ReportBuilder("2026")
    b.answer(4, words(150))          # a 150-word answer to question 4
    b.figures(14, "figures/loss.png")
    text = b.build()
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "server") not in sys.path:
    sys.path.insert(0, str(ROOT / "server"))

from mlops_report.editions import by_id  # noqa: E402

_VOCAB = [
    "we",
    "trained",
    "a",
    "small",
    "model",
    "on",
    "the",
    "data",
    "and",
    "logged",
    "every",
    "run",
    "so",
    "that",
    "the",
    "team",
    "could",
    "compare",
    "results",
    "across",
    "machines",
    "while",
    "the",
    "pipeline",
    "kept",
    "images",
    "tests",
    "and",
    "configs",
    "in",
    "one",
    "place",
]

SECTIONS_31 = [
    (1, "Group details"),
    (4, "Local setup"),
    (7, "Versioning"),
    (12, "Experiments"),
    (17, "Cloud"),
    (23, "Serving"),
    (27, "Looking back"),
]
SECTIONS_27 = [
    (1, "Group details"),
    (3, "Local setup"),
    (7, "Versioning"),
    (12, "Experiments"),
    (17, "Cloud"),
    (22, "Serving"),
    (24, "Looking back"),
]

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005010102a5e0d5f70000000049454e44ae426082"
)


def words(n: int, start: int = 0) -> str:
    """``n`` plain words, wrapped at about 12 words a line."""
    out = [_VOCAB[(start + i) % len(_VOCAB)] for i in range(n)]
    lines = [" ".join(out[i : i + 12]) for i in range(0, len(out), 12)]
    return "\n".join(lines)


class ReportBuilder:
    def __init__(self, edition: str = "2026", *, checklist: bool = True, newline: str = "\n") -> None:
        e = by_id(edition)
        if e is None:
            raise ValueError(f"unknown edition {edition}")
        self.edition = e
        self.newline = newline
        self.checklist = checklist
        self.count = e.questions
        self.answers: dict[int, str] = {}
        self.after_label: dict[int, str] = {}
        self.headings: dict[int, str | None] = {}
        self.instruction_blocks: dict[int, str] = {}
        self.marks: dict[int, str] = {}
        self.trailer = ""
        self.prefix = ""

    # -- answers ---------------------------------------------------------------------------------

    def answer(self, n: int, text: str) -> ReportBuilder:
        """Replace question ``n``'s placeholder with ``text``."""
        self.answers[n] = text
        return self

    def figures(self, n: int, *paths: str, words_before: int | None = None) -> ReportBuilder:
        """An answer with enough words for its limits and these inline figures."""
        body = words(words_before) if words_before is not None else self.passing_text(n, with_figures=False)
        links = "\n\n".join(f"![{Path(p).stem}]({p})" for p in paths)
        return self.answer(n, f"{body}\n\n{links}" if body else links)

    def on_label_line(self, n: int, text: str) -> ReportBuilder:
        """Text typed right after ``Answer:``, on the label line."""
        self.after_label[n] = text
        return self

    def heading(self, n: int, line: str | None) -> ReportBuilder:
        """Replace question ``n``'s heading line (None deletes it)."""
        self.headings[n] = line
        return self

    def instructions(self, n: int, block: str) -> ReportBuilder:
        """Replace question ``n``'s whole instruction block (without the heading)."""
        self.instruction_blocks[n] = block
        return self

    def mark(self, item: int, mark: str) -> ReportBuilder:
        """Put ``mark`` between the brackets of checklist item ``item`` (0-based)."""
        self.marks[item] = mark
        return self

    def trailing(self, text: str) -> ReportBuilder:
        self.trailer = text
        return self

    def passing_text(self, n: int, with_figures: bool = True) -> str:
        """An answer that meets question ``n``'s limits."""
        lim = self.edition.limits.get(n)
        if n == 1:
            return "42"
        if n == 2:
            return "s123456, s234567, s345678"
        if lim is None or lim.words is None:
            body = words(20, n)
        else:
            body = words(max(lim.words[0], (lim.words[0] + lim.words[1]) // 2 - 4), n)
        if with_figures and lim is not None and lim.images is not None:
            body += "\n\n" + "\n\n".join(f"![figure {i}](figures/q{n}_{i}.png)" for i in range(lim.images[0]))
        return body

    def fill_all(self) -> ReportBuilder:
        for n in range(1, self.count + 1):
            self.answers.setdefault(n, self.passing_text(n))
        return self

    def needed_figures(self) -> list[str]:
        """The figure files a ``fill_all`` report links."""
        out = []
        for n, lim in self.edition.limits.items():
            if lim.images is not None:
                out += [f"figures/q{n}_{i}.png" for i in range(lim.images[0])]
        return out

    # -- output ----------------------------------------------------------------------------------

    def _instruction_block(self, n: int) -> str:
        if n in self.instruction_blocks:
            return self.instruction_blocks[n]
        stated = self.edition.stated.get(n)
        lines = []
        prompt = f"Tell us about part {n} of the project"
        if stated is not None and stated.images is not None and stated.words is None:
            lo, hi = stated.images
            prompt = f"Add {lo}-{hi} images that show part {n} of the project"
        lines.append(f"> **{prompt}.**")
        lines.append(">")
        if stated is not None and stated.words is not None:
            lo, hi = stated.words
            extra = ""
            if stated.images is not None:
                extra = f" + {stated.images[0]} to {stated.images[1]} screenshots"
            lines.append(f"> Recommended answer length: {lo}-{hi} words{extra}.")
            lines.append(">")
        if n != 1:
            lines.append("> Example:")
            lines.append(f"> *An answer could name the tools used for part {n} and why.*")
            lines.append(">")
        lines.append("> Answer:")
        return "\n".join(lines)

    def build(self) -> str:
        nl = "\n"
        out = [self.prefix + "# Synthetic exam report", "", "A report written by the mlops-report test builder.", ""]
        if self.checklist:
            out += ["## Project checklist", ""]
            item = 0
            for group in ("Week 1", "Week 2", "Week 3", "Extra"):
                out += [f"### {group}", ""]
                for k in range(3):
                    mark = self.marks.get(item, " ")
                    out.append(f"* [{mark}] Task {k + 1} of {group.lower()}")
                    item += 1
                out.append("")
        sections = dict(SECTIONS_31 if self.count == 31 else SECTIONS_27)
        for n in range(1, self.count + 1):
            if n in sections:
                out += [f"## {sections[n]}", ""]
            heading = self.headings.get(n, f"### Question {n}")
            if heading is not None:
                out.append(heading)
            block = self._instruction_block(n)
            if n in self.after_label:
                block += " " + self.after_label[n]
            out.append(block)
            out.append("")
            out.append(self.answers.get(n, f"--- question {n} fill here ---"))
            out.append("")
        text = nl.join(out)
        if self.trailer:
            text += nl + self.trailer + nl
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        return text

    def write(self, folder: Path, *, figures: list[str] | None = None) -> Path:
        """Write ``folder/reports/README.md`` and the figure files; returns the report's path."""
        reports = folder / "reports"
        (reports / "figures").mkdir(parents=True, exist_ok=True)
        for rel in figures if figures is not None else self.needed_figures():
            p = reports / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(PNG_1PX)
        path = reports / "README.md"
        path.write_bytes(self.build().encode("utf-8"))
        return path
