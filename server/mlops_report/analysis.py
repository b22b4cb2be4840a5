"""Report + settings -> findings and per-question counts.

``Analyzer`` keeps the findings of every question keyed by everything they depend on, so an
edit inside one answer re-runs that question's checks and the cheap document-level ones only.
Every check runs on its own: one that raises is logged and the others still report.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from . import checker, codes, members
from . import evidence as repo_evidence
from .cache import DOCUMENTS, FINDINGS, OBJECT, ByteCache, size_of
from .checker import CheckerAnswer, CheckerView
from .disk import Disk
from .editions import Detection, Judge, Limits, detect, judge
from .editions import local as local_checker
from .editions.fingerprint import fingerprint, normalise
from .findings import Edit, Finding, Fix
from .parse import Question, Report, parse, reparse
from .rules import RULES, handin
from .rules.checker_differs import checker_differs
from .rules.figures_files import figure_file_findings
from .rules.questions import CHECKS, MARKS_COUNTED, QuestionContext, count_differences, quoted_label
from .rules.template_outdated import template_outdated
from .settings import Settings
from .text import Span, changed_range

log = logging.getLogger(__name__)


AUTO = object()  # ``Analyzer.analyse``'s default repository context: opened from the path


class QuestionStatus(NamedTuple):
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
    # what the hover, the lens, the status and the CLI show, computed here once:
    differences: tuple[str, ...] = ()  # why checker_words differs from words (empty: it does not)
    edited: bool = False  # an instructions-edited finding is reported for the question
    restorable: bool = False  # ... and it carries the fix that restores the original instructions


class Crash(NamedTuple):
    """What makes the official checker crash, beside its own message (``view.crash``) and its
    own guess at the place (``view.crash_at``), which are kept as the checker view has them."""

    span: Span  # the heading or label that causes it
    why: str  # the cause, in words


class _Row(NamedTuple):
    """What the analysis found for one question, kept for the next analysis of the document."""

    findings: tuple[Finding, ...]  # after the settings
    status: QuestionStatus
    label: int | None  # the label of the checker answer it was judged by
    weight: int  # the bytes its findings and its question's parse keep


@dataclass
class Analysis:
    report: Report
    detection: Detection | None
    view: CheckerView | None
    findings: list[Finding] = field(default_factory=list)
    questions: list[QuestionStatus] = field(default_factory=list)
    saved: bool = True
    judge: Judge | None = None  # the checker the report is judged by, and why that one
    local: local_checker.LocalChecker | None = None  # the report.py beside the report, if any
    repo: object = None  # the repository context the hand-in findings read (repo.handin.Handin), if any
    evidence: repo_evidence.Evidence | None = None  # what the repository shows of the checklist
    crash: Crash | None = None  # why the official checker crashes, when it does
    # what the next analysis of the same document reuses after an edit
    _rows: list[_Row] = field(default_factory=list, repr=False, compare=False)
    _inputs: tuple = field(default=(), repr=False, compare=False)
    _linked: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    _weight: int = field(default=0, repr=False, compare=False)  # of the rows, the document findings and the view
    # what fixes do to the checker's verdicts, worked out when fixes are asked for
    # (rules.consequences): per fix, and the choice of "fix all"
    _consequences: dict = field(default_factory=dict, repr=False, compare=False)
    _fix_all: list | None = field(default=None, repr=False, compare=False)

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

    @property
    def failing(self) -> list[int]:
        """The answers the official checker fails, by the number it gives them."""
        return [v.position for v in self.view.verdicts if not v.passed] if self.view is not None else []

    def counted(self, i: int) -> CheckerAnswer | None:
        """The checker's answer that question ``i`` (its index) is judged by: its chunk, what
        it counts and its counts; None when the checker drops it or crashes."""
        if self.view is None or self.view.crashes:
            return None
        return _counted_answer(self.view, self.report.questions[i])

    @property
    def group(self) -> str | None:
        """The group number question 1 states (the first number in its answer)."""
        q = self.report.question(1)
        return members.group_number(self.report.text, q.answer) if q and not q.answer.is_empty else None

    @property
    def study_numbers(self) -> tuple[str, ...]:
        """The study numbers question 2 lists, in order."""
        q = self.report.question(2)
        return members.study_numbers(self.report.text, q.answer) if q and not q.answer.is_empty else ()


class Analyzer:
    """Analyses documents, reusing work across calls: the findings of every question keyed by
    everything they depend on, and the last analysis of each document (by path), so that an
    edit inside one answer costs that answer, not the whole report."""

    def __init__(self, findings: int = FINDINGS, documents: int = DOCUMENTS) -> None:
        # budgets in bytes: the findings of questions, and the last analysis of each document
        self._cache: ByteCache[tuple, tuple[object, tuple[Finding, ...]]] = ByteCache("findings", findings)
        self._last: ByteCache[Path | None, Analysis] = ByteCache("documents", documents)

    @property
    def caches(self) -> tuple[ByteCache, ByteCache]:
        return self._cache, self._last

    def analyse(
        self,
        text: str,
        path: Path | None = None,
        settings: Settings | None = None,
        disk: Disk | None = None,
        originals: dict[int, str] | None = None,
        repo: object = AUTO,
    ) -> Analysis:
        """``repo``: the repository context of the hand-in findings; by default opened from
        ``path`` (None: no git findings)."""
        settings = settings or Settings()
        if repo is AUTO:
            repo = _open_repo(path)
        inputs = (settings.key, disk, originals, repo)
        prev = self._last.get(path)
        result = None
        # a saved report without a given disk is walked afresh every time: nothing is reused
        rescan = path is not None and disk is None
        if prev is not None and prev._rows and not rescan and _same_inputs(prev._inputs, inputs):
            result = self._after_edit(prev, text, settings, disk, originals, repo)
        if result is None:
            result = self._whole(text, path, settings, disk, originals, repo)
        result._inputs = inputs
        self._last.put(path, result, _analysis_weight(result))  # too large to keep: not kept
        return result

    def _whole(
        self,
        text: str,
        path: Path | None,
        settings: Settings,
        disk: Disk | None,
        originals: dict[int, str] | None,
        repo: object = None,
    ) -> Analysis:
        report = parse(text)
        if not report.is_report:
            return Analysis(report, None, None, saved=path is not None)
        local = local_checker.read(path.parent) if path is not None else None
        detection = detect(report, settings.edition, local)
        judged = judge(detection, settings.checker, local)
        view = checker.check(text, judged.checker)
        if disk is None and path is not None:
            disk = Disk.scan(path)
        linked = _linked(report, disk)
        rows = [
            self._row(report, i, detection, view, disk, settings, linked, originals)
            for i in range(len(report.questions))
        ]
        evidence = repo_evidence.for_report(path, disk) if path is not None and disk is not None else None
        return self._finish(
            report, detection, view, rows, settings, linked, path is not None, judged, local, disk, repo, evidence
        )

    def _after_edit(
        self,
        prev: Analysis,
        text: str,
        settings: Settings,
        disk: Disk | None,
        originals: dict[int, str] | None,
        repo: object = None,
    ) -> Analysis | None:
        """The analysis of ``text`` from ``prev``'s, when ``text`` is ``prev``'s text after an edit
        inside one question that leaves its instructions, every heading and every ``Answer:``
        label as they were (typing in an answer); None for any other change."""
        old = prev.report.text
        edit = changed_range(old, text)
        if edit is None:
            return prev
        start, old_end, new_end = edit
        reparsed = reparse(prev.report, text, start, old_end, new_end)
        if reparsed is None:
            return None
        report, i = reparsed
        edited = report.questions[i]
        if edited.shape.instructions != prev.report.questions[i].shape.instructions or not report.is_report:
            return None  # what detection reads changed
        assert prev.view is not None and prev.detection is not None
        rechecked = checker.recheck(prev.view, old, text, start, old_end, new_end)
        if rechecked is None:
            return None
        view, recounted = rechecked
        linked = prev._linked
        before = prev.report.questions[i].shape.answer.figures
        references_changed = report.references != prev.report.references
        if references_changed or [(f.kind, f.target, f.alt) for f in edited.shape.answer.figures] != [
            (f.kind, f.target, f.alt) for f in before
        ]:
            linked = _linked(report, disk)
        if linked != prev._linked or references_changed:
            rows = [
                self._row(report, j, prev.detection, view, disk, settings, linked, originals)
                for j in range(len(report.questions))
            ]
        else:
            d = new_end - old_end
            lines = report.lines.line_count - prev.report.lines.line_count
            rows = []
            for j, row in enumerate(prev._rows):
                if j == i or row.label in recounted:
                    row = self._row(report, j, prev.detection, view, disk, settings, linked, originals)
                elif j > i and (d or lines):
                    status = row.status if not lines else row.status._replace(line=row.status.line + lines)
                    row = _Row(
                        tuple([f.shifted(d) for f in row.findings]),
                        status,
                        None if row.label is None else row.label + d,
                        row.weight,
                    )
                rows.append(row)
        return self._finish(
            report,
            prev.detection,
            view,
            rows,
            settings,
            linked,
            prev.saved,
            prev.judge,
            prev.local,
            disk,
            repo,
            prev.evidence,
        )

    def _row(
        self,
        report: Report,
        i: int,
        detection: Detection,
        view: CheckerView,
        disk: Disk | None,
        settings: Settings,
        linked: frozenset[str],
        originals: dict[int, str] | None,
    ) -> _Row:
        q = report.questions[i]
        counted = _counted_answer(view, q)
        limits = _limits_for(view, counted, q)
        last = i == len(report.questions) - 1
        edited = _edited(q, detection)
        restore = originals.get(q.number) if originals and edited else None
        qc = QuestionContext(
            q,
            report.text,
            counted,
            limits,
            last,
            disk,
            settings.figures_dir,
            linked,
            report.references,
            edited,
            restore,
        )
        findings = tuple(_apply_settings(self._question_findings(qc), settings))
        status = _status(q, counted, limits, view)
        differences: tuple[str, ...] = ()
        if not view.crashes and status.checker_words != status.words:
            differences = tuple(count_differences(q, report.text, counted, last)) or (MARKS_COUNTED,)
        edits = [f for f in findings if f.code == codes.INSTRUCTIONS_EDITED]
        status = status._replace(differences=differences, edited=bool(edits), restorable=any(f.fixes for f in edits))
        return _Row(
            findings,
            status,
            None if counted is None else counted.label,
            _weight(findings) + q.shape.weight,
        )

    def _finish(
        self,
        report: Report,
        detection: Detection,
        view: CheckerView,
        rows: list[_Row],
        settings: Settings,
        linked: frozenset[str],
        saved: bool,
        judged: Judge | None,
        local: local_checker.LocalChecker | None,
        disk: Disk | None = None,
        repo: object = None,
        evidence: repo_evidence.Evidence | None = None,
    ) -> Analysis:
        findings = [f for row in rows for f in row.findings]
        document = list(_apply_settings(_document_findings(report, detection, view), settings))
        document.extend(_apply_settings(checker_differs(report, detection, judged, local), settings))
        document.extend(_apply_settings(template_outdated(report, detection), settings))
        document.extend(_apply_settings(handin.findings(report, repo, disk, settings.deadline_at), settings))
        # what the files around the report say: its figures' files, the repository's evidence
        document.extend(
            _apply_settings(_guarded(FILE_CHECKS, (report, disk, settings, evidence), "the report's files"), settings)
        )
        findings = _one_per_cause(findings, document)
        findings.sort(key=_order)
        crash = Crash(*crash_cause(report, view)) if view.crashes else None
        analysis = Analysis(
            report,
            detection,
            view,
            findings,
            [row.status for row in rows],
            saved=saved,
            judge=judged,
            local=local,
            repo=repo,
            evidence=evidence,
            crash=crash,
        )
        analysis._rows = rows
        analysis._linked = linked
        analysis._weight = sum(row.weight for row in rows) + _weight(document) + OBJECT * len(view.answers)
        return analysis

    def _question_findings(self, qc: QuestionContext) -> list[Finding]:
        q = qc.question
        base = q.span.start
        counted = qc.counted
        ckey = None
        if counted is not None:
            ckey = (
                counted.words,
                counted.images,
                None if counted.cut is None else counted.cut - base,
                counted.counted.start - base,
                counted.counted.end - base,
            )
        linked = qc.linked if _wants_linked(qc) else None
        refs = (
            tuple(sorted(qc.references.items())) if any(f.kind == "reference" for f in q.shape.answer.figures) else None
        )
        trailing = qc.text[q.span.end :] if qc.last else None  # trailing-content reads to the end of the file
        key = (
            id(q.shape),
            q.number,
            q.section,
            ckey,
            qc.limits,
            qc.last,
            qc.disk,
            qc.figures_dir,
            linked,
            refs,
            qc.edited,
            qc.restore,
            trailing,
        )
        hit = self._cache.get(key)
        if hit is not None and hit[0] is q.shape:  # the shape is kept: its id names it
            return [f.shifted(base) for f in hit[1]]
        found = _guarded(CHECKS, qc, f"question {q.number}")
        kept = tuple(f.shifted(-base) for f in found)
        weight = q.shape.weight + _weight(kept) + OBJECT
        weight += sum(size_of(t) for t in (q.section, qc.edited, qc.restore, trailing))
        weight += sum(size_of(p) + OBJECT for p in linked or ())
        weight += sum(size_of(k) + size_of(v) + OBJECT for k, v in refs or ())
        self._cache.put(key, (q.shape, kept), weight)
        return found


def _one_per_cause(questions: list[Finding], document: list[Finding]) -> list[Finding]:
    """The questions' findings and the document's, each cause told once: a crash caused by a
    missing heading is said by the question-missing finding there, and the labels of orphaned
    instructions are not stray labels of the answer they now stand in."""
    orphans = [f for f in document if f.code == "question-missing" and "label" in f.data]
    missing = {f.span: i for i, f in enumerate(document) if f.code == "question-missing"}
    out = questions
    if orphans:
        # the orphan's label, a broken heading above it, and the counts of the answer holding it
        # (the checker counts the orphan's answer there) are all the missing heading
        said = {f.data["label"] for f in orphans} | {f.span.start for f in orphans}
        holders = {f.data["holder"] for f in orphans}
        out = [
            f
            for f in questions
            if f.span.start not in said and not (f.question in holders and f.code in ("word-count", "image-count"))
        ]
    for f in document:
        if f.code == "checker-crash" and f.span in missing:
            i = missing[f.span]
            was = document[i]
            document[i] = Finding(
                was.code,
                "error",
                was.question,
                was.span,
                f"{was.message}, so report.py check will crash ({f.data.get('crash')})",
                was.fixes,
                was.data,
            )
    out.extend(f for f in document if not (f.code == "checker-crash" and f.span in missing))
    return out


def _guarded(checks: Iterable[Callable], arg, where: str) -> list[Finding]:
    """The findings of every check; a check that raises is logged and reports nothing, and
    the others still run."""
    found: list[Finding] = []
    for check in checks:
        try:
            found.extend(list(check(arg)))
        except Exception:
            log.exception("check %s failed on %s; its findings are left out", getattr(check, "__name__", check), where)
    return found


def _weight(findings: Iterable[Finding]) -> int:
    """The bytes a tuple of findings keeps: messages, fix titles and replacement texts."""
    total = 0
    for f in findings:
        total += 2 * OBJECT + size_of(f.message)
        for fix in f.fixes:
            total += OBJECT + size_of(fix.title) + sum(OBJECT + size_of(e.new_text) for e in fix.edits)
    return total


def _analysis_weight(a: Analysis) -> int:
    """The bytes an analysis keeps: the document, its line index, its questions (with their
    parses), its findings and the checker's answers."""
    r = a.report
    total = size_of(r.text) + 40 * r.lines.line_count + 8 * len(a.findings) + a._weight
    if not a._rows:  # not a report: no rows carry the weight of its questions' parses
        total += sum(q.shape.weight for q in r.questions)
    return total + OBJECT * (len(r.sections) + len(r.checklist) + 4 * len(r.questions))


