"""Every finding code: the smallest report that shows it, a report that must not, and its fix.

A fix must remove the finding it belongs to, change nothing outside its edit spans, and bring
in no finding the report did not have.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from mlops_report.analysis import Analyzer
from mlops_report.editions import Limits, by_id
from mlops_report.findings import apply_edits
from mlops_report.rules import RULES, consequences
from mlops_report.settings import Settings
from tests.builder import ReportBuilder, words
from tests.checkers import checker_source
from tests.unit.test_repo_handin import NEAR_HANDIN, SHOW_HANDIN


@dataclass
class Built:
    text: str
    path: Path | None
    analysis: object

    def codes(self, code: str) -> list:
        return [f for f in self.analysis.findings if f.code == code]


def check(
    builder: ReportBuilder,
    tmp_path: Path | None = None,
    figures: list[str] | None = None,
    extra: dict[str, bytes] | None = None,
    originals: dict[int, str] | None = None,
    settings: Settings | None = None,
) -> Built:
    """Analyse ``builder``'s report; written to disk (with its figures) when ``tmp_path`` is given."""
    if tmp_path is None:
        text = builder.build()
        return Built(text, None, Analyzer().analyse(text, originals=originals, settings=settings))
    path = builder.write(tmp_path, figures=figures)
    for rel, data in (extra or {}).items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    text = path.read_text(encoding="utf-8")
    return Built(text, path, Analyzer().analyse(text, path, originals=originals, settings=settings))


def filled(edition: str = "2026") -> ReportBuilder:
    return ReportBuilder(edition).fill_all()


PNG = b"\x89PNG\r\n\x1a\n"


def crowd(n: int) -> dict[str, bytes]:
    """``n`` empty files beside the report (the walk of its folder lists 20 000 entries at most)."""
    return {f"reports/data/{i:05}.csv": b"" for i in range(n)}


def items(builder: ReportBuilder, **texts: str) -> ReportBuilder:
    """``builder`` with checklist items rewritten: ``task_1_of_week_1="* [x] Write Docker files"``."""
    build = builder.build

    def rewritten() -> str:
        text = build()
        for key, line in texts.items():
            old = key.replace("_", " ").capitalize()
            text = text.replace(f"* [ ] {old}\n", line + "\n", 1)
        return text

    builder.build = rewritten  # type: ignore[method-assign]
    return builder


