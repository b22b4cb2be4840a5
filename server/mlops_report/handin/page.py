"""The standalone hand-in page: the course's rendering, as it is, beside a margin that marks every
place where it differs from what GitHub shows.

The page needs no network: its style and script are inline, and its Content-Security-Policy lets
only that script run (by hash), whatever raw HTML the report holds. In a VS Code webview the
client passes its ``cspSource`` (images and styles from the workspace) and a ``base`` URI for the
report's folder, so that figures load as the course's page would load them.
"""

from __future__ import annotations

import base64
import hashlib
import html
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import KINDS, Difference, differences, fragment, questions, renderer

if TYPE_CHECKING:
    from ..analysis import Analysis
    from ..disk import Disk

_HERE = Path(__file__).parent
TAGS = {
    "cut": "title",
    "table": "table",
    "fence": "code",
    "checkbox": "[x]",
    "html": "HTML",
    "image": "image",
    "heading": "cut here",
}


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str, str]:
    css = (_HERE / "page.css").read_text(encoding="utf-8")
    js = (_HERE / "page.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    return css, js, f"'sha256-{digest}'"


def csp(script: str, csp_source: str | None) -> str:
    """Only our script runs; images come from the report's folder (or the web, as on the course's
    page); nothing else loads."""
    if csp_source:
        return (
            f"default-src 'none'; img-src {csp_source} https: data:; style-src {csp_source} 'unsafe-inline'; "
            f"font-src {csp_source}; script-src {script}; form-action 'none'"
        )
    return (
        f"default-src 'none'; img-src 'self' file: data: http: https:; style-src 'unsafe-inline'; "
        f"script-src {script}; form-action 'none'"
    )


def page(
    text: str,
    analysis: Analysis,
    disk: Disk | None = None,
    *,
    name: str = "reports/README.md",
    base: str | None = None,
    csp_source: str | None = None,
    line: int | None = None,
    found: list[Difference] | None = None,
    body: str | None = None,
) -> str:
    """The whole page for the report ``text`` (``analysis`` is its analysis); ``body``: the
    course's rendering when it was made already."""
    css, js, script_hash = _assets()
    body = fragment(text) if body is None else body
    found = differences(analysis, disk) if found is None else found
    counts = {k: sum(1 for d in found if d.kind == k) for k in KINDS}
    summary = ", ".join(f"{n} {TAGS[k]}" for k, n in counts.items() if n) or "none"
    marks = "\n".join(_mark(d) for d in found)
    where = ",".join(f"{n}:{ln}" for n, ln in questions(analysis))
    e = html.escape
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{e(csp(script_hash, csp_source))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
{f'<base href="{e(base)}">' if base else ""}
<title>Hand-in page: {e(name)}</title>
<style>{css}</style>
</head>
<body data-line="{"" if line is None else int(line)}">
<header class="mr-bar" id="mr-top">
<strong>The hand-in page</strong> as <code>report.py html</code> renders {e(name)}
(Python-Markdown {e(renderer())}, no extensions).
<span class="mr-summary" data-count="{len(found)}">Differences from GitHub: {e(summary)}.</span>
</header>
<div class="mr-sheet">
<main class="mr-page" id="mr-page" data-questions="{e(where)}">
{body}
</main>
<aside class="mr-margin" id="mr-margin" aria-label="Differences from GitHub">
{marks}
</aside>
</div>
<script>{js}</script>
</body>
</html>
"""


def _mark(d: Difference) -> str:
    e = html.escape
    where = f"Q{d.question} · line {d.line + 1}" if d.question is not None else f"line {d.line + 1}"
    href = f"#question-{d.question}" if d.question is not None else "#mr-top"
    return (
        f'<a class="mr-diff mr-{d.kind}" href="{href}" data-kind="{d.kind}" data-line="{d.line}" '
        f'data-question="{"" if d.question is None else d.question}" data-needle="{e(d.needle)}" '
        f'data-src="{e(d.src)}" title="{e(d.message)}"><span class="mr-tag">{e(TAGS[d.kind])}</span> '
        f'<span class="mr-where">{e(where)}</span><span class="mr-text">{e(d.message)}</span></a>'
    )
