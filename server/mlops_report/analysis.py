"""Report + settings -> findings and per-question counts.

``Analyzer`` keeps the findings of every question keyed by everything they depend on, so an
edit inside one answer re-runs that question's checks and the cheap document-level ones only.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from . import checker
from .checker import CheckerAnswer, CheckerView
from .disk import Disk
from .editions import Detection, Limits, detect
from .findings import Edit, Finding, Fix
from .parse import Question, Report, parse
from .rules import RULES
from .rules.questions import CHECKS, QuestionContext
from .settings import Settings
from .text import Span


@dataclass(frozen=True)
class QuestionStatus:
    number: int
    section: str
    line: int  # 0-based line of the heading
    words: int  # the answer's own words
    checker_words: int | None
    images: int  # figures the group linked, in any form
    checker_images: int | None
    limits: Limits
    status: str  # "pass", "fail", "unanswered", "crash"
    answered: bool


@dataclass
class Analysis:
    report: Report
    detection: Detection | None
    view: CheckerView | None
    findings: list[Finding] = field(default_factory=list)
    questions: list[QuestionStatus] = field(default_factory=list)
    saved: bool = True

    @property
    def is_report(self) -> bool:
        return self.report.is_report

    @property
    def edition(self):
        return self.detection.edition if self.detection else None

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def passing(self) -> int:
        return self.view.passed if self.view and not self.view.crashes else 0

    @property
    def total(self) -> int:
        return self.edition.questions if self.edition else 0


class Analyzer:
    """Analyses documents, reusing per-question results across calls."""

    def __init__(self, capacity: int = 4096) -> None:
        self._cache: OrderedDict[tuple, tuple[Finding, ...]] = OrderedDict()
        self._capacity = capacity

    def analyse(
        self,
        text: str,
        path: Path | None = None,
        settings: Settings | None = None,
        disk: Disk | None = None,
        originals: dict[int, str] | None = None,
    ) -> Analysis:
        settings = settings or Settings()
        report = parse(text)
        if not report.is_report:
            return Analysis(report, None, None, saved=path is not None)
        detection = detect(report, settings.edition)
        edition = detection.edition
        view = checker.check(text, edition.checker)
        if disk is None and path is not None:
            disk = Disk.scan(path)
        linked = _linked(report, disk)
        findings: list[Finding] = []
        statuses: list[QuestionStatus] = []
        for i, q in enumerate(report.questions):
            counted = view.answer_after(q.instructions.label.start) if q.instructions.label else None
            limits = _limits_for(view, counted, q, edition)
            last = i == len(report.questions) - 1
            edited = _edited(q, detection)
            restore = originals.get(q.number) if originals and edited else None
            qc = QuestionContext(q, text, counted, limits, last, disk, settings.figures_dir, linked,
                                 report.references, edited, restore)
            findings.extend(self._question_findings(qc))
            statuses.append(_status(q, counted, limits, view))
        findings.extend(_document_findings(report, detection, view))
        findings = _apply_settings(findings, settings)
        findings.sort(key=lambda f: (f.span.start, f.code))
        return Analysis(report, detection, view, findings, statuses, saved=path is not None)

    def _question_findings(self, qc: QuestionContext) -> list[Finding]:
        q = qc.question
        base = q.span.start
        counted = qc.counted
        ckey = None
        if counted is not None:
            ckey = (counted.words, counted.images,
                    None if counted.cut is None else counted.cut - base,
                    counted.counted.start - base, counted.counted.end - base)
        key = (
            qc.text[q.span.start : q.span.end], q.number, q.section, ckey, qc.limits, qc.last,
            id(qc.disk), qc.figures_dir, qc.linked if _wants_linked(qc) else None,
            tuple(sorted(qc.references.items())) if any(f.kind == "reference" for f in q.answer.figures) else None,
            qc.edited, qc.restore,
            qc.text[q.span.end : counted.counted.end] if qc.last and counted else None,
        )
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return [f.shifted(base) for f in hit]
        found = [f for check in CHECKS for f in check(qc)]
        self._cache[key] = tuple(f.shifted(-base) for f in found)
        if len(self._cache) > self._capacity:
            self._cache.popitem(last=False)
        return found


_DEFAULT = Analyzer()


def analyse(text: str, path: Path | None = None, settings: Settings | None = None,
            disk: Disk | None = None, originals: dict[int, str] | None = None) -> Analysis:
    """Analyse one document (a module-level analyzer keeps the per-question cache)."""
    return _DEFAULT.analyse(text, path, settings, disk, originals)


def _wants_linked(qc: QuestionContext) -> bool:
    return qc.limits.images is not None


def _linked(report: Report, disk: Disk | None) -> frozenset[str]:
    if disk is None:
        return frozenset()
    out = set()
    for q in report.questions:
        for f in q.answer.figures:
            target = f.target if f.kind != "reference" else report.references.get(f.target.lower() or f.alt.lower(), "")
            if target:
                r = disk.resolve(target)
                if r.relative:
                    out.add(r.relative)
    return frozenset(out)


def _limits_for(view: CheckerView, counted: CheckerAnswer | None, q: Question, edition) -> Limits:
    if counted is not None and not view.crashes:
        return view.spec.limits.get(counted.position, Limits())
    return edition.limits.get(q.number, Limits())


def _status(q: Question, counted: CheckerAnswer | None, limits: Limits, view: CheckerView) -> QuestionStatus:
    answered = not q.answer.is_empty
    if view.crashes:
        status = "crash"
    elif counted is None:
        status = "fail"
    else:
        ok = checker.judge(counted, limits).passed
        status = "pass" if ok else ("unanswered" if not answered else "fail")
    return QuestionStatus(
        number=q.number,
        section=q.section,
        line=q.heading.line,
        words=q.answer.words,
        checker_words=None if view.crashes or counted is None else counted.words,
        images=len(q.answer.figures),
        checker_images=None if view.crashes or counted is None else counted.images,
        limits=limits,
        status=status,
        answered=answered,
    )


def _edited(q: Question, detection: Detection) -> str | None:
    """What changed in a question's instructions, or None."""
    e = detection.edition
    ins = q.instructions
    if ins.label is None:
        return "the 'Answer:' label is missing from the instructions"
    stated = e.stated.get(q.number)
    if stated is not None and (ins.stated_words, ins.stated_images) != (stated.words, stated.images) \
            and (ins.stated_words is not None or stated.words is not None):
        said = f"{ins.stated_words[0]}-{ins.stated_words[1]} words" if ins.stated_words else "no length"
        was = f"{stated.words[0]}-{stated.words[1]} words" if stated.words else "no length"
        return f"the instructions state {said} where the template states {was}"
    if detection.how in ("fingerprint", "setting") and e.fingerprints and q.number not in detection.matched:
        if q.number not in e.fingerprints:
            return None
        missing = []
        if ins.prompt is None:
            missing.append("the question")
        if stated is not None and stated.words is not None and ins.stated_words is None:
            missing.append("the length line")
        if not ins.has_example:
            missing.append("the example")
        if missing:
            return "the instructions lost " + " and ".join(missing)
        return "the instruction text differs from the template"
    return None