def _same_inputs(a: tuple, b: tuple) -> bool:
    """Same settings, the same walk of the folder and the same repository context (by
    identity: a new walk or context may differ) and the same original instructions."""
    return len(a) == len(b) and a[0] == b[0] and a[1] is b[1] and a[2] == b[2] and a[3] is b[3]


def _order(f: Finding) -> tuple[int, str]:
    return (f.span.start, f.code)


def _open_repo(path: Path | None) -> object:
    """The hand-in context of the report at ``path``: its repository, read in-process."""
    if path is None:
        return None
    from .repo.handin import Handin

    return Handin.open(path)


_DEFAULT = Analyzer()


def analyse(
    text: str,
    path: Path | None = None,
    settings: Settings | None = None,
    disk: Disk | None = None,
    originals: dict[int, str] | None = None,
) -> Analysis:
    """Analyse one document (a module-level analyzer keeps the per-question cache)."""
    return _DEFAULT.analyse(text, path, settings, disk, originals)


def _wants_linked(qc: QuestionContext) -> bool:
    return qc.limits.images is not None


def _linked(report: Report, disk: Disk | None) -> frozenset[str]:
    if disk is None:
        return frozenset()
    out = set()
    for q in report.questions:
        for f in q.shape.answer.figures:
            target = f.target if f.kind != "reference" else report.references.get(f.target.lower() or f.alt.lower(), "")
            if target:
                r = disk.resolve(target)
                if r.relative:
                    out.add(r.relative)
    return frozenset(out)


