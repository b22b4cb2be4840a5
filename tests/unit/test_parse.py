"""The document model: every element with its exact span."""

from __future__ import annotations

from mlops_report.parse import parse
from mlops_report.text import LineIndex
from tests.builder import ReportBuilder, words


def at(text: str, span) -> str:
    return text[span.start : span.end]


def test_front_matter_title_introduction_sections():
    body = ReportBuilder("2024").fill_all().build()
    text = "---\nlayout: default\nnav_exclude: true\n---\n\n" + body
    r = parse(text)
    assert (
        at(text, r.front_matter).startswith("---\nlayout") and r.front_matter.end == 42
    )  # the blank line after it is not part of it
    assert r.title.title == "Synthetic exam report" and r.title.level == 1
    assert at(text, r.introduction) == "A report written by the mlops-report test builder."
    assert [s.title for s in r.sections][:2] == ["Project checklist", "Group details"]


def test_checklist_groups_items_and_marks():
    text = ReportBuilder("2026").fill_all().mark(0, "x").mark(1, "X").mark(2, "✅").build()
    r = parse(text)
    assert [g.title for g in r.checklist_groups] == ["Week 1", "Week 2", "Week 3", "Extra"]
    assert len(r.checklist) == 12
    first, second, third, fourth = r.checklist[:4]
    assert (first.group, first.text, first.checked, first.standard) == ("Week 1", "Task 1 of week 1", True, True)
    assert second.checked and second.standard
    assert third.checked and not third.standard and at(text, third.mark_span) == "[✅]"
    assert not fourth.checked and fourth.standard
    assert at(text, first.span) == "* [x] Task 1 of week 1"


def test_question_parts():
    text = ReportBuilder("2026").fill_all().answer(14, words(210) + "\n\n![loss](figures/loss.png)").build()
    r = parse(text)
    assert [q.number for q in r.questions] == list(range(1, 32))
    q = r.question(14)
    assert at(text, q.heading.span) == "### Question 14" and q.section == "Experiments"
    ins = q.instructions
    assert ins.prompt == "Tell us about part 14 of the project."
    assert ins.limit_line.startswith("Recommended answer length: 200-300 words")
    assert ins.stated_words == (200, 300) and ins.stated_images == (1, 3)
    assert ins.has_example and "tools used for part 14" in ins.example
    assert at(text, ins.label) == "Answer:" and ins.quoted
    a = q.answer
    assert a.words == 211  # the answer's own words; the image is one token
    (fig,) = a.figures
    assert (fig.kind, fig.target, fig.alt, fig.counted) == ("inline", "figures/loss.png", "loss", True)
    assert at(text, fig.span) == "![loss](figures/loss.png)" and at(text, fig.target_span) == "figures/loss.png"


def test_placeholders_wrappers_and_fences():
    text = (
        ReportBuilder("2026")
        .fill_all()
        .answer(4, words(10) + "\n\n--- question 4 fill here ---")
        .answer(5, "--- " + words(10).replace("\n", " ") + " ---")
        .answer(6, words(5) + "\n\n```python\n## not a heading\nx = 1\n```\n")
        .answer(7, "--- question 7 fill here ---")
    ).build()
    r = parse(text)
    q4, q5, q6, q7 = (r.question(n) for n in (4, 5, 6, 7))
    assert [at(text, p) for p in q4.answer.placeholders] == ["--- question 4 fill here ---"]
    assert q4.answer.words == 10
    assert [at(text, s) for s in q5.answer.wrapper] == ["---", "---"] and q5.answer.words == 10
    (fence,) = q6.answer.blocks
    assert fence.kind == "fence" and fence.info == "python" and at(text, fence.span).endswith("```")
    assert q7.answer.is_empty


def test_figures_in_every_form():
    text = (
        ReportBuilder("2026")
        .fill_all()
        .answer(
            14,
            "\n\n".join(
                [
                    "![a](figures/a.png)",
                    '<img src="figures/b.png" width="10">',
                    "![c][ref]",
                    "[d](figures/d.jpg)",
                    "![e\nsplit](figures/e.png)",
                    "`![not](a figure.png)`",
                    "[ref]: figures/c.png",
                ]
            ),
        )
        .build()
    )
    q = parse(text).question(14)
    assert [(f.kind, f.counted) for f in q.answer.figures] == [
        ("inline", True),
        ("html", False),
        ("reference", False),
        ("link", False),
        ("inline", False),
    ]
    assert [f.target for f in q.answer.figures] == [
        "figures/a.png",
        "figures/b.png",
        "ref",
        "figures/d.jpg",
        "figures/e.png",
    ]


