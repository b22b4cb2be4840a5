"""template-outdated: the report was written on an older template of its course run than the
newest one the course published for that run."""

from __future__ import annotations

from ..editions import Detection, Edition, by_id
from ..findings import Finding
from ..parse import Report
from ..text import Span
from .context import DocumentContext
from .rule import Rule

# the edition is known from the template's own words or the user's setting; the limits a report
# states, or its question count, fit several templates of a run alike and tell no version apart
_SURE = ("fingerprint", "setting")


def newest_of_run(edition: Edition) -> Edition | None:
    """The newest template of ``edition``'s course run, when ``edition`` is older than it."""
    run = edition.run
    if run is None or edition.id >= run.template:
        return None
    return by_id(run.template)


def _stated(lim) -> str:
    out = f"{lim.words[0]}-{lim.words[1]} words" if lim.words else "no length"
    if lim.images:
        out += f" and {lim.images[0]}-{lim.images[1]} figures"
    return out


def differences(old: Edition, new: Edition) -> list[str]:
    """What the newer template asks otherwise, in words: its question count, the lengths it
    states, its new checklist items."""
    out = []
    if new.questions != old.questions:
        out.append(f"it has {new.questions} questions where yours has {old.questions}")
    else:
        changed = sorted(n for n in set(old.stated) | set(new.stated) if old.stated.get(n) != new.stated.get(n))
        for n in changed[:3]:
            out.append(
                f"question {n} states {_stated(new.stated[n])}" if n in new.stated else f"question {n} states no length"
            )
        if len(changed) > 3:
            out.append(f"{len(changed) - 3} more questions state other lengths")
    items = len(new.checklist - old.checklist)
    if items:
        out.append(f"{items} checklist item{'s are' if items > 1 else ' is'} new or reworded")
    return out


def template_outdated(report: Report, detection: Detection | None) -> list[Finding]:
    if detection is None or detection.how not in _SURE or detection.ties:
        return []
    old = detection.edition
    new = newest_of_run(old)
    if new is None:
        return []
    at = (
        report.title.span
        if report.title is not None
        else (report.questions[0].heading.span if report.questions else Span(0, 0))
    )
    run = old.run
    assert run is not None  # newest_of_run found its newest template
    what = differences(old, new)
    detail = ", ".join(what) if what else "only its wording differs"
    message = (
        f"written on the {old.id[:10]} template ({old.id[11:]}), older than the {run.name} run's "
        f"newest, {new.id[:10]} ({new.id[11:]}): {detail}; `mlops-report migrate` moves the answers "
        "and ticks onto it"
    )
    return [Finding("template-outdated", "", 0, at, message, (), {"edition": old.id, "newest": new.id})]


def template_outdated_check(c: DocumentContext) -> list[Finding]:
    return template_outdated(c.report, c.detection)


TEMPLATE_OUTDATED = Rule(
    "template-outdated",
    "information",
    "document",
    check=template_outdated_check,
    reads=("headings", "detection"),
    summary="The report was written on an older template of its course run than the newest one the course "
    "published for that run.",
    why="The course updates the template during a run: a length, a question's wording, a checklist item. Every "
    "report of the run is graded by the run's final checker, which goes with the newest template, so a "
    "report on an older one may answer a question as it was asked before, state other lengths, or miss a "
    "new checklist item. The message names both templates and what the newer one asks otherwise.",
    example="A report of January 2026 written on the template of 2026-01-04, where question 3 states 100-200 words; "
    "the newest template of the run (2026-01-09) states 0-200 words and has one more checklist item.",
    fix="Move the report onto the newest template: `mlops-report migrate reports/README.md --to TEMPLATE "
    "--in-place` (or *MLOps Report: Migrate to Template…* in VS Code) keeps every answer, figure and tick "
    "and prints what changed. The template is the course repository's `reports/README.md`.",
)
