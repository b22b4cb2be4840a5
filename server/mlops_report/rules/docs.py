"""Print docs/rules.md from the rules themselves: ``python -m mlops_report.rules.docs``."""

from __future__ import annotations

import sys

from . import RULES


def render() -> str:
    out = [
        "# Rules",
        "",
        "Every finding mlops-report reports, by code. Change a level with the `severity` setting "
        "(`{\"word-count\": \"error\"}`) or switch a code off with `disable`. This page is generated "
        "by `make docs` from `server/mlops_report/rules/__init__.py`.",
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