def test_spans_are_code_points_and_survive_crlf():
    b = ReportBuilder("2026").fill_all().answer(2, "😀 s123456")
    lf, crlf = b.build(), ReportBuilder("2026", newline="\r\n").fill_all().answer(2, "😀 s123456").build()
    for text in (lf, crlf):
        q = parse(text).question(2)
        assert at(text, q.answer.span).strip() == "😀 s123456"
    assert [q.number for q in parse(crlf).questions] == [q.number for q in parse(lf).questions]


def test_bom_keeps_the_title():
    text = "\ufeff" + ReportBuilder("2026").fill_all().build()
    r = parse(text)
    assert r.title is not None and r.title.span.start == 1


def test_lines_break_only_the_lsp_way():
    text = "a\u2028b\x0cc\rd\r\ne\nf"
    idx = LineIndex(text)
    assert idx.line_count == 4
    assert [idx.line_text(n) for n in range(4)] == ["a\u2028b\x0cc", "d", "e", "f"]
    assert idx.position(text.index("d")) == (1, 0)
    assert idx.offset(3, 99) == len(text)


def test_not_a_report():
    assert not parse("# Notes\n\nJust notes. Answer: no.\n").is_report
    assert not parse("").is_report


# -- fences inside list items and block quotes, as CommonMark (markdown-it) closes them ---------

from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from mlops_report.analysis import Analyzer  # noqa: E402
from mlops_report.blocks import scan  # noqa: E402
from mlops_report.parse import markdown, scan_headings  # noqa: E402
from mlops_report.scan import heading_line  # noqa: E402


def test_a_fence_in_a_list_item_closed_four_spaces_in_keeps_every_later_question():
    # the closing fence is indented past the margin by the item's content indent plus one:
    # CommonMark closes the fence there, and every question after it is still a question
    steps = "1. We built the image:\n\n   ```bash\n   docker build -t app .\n    ```\n\n2. Then we ran it."
    text = (
        ReportBuilder("2026")
        .fill_all()
        .answer(10, words(120) + "\n\n" + steps)
        .figures(19, "figures/bucket.png")
        .build()
    )
    r = parse(text)
    assert [q.number for q in r.questions] == list(range(1, 32))
    assert "docker build" in r.question(10).answer.text and "Then we ran it" in r.question(10).answer.text
    assert [f.target for f in r.question(19).answer.figures] == ["figures/bucket.png"]
    codes = [f.code for f in Analyzer().analyse(text).findings]
    assert "question-missing" not in codes and "checker-crash" not in codes


def test_a_fence_opened_on_the_item_line_ends_with_the_item():
    # "- ```" opens a fence inside the item; the fence ends where the item ends, so the
    # "  ```" of the next item's code block cannot swallow the headings below
    answer = "- ```\n  pip install .\n  ```\n- the second step\n\n  ```\n  make test\n  ```"
    text = ReportBuilder("2026").fill_all().answer(5, words(120) + "\n\n" + answer).build()
    assert [q.number for q in parse(text).questions] == list(range(1, 32))


def _markdown_it_fenced(text: str) -> set[int]:
    out: set[int] = set()
    for tok in markdown().parse(text):
        if tok.type == "fence" and tok.map is not None:
            out.update(range(tok.map[0], tok.map[1]))
    return out


def _our_fenced(text: str) -> set[int]:
    return {n for first, last in scan(text, LineIndex(text)).fences for n in range(first, last + 1)}


_WORDS = [
    "alpha",
    "# not a heading",
    "### Question 3",
    "`x`",
    "``",
    "~~",
    "- dash",
    "> gt",
    "1. one",
    "2) two",
    "---",
    "===",
    "* * *",
    "-",
    "2.",
    "\ttab",
    "    indented",
    "```",
    "~~~",
]


@st.composite
def _fence(draw):
    ch = draw(st.sampled_from("`~"))
    n = draw(st.integers(3, 5))
    body = draw(
        st.lists(
            st.sampled_from(
                [
                    "# comment",
                    "## also",
                    "code",
                    "",
                    ch * 3,
                    ch * (n + 1),
                    "   " + ch * n,
                    "    " + ch * n,
                    ("~" if ch == "`" else "`") * 3,
                ]
            ),
            max_size=4,
        )
    )
    lines = [(0, ch * n + draw(st.sampled_from(["", "python", " x", "a`b"])))] + [(0, b) for b in body]
    close = draw(st.one_of(st.none(), st.tuples(st.integers(0, 6), st.integers(2, 6), st.sampled_from(["", " ", "x"]))))
    if close is not None:
        lines.append((close[0], ch * close[1] + close[2]))
    return lines


