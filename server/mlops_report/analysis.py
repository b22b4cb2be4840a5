"""Report + settings -> findings and per-question counts.

``Analyzer`` keeps the findings of every question keyed by everything they depend on, so an
edit inside one answer re-runs that question's checks and the cheap document-level ones only.
Every check runs on its own: one that raises is logged and the others still report.
"""

from __future__ import annotations

import bisect
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from . import checker, members
from . import evidence as repo_evidence
from .cache import DOCUMENTS, FINDINGS, OBJECT, ByteCache, size_of
from .checker import CheckerAnswer, CheckerView
from .disk import Disk
from .editions import Detection, Judge, Limits, detect, editions, judge, preamble_prints
from .editions import local as local_checker
from .editions.fingerprint import fingerprint, parts
from .findings import SEVERITIES, Finding
from .ignored import stretches
from .parse import Question, Report, parse, reparse
from .rules import RULES, codes
from .rules.context import DOCUMENT_KEYS, DocumentContext, QuestionContext
from .rules.counts import MARKS_COUNTED, count_differences
from .rules.registry import routes
from .rules.structure import crash_cause, instruction_changes
from .settings import Settings
from .text import LineIndex, Span, changed_range

log = logging.getLogger(__name__)


# when set, every document check whose findings are taken over runs again and must say the same:
# a rule that declares too little in ``reads`` fails loudly (the test suite sets it)
VERIFY_READS = os.environ.get("MLOPS_REPORT_VERIFY_READS") == "1"

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


class _Check(NamedTuple):
    """What one document check found, kept for the next analysis of the document: its
    findings lie ``shift`` characters before where they are in the text, and all their spans
    (fixes' too) lie between ``start`` and ``end`` (before the shift)."""

    key: tuple | None  # None: a check whose key changes with every edit
    findings: tuple[Finding, ...]  # after the settings
    shift: int = 0
    start: int = 0
    end: int = 0
    tally: tuple[int, ...] = (0, 0, 0, 0)  # its findings by severity (``SEVERITIES``' order)
    told: bool = False  # a question-missing finding is among them (``_told_once``)
    weight: int = 0  # the bytes its findings keep


def _check(key: tuple | None, findings: tuple[Finding, ...], shift: int = 0) -> _Check:
    spans = [s for f in findings for s in (f.span, *(e.span for fix in f.fixes for e in fix.edits))]
    start, end = min((s.start for s in spans), default=0), max((s.end for s in spans), default=0)
    told = any(f.code == codes.QUESTION_MISSING for f in findings)
    return _Check(key, findings, shift, start, end, _tally(findings), told, _weight(findings))


def _tally(findings: Iterable[Finding]) -> tuple[int, ...]:
    counts = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    return tuple(counts[s] for s in SEVERITIES)


class Crash(NamedTuple):
    """What makes the official checker crash, beside its own message (``view.crash``) and its
    own guess at the place (``view.crash_at``), which are kept as the checker view has them."""

    span: Span  # the heading or label that causes it
    why: str  # the cause, in words


class _Row(NamedTuple):
    """What the analysis found for one question, kept for the next analysis of the document.
    Its findings lie ``shift`` characters before where they are in the text: an edit above the
    question moves the row (one number), never its findings; they are placed when read
    (``Analysis.findings``) or converted a row at a time (``Analysis.rows``)."""

    findings: tuple[Finding, ...]  # after the settings, ``shift`` characters early
    status: QuestionStatus
    label: int | None  # the label of the checker answer it was judged by
    weight: int  # the bytes its findings and its question's parse keep
    shift: int = 0
    tally: tuple[int, ...] = (0, 0, 0, 0)  # its findings by severity (``SEVERITIES``' order)
    faded: tuple = ()  # the answer's stretches the checker does not count (``ignored.stretches``), as findings