# code -> a function (tmp_path) -> Built showing exactly one finding of that code
SHOW: dict[str, Callable[[Path], Built]] = {
    "word-count": lambda t: check(filled().answer(4, words(20)), t),
    "image-count": lambda t: check(
        filled().answer(14, words(250)), t, figures=[*filled().needed_figures(), "figures/spare.png"]
    ),
    "image-not-counted": lambda t: check(
        filled().answer(14, words(250) + '\n\n<img src="figures/q14_0.png" width="500">'), t
    ),
    # a backslash: with a space, the rewritten link leaves the name as information (image-name-unsafe)
    "image-link-unrendered": lambda t: check(
        filled().figures(19, "figures\\bucket_view.png"),
        t,
        figures=[*filled().needed_figures(), "figures/bucket_view.png"],
    ),
    "image-missing-file": lambda t: check(filled().figures(19, "figures/absent.png"), t),
    "image-path-case": lambda t: check(filled().figures(19, "figures/Q19_0.PNG"), t),
    "image-outside-figures": lambda t: check(filled().figures(19, "../docs/shot.png"), t, extra={"docs/shot.png": PNG}),
    "image-bad-extension": lambda t: check(
        filled().figures(19, "figures/q19_0.png", "figures/flow.pdf"), t, extra={"reports/figures/flow.pdf": b"%PDF"}
    ),
    "placeholder-left": lambda t: check(filled().answer(4, words(150) + "\n\n--- question 4 fill here ---"), t),
    # the dashes decide: 98 words and 2 dashes pass 100-200
    "answer-wrapped": lambda t: check(filled().answer(4, "--- " + words(98).replace("\n", " ") + " ---"), t),
    "unanswered": lambda t: check(filled().answer(27, "--- question 27 fill here ---"), t),
    "answer-in-quote": lambda t: check(filled().answer(4, "").on_label_line(4, words(150).replace("\n", " ")), t),
    "answer-truncated": lambda t: check(filled().answer(5, words(60) + "\n\n#### Details\n\n" + words(80)), t),
    "answer-label-extra": lambda t: check(filled().answer(4, words(80) + "\nAnswer: " + words(60)), t),
    "trailing-content": lambda t: check(
        filled().answer(31, words(45)).trailing("## References\n\nThe papers we read while building the model."), t
    ),
    "checker-crash": lambda t: check(filled().heading(5, "## Question 5"), t),
    "checker-differs": lambda t: check(
        filled(),
        t,
        extra={
            "reports/report.py": checker_source(
                {**by_id("2026").checker.limits, 3: Limits(words=(100, 200))}, 31
            ).encode()
        },
    ),
    # the group says its report is on the 2026-01-04 template: the run's newest is 2026-01-09
    "template-outdated": lambda t: check(
        ReportBuilder("2026-01-04_1fa25710").fill_all(), t, settings=Settings(edition="2026-01-04_1fa25710")
    ),
    "question-missing": lambda t: check(filled().heading(5, None).instructions(5, "").answer(5, ""), t),
    "question-duplicate": lambda t: check(filled().heading(6, "### Question 5"), t),
    "question-order": lambda t: check(filled().heading(5, "### Question 6").heading(6, "### Question 5"), t),
    "instructions-edited": lambda t: check(
        filled().instructions(
            4,
            "> **Tell us about part 4 of the project.**\n>\n> Recommended answer length: 50-200 words.\n>\n"
            "> Example:\n> *An answer could name the tools used for part 4 and why.*\n>\n> Answer:",
        ),
        t,
        originals={4: ReportBuilder("2026")._instruction_block(4)},
    ),
    "group-number": lambda t: check(filled().answer(1, "the one on the left"), t),
    "study-number": lambda t: check(filled().answer(2, "s123456, S234567"), t),
    "checkbox-mark": lambda t: check(filled().mark(3, "✅"), t),
    "html-render": lambda t: check(filled().answer(23, words(120) + "\n\n| a | b |\n|---|---|\n| 1 | 2 |"), t),
    "image-too-large": lambda t: check(
        filled().figures(19, "figures/big.png"), t, extra={"reports/figures/big.png": PNG + bytes(600_000)}
    ),
    # question 20 links question 19's figure again
    "image-duplicate": lambda t: check(filled().figures(20, "figures/q19_0.png"), t),
    # more files beside the report than a walk lists: its figures are neither found nor missing
    "figures-unchecked": lambda t: check(filled(), t, extra=crowd(20_001)),
    "image-name-unsafe": lambda t: check(
        filled().figures(19, "<figures/my shot.png>"), t, extra={"reports/figures/my shot.png": PNG}
    ),
    "checklist-no-evidence": lambda t: check(items(filled(), task_1_of_week_2="* [x] Add a linting step to CI"), t),
    "checklist-unticked-evidence": lambda t: check(
        items(filled(), task_1_of_week_1="* [ ] Write Docker files"),
        t,
        extra={"Dockerfile": b"FROM python:3.12-slim\n"},
    ),
}


# the hand-in codes, on repositories made by git (tests/unit/test_repo_handin.py)
SHOW.update({code: (lambda t, make=make: Built(*make(t))) for code, make in SHOW_HANDIN.items()})


def test_every_code_has_a_case():
    assert set(SHOW) == set(RULES)


def test_a_complete_report_shows_nothing(tmp_path):
    for edition in ("2023", "2024", "2025", "2026"):
        folder = tmp_path / edition
        built = check(filled(edition), folder)
        assert built.analysis.findings == [], edition
        assert built.analysis.passing == built.analysis.total


@pytest.mark.parametrize("code", sorted(SHOW))
def test_smallest_report_shows_the_code(code, tmp_path):
    built = SHOW[code](tmp_path)
    found = built.codes(code)
    assert len(found) == 1, [(f.code, f.message) for f in built.analysis.findings]
    f = found[0]
    assert f.severity == RULES[code].severity
    assert f.span.start <= f.span.end <= len(built.text)
    if code in (
        "checker-crash",
        "checkbox-mark",
        "checker-differs",
        "report-uncommitted",
        "report-unpushed",
        "report-other-branch",
        "template-outdated",
        "checklist-no-evidence",
        "checklist-unticked-evidence",
        "figures-unchecked",
    ):
        assert f.question == 0
    else:
        assert f.question > 0 and f"Question {f.question}" in f.message, f.message


def _assert_untouched_outside(old: str, new: str, edits) -> None:
    pos_old = pos_new = 0
    for e in sorted(edits, key=lambda e: e.span.start):
        gap = old[pos_old : e.span.start]
        assert new[pos_new : pos_new + len(gap)] == gap
        pos_new += len(gap) + len(e.new_text)
        pos_old = e.span.end
    assert new[pos_new:] == old[pos_old:]
    assert len(new) - pos_new == len(old) - pos_old


FIXABLE = sorted(code for code, rule in RULES.items() if rule.fixes)  # as the rules declare