@st.composite
def _block(draw, depth):
    # containers mostly at the top, fences mostly inside them: where the two disagree
    containers = ["list", "list", "quote"] * (3 if depth == 0 else 1) if depth < 4 else []
    kind = draw(
        st.sampled_from(["fence", "paragraph", "heading", "blank", "code"] + ["fence"] * 2 * (depth > 0) + containers)
    )
    if kind == "fence":
        return draw(_fence())
    if kind == "paragraph":
        return [
            (draw(st.integers(0, 2)), " ".join(draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3))))
            for _ in range(draw(st.integers(1, 2)))
        ]
    if kind == "heading":
        return [(draw(st.integers(0, 4)), "#" * draw(st.integers(1, 4)) + " Heading")]
    if kind == "blank":
        return [(0, draw(st.sampled_from(["", " ", "\t"])))]
    if kind == "code":
        return [(4, draw(st.sampled_from(["```", "code", "# x", "~~~"])))]
    inner = [line for b in draw(st.lists(_block(depth + 1), min_size=1, max_size=3)) for line in b]
    if kind == "quote":
        return [
            (
                0,
                ("" if draw(st.integers(0, 9)) == 0 else draw(st.sampled_from(["> ", ">", " > "])))
                + " " * extra
                + text,
            )
            for extra, text in inner
        ]
    marker = draw(st.sampled_from(["-", "*", "+", "1.", "2.", "10.", "1)", " -", "  1.", "   *"]))
    sep = draw(st.sampled_from([" ", " ", "\t"])) * draw(st.integers(1, 5))
    width = len(marker) + len(sep)
    out = []
    for i, (extra, text) in enumerate(inner):
        if i == 0:
            out.append((0, marker + sep + " " * extra + text))
        else:  # the item's own indent mostly; sometimes one less, one more, or none (a lazy line)
            shift = draw(st.sampled_from([width, width, width, width - 1, 0, width + 1]))
            out.append((0, " " * (shift + extra) + text if text else ""))
    if draw(st.booleans()):
        out += [(0, "")] * draw(st.integers(0, 1)) + [(0, marker + " second item")]
    return out


@st.composite
def nested_containers(draw):
    lines = []
    for b in draw(st.lists(_block(0), min_size=1, max_size=5)):
        lines += [" " * extra + text if text else "" for extra, text in b]
        if draw(st.booleans()):
            lines.append("")
    nl = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    return nl.join(lines) + draw(st.sampled_from(["", nl]))


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(nested_containers())
@example("1. a\n\n   ```bash\n   # b\n    ```\n\n# Next\n")  # closed four spaces in
@example("- ```\n  # x\n  ```\n- y\n\n  ```\n  z\n  ```\n# Next")  # opened on the item line
@example("> ```\n> # x\n\n# Next\n")  # in a quote
def test_fenced_lines_are_the_ones_markdown_it_fences(text):
    fenced = _markdown_it_fenced(text)
    assert _our_fenced(text) == fenced
    # the heading scan skips exactly those lines
    lines = LineIndex(text)
    candidates = {n for n in range(lines.line_count) if heading_line(lines.line_text(n).lstrip("\ufeff"))}
    assert {h.line for h in scan_headings(text, lines)} == candidates - fenced


# -- the checklist under any heading level ------------------------------------------------------

import pytest  # noqa: E402


@pytest.mark.parametrize(
    "old, new",
    [
        ("### Week", "## Week"),  # the groups promoted to sections
        ("## Project checklist\n", "## Project checklist\n\n# Everything we did\n"),  # a '#' heading after it
        ("## Project checklist", "# Project checklist"),  # the checklist heading itself at level 1
        ("## Project checklist", "### Project checklist"),  # or at level 3
    ],
)
def test_the_checklist_is_found_under_any_heading_level(old, new):
    text = ReportBuilder("2026").fill_all().mark(0, "x").mark(11, "x").build().replace(old, new)
    r = parse(text)
    assert len(r.checklist) == 12
    assert [i.text for i in r.checklist if i.checked] == ["Task 1 of week 1", "Task 3 of extra"]
    assert [g.title for g in r.checklist_groups][-4:] == ["Week 1", "Week 2", "Week 3", "Extra"]
    assert r.checklist[4].group == "Week 2"
    assert [q.number for q in r.questions] == list(range(1, 32))


