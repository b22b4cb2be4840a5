"""A check that raises never blinds the others: the analysis reports every other finding and
logs the failing check (issue "Safe on any repository and any text", part 4)."""

from __future__ import annotations

import logging

import pytest

from mlops_report.analysis import Analyzer
from mlops_report.rules.registry import registered
from mlops_report.rules.rule import Rule
from tests.builder import ReportBuilder, words


def _raises_on_question_4(c):
    if c.question.number == 4:
        raise RuntimeError("a check that breaks on question 4")
    return iter(())


def _raises_on_documents(c):
    raise RuntimeError("a document check that breaks")
    yield  # pragma: no cover - a generator, like the real checks


def _rule(code: str, scope: str, check) -> Rule:
    return Rule(code, "warning", scope, check=check, summary="-", why="-", example="-", fix="-")


BROKEN = (
    _rule("broken-question", "question", _raises_on_question_4),
    _rule("broken-document", "document", _raises_on_documents),
)


@pytest.fixture
def broken_checks():
    with registered(*BROKEN):
        yield


def _report() -> str:
    # word-count on questions 4 and 6, a duplicate question 9, a bad checkbox mark
    b = ReportBuilder("2026").fill_all().answer(4, words(20)).answer(6, words(20)).mark(2, "?")
    return b.build().replace("### Question 10\n", "### Question 9\n", 1)


def test_every_other_finding_is_reported_and_the_failure_logged(broken_checks, caplog):
    caplog.set_level(logging.ERROR, logger="mlops_report.analysis")
    result = Analyzer().analyse(_report())
    found = {(f.code, f.question) for f in result.findings}
    assert {("word-count", 4), ("word-count", 6), ("question-duplicate", 9), ("checkbox-mark", 0)} <= found
    logged = [r.getMessage() for r in caplog.records]
    assert any("_raises_on_question_4 failed on question 4" in m for m in logged), logged
    assert any("_raises_on_documents failed on the document" in m for m in logged), logged


def test_the_same_findings_as_without_the_broken_checks():
    with registered(*BROKEN):
        with_broken = Analyzer().analyse(_report()).findings
    without = Analyzer().analyse(_report()).findings
    assert with_broken == without