# where the smallest report's finding has no fix, a report whose finding has one
FIX_CASE: dict[str, Callable[[Path], Built]] = {
    # inside the reports folder but not under figures/: it can be moved in (and only the
    # template's habit is at stake, so it is information)
    "image-outside-figures": lambda t: check(filled().figures(19, "shot.png"), t, extra={"reports/shot.png": PNG}),
    # only the heading went: one click puts it back above the instructions still there
    "question-missing": lambda t: check(filled().heading(5, None), t),
    # a question asking for figures, and a figure in figures/ that no answer links yet
    "unanswered": lambda t: check(
        filled().answer(14, "--- question 14 fill here ---"),
        t,
        figures=[*filled().needed_figures(), "figures/spare.png"],
    ),
}


@pytest.mark.parametrize("code", FIXABLE)
def test_fix_removes_the_finding_and_nothing_else(code, tmp_path):
    built = FIX_CASE.get(code, SHOW[code])(tmp_path)
    (finding,) = built.codes(code)
    assert finding.fixes, f"{code} offers no fix"
    fix = finding.fixes[0]
    new = apply_edits(built.text, fix.edits)
    _assert_untouched_outside(built.text, new, fix.edits)
    # the edits stay near the finding: inside its question, or at the spot a missing one belongs
    q = built.analysis.report.question(finding.question) if finding.question else None
    for e in fix.edits:
        if q is not None:
            assert q.span.start <= e.span.start <= e.span.end <= max(q.span.end, len(built.text.rstrip()))
    for move in fix.moves:
        assert not Path(move.target).exists()
        Path(move.target).parent.mkdir(parents=True, exist_ok=True)
        os.rename(move.source, move.target)
    after = Analyzer().analyse(new, built.path, originals={4: ReportBuilder("2026")._instruction_block(4)})
    assert not [f for f in after.findings if f.code == code], [f.message for f in after.findings]
    before_codes = {f.code for f in built.analysis.findings}
    cost = consequences.consequence(built.analysis, fix)
    if cost.harmful:  # then it says so, and what it brings is the verdict it costs
        offered = consequences.judged(fix, cost)
        assert offered.title.startswith(f"{fix.title}: Q{finding.question} ") and not offered.safe
        before_codes |= {"word-count", "image-count"}
    assert {f.code for f in after.findings} <= before_codes


# -- details of single rules --------------------------------------------------------------------


def test_word_count_message_names_both_counts(tmp_path):
    built = check(filled().answer(7, words(40) + "\n\n--- question 7 fill here ---"), tmp_path)
    (f,) = built.codes("word-count")
    assert f.message.startswith("Question 7: 46 words, the checker needs 50-100: add 4")
    assert "the answer itself has 40 words" in f.message and "placeholder" in f.message


@pytest.mark.parametrize(
    "figure, kind",
    [
        ('<img src="figures/q14_0.png" width="500">', "HTML"),
        ("![loss][ref]\n\n[ref]: figures/q14_0.png", "reference-style"),
        ("[the loss curve](figures/q14_0.png)", "link without !"),
        ("![loss\ncurve](figures/q14_0.png)", "split over lines"),
    ],
)
def test_image_not_counted_in_every_form(figure, kind, tmp_path):
    built = check(filled().answer(14, words(250) + "\n\n" + figure), tmp_path)
    (f,) = built.codes("image-not-counted")
    assert kind in f.message
    (count,) = built.codes("image-count")
    assert "1 more written in a form it does not count" in count.message
    new = apply_edits(built.text, f.fixes[0].edits)
    after = Analyzer().analyse(new, built.path)
    assert not [x for x in after.findings if x.code in ("image-not-counted", "image-count")]


@pytest.mark.parametrize(
    "written, file, fixed",
    [
        (
            "figures/Screenshot 2026-01-10 at 12.00.png",
            "figures/Screenshot 2026-01-10 at 12.00.png",
            "figures/Screenshot%202026-01-10%20at%2012.00.png",
        ),
        ("figures\\q19_0.png", "figures/q19_0.png", "figures/q19_0.png"),
        ("figures/shot (1).png", "figures/shot (1).png", "figures/shot%20%281%29.png"),
        ('figures/shot one.png "the bucket"', "figures/shot one.png", "figures/shot%20one.png"),
    ],
)
def test_a_figure_the_checker_counts_but_markdown_does_not_show(written, file, fixed, tmp_path):
    b = filled().answer(19, "Our bucket holds the raw audio.\n\n![bucket](" + written + ")")
    built = check(b, tmp_path, figures=[*filled().needed_figures(), file])
    assert built.analysis.questions[18].checker_images == 1
    (f,) = built.codes("image-link-unrendered")
    assert f.severity == "warning" and "the checker counts this figure" in f.message
    assert not built.codes("image-missing-file")
    new = apply_edits(built.text, f.fixes[0].edits)
    assert "![bucket](" + fixed in new
    after = Analyzer().analyse(new, built.path)
    # nothing at stake remains (a name that needs encoding is left as information, with its rename)
    assert not [x for x in after.findings if x.code.startswith("image-") and x.severity in ("error", "warning")], [
        x.message for x in after.findings
    ]
    assert after.questions[18].checker_images == 1
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(new[new.index("![bucket]") :].split("\n", 1)[0])
    assert '<img src="' + fixed.split(" ")[0] + '"' in html


