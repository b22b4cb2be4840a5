"""Crashes and lost bytes the robustness tests found, each pinned by its smallest input."""

from __future__ import annotations

from mlops_report.analysis import Analyzer
from tests.builder import ReportBuilder, words


def test_lone_surrogate_in_instructions_does_not_crash_detection():
    # a client may send "\ud800" in JSON; fingerprinting encoded it as strict UTF-8 and raised
    text = ReportBuilder("2026").build().replace("> Answer:", "> \ud800 Answer:", 1)
    a = Analyzer().analyse(text)
    assert a.is_report


def test_cache_is_not_fooled_by_a_new_disk_at_a_reused_address():
    # the per-question cache keyed the files on disk by id(disk); CPython reuses the address of
    # a freed Disk, so a rescan that found the missing figure kept the stale "missing" finding
    import gc

    from mlops_report.disk import Disk
    from tests.builder import words
    from tests.robust.strategies import fake_disk

    text = ReportBuilder("2026").fill_all().answer(14, words(250) + "\n\n![x](figures/new.png)").build()
    warm = Analyzer()
    old = fake_disk()
    old_id = id(old)
    assert any(f.code == "image-missing-file" for f in warm.analyse(text, disk=old).findings)
    parts = fake_disk(("figures/new.png",))
    root, files, lower = parts.root, parts.files, parts.by_lower
    del old, parts
    gc.collect()
    keep = []
    for _ in range(10_000):
        new = Disk(root, files, False, lower)
        if id(new) == old_id:
            break
        keep.append(new)
    # (with the fix the cache holds the old Disk, so its address is not reused at all)
    assert not any(f.code == "image-missing-file" for f in warm.analyse(text, disk=new).findings)


def test_insert_figure_fix_lands_before_the_checker_cut():
    # the snippet went to the end of the answer, after a #### heading where report.py stops
    # reading, so the fix left "0 figures"
    from tests.builder import words
    from tests.robust.test_fixes import check_every_fix

    answer = words(20) + "\n\n#### Sub heading ####\n\n" + words(20)
    check_every_fix(ReportBuilder("2024").answer(19, answer).build(), None)


def test_unquote_fix_is_not_offered_when_it_would_open_a_fence_over_the_report():
    # "> Answer:```" moved out of the quote opened a fence that swallowed every later question
    from mlops_report.parse import parse
    from tests.robust.test_fixes import check_every_fix

    text = ReportBuilder("2026").build().replace("> Answer:", "> Answer:```", 1)
    a = Analyzer().analyse(text)
    quoted = [f for f in a.findings if f.code == "answer-in-quote"]
    assert quoted and not quoted[0].fixes
    check_every_fix(text, None)
    assert parse(text).is_report


def test_removing_a_placeholder_between_two_words_keeps_them_apart():
    # "--- q--- question 5 fill here ---uestion 3 ..." lost the word break: "quuestion"
    from tests.robust.test_fixes import check_every_fix

    text = ReportBuilder("2024").answer(3, "our--- question 3 fill here ---answer").build()
    check_every_fix(text, None)
    (fix,) = next(f for f in Analyzer().analyse(text).findings if f.code == "placeholder-left").fixes
    assert fix.edits[0].new_text == " "


def test_trailing_content_count_follows_edits_after_a_later_label():
    # the last question's cache key held the text up to the checker's end of its answer only;
    # with an 'Answer:' after the last question that end is not the end of the file, and the
    # words counted by trailing-content went stale in a warm analyzer (found by tests/fuzz.py)
    from tests.robust.test_engine import fresh, snapshot

    before = ReportBuilder("2024").fill_all().trailing("## Notes\n\nAnswer: one two\n\nthree four").build()
    after = before.replace("three four", "three four five six")
    warm = Analyzer()
    warm.analyse(before)
    assert snapshot(warm.analyse(after)) == snapshot(fresh(after))