@dataclass
class Analysis:
    report: Report
    detection: Detection | None
    view: CheckerView | None
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
    # whether a document finding tells the cause of other findings (a missing question)
    _told: bool = field(default=False, repr=False, compare=False)
    _findings: list[Finding] | None = field(default=None, repr=False, compare=False)
    _documents: list[Finding] | None = field(default=None, repr=False, compare=False)
    # per document check (``routes().document``), in their order: what it found (``_Check``)
    _document: tuple[_Check, ...] = field(default=(), repr=False, compare=False)
    _parts: dict = field(default_factory=dict, repr=False, compare=False)  # each document key part's value
    # what fixes do to the checker's verdicts, worked out when fixes are asked for
    # (rules.consequences): per fix, and the choice of "fix all"
    _consequences: dict = field(default_factory=dict, repr=False, compare=False)
    _fix_all: list | None = field(default=None, repr=False, compare=False)

    @property
    def is_report(self) -> bool:
        return self.report.is_report

    @property
    def findings(self) -> list[Finding]:
        """Every finding, placed in the text, each cause told once, in the order of the text
        (built when first read: a keystroke's diagnostics read ``rows`` instead)."""
        found = self._findings
        if found is None:
            questions = [f.shifted(row.shift) for row in self._rows for f in row.findings]
            document = self.document_findings
            orphans = [f for f in document if f.code == codes.QUESTION_MISSING and "label" in f.data]
            found = _one_per_cause(questions, orphans) + document
            found.sort(key=_order)
            self._findings = found
        return found

    @property
    def faded(self) -> list[tuple[int, tuple, int]]:
        """Per question with answer text the checker does not count: its number, those
        stretches (``ignored.stretches``: the same tuple for as long as the question is not
        analysed again) and the characters to move them by."""
        if self.view is None or self.view.crashes:
            return []
        return [(row.status.number, row.faded, row.shift) for row in self._rows if row.faded]

    @property
    def document_findings(self) -> list[Finding]:
        """The findings of the document checks, placed, each cause told once, in the order of
        the text."""
        found = self._documents
        if found is None:
            found = [f.shifted(c.shift) for c in self._document for f in c.findings]
            if self._told:
                found = _told_once(found)
            found.sort(key=_order)
            self._documents = found
        return found

    @property
    def rows(self) -> list[tuple[tuple[Finding, ...], int]] | None:
        """The findings as the analysis keeps them: per question and per document check, its
        findings and the characters to move them by (the same tuple for as long as the
        question is not analysed again, or the check not run again); None when a document
        finding tells the cause of others (read ``findings`` then)."""
        if self._told:
            return None
        return [(row.findings, row.shift) for row in self._rows] + [(c.findings, c.shift) for c in self._document]

    @property
    def edition(self):
        return self.detection.edition if self.detection else None

    def count(self, severity: str) -> int:
        if self._told or severity not in SEVERITIES:
            return sum(1 for f in self.findings if f.severity == severity)
        k = SEVERITIES.index(severity)
        return sum(row.tally[k] for row in self._rows) + sum(c.tally[k] for c in self._document)

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
        # what each instruction block changed from its edition's (``instruction_changes``), by
        # what it reads: a keystroke in an answer parses the question again, instructions too
        self._changes: dict[tuple, tuple[Detection, str | None]] = {}

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
        since: tuple[str, tuple[int, int, int], LineIndex] | None = None,
    ) -> Analysis:
        """``repo``: the repository context of the hand-in findings; by default opened from
        ``path`` (None: no git findings). ``since``: a text and the edit (start, old end, new
        end) that made ``text`` of it, and the line index of ``text``, when the caller knows them
        (an editor's change): when the last analysis is of that very text, the edit is not
        looked for again, nor the lines counted again."""
        settings = settings or Settings()
        if repo is AUTO:
            repo = _open_repo(path)
        inputs = (settings.key, disk, originals, repo, routes().generation)
        prev = self._last.get(path)
        result = None
        # a saved report without a given disk is walked afresh every time: nothing is reused
        rescan = path is not None and disk is None
        if prev is not None and prev._rows and not rescan and _same_inputs(prev._inputs, inputs):
            result = self._after_edit(prev, text, settings, disk, originals, repo, since)
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
        since: tuple[str, tuple[int, int, int], LineIndex] | None = None,
    ) -> Analysis | None:
        """The analysis of ``text`` from ``prev``'s, when ``text`` is ``prev``'s text after an edit
        that ``parse.reparse`` and ``checker.recheck`` take (inside one question's answer,
        instructions or heading line, or inside one checklist item) and that leaves the edition
        detected as it was; None for any other change."""
        old = prev.report.text
        if since is not None and since[0] is old and len(text) - len(old) == since[1][2] - since[1][1]:
            edit: tuple[int, int, int] | None = since[1]
        else:
            edit = changed_range(old, text)
        if edit is None:
            return prev
        start, old_end, new_end = edit
        reparsed = reparse(prev.report, text, start, old_end, new_end, since[2] if since is not None else None)
        if reparsed is None:
            return None
        report, i = reparsed
        if not report.is_report:
            return None
        assert prev.view is not None and prev.detection is not None
        if i is None:
            if not _same_checklist_evidence(prev.report, report, start):
                return None
        elif not _same_instruction_evidence(prev.report.questions[i], report.questions[i]):
            return None  # the edition detected may change
        rechecked = checker.recheck(prev.view, old, text, start, old_end, new_end)
        if rechecked is None:
            return None
        view, recounted = rechecked
        linked = prev._linked
        references_changed = report.references != prev.report.references
        if references_changed or (i is not None and _figures_changed(prev.report.questions[i], report.questions[i])):
            linked = _linked(report, disk)
        # every edit changes the text; linked figures and reference definitions may change too
        changed = {"text"} | ({"linked"} if linked != prev._linked else set())
        if references_changed:
            changed.add("references")
        d = new_end - old_end
        lines = report.lines.line_count - prev.report.lines.line_count
        if changed & routes().wide:  # a question rule reads what changed: look every question up again
            rows = [
                self._row(report, j, prev.detection, view, disk, settings, linked, originals)
                for j in range(len(report.questions))
            ]
        else:
            last = len(prev._rows) - 1
            # the last question reads the text after it: an edit there (a checklist below the
            # questions) runs it again
            after_last = i is None and last >= 0 and start >= prev.report.questions[last].span.end
            # the questions below the edit: after the one edited, or after the checklist item
            qs = prev.report.questions
            below = i + 1 if i is not None else bisect.bisect_right(qs, start, key=_question_start)
            rows = []
            for j, row in enumerate(prev._rows):
                if j == i or row.label in recounted or (after_last and j == last):
                    # typed in (or recounted): its text is new, so its findings are not looked up
                    # nor kept in the cache (a whole analysis of this text finds them again)
                    row = self._row(report, j, prev.detection, view, disk, settings, linked, originals, False)
                elif (d or lines) and j >= below:
                    status = row.status if not lines else row.status._replace(line=row.status.line + lines)
                    label = None if row.label is None else row.label + d
                    row = _Row(row.findings, status, label, row.weight, row.shift + d, row.tally, row.faded)
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
            prev,
            (start, old_end, new_end) if not lines else None,
            _carried(prev, report, i, references_changed),
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
        cached: bool = True,
    ) -> _Row:
        q = report.questions[i]
        counted = _counted_answer(view, q)
        limits = _limits_for(view, counted, q)
        last = i == len(report.questions) - 1
        edited = self._instruction_changes(q, detection)
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
        found, shift = self._question_findings(qc, cached)
        findings = tuple(_apply_settings(found, settings))
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
            shift,
            _tally(findings),
            stretches(report.text, q, counted, last),  # from the question's start, as the findings
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
        prev: Analysis | None = None,
        edit: tuple[int, int, int] | None = None,
        carried: dict | None = None,
    ) -> Analysis:
        """``prev`` and ``edit``: the analysis this one follows and the edit between their texts
        (start, old end, new end), when the edit makes or removes no line; the findings of a
        document check whose key is the same are then taken over from ``prev`` (moved).
        ``carried``: the parts of the document checks' keys the edit is known to leave as they
        were (``_carried``), with their values."""
        context = DocumentContext(report, detection, view, judged, local, disk, settings, repo, evidence)
        parts: dict = dict(carried) if carried else {}
        if VERIFY_READS:
            for part, value in parts.items():
                assert part(context) == value, f"the document key part {part} was carried over but changed"
        kept = _document_findings(context, settings, prev._document if prev is not None and edit else (), edit, parts)
        crash = Crash(*crash_cause(report, view)) if view.crashes else None
        analysis = Analysis(
            report,
            detection,
            view,
            [row.status for row in rows],
            saved=saved,
            judge=judged,
            local=local,
            repo=repo,
            evidence=evidence,
            crash=crash,
        )
        analysis._rows = rows
        analysis._document = kept
        analysis._parts = parts
        analysis._told = any(c.told for c in kept)
        analysis._linked = linked
        analysis._weight = sum(row.weight for row in rows) + sum(c.weight for c in kept) + OBJECT * len(view.answers)
        return analysis

    def _instruction_changes(self, q: Question, detection: Detection) -> str | None:
        ins = q.shape.instructions
        key = (
            q.number,
            ins.label is None,
            ins.stated_words,
            ins.stated_images,
            ins.prompt,
            ins.limit_line,
            ins.example,
        )
        hit = self._changes.get(key)
        if hit is not None and hit[0] is detection:
            return hit[1]
        found = instruction_changes(q, detection)
        if len(self._changes) > 512:
            self._changes.clear()
        self._changes[key] = (detection, found)
        return found

    def _question_findings(self, qc: QuestionContext, cached: bool = True) -> tuple[list[Finding], int]:
        """The findings of the question rules, placed at the question's start (the second
        item: the characters to move them by), kept under a key made of the question (its parse
        by identity, its number and section) and of every context field a question rule declares
        it reads (``rules.context.KEYS``; a field read only under a condition counts only where
        it holds)."""
        q = qc.question
        base = q.span.start
        route = routes()
        if not cached:
            return [f.shifted(-base) for f in _guarded(route.question, qc, f"question {q.number}")], base
        parts = tuple(
            part.key(qc) if part.when is None or any(w(qc) for w in part.when) else None for part in route.key
        )
        key = (route.generation, id(q.shape), q.number, q.section, *parts)
        hit = self._cache.get(key)
        if hit is not None and hit[0] is q.shape:  # the shape is kept: its id names it
            return list(hit[1]), base
        found = _guarded(route.question, qc, f"question {q.number}")
        kept = tuple(f.shifted(-base) for f in found)
        weight = q.shape.weight + _weight(kept) + OBJECT + size_of(q.section) + sum(_key_weight(p) for p in parts)
        self._cache.put(key, (q.shape, kept), weight)
        return list(kept), base