@pytest.mark.parametrize("written", ["figures/Screenshot 2026-01-10 at 12.00.png", "figures\\absent.png"])
def test_an_unrendered_figure_whose_file_is_missing_is_reported_twice(written, tmp_path):
    built = check(filled().answer(19, "The bucket.\n\n![bucket](" + written + ")"), tmp_path)
    assert len(built.codes("image-link-unrendered")) == 1
    (missing,) = built.codes("image-missing-file")
    assert written in missing.message


def test_figures_in_code_are_never_unrendered(tmp_path):
    body = "The bucket.\n\n![bucket](figures/q19_0.png)\n\n`![x](a b.png)` and\n\n```\n![y](c d.png)\n```\n"
    built = check(filled().answer(19, body), tmp_path)
    assert not built.codes("image-link-unrendered")


def test_links_in_the_instructions_are_never_flagged(tmp_path):
    block = (
        "> **Add 1-2 images of part 19, like [this one](figures/sample.png) or ![that](other/x.gif).**\n>\n> Answer:"
    )
    built = check(filled().instructions(19, block), tmp_path)
    assert not [f for f in built.analysis.findings if f.code.startswith("image-")]


def test_image_outside_the_reports_folder_can_be_moved_in(tmp_path):
    built = check(filled().figures(19, "../docs/arch.png"), tmp_path, extra={"docs/arch.png": PNG})
    (f,) = built.codes("image-outside-figures")
    assert "outside the report's folder" in f.message
    assert "no file is there" not in f.message


def test_image_outside_that_does_not_exist_says_so(tmp_path):
    built = check(filled().figures(19, "../docs/none.png"), tmp_path)
    (f,) = built.codes("image-outside-figures")
    assert "no file is there" in f.message and not f.fixes


def test_web_images_are_outside(tmp_path):
    built = check(filled().figures(19, "https://example.org/shot.png"), tmp_path)
    (f,) = built.codes("image-outside-figures")
    assert "web address" in f.message


def test_images_are_not_checked_on_disk_for_an_unsaved_document():
    built = check(filled().figures(19, "figures/absent.png"))
    assert not built.codes("image-missing-file")


@pytest.mark.parametrize(
    "body, what, fixable",
    [
        ("\n\n#### Details\n\n", "heading", True),
        ("\n```bash\n## install the tools\npip install x\n```\n", "code block", True),
        ("\nsee https://example.org/page##part for more\n", "link", False),
    ],
)
def test_answer_truncated_says_what_and_how_many(body, what, fixable, tmp_path):
    built = check(filled().answer(12, words(20) + body + words(60)), tmp_path)
    (f,) = built.codes("answer-truncated")
    assert what in f.message
    seen = built.analysis.view.answers[11].words
    assert f"it sees {seen} words of the answer's {built.analysis.report.question(12).answer.words}" in f.message
    assert bool(f.fixes) == fixable


def test_single_hash_and_the_last_answer_do_not_truncate(tmp_path):
    built = check(
        filled()
        .answer(12, words(20) + "\n```bash\n# a comment\n```\n" + words(40))
        .answer(31, words(60) + "\n\n## Notes\n\n" + words(40)),
        tmp_path,
    )
    assert not built.codes("answer-truncated")


def test_answer_label_extra_counts_the_dropped_words(tmp_path):
    built = check(filled().answer(4, words(20) + "\nAnswer: " + words(150)), tmp_path)
    (f,) = built.codes("answer-label-extra")
    assert "the 20 words before it" in f.message


def test_trailing_content_names_the_words(tmp_path):
    built = check(filled().trailing("## References\n\none two three"), tmp_path)
    (f,) = built.codes("trailing-content")
    assert "the 5 words after the last answer" in f.message
    assert built.text[f.span.start :].startswith("## References")


