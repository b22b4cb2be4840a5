"""``migrate``: a report written on another template keeps every answer, figure and tick.

The templates of the first part are built by the report builder; the round trip at the end runs
over every pair of the course's templates in ../shared/templates with the same question count.
"""

from __future__ import annotations

import itertools
import re

import pytest

from mlops_report.findings import Edit, apply_edits
from mlops_report.migrate import CARRIED_HEADING, MigrationError, migrate, summary, template_url
from mlops_report.parse import parse
from tests.builder import ReportBuilder, words
from tests.conftest import SHARED


def answer_of(text: str, n: int) -> str:
    q = parse(text).question(n)
    assert q is not None, f"question {n} is missing"
    return q.answer.text.strip()


def ticked(text: str) -> dict[str, str]:
    return {i.text: i.mark for i in parse(text).checklist}


def kept_section(text: str) -> str:
    at = text.find(CARRIED_HEADING)
    return text[at:] if at >= 0 else ""


# -- answers ------------------------------------------------------------------------------------


def test_every_answer_moves_to_the_question_of_its_number():
    old = ReportBuilder("2026-01-04_1fa25710").fill_all()
    old.answer(14, words(220) + "\n\n![loss](figures/loss.png)\n\n![acc](figures/acc.png)")
    old.answer(23, "We served the model.\n\n```bash\ncurl -X POST localhost:8000/predict\n```\n\nIt answered.")
    text = old.build()
    result = migrate(text, ReportBuilder("2026").build())
    for n in range(1, 32):
        assert answer_of(result.text, n) == answer_of(text, n), n
    assert result.placed == {n: n for n in range(1, 32)}
    assert "![loss](figures/loss.png)" in answer_of(result.text, 14)
    assert kept_section(result.text) == ""
    # the new template's instructions, the old answers
    assert "Recommended answer length: 0-200 words" in result.text
    assert "Question 3: 100-200 words -> 0-200 words" in summary(result)


def test_an_unanswered_question_takes_the_new_placeholder():
    text = ReportBuilder("2026-01-04_1fa25710").fill_all().answer(9, "--- question 9 fill here ---").build()
    result = migrate(text, ReportBuilder("2026").build())
    assert answer_of(result.text, 9) == "--- question 9 fill here ---"


def test_answers_across_question_counts_follow_the_prompt():
    # the 31-question template asks question 22 of the 27-question one as question 24
    old = ReportBuilder("2024").fill_all()
    for n in range(1, 28):
        old.instructions(n, f"> **{_PROMPTS_27[n - 1]}**\n>\n> Answer:")
        old.answer(n, f"our answer to old question {n}")
    new = ReportBuilder("2026")
    for n in range(1, 32):
        new.instructions(n, f"> **{_PROMPTS_31[n - 1]}**\n>\n> Answer:")
    result = migrate(old.build(), new.build())
    assert result.placed[22] == 24 and result.placed[27] == 31
    assert answer_of(result.text, 24) == "our answer to old question 22"
    assert answer_of(result.text, 22) == "--- question 22 fill here ---"
    assert any(line.startswith("Question 22 is new") for line in summary(result))
    assert "the answer to question 22 is now under question 24" in " ".join(summary(result))


_PROMPTS_27 = [f"Tell us about topic {k} of the course project in a few words" for k in range(1, 22)] + [
    "Did the deployment of the model work for you and how",
    "How did you monitor the deployed model over time",
    "How many credits did you spend and on what",
    "Draw the architecture of the whole system",
    "What were the struggles of the project",
    "Who did what in the group",
]
_PROMPTS_31 = [
    *_PROMPTS_27[:21],
    "Did you train your model in the cloud and how",
    "Did you write an inference service around the model",
    "Did the deployment of the service work for you and how",
    "Did you test the inference service under load",
    "How did you monitor the deployed model over time",
    "How many credits did you spend and on what",
    "Did you build anything extra beyond the course",
    "Draw the architecture of the whole system",
    "What were the struggles of the project",
    "Who did what in the group",
]


