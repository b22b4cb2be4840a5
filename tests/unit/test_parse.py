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
    assert at(text, r.front_matter).startswith("---\nlayout") and r.front_matter.end == 42  # the blank line after it is not part of it
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
    text = (ReportBuilder("2026").fill_all()
            .answer(4, words(10) + "\n\n--- question 4 fill here ---")
            .answer(5, "--- " + words(10).replace("\n", " ") + " ---")
            .answer(6, words(5) + "\n\n```python\n## not a heading\nx = 1\n```\n")
            .answer(7, "--- question 7 fill here ---")).build()
    r = parse(text)
    q4, q5, q6, q7 = (r.question(n) for n in (4, 5, 6, 7))
    assert [at(text, p) for p in q4.answer.placeholders] == ["--- question 4 fill here ---"]
    assert q4.answer.words == 10
    assert [at(text, s) for s in q5.answer.wrapper] == ["---", "---"] and q5.answer.words == 10
    (fence,) = q6.answer.blocks
    assert fence.kind == "fence" and fence.info == "python" and at(text, fence.span).endswith("```")
    assert q7.answer.is_empty


def test_figures_in_every_form():
    text = ReportBuilder("2026").fill_all().answer(14, "\n\n".join([
        "![a](figures/a.png)", '<img src="figures/b.png" width="10">', "![c][ref]", "[d](figures/d.jpg)",
        "![e\nsplit](figures/e.png)", "`![not](a figure.png)`", "[ref]: figures/c.png"])).build()
    q = parse(text).question(14)
    assert [(f.kind, f.counted) for f in q.answer.figures] == [
        ("inline", True), ("html", False), ("reference", False), ("link", False), ("inline", False)]
    assert [f.target for f in q.answer.figures] == ["figures/a.png", "figures/b.png", "ref", "figures/d.jpg",
                                                     "figures/e.png"]


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
