"""What the repository shows of the checklist (``mlops_report.evidence``): a ticked item with no
sign of its work, an unticked one with strong signs."""

from __future__ import annotations

from .. import evidence
from ..findings import Finding
from .context import DocumentContext
from .rule import Rule


def checklist_evidence(c: DocumentContext) -> list[Finding]:
    return evidence.findings(c.report, c.evidence)


CHECKLIST_NO_EVIDENCE = Rule(
    "checklist-no-evidence",
    "hint",
    "document",
    check=checklist_evidence,
    reads=("checklist", "evidence"),
    summary="A ticked checklist item of which the project's repository shows no sign (no file, import, dependency or "
    "workflow line the item's check looks for; see docs/evidence.md).",
    why="The checklist is self-declared and the course says it will look at the repository; an item ticked "
    "without a trace there may be a mistake, or live somewhere the repository does not show (a cloud console).",
    example="`Add a linting step to your continuous integration` ticked, and no workflow runs ruff, flake8, pylint, "
    "black or mypy.",
    fix="Nothing to change if the work is elsewhere; otherwise untick it or commit the work. Hover the item to see "
    "what was looked for. Only a hint: a heuristic, never an error.",
)


CHECKLIST_UNTICKED_EVIDENCE = Rule(
    "checklist-unticked-evidence",
    "hint",
    "document",
    check=checklist_evidence,
    reads=("checklist", "evidence"),
    fixes=("tickItem",),
    summary="An unticked checklist item that the repository shows strong signs of (a Dockerfile for the container "
    "item, `.dvc` files for data versioning...).",
    why="Work done but not ticked is work the checklist does not credit.",
    example="`Construct one or multiple docker files for your code` not ticked, and `dockerfiles/train.dockerfile` "
    "exists.",
    fix="Tick the item (one click) if the work is yours; hover it to see what was found.",
)
