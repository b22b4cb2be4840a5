"""The dashboard as one HTML page: a summary, then a table with one row per report.

The page is self-contained: its style and script are inline and its Content-Security-Policy
allows exactly those two (by hash) and nothing from the network, so it opens from disk and a
report's text can never run or load anything. Every piece of report text (paths, messages,
group numbers) is HTML-escaped, quotes included, wherever it goes: element or attribute.
"""

from __future__ import annotations

import base64
import hashlib
import html
import time
from collections import Counter
from functools import lru_cache
from pathlib import Path

from .roster import Membership
from .row import STATUSES, Row
from .table import late, questions, when

_HERE = Path(__file__).parent
# the symbol in a heat-map cell; the colour says the same, the title says it in words
SYMBOLS = {
    "pass": "",
    "under": "−",  # noqa: RUF001 (a minus sign, as drawn)
    "over": "+",
    "truncated": "✂",
    "figures": "▣",
    "uncounted": "∅",
    "unanswered": "·",
    "crash": "×",  # noqa: RUF001 (a cross, as drawn)
    "missing": "?",
    "fail": "!",
}
TOP_FAILED = 10
CRASHES_SHOWN = 20


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str, str]:
    css = (_HERE / "page.css").read_text(encoding="utf-8")
    js = (_HERE / "page.js").read_text(encoding="utf-8")
    policy = (
        f"default-src 'none'; style-src {_digest(css)}; script-src {_digest(js)}; img-src data:; "
        "form-action 'none'; base-uri 'none'"
    )
    return css, js, policy


def _width(lines: list[tuple[Row, Membership]]) -> int:
    """Heat-map columns: up to the highest question any report has or its template counts (no more
    than the largest template has, or the report's own count when its template is larger)."""
    totals = [r.total for r, _ in lines if r.analysed]
    cap = max([questions(), *totals])
    highest = max([*totals, *(q for r, _ in lines for q, _ in r.statuses)], default=0)
    return min(cap, highest) or questions()


def _common_run(lines: list[tuple[Row, Membership]]) -> str:
    runs = Counter(r.run for r, _ in lines if r.analysed and r.run)
    return runs.most_common(1)[0][0] if runs else ""


def _state(r: Row) -> str:
    if not r.analysed:
        return "none"
    if r.crashes:
        return "crash"
    return "pass" if all(s == "pass" for s in r.status_of().values()) else "fail"


def _flags(r: Row, m: Membership, common: str, deadline: int | None) -> list[str]:
    out = []
    if r.analysed and (r.template == "stale" or (common and r.run and r.run != common)):
        out.append("stale")
    if late(r, deadline) == "true":
        out.append("late")
    if m.roster in ("not in the roster", "no group number", "no report") or m.missing or m.unknown:
        out.append("roster")
    if m.same_count:
        out.append("same-group")
    if r.figures_missing or r.figures_uncounted:
        out.append("figures")
    return out