def _document_findings(
    context: DocumentContext,
    settings: Settings,
    before: tuple[_Check, ...],
    edit: tuple[int, int, int] | None,
    parts: dict[Callable, object],
) -> tuple[_Check, ...]:
    """Per document check, its key and its findings (after the settings): taken over from
    ``before`` (the previous analysis's, in the same order) when the key is the same and the
    edit touches none of them, else found again. ``parts``: each key part's value, computed
    once (filled in here; those the caller carried over are not computed again)."""
    route = routes()
    out: list[_Check] = []
    for k, (check, keys) in enumerate(zip(route.document, route.document_key, strict=True)):
        key: tuple | None = None
        if keys is not None:
            for part in keys:
                if part not in parts:
                    parts[part] = part(context)
            key = tuple(parts[part] for part in keys)
        if key is not None and before and edit is not None:
            was = before[k]
            if was.key == key:
                moved = _moved(was, edit)
                if moved is not None:
                    if VERIFY_READS:
                        _verify(check, context, settings, moved)
                    out.append(moved)
                    continue
        out.append(_check(key, tuple(_apply_settings(_guarded((check,), context, "the document"), settings))))
    return tuple(out)


def _verify(check: Callable, context: DocumentContext, settings: Settings, kept: _Check) -> None:
    fresh = tuple(_apply_settings(_guarded((check,), context, "the document"), settings))
    placed = tuple(f.shifted(kept.shift) for f in kept.findings)
    if fresh != placed:
        name = getattr(check, "__name__", check)
        codes_ = sorted({f.code for f in fresh + placed})
        raise AssertionError(f"the document check {name} ({', '.join(codes_)}) reads more than its rules declare")


