"""Issue "Safe on any repository and any text", part 4: "Restore the original instructions"
replaces the instruction block and nothing else.

With the ``> Answer:`` label removed, the first ``Answer:`` after the heading is one the group
wrote in its answer; the fix used to replace everything up to it, answer text included.
"""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from mlops_report.analysis import Analyzer
from mlops_report.findings import apply_edits
from mlops_report.parse import parse
from tests.builder import ReportBuilder, words
from tests.robust.strategies import EDITIONS, NEWLINES

_WORD = re.compile(r"\w+")


def _words(s: str) -> Counter[str]:
    return Counter(_WORD.findall(s))


def _restores(text: str, originals: dict[int, str]):
    """(finding, fix) for every restore offered."""
    analysis = Analyzer().analyse(text, originals=originals)
    return [(f, fix) for f in analysis.findings for fix in f.fixes if fix.kind == "restoreInstructions"]


def _originals(builder: ReportBuilder) -> dict[int, str]:
    return {q.number: q.instructions.text for q in parse(builder.build()).questions if q.instructions.label is not None}


def test_label_removed_and_answer_with_answer_keeps_every_answer_word():
    answer = words(60, 4) + " and the Answer: is that " + words(60, 9)
    b = ReportBuilder("2026").fill_all()
    originals = _originals(b)
    block = b._instruction_block(4).replace("100-200", "50-200").replace("\n> Answer:", "")
    text = b.instructions(4, block).answer(4, answer).build()
    ((_finding, fix),) = _restores(text, originals)
    after = apply_edits(text, fix.edits)
    assert answer in after
    assert not _words(answer) - _words(after)
    again = parse(after).question(4)
    assert again.instructions.text == originals[4]  # the block is the template's again, label included
    assert after[again.answer.span.start : again.answer.span.end].strip() == answer


# answers of words no instruction uses, with "Answer:" where a group might write it
_PIECES = ("Answer:", "Answer: yes", "> Answer:", "\nAnswer:\n", "Answer:Answer:", "answer", "\n\n")


@st.composite
def edited_reports(draw):
    """(text, originals, answers, blocks): questions whose instructions were edited (length line,
    label removed or unquoted) and whose answers hold 'Answer:'; by question, the answer and the
    edited block as written."""
    b = ReportBuilder(draw(st.sampled_from(EDITIONS)), newline=draw(st.sampled_from(NEWLINES)))
    if draw(st.booleans()):
        b.fill_all()
    originals = _originals(b)
    answers, blocks = {}, {}
    for n in draw(st.lists(st.integers(1, b.count), min_size=1, max_size=4, unique=True)):
        block = b._instruction_block(n)
        for edit in draw(
            st.lists(
                st.sampled_from(["length", "label", "label-text", "unquote", "example"]),
                min_size=1,
                max_size=3,
                unique=True,
            )
        ):
            if edit == "length":
                block = re.sub(r"\d+-\d+ words", "10-20 words", block)
            elif edit == "label":
                block = block.replace("\n> Answer:", "")
            elif edit == "label-text":
                block = block.replace("> Answer:", "> Our answer follows")
            elif edit == "unquote":
                block = block.replace("> ", "").replace("\n>", "\n")
            else:
                block = re.sub(r"\n> Example:\n[^\n]*", "", block)
        b.instructions(n, block)
        parts = draw(
            st.lists(
                st.one_of(st.sampled_from(_PIECES), st.integers(0, 999).map(lambda k, n=n: f"q{n}word{k}")),
                min_size=1,
                max_size=12,
            )
        )
        answer = " ".join(parts)
        b.answer(n, answer)
        answers[n] = answer.replace("\n", b.newline)  # as build() writes it
        blocks[n] = block.replace("\n", b.newline)
    return b.build(), originals, answers, blocks


@settings(max_examples=150, deadline=None)
@given(edited_reports())
def test_restore_never_touches_an_answer(case):
    text, originals, answers, blocks = case
    places = []
    for n, answer in answers.items():
        # the answer after its own question's block (its words may also stand in an edited label)
        block_at = text.find(blocks[n], text.find(f"### Question {n}"))
        assert block_at >= 0
        at = text.find(answer, block_at + len(blocks[n]))
        assert at >= 0
        places.append((at, at + len(answer)))
    for finding, fix in _restores(text, originals):
        for e in fix.edits:
            for start, end in places:
                # an insertion right before an answer is fine; a replacement must not reach into one
                assert e.span.end <= start or e.span.start >= end or e.span.start == e.span.end == start, (
                    finding.message,
                    e.span,
                    (start, end),
                )
        after = apply_edits(text, fix.edits)
        lost = _words(" ".join(answers.values())) - _words(after)
        assert not lost, (finding.message, lost)