def _document_findings(report: Report, detection: Detection, view: CheckerView) -> list[Finding]:
    out: list[Finding] = []
    text = report.text
    lines = report.lines
    if view.crashes:
        at = view.crash_at or 0
        line = lines.line_of(at)
        span = Span(at, lines.line_end(line))
        out.append(Finding("checker-crash", "", 0, span,
                           f"report.py check will crash: {view.crash}; {_crash_hint(report, view, at)}"))
    e = detection.edition
    numbers = [q.number for q in report.questions]
    present = set(numbers)
    expected = range(1, e.questions + 1)
    for n in expected:
        if n in present:
            continue
        after = next((q for q in report.questions if q.number > n), None)
        at = after.heading.span if after else Span(len(text), len(text))
        out.append(Finding("question-missing", "", 0, at,
                           f"Question {n} is missing: the {e.label} template has questions 1-{e.questions}"))
    seen: set[int] = set()
    highest = 0
    for q in report.questions:
        if q.number in seen:
            out.append(Finding("question-duplicate", "", q.number, q.heading.span,
                               f"Question {q.number} appears twice; the checker judges answers by position"))
        elif q.number < highest:
            out.append(Finding("question-order", "", q.number, q.heading.span,
                               f"Question {q.number} comes after question {highest}; the checker judges answers by position"))
        seen.add(q.number)
        highest = max(highest, q.number)
    for item in report.checklist:
        if not item.standard:
            out.append(Finding("checkbox-mark", "", 0, item.mark_span,
                               f"Checklist mark [{item.mark}] is not [ ] or [x]; it does not render as a check box",
                               (Fix("Use [x]", "checkboxMark", (Edit(item.mark_span, "[x]"),)),)))
    return out


def _crash_hint(report: Report, view: CheckerView, at: int) -> str:
    q = report.question_at(at)
    for d in view.dropped:
        if d.label == at:
            nq = report.question_at(d.chunk.end)
            who = f"question {nq.number}" if nq else "the next question"
            return f"the text after this 'Answer:' has no ### before {who}'s label, so the checker drops it"
    if q is not None and view.answers and view.answers[-1].appended_again and view.answers[-1].chunk.start <= at:
        return "the last answer contains ###, so the checker counts it twice"
    return f"it expects {view.spec.expected} answers and finds {len(view.answers)}"


def _apply_settings(findings: list[Finding], settings: Settings) -> list[Finding]:
    out = []
    for f in findings:
        if f.code in settings.disable:
            continue
        level = settings.severity.get(f.code) or RULES[f.code].severity
        if level == "off":
            continue
        out.append(Finding(f.code, level, f.question, f.span, f.message, f.fixes, f.data))
    return out