def _counted_answer(view: CheckerView, q: Question) -> CheckerAnswer | None:
    """The checker's answer for ``q``: the one after its label, or, when the checker dropped that
    chunk, the one after a literal 'Answer:' inside the answer."""
    if q.label is not None:
        found = view.answer_after(q.label)
        if found is not None:
            return found
    for label in reversed(q.shape.answer.labels):
        found = view.answer_after(label.start + q.span.start)
        if found is not None:
            return found
    return None


def _limits_for(view: CheckerView, counted: CheckerAnswer | None, q: Question) -> Limits:
    if counted is not None and not view.crashes:
        return view.spec.limits.get(counted.position, Limits())
    return view.spec.limits.get(q.number, Limits())


def _status(q: Question, counted: CheckerAnswer | None, limits: Limits, view: CheckerView) -> QuestionStatus:
    answer = q.shape.answer
    answered = not answer.is_empty
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
        words=answer.words,
        checker_words=None if view.crashes or counted is None else counted.words,
        images=len(answer.figures),
        checker_images=None if view.crashes or counted is None else counted.images,
        limits=limits,
        status=status,
        answered=answered,
    )


def _edited(q: Question, detection: Detection) -> str | None:
    """What changed in a question's instructions, in words, or None."""
    e = detection.edition
    ins = q.shape.instructions
    changes: list[str] = []
    if ins.label is None:
        changes.append("the 'Answer:' label was removed")
    stated = e.stated.get(q.number)
    limit_told = False
    if stated is not None and stated.words is not None:
        if ins.stated_words is None:
            changes.append("the length line was removed")
            limit_told = True
        elif (ins.stated_words, ins.stated_images) != (stated.words, stated.images):
            changes.append(
                f"the length line says {_said(ins.stated_words, ins.stated_images)} where the "
                f"template says {_said(stated.words, stated.images)}"
            )
            limit_told = True
    known = detection.how in ("fingerprint", "setting") and q.number in e.fingerprints
    if known and q.number not in detection.matched:
        template = e.parts.get(q.number, (None, None, None))
        ours = (ins.prompt, None if limit_told else ins.limit_line, ins.example)
        names = ("the question's prompt", "the length line", "the example")
        for i, (was, now, name) in enumerate(zip(template, ours, names)):
            if i == 1 and limit_told:
                continue
            now_print = fingerprint(now) if now is not None and normalise(now) else None
            if was is not None and now_print is None:
                changes.append(f"{name} was removed")
            elif was is None and now_print is not None:
                changes.append(f"{name} was added" if i else "a bold prompt was added")
            elif was != now_print:
                changes.append(f"{name} was changed")
        if not changes:
            changes.append("the instruction text differs from the template")
    if not changes:
        return None
    return "; ".join(changes)