@pytest.mark.parametrize(
    "change, points_at, why",
    [
        (lambda b: b.heading(5, "## Question 5"), "## Question 5", "question 5's heading does not start with '###'"),
        (lambda b: b.instructions(5, "> **Tell us.**"), "### Question 5", "question 5 has no 'Answer:' label"),
        (lambda b: b.answer(31, words(60) + "\n\n### More\n\n" + words(5)), "### More", "counts it twice"),
        (lambda b: b.answer(4, words(60) + "\n\n### Part\n\nAnswer: more"), "Answer:", "starts an extra answer"),
    ],
)
def test_checker_crash_points_at_its_cause(change, points_at, why):
    built = check(change(filled()))
    (f,) = built.codes("checker-crash")
    assert f.question == 0
    assert built.text[f.span.start : f.span.end].startswith(points_at)
    assert why in f.message and "ValueError" in f.message
    assert built.analysis.view.crashes


def test_crash_in_a_27_question_edition():
    built = check(filled("2024").heading(9, "**Question 9**"))
    assert not built.codes("checker-crash")  # the missing heading says it
    (f,) = built.codes("question-missing")
    assert "expected 27" in f.message and f.severity == "error"
    assert built.text[f.span.start : f.span.end] == "**Question 9**"
    assert f.fixes[0].title == "Write the heading as `### Question 9`"


def test_instructions_edited_says_the_official_limits_still_apply(tmp_path):
    built = SHOW["instructions-edited"](tmp_path)
    (f,) = built.codes("instructions-edited")
    assert "50-200 words where the template says 100-200 words" in f.message
    assert "official limits still apply (100-200 words)" in f.message


def test_instructions_without_label(tmp_path):
    built = check(filled().instructions(6, "> **Tell us about part 6 of the project.**"), tmp_path)
    (f,) = built.codes("instructions-edited")
    assert "'Answer:' label was removed" in f.message


@pytest.mark.parametrize(
    "answer, flagged",
    [
        ("s123456, s234567", []),
        ("s123456 and S234567", ["S234567"]),
        ("*s245735, s235638, s24, s24*", ["s24", "s24"]),
        ("s1234567 / 345678", ["s1234567", "345678"]),
        ("sXXXXXX, s123456", ["sXXXXXX"]),
        ("s123456@student.dtu.dk, s654321 (Ada), group of 2024", []),
        ("Ada, Bob and Cy", ["Ada, Bob and Cy"]),
    ],
)
def test_study_numbers(answer, flagged):
    built = check(filled().answer(2, answer))
    got = [built.text[f.span.start : f.span.end] for f in built.codes("study-number")]
    assert got == flagged


@pytest.mark.parametrize("mark, fixed", [("✅", "[x]"), ("(x)", "[x]"), ("", "[ ]"), ("x ", "[x]")])
def test_checkbox_marks(mark, fixed):
    built = check(filled().mark(2, mark))
    (f,) = built.codes("checkbox-mark")
    assert f.fixes[0].edits[0].new_text == fixed
    assert f.question == 0


def test_checklist_links_are_not_items():
    text = filled().build().replace("* [ ] Task 1 of week 1", "* [M2](https://example.org) Task 1 of week 1")
    assert not [f for f in Analyzer().analyse(text).findings if f.code == "checkbox-mark"]


def test_settings_change_levels_and_disable():
    from mlops_report.settings import Settings

    text = filled().answer(4, words(20)).build()
    a = Analyzer().analyse(text, settings=Settings(severity={"word-count": "error"}))
    assert [f.severity for f in a.findings if f.code == "word-count"] == ["error"]
    a = Analyzer().analyse(text, settings=Settings(disable=frozenset({"word-count"})))
    assert not [f for f in a.findings if f.code == "word-count"]


