"""Hypothesis strategies: arbitrary text, and built reports hit by the edits a group makes
(deleted headings, a stray ``Answer:``, ``##``, emoji, odd line breaks, NUL, very long lines),
and hostile pastes: the inputs that make a backtracking pattern or a quadratic scan freeze."""

from __future__ import annotations

from pathlib import Path

from hypothesis import strategies as st

from mlops_report.disk import Disk
from tests.builder import ReportBuilder, words

EDITIONS = ("2023", "2024", "2025", "2026", "2022-12-29_58831729", "2024-12-22_4eb18892")
NEWLINES = ("\n", "\r\n", "\r")

# pieces a group types or pastes; each one has tripped a markdown tool somewhere
SNIPPETS = (
    "Answer:",
    "> Answer:",
    "##",
    "###",
    "## Heading",
    "### Question 7",
    "#### Notes",
    "#",
    "\n### Question 40\n",
    "\n## Section\n",
    "\n---\n",
    "--- question 5 fill here ---",
    "--- our answer ---",
    "---",
    "```",
    "```python\n## comment\n",
    "~~~",
    "\n```\n",
    "`",
    "``x``",
    "![loss](figures/loss.png)",
    "![a\nb](figures/q14_0.png)",
    "![x](figures/Q14_0.PNG)",
    '<img src="figures/q19_0.png">',
    "<img src='../../etc/passwd'>",
    "![r][ref]",
    "\n[ref]: figures/q20_0.png\n",
    "[plain](figures/q21_0.png)",
    "![abs](/etc/passwd)",
    "![up](../../etc/passwd)",
    "![url](file:///etc/passwd)",
    "![w](C:\\x.png)",
    "![d](docs/x.png)",
    "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "<div>",
    "* [?] odd",
    "* [x] done",
    "s12345",
    "s1234567",
    "😀",
    "👩‍👩‍👧",
    "\u2028",
    "\u2029",
    "\x0c",
    "\x0b",
    "\x1c",
    "\x85",
    "\r",
    "\n",
    "\r\n",
    "\t",
    "\x00",
    "\ufeff",
    "\u200b",
    "\ud800",
    "\U0001f600" * 3,
    "é",
    "e\u0301",
    "Answer",
    "Answer:Answer:",
)

_alphabet = st.one_of(
    st.characters(codec="utf-8"),
    st.sampled_from(["\r", "\n", "#", " ", "-", "!", "[", "]", "(", ")", ">", "`", ":", "\u2028", "\ud800"]),
)
any_text = st.text(alphabet=_alphabet, max_size=400)


def _backtick_runs(n: int) -> str:
    """Runs of 1, 2, 3, ... backticks: none closes another (about n characters)."""
    out, k, size = [], 1, 0
    while size < n:
        out.append("`" * k)
        size += k + 1
        k += 1
    return " ".join(out)