def _said(words, images) -> str:
    out = f"{words[0]}-{words[1]} words" if words else "no length"
    if images:
        out += f" and {images[0]}-{images[1]} figures"
    return out


class DocumentContext(NamedTuple):
    report: Report
    detection: Detection
    view: CheckerView


def checker_crash(c: DocumentContext) -> Iterable[Finding]:
    if c.view.crashes:
        span, why = crash_cause(c.report, c.view)
        q = next((q for q in c.report.questions if q.heading.span == span), None)
        fixes: tuple[Fix, ...] = ()
        if q is not None and not c.report.text.startswith("###", span.start):
            fixes = (
                Fix(
                    f"Write the heading as `### Question {q.number}`",
                    "insertHeading",
                    (Edit(span, f"### Question {q.number}"),),
                ),
            )
        yield Finding(
            "checker-crash",
            "",
            0,
            span,
            f"report.py check will crash: {c.view.crash}; {why}",
            fixes,
            {"crash": c.view.crash},
        )


class Orphan(NamedTuple):
    """A question whose heading is gone while its instructions and ``> Answer:`` label are still
    there, now inside the previous question's answer."""

    number: int
    label: Span  # its label
    first: Span  # the first line of its instruction block: where its heading belongs
    broken: Span | None  # a heading line right above the block that is no question heading
    holder: int  # the question whose answer holds it