# code -> a report close to the trap that must not show the code
NEAR: dict[str, Callable[[Path], Built]] = {
    "word-count": lambda t: check(filled().answer(4, words(100)).answer(5, words(200)), t),
    "image-count": lambda t: check(
        filled().figures(14, "figures/q14_0.png", "figures/a.png", "figures/b.png"),
        t,
        figures=[*filled().needed_figures(), "figures/a.png", "figures/b.png"],
    ),
    "image-not-counted": lambda t: check(
        filled().instructions(
            14,
            "> **Show 1-3 images, like [this](figures/q14_0.png).**\n>\n"
            "> Recommended answer length: 200-300 words + 1 to 3 screenshots.\n>\n> Answer:",
        ),
        t,
    ),
    "image-link-unrendered": lambda t: check(
        filled().figures(19, "figures/bucket%20view.png"),
        t,
        figures=[*filled().needed_figures(), "figures/bucket view.png"],
    ),
    "image-missing-file": lambda t: check(filled(), t),
    "image-path-case": lambda t: check(filled().figures(19, "./figures/q19_0.png"), t),
    "image-outside-figures": lambda t: check(filled().figures(19, "figures/../figures/q19_0.png"), t),
    "image-bad-extension": lambda t: check(
        filled().figures(19, "figures/shot.JPEG"), t, extra={"reports/figures/shot.JPEG": PNG}
    ),
    "placeholder-left": lambda t: check(filled().answer(4, words(150) + "\n\nquestion 4 was fun to fill here"), t),
    "answer-wrapped": lambda t: check(filled().answer(4, "---\n\n" + words(150) + "\n\n---"), t),
    "unanswered": lambda t: check(filled().answer(19, "![bucket](figures/q19_0.png)"), t),
    "answer-in-quote": lambda t: check(filled().answer(4, "> a quote of our own\n\n" + words(150)), t),
    "answer-truncated": lambda t: check(
        filled()
        .answer(12, words(60) + "\n\n# one hash is fine\n")
        .answer(31, words(60) + "\n\n## Notes\n\n" + words(10)),
        t,
    ),
    "answer-label-extra": lambda t: check(filled().answer(4, words(150) + "\nanswer: yes. Answer - no."), t),
    "trailing-content": lambda t: check(filled().trailing("\n\n\n"), t),
    "checker-crash": lambda t: check(filled().heading(5, "#### Question 5"), t),
    # the same limits in another shape (a list of partial entries) judge the same
    "checker-differs": lambda t: check(
        filled(),
        t,
        extra={"reports/report.py": checker_source(by_id("2026").checker.limits, 31, shape="list").encode()},
    ),
    # the January 2024 run's own template: newer templates belong to later runs
    "template-outdated": lambda t: check(filled("2024"), t, settings=Settings(edition="2023-09-27_64ea22b7")),
    "question-missing": lambda t: check(filled(), t),
    "question-duplicate": lambda t: check(filled(), t),
    "question-order": lambda t: check(filled(), t),
    "instructions-edited": lambda t: check(
        filled().instructions(
            4,
            "> **Tell us about part 4 of the project.**\n>\n>\n> Recommended answer length: 100-200 words.\n>\n"
            "> Example:\n> *An answer could name the tools used for part 4 and why.*\n>\n> Answer:",
        ),
        t,
    ),
    "group-number": lambda t: check(filled().answer(1, "Group 7"), t),
    "study-number": lambda t: check(filled().answer(2, "s123456 (Ada), s234567 (Bo), s345678 (Cy)"), t),
    "checkbox-mark": lambda t: check(filled().mark(0, "X").mark(1, "x").mark(2, " "), t),
    "html-render": lambda t: check(filled().answer(23, words(120) + "\n\n    pip install .\n\n- a list\n"), t),
    "image-too-large": lambda t: check(
        filled().figures(19, "figures/big.png"), t, extra={"reports/figures/big.png": PNG + bytes(400_000)}
    ),
    # a crowded folder whose walk still ends
    "figures-unchecked": lambda t: check(filled(), t, extra=crowd(19_000)),
    # the same name in another folder is another file
    "image-duplicate": lambda t: check(
        filled().figures(20, "figures/old/q19_0.png"), t, extra={"reports/figures/old/q19_0.png": PNG}
    ),
    "image-name-unsafe": lambda t: check(
        filled().figures(19, "figures/my-shot_2.png"), t, extra={"reports/figures/my-shot_2.png": PNG}
    ),
    "checklist-no-evidence": lambda t: check(
        items(filled(), task_1_of_week_2="* [x] Add a linting step to CI"),
        t,
        extra={".github/workflows/ci.yml": b"steps:\n  - run: ruff check .\n"},
    ),
    # a Dockerfile is only a weak sign that the images were built
    "checklist-unticked-evidence": lambda t: check(
        items(filled(), task_1_of_week_1="* [ ] Build the docker images"),
        t,
        extra={"Dockerfile": b"FROM python:3.12-slim\n"},
    ),
}


NEAR.update({code: (lambda t, make=make: Built(*make(t))) for code, make in NEAR_HANDIN.items()})


def test_every_code_has_a_near_miss():
    assert set(NEAR) == set(RULES)


@pytest.mark.parametrize("code", sorted(NEAR))
def test_near_miss_does_not_show_the_code(code, tmp_path):
    built = NEAR[code](tmp_path)
    assert not built.codes(code), [f.message for f in built.codes(code)]


# -- one finding per cause, on the cause, at the level of its consequence ------------------------