# pastes that make a backtracking pattern or a quadratic scan freeze (issue "Safe on any repository and any
# text"), each as a function of its size in characters
HOSTILE = {
    "brackets": lambda n: "[" * n,
    "image openings": lambda n: "![" * (n // 2),
    "images never closed": lambda n: "![a](" * (n // 5),
    "image titles never closed": lambda n: '![a]( "' * (n // 7),
    "a reference definition, then brackets": lambda n: "[a]: figures/x.png\n" + "[" * n,
    "backticks after a bracket": lambda n: "[x] " + "`" * n,
    "backtick runs after a bracket": lambda n: "[x] " + _backtick_runs(n),
    "a heading of blanks": lambda n: "#### a" + " " * n + "b",
    "figures on one line": lambda n: "![a](figures/q14_0.png)" * (n // 23),
    "html images never closed": lambda n: "<img src=" * (n // 9),
    "a run of digits": lambda n: "9" * n,
    "a question number of many digits": lambda n: "\n### Question " + "9" * n + "\n",
    "a length line of many digits": lambda n: "> Recommended answer length: " + "1" * n + "-200 words",
    "placeholders on one line": lambda n: "x --- question 4 fill here ---" * (n // 30),
    "one long word": lambda n: "x" * n,
    "question headings": lambda n: "### Question 5\n> Answer:\n" * (n // 26),
}


def hostile_text(max_size: int = 2000):
    """One hostile paste of at most ``max_size`` characters."""
    return st.builds(lambda make, n: make(n), st.sampled_from(list(HOSTILE.values())), st.integers(1, max_size))


@st.composite
def edit(draw, length: int):
    """(start, end, inserted) for a document of ``length`` characters."""
    start = draw(st.integers(0, length))
    span = draw(st.one_of(st.just(0), st.integers(0, 40), st.integers(0, 2000)))
    end = min(length, start + span)
    piece = draw(
        st.one_of(
            st.sampled_from(SNIPPETS),
            st.lists(st.sampled_from(SNIPPETS), min_size=1, max_size=4).map("".join),
            st.text(alphabet=_alphabet, max_size=30),
            st.just(""),
        )
    )
    return start, end, piece


def apply(text: str, e: tuple[int, int, str]) -> str:
    start, end, piece = e
    start, end = min(start, len(text)), min(end, len(text))
    return text[:start] + piece + text[end:]


@st.composite
def base_report(draw) -> str:
    b = ReportBuilder(
        draw(st.sampled_from(EDITIONS)), checklist=draw(st.booleans()), newline=draw(st.sampled_from(NEWLINES))
    )
    if draw(st.booleans()):
        b.fill_all()
    for n in draw(st.lists(st.integers(1, b.count), max_size=4)):
        b.answer(n, words(draw(st.integers(0, 260)), n))
    tail = draw(st.integers(0, 9))
    if tail == 0:
        b.trailing("## References\n\n" + words(30))
    elif tail == 1:  # a label after the last question: the checker's last answer starts there
        b.trailing("## Notes\n\nAnswer: " + words(draw(st.integers(0, 40))))
    return b.build()


def _structural(text: str, rnd: int, kind: str) -> str:
    """Edits that need to find something in the report first."""
    lines = text.splitlines(keepends=True)
    if kind == "drop-heading":
        idx = [i for i, ln in enumerate(lines) if ln.startswith("### Question")]
        if idx:
            del lines[idx[rnd % len(idx)]]
    elif kind == "long-line":
        at = rnd % (len(lines) + 1)
        lines.insert(at, ("word " * 20000)[:100_000] + "\n")
    elif kind == "long-token":
        at = rnd % (len(lines) + 1)
        lines.insert(at, "x" * 100_000)
    elif kind == "duplicate":
        if lines:
            a = rnd % len(lines)
            lines[a:a] = lines[a : a + 1 + rnd % 40]
    elif kind == "line-endings":
        return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", NEWLINES[rnd % 3])
    return "".join(lines)


@st.composite
def mutated_report(draw, max_edits: int = 6, hostile: int = 2000) -> tuple[str, str]:
    """(the built report, the report after random edits); a hostile paste has at most
    ``hostile`` characters."""
    base = draw(base_report())
    text = base
    for _ in range(draw(st.integers(1, max_edits))):
        if draw(st.integers(0, 4)) == 0:
            kind = draw(
                st.sampled_from(
                    (
                        "drop-heading",
                        "drop-heading",
                        "duplicate",
                        "line-endings",
                        "long-line",
                        "long-token",
                        "hostile",
                        "hostile",
                    )
                )
            )
            if kind.startswith("long") and draw(st.integers(0, 5)):
                kind = "drop-heading"  # keep the 100 000-character lines rare: they are slow
            if kind == "hostile":
                lines = text.splitlines(keepends=True)
                at = draw(st.integers(0, len(lines)))
                text = "".join(lines[:at]) + draw(hostile_text(hostile)) + "\n" + "".join(lines[at:])
            else:
                text = _structural(text, draw(st.integers(0, 10_000)), kind)
        else:
            text = apply(text, draw(edit(len(text))))
    return base, text


def fake_disk(extra: tuple[str, ...] = ()) -> Disk:
    """The files of a report folder with the builder's figures and some traps, never read."""
    files = [f"figures/q{n}_{i}.png" for n in (14, 19, 20, 21, 25, 29) for i in range(3)]
    files += ["figures/loss.png", "figures/Loss_Curve.PNG", "docs/x.png", "README.md", "loss.png", *extra]
    lower: dict[str, str] = {}
    for f in files:
        lower.setdefault(f.lower(), f)
    return Disk(Path("/nonexistent/reports"), frozenset(files), False, lower)


disks = st.one_of(st.none(), st.just(fake_disk()), st.just(fake_disk(("figures/unlinked.png",))))