def render(
    lines: list[tuple[Row, Membership]],
    *,
    deadline: int | None = None,
    roster: bool = False,
    title: str = "mlops-report dashboard",
) -> str:
    css, js, policy = _assets()
    common = _common_run(lines)
    width = _width(lines)
    body = "\n".join(_report(r, m, common, deadline, width) for r, m in lines)
    heads = "".join(
        f'<th class="q" scope="col"><button type="button" data-sort="q{n}" title="Question {n}">{n}</button></th>'
        for n in range(1, width + 1)
    )
    meta = [f"{len(lines)} rows", f"generated {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"]
    if deadline is not None:
        meta.append(f"deadline {when(deadline)}")
    if roster:
        meta.append("with a roster")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{e(policy)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<style>{css}</style>
</head>
<body>
<header class="top">
<h1>{e(title)}</h1>
<p class="meta">{e(" · ".join(meta))}</p>
</header>
{_summary(lines, common, deadline, width)}
<section class="controls" aria-label="Filter the reports">
<input type="search" id="search" placeholder="Search a path, group, study number or finding" aria-label="Search">
<select id="filter" aria-label="Show">
<option value="">every row</option>
<option value="fail">failing a question</option>
<option value="crash">crashing the checker</option>
<option value="pass">passing every question</option>
<option value="none">not analysed</option>
<option value="stale">stale template or another run</option>
<option value="late">changed after the deadline</option>
<option value="roster">roster problems</option>
<option value="same-group">group named twice</option>
<option value="figures">figures missing or not counted</option>
</select>
<span id="shown" aria-live="polite"></span>
</section>
<table id="reports">
<thead><tr>
<th scope="col"><span class="sr">Findings</span></th>
<th scope="col"><button type="button" data-sort="path">Report</button></th>
<th scope="col"><button type="button" data-sort="group">Group</button></th>
<th scope="col">Study numbers</th>
<th scope="col"><button type="button" data-sort="passed">Passes</button></th>
{heads}
<th scope="col"><button type="button" data-sort="figures">Figures</button></th>
<th scope="col"><button type="button" data-sort="ticked">Checklist</button></th>
<th scope="col"><button type="button" data-sort="edition">Template</button></th>
<th scope="col"><button type="button" data-sort="checker">Checker</button></th>
<th scope="col"><button type="button" data-sort="errors">Errors</button></th>
<th scope="col"><button type="button" data-sort="warnings">Warnings</button></th>
<th scope="col"><button type="button" data-sort="committed">Last commit</button></th>
<th scope="col"><button type="button" data-sort="roster">Roster</button></th>
</tr></thead>
{body}
</table>
{_legend()}
<script>{js}</script>
</body>
</html>
"""


def _summary(lines: list[tuple[Row, Membership]], common: str, deadline: int | None, width: int) -> str:
    analysed = [(r, m) for r, m in lines if r.analysed]
    states = Counter(_state(r) for r, _ in lines)
    flags = Counter(f for r, m in lines for f in _flags(r, m, common, deadline))
    cards = [
        ("rows", len(lines), ""),
        ("pass every question", states["pass"], "pass"),
        ("fail a question", states["fail"], "fail"),
        ("crash the checker", states["crash"], "crash"),
        ("not analysed", states["none"], "none"),
        ("stale template or another run", flags["stale"], "stale"),
        ("figures missing or not counted", flags["figures"], "figures"),
        ("group named twice", flags["same-group"], "same-group"),
        ("roster problems", flags["roster"], "roster"),
    ]
    if deadline is not None:
        cards.append(("changed after the deadline", flags["late"], "late"))
    card_html = "".join(
        f'<li><button type="button" class="card" data-filter="{e(f)}"><span class="n">{n}</span> '
        f"{e(label)}</button></li>"
        for label, n, f in cards
    )
    # the distribution of passing questions, among reports the checker does not crash on
    passed = Counter(r.passed for r, _ in analysed if not r.crashes)
    top = max(passed.values(), default=0)
    high = max([r.total for r, _ in analysed] or [0])
    bars = "".join(
        f'<tr><th scope="row">{k}</th><td><span class="bar" data-n="{passed.get(k, 0)}" '
        f'data-max="{top}"></span> {passed.get(k, 0)}</td></tr>'
        for k in range(high, -1, -1)
        if passed.get(k, 0) or k >= min(passed, default=high)
    )
    failed: dict[int, Counter] = {}
    for r, _ in analysed:
        if r.crashes:
            continue
        for q, s in r.status_of().items():
            if s != "pass":
                failed.setdefault(q, Counter())[s] += 1
    worst = sorted(failed.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:TOP_FAILED]
    worst_html = (
        "".join(
            f'<li><span class="qn">Q{q}</span> {_reports(sum(c.values()))}: '
            + ", ".join(f'<span class="s s-{e(s)}">{n} {e(s)}</span>' for s, n in c.most_common())
            + "</li>"
            for q, c in worst
        )
        or "<li>none</li>"
    )
    crashed = [r for r, _ in analysed if r.crashes]
    crash_html = "".join(
        f'<li><span class="path">{e(r.path)}</span>: {e(r.crash)}</li>' for r in crashed[:CRASHES_SHOWN]
    )
    if len(crashed) > CRASHES_SHOWN:
        crash_html += f"<li>and {len(crashed) - CRASHES_SHOWN} more</li>"
    crash_html = crash_html or "<li>none</li>"
    runs = f"<p>Most reports are of the {e(common)} run.</p>" if common else ""
    return f"""<section class="summary" id="summary">
<ul class="cards">{card_html}</ul>
<div class="panels">
<div class="panel"><h2>Questions passed</h2><p>Reports by the number of questions the course's checker passes
(crashes left out).</p><table class="dist" id="dist"><tbody>{bars}</tbody></table></div>
<div class="panel"><h2>Failed most often</h2><ol class="worst" id="worst">{worst_html}</ol>{runs}</div>
<div class="panel"><h2>Crashes: {len(crashed)}</h2><ul class="crashes" id="crashes">{crash_html}</ul></div>
</div>
</section>"""


def _reports(n: int) -> str:
    return f"{n} report" if n == 1 else f"{n} reports"


def _report(r: Row, m: Membership, common: str, deadline: int | None, width: int) -> str:
    status = r.status_of()
    flags = _flags(r, m, common, deadline)
    state = _state(r)
    search = " ".join([r.path, r.group, *r.study_numbers, r.reason, *(n.code for n in r.notes)]).lower()
    attrs = {
        "data-report": r.path,
        "data-state": state,
        "data-flags": " ".join(flags),
        "data-search": search,
        "data-path": r.path.lower(),
        "data-group": r.group,
        "data-passed": r.passed if r.analysed and not r.crashes else (-1 if r.analysed else -2),
        "data-figures": r.figures_missing + r.figures_uncounted,
        "data-ticked": r.ticked if r.analysed else -1,
        "data-edition": r.edition,
        "data-checker": r.checker,
        "data-errors": r.errors,
        "data-warnings": r.warnings,
        "data-committed": "" if r.committed is None else r.committed,
        "data-roster": m.roster,
        **{f"data-q{n}": _rank(status.get(n, "")) for n in range(1, width + 1)},
    }
    head = "<tr " + " ".join(f'{k}="{e(v)}"' for k, v in attrs.items()) + ">"
    notes = len(r.notes) + r.more_notes
    expand = (
        f'<td><button type="button" class="expand" aria-expanded="false" title="Findings ({notes})">'
        f'<span aria-hidden="true">▸</span> {notes}</button></td>'
        if r.analysed
        else "<td></td>"
    )
    cells = [
        expand,
        f'<td class="path" title="{e(r.path)}">{e(_folder(r.path)) or "<em>no report</em>"}</td>',
        f"<td>{e(r.group)}</td>",
        f'<td class="ids">{e(" ".join(r.study_numbers))}</td>',
    ]
    if not r.analysed:
        cells.append(f'<td class="reason" colspan="{width + 1}">{e(r.reason)}</td>')
        cells += ["<td></td>"] * 6
    else:
        verdict = "crash" if r.crashes else f"{r.passed}/{r.total}"
        cells.append(f'<td class="verdict v-{state}" title="{e(r.crash or r.checker_label)}">{e(verdict)}</td>')
        for n in range(1, width + 1):
            s = status.get(n, "")
            tip = f"Q{n}: {s}" + (f" ({STATUSES[s]})" if s in STATUSES else "") if s else f"Q{n}: not in this template"
            cells.append(f'<td class="q s-{e(s or "none")}" title="{e(tip)}">{SYMBOLS.get(s, "")}</td>')
        figs = ", ".join(
            x
            for x in (
                f"{r.figures_missing} missing" if r.figures_missing else "",
                f"{r.figures_uncounted} not counted" if r.figures_uncounted else "",
            )
            if x
        )
        cells.append(f'<td class="nowrap">{e(figs)}</td>')
        odd = r.template_items and r.items != r.template_items
        tip = f"the template has {r.template_items} items" if r.template_items else ""
        cells.append(f'<td class="{"flag" if odd else ""}" title="{e(tip)}">{r.ticked}/{r.items}</td>')
        badge = ""
        if "stale" in flags:
            badge = ' <span class="badge stale">' + ("stale" if r.template == "stale" else "other run") + "</span>"
        cells.append(f'<td class="nowrap" title="{e(r.edition)}">{e(r.edition_label or r.edition)}{badge}</td>')
        cells.append(f'<td title="{e(r.checker_label)}">{e(r.checker[11:] or r.checker)}</td>')
        cells.append(f'<td class="{"n-error" if r.errors else ""}">{r.errors}</td>')
        cells.append(f'<td class="{"n-warning" if r.warnings else ""}">{r.warnings}</td>')
    when_text = when(r.committed).replace("T", " ").replace("Z", " UTC")
    late_badge = ' <span class="badge late">late</span>' if "late" in flags else ""
    cells.append(f'<td class="nowrap">{e(when_text)}{late_badge}</td>')
    cells.append(f'<td class="who">{_roster_cell(m)}</td>')
    row = head + "".join(cells) + "</tr>"
    detail = ""
    if r.analysed:
        items = "".join(
            f'<li class="sev-{e(n.severity)}"><span class="line">line {n.line}</span> '
            f'<span class="sev">{e(n.severity)}</span> <code>{e(n.code)}</code> {e(n.message)}</li>'
            for n in r.notes
        )
        if r.more_notes:
            items += f"<li>and {r.more_notes} more</li>"
        extra = ""
        if m.same_count:
            extra = (
                "<p>The same group is named by "
                + ", ".join(e(p) for p in m.same_group)
                + (f" and {m.same_count - len(m.same_group)} more" if m.same_count > len(m.same_group) else "")
                + ".</p>"
            )
        detail = (
            f'\n<tr class="findings" hidden><td colspan="{width + 13}">{extra}'
            f'<ol class="notes">{items or "<li>no findings</li>"}</ol></td></tr>'
        )
    return f'<tbody class="report">\n{row}{detail}\n</tbody>'


_ORDER = ("crash", "missing", "uncounted", "unanswered", "truncated", "under", "over", "figures", "fail", "pass")


def _rank(status: str) -> int:
    """Sorting a question's column puts the worst first."""
    return _ORDER.index(status) if status in _ORDER else len(_ORDER)


def _folder(path: str) -> str:
    """A report's path as the table shows it: the repository's folder (the full path is the
    cell's title)."""
    for tail in ("/reports/README.md", "\\reports\\README.md"):
        if path.endswith(tail) and len(path) > len(tail):
            return path[: -len(tail)]
    return path


def _roster_cell(m: Membership) -> str:
    parts = []
    if m.roster and m.roster != "listed":
        parts.append(f'<span class="badge roster">{e(m.roster)}</span>')
    if m.missing:
        parts.append(f"missing {e(' '.join(m.missing))}")
    if m.unknown:
        parts.append(f"unknown {e('; '.join(m.unknown))}")
    if m.same_count:
        parts.append(f'<span class="badge same">named {m.same_count + 1} times</span>')
    if not parts and m.roster == "listed":
        parts.append("ok")
    return " ".join(parts)


def _legend() -> str:
    items = "".join(
        f'<li><span class="q s-{s}">{SYMBOLS[s]}</span> <strong>{s}</strong>: {e(why)}</li>'
        for s, why in STATUSES.items()
    )
    return f'<footer class="legend"><h2>Question status</h2><ul>{items}</ul></footer>'