def test_an_unanswered_question_is_one_finding_with_its_limits(tmp_path):
    built = check(filled().answer(14, "--- question 14 fill here ---"), tmp_path)
    found = [f for f in built.analysis.findings if f.question == 14]
    assert [f.code for f in found] == ["unanswered"], [(f.code, f.message) for f in found]
    (f,) = found
    assert f.severity == "warning"
    assert "200-300 words and 1-3 figures" in f.message and "sees 6 words (the placeholder) and 0 figures" in f.message
    assert built.text[f.span.start : f.span.end] == "--- question 14 fill here ---"
    assert f.data["fails"] == ["words", "images"]


def test_an_unanswered_question_the_checker_passes_is_information(tmp_path):
    built = check(filled().answer(28, "--- question 28 fill here ---"), tmp_path)
    (f,) = built.codes("unanswered")
    assert f.severity == "information" and "the checker passes it" in f.message


def test_the_figure_fix_of_an_unanswered_question_replaces_its_placeholder(tmp_path):
    built = check(
        filled().answer(19, "--- question 19 fill here ---"),
        tmp_path,
        figures=[f for f in filled().needed_figures() if not f.startswith("figures/q19")] + ["figures/bucket.png"],
    )
    (f,) = built.codes("unanswered")
    fix = f.fixes[0]
    assert fix.title == "Insert figure figures/bucket.png"
    new = apply_edits(built.text, fix.edits)
    assert "--- question 19 fill here ---" not in new and "> Answer:\n\n![bucket](figures/bucket.png)\n" in new
    after = Analyzer().analyse(new, built.path)
    assert not [x for x in after.findings if x.question == 19]


def test_advice_counts_the_placeholder_it_would_remove(tmp_path):
    built = check(
        filled()
        .answer(7, words(42) + "\n\n--- question 7 fill here ---")
        .answer(12, words(98) + "\n\n--- question 12 fill here ---")
        .answer(5, words(196) + "\n\n--- question 5 fill here ---"),
        tmp_path,
    )
    add, cut, either = (next(f for f in built.codes("word-count") if f.question == n) for n in (7, 12, 5))
    assert "add 2; 8 if you also remove the placeholder" in add.message
    assert "cut 4; none if" not in cut.message and "cut 4, or remove the placeholder" in cut.message
    assert "cut 2, or remove the placeholder" in either.message


@pytest.mark.parametrize(
    "code, make, stakes",
    [
        ("answer-wrapped", lambda: filled().answer(4, "--- " + words(150).replace("\n", " ") + " ---"), False),
        ("answer-wrapped", lambda: filled().answer(4, "--- " + words(98).replace("\n", " ") + " ---"), True),
        ("answer-wrapped", lambda: filled().answer(4, "--- " + words(20).replace("\n", " ") + " ---"), False),
        ("answer-truncated", lambda: filled().answer(5, words(120) + "\n\n#### Details\n\n" + words(30)), False),
        ("answer-truncated", lambda: filled().answer(5, words(60) + "\n\n#### Details\n\n" + words(80)), True),
        ("answer-label-extra", lambda: filled().answer(4, words(20) + "\nAnswer: " + words(150)), False),
        ("trailing-content", lambda: filled().answer(31, words(100)).trailing("## Notes\n\nthree more words"), False),
        (
            "image-not-counted",
            lambda: filled().answer(14, words(250) + '\n\n![a](figures/q14_0.png)\n\n<img src="figures/q14_1.png">'),
            False,
        ),
        ("image-bad-extension", lambda: filled().figures(19, "figures/q19_0.png", "figures/flow.svg"), False),
    ],
)
def test_severity_follows_what_is_at_stake(code, make, stakes):
    (f,) = check(make()).codes(code)
    assert f.severity == (RULES[code].severity if stakes else "information"), f.message


def test_a_user_level_wins_over_the_consequence():
    from mlops_report.settings import Settings

    text = filled().answer(4, "--- " + words(150).replace("\n", " ") + " ---").build()
    a = Analyzer().analyse(text, settings=Settings(severity={"answer-wrapped": "warning"}))
    assert [f.severity for f in a.findings if f.code == "answer-wrapped"] == ["warning"]


def test_ranges_sit_on_the_cause():
    built = check(
        filled()
        .answer(4, "--- " + words(98).replace("\n", " ") + " ---")
        .answer(6, "")
        .on_label_line(6, words(120).replace("\n", " ") + "\n> " + words(10))
    )
    (wrapped,) = built.codes("answer-wrapped")
    assert built.text[wrapped.span.start : wrapped.span.end] == "---"
    (quoted,) = built.codes("answer-in-quote")
    assert built.text[quoted.span.start : quoted.span.end] == "> Answer:"
    (fix,) = quoted.fixes
    assert words(10) in apply_edits(built.text, fix.edits).split("> Answer:")[6]