_MAX_GAP = 40  # missing numbers between two questions that are looked for
_QUOTE_LINE = re.compile(r"[ \t]{0,3}>")
_QUESTION_WORD = re.compile(r"q(?:uestion)?\s*\d*", re.IGNORECASE)


def _broken_heading(line: str) -> bool:
    """What is left of a question's heading line: '**Question 9**', '### Question 9999999'."""
    return _QUESTION_WORD.fullmatch(line.strip(" \t#*_:.")) is not None


def orphans(report: Report, total: int) -> dict[int, Orphan]:
    """The questions missing between two present ones (or after the last one, up to ``total``)
    whose instruction blocks are found, in order, in the answer before the gap: as many
    template labels (``> Answer:``) in that answer as numbers missing."""
    text, lines, qs = report.text, report.lines, report.questions
    out: dict[int, Orphan] = {}
    for i, q in enumerate(qs):
        following = qs[i + 1].number if i + 1 < len(qs) else total + 1
        gap = following - q.number - 1
        if not 0 < gap <= _MAX_GAP or not q.shape.answer.labels:
            continue
        labels = [lab for lab in q.answer.labels if quoted_label(text, lab)]
        if len(labels) != gap:
            continue
        floor = q.answer.span.start
        for k, lab in enumerate(labels):
            line = lines.line_of(lab.start)
            while line > 0 and lines.starts[line - 1] >= floor and _QUOTE_LINE.match(lines.line_text(line - 1)):
                line -= 1
            first = Span(lines.starts[line], lines.line_end(line))
            above = line - 1
            while above >= 0 and lines.starts[above] >= floor and not lines.line_text(above).strip():
                above -= 1
            broken = None
            if above >= 0 and lines.starts[above] >= floor and _broken_heading(lines.line_text(above)):
                broken = Span(lines.starts[above], lines.line_end(above))
            out[q.number + 1 + k] = Orphan(q.number + 1 + k, lab, first, broken, q.number)
            floor = lab.end
    return out