def test_an_answer_without_a_place_is_kept_at_the_end():
    old = ReportBuilder("2026").fill_all().answer(9, "first copy of nine").answer(10, "second copy of nine")
    text = old.build().replace("### Question 10\n", "### Question 9\n", 1)  # two questions 9, no 10
    result = migrate(text, ReportBuilder("2026").build())
    assert answer_of(result.text, 9) == "first copy of nine"
    assert answer_of(result.text, 10) == "--- question 10 fill here ---"
    kept = kept_section(result.text)
    assert "**Question 9 of the report before migration**" in kept
    assert kept.count("second copy of nine") == 1 and result.text.count("second copy of nine") == 1
    assert any("question 9 of the report appears twice" in line for line in summary(result))
    assert any(line.startswith("Question 10 is new") for line in summary(result))


# -- the checklist ------------------------------------------------------------------------------


def tagged(text: str) -> str:
    """The builder's checklist with module tags, as the newer templates write them."""
    return re.sub(r"^(\* \[.\] Task \d of [a-z ]+\d?)$", r"\1 (M7)", text, flags=re.M)


def test_ticks_follow_the_item_text_and_new_items_stay_unticked():
    old = ReportBuilder("2026").fill_all().mark(0, "x").mark(4, "X").mark(7, "x")
    template = tagged(ReportBuilder("2026").build()).replace(
        "* [ ] Task 2 of week 1 (M7)\n", "* [ ] Task 2 of week 1 (M7)\n* [ ] Write a brand new kind of test (M16)\n"
    )
    result = migrate(old.build(), template)
    marks = ticked(result.text)
    assert marks["Task 1 of week 1 (M7)"] == "x"
    assert marks["Task 2 of week 2 (M7)"] == "X"
    assert marks["Task 2 of week 3 (M7)"] == "x"
    assert marks["Write a brand new kind of test (M16)"] == " "
    assert sum(1 for m in marks.values() if m.strip()) == 3
    lines = summary(result)
    assert "3 of the report's 3 ticks are kept on the same items" in lines
    assert "new checklist item (unticked): “Write a brand new kind of test (M16)”" in lines


def test_a_reworded_item_keeps_its_tick_and_a_dropped_ticked_item_is_kept_at_the_end():
    old = ReportBuilder("2026").fill_all().mark(1, "x").mark(2, "x")
    template = (
        ReportBuilder("2026")
        .build()
        .replace("Task 2 of week 1", "Task 2 of the week 1")
        .replace("* [ ] Task 3 of week 1\n", "")
    )
    result = migrate(old.build(), template)
    assert ticked(result.text)["Task 2 of the week 1"] == "x"
    assert "* [x] Task 3 of week 1" in kept_section(result.text)


def test_the_groups_own_unticked_item_is_kept_too():
    text = (
        ReportBuilder("2026")
        .fill_all()
        .build()
        .replace("* [ ] Task 3 of extra\n", "* [ ] Task 3 of extra\n* [ ] Our own idea: a dashboard for the team\n")
    )
    result = migrate(text, ReportBuilder("2026").build())
    assert "* [ ] Our own idea: a dashboard for the team" in kept_section(result.text)


def test_ticks_under_promoted_groups_are_kept():
    # the group wrote its checklist groups as "## Week 1": their ticks still move
    text = ReportBuilder("2026").fill_all().mark(0, "x").mark(7, "x").build().replace("### Week", "## Week")
    result = migrate(text, ReportBuilder("2026").build())
    marks = ticked(result.text)
    assert marks["Task 1 of week 1"] == "x" and marks["Task 2 of week 3"] == "x"
    assert kept_section(result.text) == ""


def test_a_note_after_an_items_words_stays_on_the_item():
    text = (
        ReportBuilder("2026")
        .fill_all()
        .mark(0, "x")
        .build()
        .replace("* [x] Task 1 of week 1\n", "* [x] Task 1 of week 1 (done in the first week, 97%)\n")
    )
    result = migrate(text, tagged(ReportBuilder("2026").build()))
    assert ticked(result.text)["Task 1 of week 1 (done in the first week, 97%)"] == "x"
    assert kept_section(result.text) == ""


def test_an_item_the_template_now_says_more_about_keeps_its_tick():
    old = ReportBuilder("2026").fill_all().mark(5, "x")
    template = ReportBuilder("2026").build().replace("Task 3 of week 2", "Task 3 of week 2 with a new tool")
    result = migrate(old.build(), template)
    assert ticked(result.text)["Task 3 of week 2 with a new tool"] == "x"