def _moved(check: _Check, edit: tuple[int, int, int]) -> _Check | None:
    """What a check found, after the edit (start, old end, new end): the findings before it as
    they are, those after it moved by its length (all of them together: the shift); None when
    one touches it (its span or a fix's edit)."""
    start, old_end, new_end = edit
    d = new_end - old_end
    if not check.findings or check.end + check.shift < start:
        return check
    if check.start + check.shift > old_end:
        return check._replace(shift=check.shift + d)
    out = []
    for f in check.findings:
        f = f.shifted(check.shift)
        spans = [f.span, *(e.span for fix in f.fixes for e in fix.edits)]
        if all(s.end < start for s in spans):
            out.append(f)
        elif all(s.start > old_end for s in spans):
            out.append(f.shifted(d))
        else:
            return None
    return _check(check.key, tuple(out))


def _carried(prev: Analysis, report: Report, i: int | None, references_changed: bool) -> dict:
    """The parts of the document checks' keys that an edit ``reparse`` took (inside question
    ``i``'s body or heading line, or inside a checklist item: ``i`` None) leaves as they were,
    with their values in ``prev``: every question keeps its number and section and the title
    stays, and so does the numbering unless a gap follows question ``i``; the figures (placed
    in their questions) stay unless question ``i``'s moved or the reference definitions
    changed, and so do their names while they are plain; the checklist stays when it is the
    very same list."""
    same = {DOCUMENT_KEYS["headings"]}
    qs = report.questions
    total = prev.detection.edition.questions if prev.detection is not None else 0
    if i is None or (qs[i + 1].number if i + 1 < len(qs) else total + 1) == qs[i].number + 1:
        same.add(DOCUMENT_KEYS["numbering"])  # the numbers stay, and no gap follows the question edited
    if not references_changed:
        if i is None or report.questions[i].shape.answer.figures == prev.report.questions[i].shape.answer.figures:
            same.add(DOCUMENT_KEYS["figures"])
        names = DOCUMENT_KEYS["names"]
        # the figure names are plain (else the key is the whole text, which every edit changes)
        plain = names in prev._parts and prev._parts[names] is None
        if plain and (i is None or not _figures_changed(prev.report.questions[i], report.questions[i])):
            same.add(names)
    if report.checklist is prev.report.checklist:
        same.add(DOCUMENT_KEYS["checklist"])
    return {part: value for part, value in prev._parts.items() if part in same}