def _heading_fix(report: Report, orphan: Orphan) -> tuple[Fix, ...]:
    """Put the heading back above the orphaned instructions (or write a broken one right); none
    when the heading is written right already (an unclosed fence above it hides it)."""
    heading = f"### Question {orphan.number}"
    if orphan.broken is not None:
        if report.text[orphan.broken.start : orphan.broken.end].strip() == heading:
            return ()
        return (Fix(f"Write the heading as `{heading}`", "insertHeading", (Edit(orphan.broken, heading),)),)
    text, at = report.text, orphan.first.start
    nl = "\r\n" if "\r\n" in text[max(0, at - 2) : orphan.first.end + 2] else "\n"
    before = "" if at == 0 or not text[_line_start(text, at - 1) : at].strip() else nl
    return (Fix(f"Insert `{heading}`", "insertHeading", (Edit(Span(at, at), f"{before}{heading}{nl}"),)),)


def _line_start(text: str, pos: int) -> int:
    k = max(text.rfind("\n", 0, pos), text.rfind("\r", 0, pos))
    return k + 1


def questions_missing(c: DocumentContext) -> Iterable[Finding]:
    e, questions = c.detection.edition, c.report.questions
    present = {q.number for q in questions}
    highest: list[int] = []  # the highest number up to each question: the first above n is the place
    for q in questions:
        highest.append(max(q.number, highest[-1]) if highest else q.number)
    end = len(c.report.text)
    found = orphans(c.report, e.questions)
    for n in range(1, e.questions + 1):
        if n in present:
            continue
        message = f"Question {n} is missing: the {e.label} template has questions 1-{e.questions}"
        orphan = found.get(n)
        if orphan is not None:
            yield Finding(
                "question-missing",
                "",
                n,
                orphan.broken or orphan.first,
                f"Question {n} is missing its heading: its instructions are here, inside question "
                f"{orphan.holder}'s answer",
                _heading_fix(c.report, orphan),
                {"label": orphan.label.start, "holder": orphan.holder},
            )
            continue
        i = bisect.bisect_right(highest, n)
        at = questions[i].heading.span if i < len(questions) else Span(end, end)
        fixes: tuple[Fix, ...] = ()
        if i < len(questions) and questions[i].number > n:
            nl = "\r\n" if "\r\n" in c.report.text[at.start : at.end + 2] else "\n"
            fixes = (
                Fix(
                    f"Insert `### Question {n}` with an `Answer:` label",
                    "insertHeading",
                    (Edit(Span(at.start, at.start), f"### Question {n}{nl}{nl}> Answer:{nl}{nl}"),),
                    safe=False,
                ),
            )
        yield Finding("question-missing", "", n, at, message, fixes)