def _deleted_heading() -> Built:
    return check(filled().heading(5, None))


def test_a_deleted_heading_is_the_first_finding_and_its_fix_ends_the_crash():
    built = _deleted_heading()
    assert built.analysis.view.crashes
    first = built.analysis.findings[0]
    assert first.code == "question-missing" and first.question == 5 and first.severity == "error"
    assert "missing its heading" in first.message and "report.py check will crash" in first.message
    assert built.text[first.span.start : first.span.end] == "> **Tell us about part 5 of the project.**"
    assert not built.codes("checker-crash") and not built.codes("answer-label-extra")
    fix = first.fixes[0]
    assert fix.title == "Insert `### Question 5`" and fix.safe
    new = apply_edits(built.text, fix.edits)
    assert new == filled().build()
    after = Analyzer().analyse(new)
    assert not after.view.crashes and after.findings == []


def test_headings_deleted_one_after_the_other_each_come_back():
    built = check(filled().heading(5, None).heading(6, None))
    missing = built.codes("question-missing")
    assert [f.question for f in missing] == [5, 6]
    new = apply_edits(built.text, [e for f in missing for e in f.fixes[0].edits])
    assert new == filled().build()


def test_a_renamed_heading_is_written_back():
    built = check(filled().heading(5, "## Question 5"))
    (crash,) = built.codes("checker-crash")
    new = apply_edits(built.text, crash.fixes[0].edits)
    assert new == filled().build()


def test_a_question_deleted_whole_can_be_put_back_with_a_label():
    built = check(filled().heading(12, None).instructions(12, "").answer(12, ""))
    (f,) = built.codes("question-missing")
    assert "report.py check will crash" in f.message and not built.codes("checker-crash")
    (fix,) = f.fixes
    assert not fix.safe
    assert not Analyzer().analyse(apply_edits(built.text, fix.edits)).view.crashes


@pytest.mark.parametrize(
    "answer",
    [
        words(40) + "\n\n> **A quoted instruction block pasted here.**\n>\n> Answer: " + words(60),
        words(40) + "\n\n```text\nAnswer: from the log\n```\n\n" + words(60),
        words(40) + " and `Answer: from the log` then " + words(60),
    ],
)
def test_the_colon_rewrite_only_where_it_shows_as_typed(answer):
    (f,) = check(filled().answer(4, answer)).codes("answer-label-extra")
    assert not f.fixes


# -- what a fix costs ------------------------------------------------------------------------------


def test_a_fix_that_costs_a_verdict_says_so_and_is_left_out_of_fix_all():
    # 97 words and the placeholder's 6 pass 100-200; without the placeholder the answer fails
    built = check(
        filled()
        .answer(22, words(97) + "\n\n--- question 22 fill here ---")
        .answer(30, "--- " + words(199).replace("\n", " ") + " ---")
        .answer(6, words(150) + "\n\n--- question 6 fill here ---")
    )
    assert built.analysis.passing == 31
    titles = {}
    for f in built.analysis.findings:
        fix = f.fixes[0]
        offered = consequences.judged(fix, consequences.consequence(built.analysis, fix))
        titles[f.question] = (offered.title, offered.safe)
    assert titles[22] == ("Remove the placeholder: Q22 drops to 97 words, 3 under 100", False)
    assert titles[30] == ("Remove the --- dashes: Q30 drops to 199 words, 1 under 200", False)
    assert titles[6] == ("Remove the placeholder", True)
    chosen = consequences.fix_all(built.analysis)
    assert [c.title for c in chosen] == ["Remove the placeholder"]
    fixed = Analyzer().analyse(apply_edits(built.text, [e for c in chosen for e in c.edits]))
    assert fixed.passing == 31


def test_fix_all_weighs_the_fixes_of_one_answer_together():
    # 97 words and two placeholders: 109; either removal alone leaves 103, both 97
    body = words(97) + "\n\n--- question 8 fill here ---\n\n--- question 8 fill here ---"
    built = check(filled().answer(8, body))
    assert built.analysis.questions[7].checker_words == 109
    assert [consequences.consequence(built.analysis, f.fixes[0]).harmful for f in built.codes("placeholder-left")] == [
        False,
        False,
    ]
    chosen = consequences.fix_all(built.analysis)
    assert len(chosen) == 1
    fixed = Analyzer().analyse(apply_edits(built.text, [e for c in chosen for e in c.edits]))
    assert fixed.questions[7].checker_words == 103 and fixed.passing == 31
