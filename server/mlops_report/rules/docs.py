"""Print docs/rules.md from the rules themselves: ``python -m mlops_report.rules.docs``."""

from __future__ import annotations

import sys

from . import RULES


def _finals() -> str:
    from ..editions import checkers, runs

    return ", ".join(f"{r.name} `{checkers()[r.checker].commit}`" for r in runs())


def render() -> str:
    out = [
        "# Rules",
        "",
        "Every finding mlops-report reports, by code. Change a level with the `severity` setting "
        "(`{\"word-count\": \"error\"}`) or switch a code off with `disable`. This page is generated "
        "by `make docs` from `server/mlops_report/rules/__init__.py`.",
        "",
        "Counts and limits are those of the checker that judges the report: by default the final "
        f"`report.py` of the report's course run, the one the course grades with ({_finals()}), not the copy a group "
        "committed; `--checker local` or the `checker` setting `local` judges with the group's own "
        "`reports/report.py` (read as data, never run), and a checker id with that version. See the README, "
        "*Which checker judges*.",
        "",
        "| code | default | scope |",
        "|---|---|---|",
    ]
    for r in RULES.values():
        out.append(f"| [`{r.code}`](#{r.code}) | {r.severity} | {r.scope} |")
    for r in RULES.values():
        out += [
            "",
            f"## {r.code}",
            "",
            r.summary,
            "",
            f"**Why it matters.** {r.why}",
            "",
            f"**Example.** {r.example}",
            "",
            f"**Fix.** {r.fix}",
            "",
            f"Default severity: {r.severity}.",
        ]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