def question_numbers(c: DocumentContext) -> Iterable[Finding]:
    """question-duplicate and question-order."""
    seen: dict[int, int] = {}
    highest = 0
    for q in c.report.questions:
        if q.number in seen:
            yield Finding(
                "question-duplicate",
                "",
                q.number,
                q.heading.span,
                f"Question {q.number} appears twice (first on line {seen[q.number] + 1}); the "
                "checker judges answers by position, so the later ones get other questions' limits",
            )
        elif q.number < highest:
            yield Finding(
                "question-order",
                "",
                q.number,
                q.heading.span,
                f"Question {q.number} comes after question {highest}; the checker judges answers by position",
            )
        seen.setdefault(q.number, q.heading.line)
        highest = max(highest, q.number)


def checkbox_marks(c: DocumentContext) -> Iterable[Finding]:
    for item in c.report.checklist:
        if not item.standard:
            mark = "[x]" if item.checked else "[ ]"
            yield Finding(
                "checkbox-mark",
                "",
                0,
                item.mark_span,
                f"Checklist item '{item.text[:50]}': the mark [{item.mark}] is not [ ] or [x], so it "
                "does not render as a check box",
                (Fix(f"Use {mark}", "checkboxMark", (Edit(item.mark_span, mark),)),),
            )


# the checks of the whole document, in the order their findings were always reported; like
# rules.questions.CHECKS a list others may add to
DOCUMENT_CHECKS: list[Callable[[DocumentContext], Iterable[Finding]]] = [
    checker_crash,
    questions_missing,
    question_numbers,
    checkbox_marks,
]


def figure_files(c: tuple) -> list[Finding]:
    report, disk, settings, _ = c
    return figure_file_findings(report, disk, settings)


def checklist_evidence(c: tuple) -> list[Finding]:
    report, _, _, evidence = c
    return repo_evidence.findings(report, evidence)


# the checks of what lies around the report: (report, disk, settings, evidence) -> findings
FILE_CHECKS: list[Callable[[tuple], Iterable[Finding]]] = [figure_files, checklist_evidence]