def test_the_checklist_ends_at_the_first_section_without_items():
    # the groups promoted to sections; a task list in an answer further down is not the checklist
    text = ReportBuilder("2026").fill_all().answer(5, words(120) + "\n\n* [x] tests\n* [ ] docs").build()
    r = parse(text.replace("### Week", "## Week"))
    assert len(r.checklist) == 12 and r.checklist[-1].text == "Task 3 of extra"


# -- typing near list items and fences: the one-question reparse stays right -------------------

from mlops_report.parse import reparse  # noqa: E402
from mlops_report.text import changed_range  # noqa: E402

_ANSWERS = {
    4: "1. We built the image:\n\n   ```bash\n   docker build .\n    ```\n\n2. Then we ran it.",
    5: "- ```\n  pip install .\n  ```\n- the second step\n\nplain words after the list",
    6: "> a quoted note\n\n- one\n- two\n\n    indented code",
    7: "text before\n  ```\n  # a comment in code\n  ```",
}
_KEYS = ["a", "0", " ", "  ", "    ", "\n", "\n\n", "- ", "* ", "1. ", "2) ", "> ", "```", "~~~", "#", "## x", "\t", ""]


@st.composite
def _typing_near_containers(draw):
    text = _base()
    texts = [text]
    for _ in range(draw(st.integers(1, 8))):
        q = parse(text).question(draw(st.sampled_from([*_ANSWERS, 8])))
        if q is None:
            break
        at = draw(st.integers(q.answer.span.start, q.answer.span.end))
        cut = draw(st.sampled_from([0, 0, 1, 2, 5]))
        text = text[:at] + draw(st.sampled_from(_KEYS)) + text[min(len(text), at + cut) :]
        texts.append(text)
    return texts


def _numbered(text: str) -> str:
    """The report of ``_typing_near_containers`` with question 4's list renumbered from 10: its
    items' content moves one column right, out from under the fence that was inside it."""
    return text.replace("1. We built the image", "10. We built the image")


def _base() -> str:
    builder = ReportBuilder("2026").fill_all()
    for n, body in _ANSWERS.items():
        builder.answer(n, words(100) + "\n\n" + body)
    return builder.build()


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(_typing_near_containers())
@example([_base(), _numbered(_base())])
def test_reparse_near_containers_equals_parse(texts):
    prev = parse(texts[0])
    for text in texts[1:]:
        edit = changed_range(prev.text, text)
        whole = parse(text)
        got = reparse(prev, text, *edit) if edit is not None else None
        if got is not None:
            r = got[0]
            assert [(h.title, h.span) for h in r.sections] == [(h.title, h.span) for h in whole.sections]
            assert [(q.number, q.span, q.answer) for q in r.questions] == [
                (q.number, q.span, q.answer) for q in whole.questions
            ]
            prev = r  # keep the reparsed report, as the analyzer does: its container records carry on
        else:
            prev = whole


# -- linear on any text: the container-aware scan and the checklist at any level ---------------

from tests.security.test_linear import assert_linear  # noqa: E402

_CONTAINER_WORST = {
    "list items with fences": lambda n: "- ```\n  x\n" * (n // 10),
    "a fence in an item never closed": lambda n: "- ```\n" + "  x\n" * (n // 4),
    "quote lines": lambda n: "> a\n" * (n // 4),
    "nested quotes": lambda n: ">" * n + " ```\n# x\n",
    "nested list markers": lambda n: "- " * (n // 2) + "```\n",
    "stretches after paragraphs": lambda n: "text\ntext\n- a\n\nb\n" * (n // 18),
    "markers at the margin without a blank": lambda n: "text\n2. ```\n" * (n // 12),
    "checklist sections": lambda n: "# R\n\n## Checklist\n\n" + "## Week\n\n* [x] a\n\n" * (n // 20),
    "checklist groups without items": lambda n: "# R\n\n## Checklist\n\n" + "### Week\n\n" * (n // 10),
}


@pytest.mark.parametrize("make", list(_CONTAINER_WORST.values()), ids=list(_CONTAINER_WORST))
def test_the_scan_is_linear(make):
    assert_linear(parse, make)


def test_a_heading_naming_a_checklist_inside_an_answer_is_not_the_checklist():
    text = (
        ReportBuilder("2026", checklist=False)
        .fill_all()
        .answer(12, words(60) + "\n\n#### Our release checklist\n\n* [x] tag\n* [ ] notes")
        .build()
    )
    assert parse(text).checklist == []