def test_an_item_listed_twice_is_kept_once():
    text = (
        ReportBuilder("2026")
        .fill_all()
        .mark(0, "x")
        .build()
        .replace("* [x] Task 1 of week 1\n", "* [x] Task 1 of week 1\n* [x] Task 1 of week 1\n")
    )
    result = migrate(text, ReportBuilder("2026").build())
    assert result.text.count("Task 1 of week 1") == 1 and kept_section(result.text) == ""
    assert "1 of the report's 1 ticks are kept on the same items" in summary(result)
    assert "1 checklist item the report lists twice: kept once" in summary(result)


def test_an_emptied_answer_stays_empty():
    # the checker counts a placeholder as six words: an answer the group emptied is not refilled
    text = ReportBuilder("2026-01-04_1fa25710").fill_all().answer(18, "").build()
    result = migrate(text, ReportBuilder("2026").build())
    assert answer_of(result.text, 18) == ""


# -- the group's own words outside the answers --------------------------------------------------


def test_the_groups_own_sections_and_paragraphs_are_kept_at_the_end():
    built = ReportBuilder("2026").fill_all().trailing("## References\n\nThe papers we read, listed by the group.")
    text = built.build().replace(
        "A report written by the mlops-report test builder.\n",
        "A report written by the mlops-report test builder.\n\nGroup 42 wrote this report during three weeks.\n",
    )
    text = text.replace(
        "## Versioning\n", "## Versioning\n\n### Our notes\n\nA note of ours on the versioning part.\n\n"
    )
    result = migrate(text, ReportBuilder("2026").build())
    kept = kept_section(result.text)
    assert kept.startswith(CARRIED_HEADING + "\n\n<!-- mlops-report migrate:")
    for piece in (
        "Group 42 wrote this report during three weeks.",
        "### Our notes",
        "A note of ours on the versioning part.",
        "## References",
        "The papers we read, listed by the group.",
    ):
        assert kept.count(piece) == 1, piece
    # in the order the report had them
    assert kept.index("Group 42") < kept.index("Our notes") < kept.index("References")
    # the references were the text after the last answer: question 31 keeps only its own answer
    assert answer_of(result.text, 31).startswith(answer_of(built.build(), 31).splitlines()[0])
    assert any("have no place in the template" in line for line in summary(result))


def test_the_old_templates_own_words_are_not_kept():
    old = ReportBuilder("2026-01-04_1fa25710").fill_all().build()
    new = (
        ReportBuilder("2026")
        .build()
        .replace(
            "A report written by the mlops-report test builder.",
            "A report written by the mlops-report test builder, in its new form.",
        )
    )
    new = new.replace(
        "> *An answer could name the tools used for part 3 and why.*",
        "> *An answer could name the tools and libraries used for part 3 and why.*",
    )
    result = migrate(old, new)
    assert kept_section(result.text) == ""
    assert result.carried == ""


def test_the_groups_title_stays():
    text = ReportBuilder("2026").fill_all().build().replace("# Synthetic exam report", "# Group 42: predicting bikes")
    result = migrate(text, ReportBuilder("2026").build())
    assert result.text.startswith("# Group 42: predicting bikes\n")


# -- text as it was written ---------------------------------------------------------------------


def test_a_windows_report_keeps_its_line_breaks():
    text = ReportBuilder("2026-01-04_1fa25710", newline="\r\n").fill_all().build()
    result = migrate(text, ReportBuilder("2026").build())
    assert "\n" not in result.text.replace("\r\n", "")
    assert answer_of(result.text, 4) == answer_of(text, 4)


def test_migrating_onto_the_same_template_changes_nothing():
    text = ReportBuilder("2026").fill_all().mark(3, "x").build()
    result = migrate(text, ReportBuilder("2026").build())
    assert result.text == text
    assert summary(result) == ["the report is already written on this template"]
    assert migrate(result.text, ReportBuilder("2026").build()).text == text