def _document_findings(report: Report, detection: Detection, view: CheckerView) -> list[Finding]:
    return _guarded(DOCUMENT_CHECKS, DocumentContext(report, detection, view), "the document")


def crash_cause(report: Report, view: CheckerView) -> tuple[Span, str]:
    """The heading or label that makes the official checker crash, and why, in words."""
    text, lines = report.text, report.lines

    def line_from(at: int, length: int | None = None) -> Span:
        return Span(at, at + length if length is not None else lines.line_end(lines.line_of(at)))

    questions = report.questions
    if view.crash and view.crash.startswith("IndexError"):
        at = questions[0].heading.span if questions else line_from(0)
        return at, "the report has no 'Answer:' label at all, so the checker finds no answer to check"
    expected, found = view.spec.expected or 0, len(view.answers)
    by_label = {q.label: q for q in questions if q.label is not None}
    if found > expected:
        last = view.answers[-1]
        if last.appended_again and found >= 2 and view.answers[-2].chunk == last.chunk:
            k = text.find("###", last.chunk.start, last.chunk.end)
            q = report.question_at(k)
            who = f"question {q.number}" if q else "the last answer"
            return line_from(k), (
                f"the last answer ({who}) contains '###', so the checker counts it twice "
                f"and finds {found} answers instead of {expected}"
            )
        for a in view.answers:
            if a.label >= 0 and a.label not in by_label:
                q = report.question_at(a.label)
                who = f"question {q.number}'s answer" if q else "the text"
                return line_from(a.label, len(checker.LABEL)), (
                    f"this 'Answer:' inside {who} starts an extra answer, so the checker finds {found} "
                    f"answers instead of {expected}"
                )
        if len(questions) > expected:
            q = questions[expected]
            return q.heading.span, (
                f"the report has {len(questions)} questions and this checker expects "
                f"{expected}; it finds {found} answers"
            )
    else:
        for q in questions:
            if q.label is None:
                return q.heading.span, (
                    f"question {q.number} has no 'Answer:' label, so its answer merges into "
                    f"another; the checker finds {found} answers instead of {expected}"
                )
        for d in view.dropped:
            if d.label not in by_label or d.chunk.end >= len(text):  # the last chunk is appended anyway
                continue
            nxt = by_label.get(d.chunk.end)
            orphan = next((o for o in orphans(report, expected).values() if o.label.start == d.chunk.end), None)
            if orphan is not None:
                return orphan.broken or orphan.first, (
                    f"question {orphan.number}'s heading is missing, so the checker drops question "
                    f"{by_label[d.label].number}'s answer and finds {found} answers instead of {expected}"
                )
            if nxt is not None:
                return nxt.heading.span, (
                    f"question {nxt.number}'s heading does not start with '###', so the checker drops question "
                    f"{by_label[d.label].number}'s answer and finds {found} answers instead of {expected}"
                )
            return line_from(d.chunk.end, len(checker.LABEL)), (
                f"no '###' heading stands between question {by_label[d.label].number}'s label and this "
                f"'Answer:', so the checker drops that answer and finds {found} answers instead of {expected}"
            )
        present = {q.number for q in questions}
        for n in range(1, expected + 1):
            if n not in present:
                after = next((q for q in questions if q.number > n), None)
                at = after.heading.span if after else line_from(len(text))
                return at, f"question {n} is missing, so the checker finds {found} answers instead of {expected}"
    first = text.find(checker.LABEL)
    at = line_from(first, len(checker.LABEL)) if first >= 0 else line_from(0)
    return at, f"the checker expects {expected} answers and finds {found}"


def _apply_settings(findings: list[Finding], settings: Settings) -> list[Finding]:
    out = []
    for f in findings:
        if f.code in settings.disable:
            continue
        # a level set by the user wins; else the rule's level, or information where the finding
        # changes nothing the course's checker or the hand-in page says (set by the rule)
        level = settings.severity.get(f.code) or f.severity or RULES[f.code].severity
        if level == "off":
            continue
        out.append(Finding(f.code, level, f.question, f.span, f.message, f.fixes, f.data))
    return out