def _question_start(q: Question) -> int:
    return q.span.start


def _figures_changed(before: Question, after: Question) -> bool:
    """Whether the figures a question's answer links differ (by kind, target and text)."""
    was, now = before.shape.answer.figures, after.shape.answer.figures
    return [(f.kind, f.target, f.alt) for f in now] != [(f.kind, f.target, f.alt) for f in was]


@lru_cache(maxsize=1)
def _telling_checklist() -> frozenset[str]:
    """The fingerprints of every checklist item of every edition: the only item texts whose
    presence detection weighs (``editions._rank`` counts the items a report shares with each)."""
    return frozenset().union(*(e.checklist for e in editions()))


def _same_checklist_evidence(before: Report, after: Report, start: int) -> bool:
    """Whether detection reads the same evidence after an edit inside one checklist item: the
    item's text was and is that of no edition's item (so the items shared with every edition
    are the same, and their number is), and the introduction's lines, when it holds the
    checklist, are the same set."""
    was_intro = before.introduction
    if (was_intro is None) != (after.introduction is None):
        return False
    if (
        was_intro is not None
        and was_intro.start <= start <= was_intro.end
        and preamble_prints(before) != preamble_prints(after)
    ):
        return False
    k = bisect.bisect_right(before.checklist, start, key=lambda c: c.span.start) - 1
    was, now = before.checklist[k].text, after.checklist[k].text
    if was == now:
        return True
    telling = _telling_checklist()
    return fingerprint(was) not in telling and fingerprint(now) not in telling


