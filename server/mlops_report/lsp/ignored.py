"""Answer text the official checker does not read, as faded hints: diagnostics of severity
Hint tagged Unnecessary, which editors render faded (``ignored``); the hover says why."""

from __future__ import annotations

from lsprotocol import types

from ..analysis import Analysis
from ..ignored import Ignored, ignored
from .documents import Document, Earlier

CODE = "checker-ignores"
SOURCE = "mlops-report"


def diagnostic(doc: Document | Earlier, x: Ignored) -> types.Diagnostic:
    return types.Diagnostic(
        range=doc.range(x.span),
        message=x.why,
        severity=types.DiagnosticSeverity.Hint,
        code=CODE,
        source=SOURCE,
        tags=[types.DiagnosticTag.Unnecessary],
    )


def diagnostics(doc: Document | Earlier, analysis: Analysis) -> list[types.Diagnostic]:
    return [diagnostic(doc, x) for x in ignored(analysis)]