@pytest.mark.parametrize(
    "report, template, message",
    [
        ("# notes\n\nnothing here\n", None, "the report has no '### Question N' headings"),
        (None, "# just a readme\n", "the template has no '### Question N' headings"),
    ],
)
def test_what_is_not_a_report_or_template_is_refused(report, template, message):
    report = report or ReportBuilder("2026").fill_all().build()
    template = template or ReportBuilder("2026").build()
    with pytest.raises(MigrationError, match=re.escape(message)):
        migrate(report, template)


@pytest.mark.parametrize(
    "url, raw",
    [
        (
            "https://github.com/SkafteNicki/dtu_mlops",
            "https://raw.githubusercontent.com/SkafteNicki/dtu_mlops/HEAD/reports/README.md",
        ),
        (
            "https://github.com/SkafteNicki/dtu_mlops/tree/main",
            "https://raw.githubusercontent.com/SkafteNicki/dtu_mlops/main/reports/README.md",
        ),
        (
            "https://github.com/SkafteNicki/dtu_mlops/blob/main/reports/README.md",
            "https://raw.githubusercontent.com/SkafteNicki/dtu_mlops/main/reports/README.md",
        ),
        ("https://example.org/template.md", "https://example.org/template.md"),
    ],
)
def test_the_course_repository_names_its_template(url, raw):
    assert template_url(url) == raw


# -- every pair of the course's templates -------------------------------------------------------

TEMPLATES = sorted((SHARED / "templates").glob("*_README.md")) if (SHARED / "templates").is_dir() else []


def _filled(text: str) -> str:
    """``text`` with an answer of our own in every answer slot (a figure in every third) and
    every other checklist item ticked."""
    report = parse(text)
    edits = []
    for q in report.questions:
        figure = f"\n\n![plot {q.number}](figures/q{q.number}.png)" if q.number % 3 == 0 else ""
        edits.append(
            Edit(q.answer.span, f"\n\nOur own answer to question {q.number}:\n{words(30, q.number)}{figure}\n\n")
        )
    edits += [Edit(i.mark_span, "[x]") for k, i in enumerate(report.checklist) if k % 2 == 0]
    return apply_edits(text, edits)


def _key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", re.sub(r"\(M[\d+]+\)\s*$", "", text).lower()))


def _pairs():
    counted = [(p, len(parse(p.read_text(encoding="utf-8")).questions)) for p in TEMPLATES]
    return [(a, b) for (a, na), (b, nb) in itertools.permutations(counted, 2) if na == nb]


@pytest.mark.corpus
@pytest.mark.skipif(not TEMPLATES, reason=f"no templates at {SHARED / 'templates'}")
@pytest.mark.parametrize("source, target", _pairs(), ids=lambda p: p.name[11:19])
def test_every_template_pair_with_the_same_questions_round_trips(source, target):
    old = _filled(source.read_text(encoding="utf-8"))
    new_template = target.read_text(encoding="utf-8")
    result = migrate(old, new_template)
    before, after = parse(old), parse(result.text)
    # every answer, with its figures, under its number
    assert [q.number for q in after.questions] == [q.number for q in parse(new_template).questions]
    for q in before.questions:
        assert after.question(q.number).answer.text.strip() == q.answer.text.strip(), q.number
    # every tick: on the item with the same text, or kept at the end when the template has no such item
    old_ticks = [i for i in before.checklist if i.checked]
    kept = kept_section(result.text)
    in_template = parse(result.text[: len(result.text) - len(kept)])
    new_ticks = [i for i in in_template.checklist if i.checked]
    assert len(new_ticks) + kept.count("* [x]") == len(old_ticks)
    same_text = {_key(i.text): i.mark for i in before.checklist}
    for item in in_template.checklist:
        if _key(item.text) in same_text:
            assert item.mark == same_text[_key(item.text)], item.text
    if in_template.checklist or not before.checklist:
        # the old template's own words are never taken for the group's: only ticks without a place
        for line in kept.splitlines()[3:]:
            assert line.startswith(("* [x]", "    ")) or not line.strip(), line
    else:
        # a template without a checklist: the ticked items are kept, with the old checklist's own words
        unfilled = source.read_text(encoding="utf-8")
        for line in kept.splitlines()[3:]:
            assert line.startswith("* [x]") or line in unfilled, line
    # and migrating again changes nothing
    assert migrate(result.text, new_template).text == result.text
