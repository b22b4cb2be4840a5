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
        '(`{"word-count": "error"}`) or switch a code off with `disable`. This page is generated '
        "by `make docs` from the rules' own declarations in `server/mlops_report/rules/`.",
        "",
        "Counts and limits are those of the checker that judges the report: by default the final "
        f"`report.py` of the report's course run, the one the course grades with ({_finals()}), not the copy a group "
        "committed; `--checker local` or the `checker` setting `local` judges with the group's own "
        "`reports/report.py` (read as data, never run), and a checker id with that version. See the README, "
        "*Which checker judges*.",
        "",
        "**Levels follow consequences.** A finding is a warning or an error only when it changes what the course's "
        "checker or the hand-in page says: a verdict, a crash, a broken or missing figure, text the page shows "
        "that should not be there. Where it changes neither (dashes around an answer that passes or fails either "
        "way, a truncation the answer survives, an SVG the browser shows), the same code is reported as "
        "information. The default below is the level when something is at stake; a level set with `severity` "
        "applies always.",
        "",
        "**One finding per cause, on the cause.** An unanswered question is one finding, not three; a crash caused "
        "by a missing heading is told by the missing heading. A finding's range covers what causes it (the "
        "placeholder, the dashes, the `> Answer:` marker, the heading), never a whole paragraph.",
        "",
        "**Fixes never cost a verdict unasked.** Every fix is weighed by running the checker on the fixed text. "
        "One that would make a passing question fail, or a failing one fail further, says so in its title "
        '("Remove the placeholder: Q22 drops to 97 words, 3 under 100"), is never the preferred fix and is never '
        "applied by *Fix all* (`source.fixAll.mlopsReport`), which also weighs its fixes together.",
        "",
        "The scope says whether a rule is checked once per question or once for the whole document (whose "
        "findings may still point at a question); a rule with a quick fix offers it as a code action.",
        "",
        "| code | default | scope | quick fix |",
        "|---|---|---|---|",
    ]
    for r in RULES.values():
        out.append(f"| [`{r.code}`](#{r.code}) | {r.severity} | {r.scope} | {'yes' if r.fixes else ''} |")
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