def _same_instruction_evidence(before: Question, after: Question) -> bool:
    """Whether detection reads the same evidence of a question after an edit inside it: the
    same instruction text, or one that every edition tells from its own exactly as it told the
    old one (its whole block, and each of its prompt, length line and example, match an
    edition's after the edit where they matched before), stating the same limits."""
    was, now = before.shape.instructions, after.shape.instructions
    if was.text == now.text:
        return True
    if (was.stated_words, was.stated_images) != (now.stated_words, now.stated_images):
        return False
    n = before.number
    old_print, new_print = fingerprint(was.text), fingerprint(now.text)
    old_parts, new_parts = parts(was), parts(now)
    for e in editions():
        mine = e.fingerprints.get(n)
        if (old_print == mine) != (new_print == mine):
            return False
        theirs = e.parts.get(n, ())
        for a, b, t in zip(old_parts, new_parts, theirs, strict=False):
            if (a is not None and a == t) != (b is not None and b == t):
                return False
    return True


def _key_weight(part: object) -> int:
    """The bytes a part of a cache key keeps: its text, or its items' (a walk of the folder or
    a limit is the analysis's own object, counted there)."""
    if isinstance(part, str):
        return size_of(part)
    if isinstance(part, (tuple, frozenset)):
        return sum(OBJECT + _key_weight(p) for p in part)
    return 0


def _one_per_cause(questions: list[Finding], orphans: list[Finding]) -> list[Finding]:
    """The questions' findings (placed), each cause told once: the labels of orphaned
    instructions are not stray labels of the answer they now stand in."""
    if not orphans:
        return questions
    # the orphan's label, a broken heading above it, and the counts of the answer holding it
    # (the checker counts the orphan's answer there) are all the missing heading
    said = {f.span.start + f.data["label"] for f in orphans} | {f.span.start for f in orphans}
    holders = {f.data["holder"] for f in orphans}
    return [
        f
        for f in questions
        if f.span.start not in said and not (f.question in holders and f.code in (codes.WORD_COUNT, codes.IMAGE_COUNT))
    ]


def _told_once(document: list[Finding]) -> list[Finding]:
    """The document's findings, each cause told once: a crash caused by a missing heading is
    said by the question-missing finding there."""
    missing = {f.span: i for i, f in enumerate(document) if f.code == codes.QUESTION_MISSING}
    for f in document:
        if f.code == codes.CHECKER_CRASH and f.span in missing:
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
    return [f for f in document if not (f.code == codes.CHECKER_CRASH and f.span in missing)]


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
    findings = sum(len(c.findings) for c in a._document) + sum(len(row.findings) for row in a._rows)
    total = size_of(r.text) + 40 * r.lines.line_count + 8 * findings + a._weight
    if not a._rows:  # not a report: no rows carry the weight of its questions' parses
        total += sum(q.shape.weight for q in r.questions)
    return total + OBJECT * (len(r.sections) + len(r.checklist) + 4 * len(r.questions))


def _same_inputs(a: tuple, b: tuple) -> bool:
    """Same settings, the same walk of the folder and the same repository context (by
    identity: a new walk or context may differ), the same original instructions and the same
    rules."""
    return len(a) == len(b) and a[0] == b[0] and a[1] is b[1] and a[2] == b[2] and a[3] is b[3] and a[4] == b[4]


def _order(f: Finding) -> tuple[int, str]:
    return (f.span.start, f.code)


def _open_repo(path: Path | None) -> object:
    """The hand-in context of the report at ``path``: its repository, read in-process."""
    if path is None:
        return None
    from .repo.repository import find_git_dir

    try:  # no repository around it (a copy, a download): the hand-in's reader is not even imported
        if find_git_dir(Path(os.path.realpath(path)).parent) is None:
            return None
    except (OSError, ValueError):
        return None
    from .repo.handin import Handin

    return Handin.open(path)


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