def test_insert_figure_fix_counts_when_a_second_label_and_a_cut_follow_the_label():
    # "> Answer:Answer:##" (make fuzz, seed 20261124): the checker drops the empty chunk between
    # the two labels and counts the one after the second, which it cuts at once at '##'. The
    # snippet went before the second label, into the dropped chunk, so "0 figures" stayed; and a
    # line break before '##' would have made it a heading. It now goes between the label and the
    # '##', on that line.
    from mlops_report.findings import apply_edits
    from tests.robust.test_fixes import check_every_fix

    b = ReportBuilder("2024")
    n = next(k for k, lim in sorted(b.edition.limits.items()) if lim.images and lim.images[0] > 0)
    text = b.build()
    at = text.index("> Answer:", text.index(f"### Question {n}\n"))
    text = text[:at] + "> Answer:Answer:##" + text[at + len("> Answer:") :]
    check_every_fix(text, None)
    (finding,) = [f for f in Analyzer().analyse(text).findings if f.code == "image-count" and f.question == n]
    (fix,) = finding.fixes
    assert "> Answer:Answer: ![describe the figure](figures/FILE.png) ##" in apply_edits(text, fix.edits)


def test_insert_figure_fix_in_the_last_question_lands_before_the_checker_cut():
    # an unclosed fence hides the headings after question 29, which is then the last question;
    # the checker still splits at question 30's 'Answer:' and cuts question 29's chunk at
    # '### Question 30', so a figure inserted at the end of the answer went uncounted
    from tests.builder import words
    from tests.robust.test_fixes import check_every_fix

    text = ReportBuilder("2026").fill_all().answer(29, words(250) + "\n\n```").build()
    assert [q.number for q in Analyzer().analyse(text).report.questions][-1] == 29
    check_every_fix(text, None)


def test_typing_above_a_title_placed_lower_moves_the_introduction():
    # the title is the first level-1 heading; with the top one broken ("Answer:# ...") and a
    # question heading shortened to "# Question 9", it lies below question 1. The keystroke path
    # kept the introduction that follows it where it was, one character off after typing into
    # question 1 (found by test_incremental in a CRLF report; the line breaks play no part)
    from mlops_report import parse
    from mlops_report.text import changed_range
    from tests.robust.test_incremental import report_snapshot

    for nl in ("\n", "\r\n"):
        built = ReportBuilder("2026", checklist=False).heading(9, "# Question 9").build()
        before = built.replace("# Synthetic", "Answer:# Synthetic", 1).replace("\n", nl)
        at = before.index("> **", before.index("### Question 1"))
        after = before[:at] + "a" + before[at:]
        whole = parse.parse(after)
        assert whole.title is not None and whole.title.title == "Question 9"
        got = parse.reparse(parse.parse(before), after, *changed_range(before, after))
        assert got is not None  # an edit inside question 1: the keystroke path takes it
        assert report_snapshot(got[0]) == report_snapshot(whole)


def test_study_number_fixes_keep_the_entry_they_write():
    # the fix "Write s345678" turned the word 345678 into s345678; the fix check counted the
    # word as lost. An entry inside a longer word (x_123456, é123456) is no entry at all.
    from tests.robust.test_fixes import check_every_fix

    text = ReportBuilder("2026").fill_all().answer(2, "s123456, sAnswer:345678, S234567, x_123456, é123456").build()
    a = Analyzer().analyse(text)
    flagged = [text[f.span.start : f.span.end] for f in a.findings if f.code == "study-number"]
    assert flagged == ["345678", "S234567"]
    assert check_every_fix(text, None) >= 2


def test_an_unrendered_figure_whose_path_is_right_gets_no_rewrite():
    # a link inside the alt text hides the figure from CommonMark while its path is fine: the
    # rewrite fix changed nothing, and the finding stayed (found by test_fixes_on_reports_with_traps)
    text = (
        ReportBuilder("2026")
        .fill_all()
        .answer(4, words(120) + "\n\n![[plain](figures/q21_0.png)curve](figures/q21_0.png)")
        .build()
    )
    found = [f for f in Analyzer().analyse(text).findings if f.code == "image-link-unrendered"]
    for f in found:
        for fix in f.fixes:
            assert any(text[e.span.start : e.span.end] != e.new_text for e in fix.edits), fix.title
