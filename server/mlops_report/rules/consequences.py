"""What a fix does to the course checker's verdicts, found by running the checker view on the
fixed text: one chunk recounted when the fix stays inside it (``checker.recheck``), the whole
text otherwise.

A fix that makes a passing question fail, makes a failing one fail further (more words or
figures away from its limits) or makes a report the checker reads crash is harmful: its title
says so, it is never preferred and never applied by "fix all". The analysis computes this only
when fixes are asked for (code actions), once per fix and analysis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from .. import checker
from ..checker import CheckerView
from ..editions import Limits
from ..findings import Edit, Fix, apply_edits
from ..text import Span

if TYPE_CHECKING:
    from ..analysis import Analysis


class Consequence(NamedTuple):
    worse: tuple[str, ...] = ()  # what gets worse, in words: "Q22 drops to 97 words, 3 under 100"

    @property
    def harmful(self) -> bool:
        return bool(self.worse)


HARMLESS = Consequence()


def view_after(view: CheckerView, text: str, edits: tuple[Edit, ...] | list[Edit]) -> tuple[str, CheckerView]:
    """The text with ``edits`` applied and the checker's view of it."""
    new = apply_edits(text, edits)
    start = min(e.span.start for e in edits)
    old_end = max(e.span.end for e in edits)
    new_end = old_end + len(new) - len(text)
    again = checker.recheck(view, text, new, start, old_end, new_end)
    return new, again[0] if again is not None else checker.check(new, view.spec)


def _distance(n: int, limits: tuple[int, int] | None) -> int:
    """How far ``n`` lies outside ``limits`` (0: inside)."""
    if limits is None:
        return 0
    return max(0, limits[0] - n, n - limits[1])


def _said(position: int, n: int, limits: tuple[int, int], what: str) -> str:
    lo, hi = limits
    verb = "drops" if n < lo else "grows"
    off = f"{lo - n} under {lo}" if n < lo else f"{n - hi} over {hi}"
    return f"Q{position} {verb} to {n} {what}{'' if n == 1 else 's'}, {off}"


def compare(before: CheckerView, after: CheckerView) -> Consequence:
    """What is worse in ``after`` than in ``before``, question by question."""
    if after.crashes:
        if before.crashes:
            return HARMLESS
        return Consequence((f"report.py check would crash ({after.crash})",))
    if before.crashes:
        return HARMLESS  # a report the checker cannot read has nothing left to lose
    worse: list[str] = []
    limits = before.spec.limits
    for a, b in zip(before.answers, after.answers, strict=False):
        if a.words == b.words and a.images == b.images:
            continue
        lim = limits.get(a.position, Limits())
        if _distance(b.words, lim.words) > _distance(a.words, lim.words):
            worse.append(_said(a.position, b.words, lim.words, "word"))  # type: ignore[arg-type]
        if _distance(b.images, lim.images) > _distance(a.images, lim.images):
            worse.append(_said(a.position, b.images, lim.images, "figure"))  # type: ignore[arg-type]
    return Consequence(tuple(worse))


def consequence(analysis: Analysis, fix: Fix) -> Consequence:
    """What ``fix`` does to the checker's verdicts on ``analysis``' text (kept per analysis)."""
    if analysis.view is None or not fix.edits:
        return HARMLESS
    known = analysis._consequences.get(fix)
    if known is None:
        _, after = view_after(analysis.view, analysis.report.text, fix.edits)
        known = analysis._consequences[fix] = compare(analysis.view, after)
    return known


def judged(fix: Fix, found: Consequence) -> Fix:
    """``fix`` as offered: a harmful one says what it costs and is never applied unattended."""
    if not found.harmful:
        return fix
    return fix._replace(title=f"{fix.title}: {'; '.join(found.worse)}", safe=False)


def _overlaps(a: Span, b: Span) -> bool:
    return (a.start < b.end and b.start < a.end) or a.start == b.start


MAX_FIX_ALL = 500  # fixes "fix all" weighs together; a real report offers a few dozen
_BUDGET = 64 * 2**20  # characters of text the weighing may copy and check, in all


def fix_all(analysis: Analysis) -> list[Fix]:
    """The fixes "fix all" applies: the first fix of each finding when it is safe, edits text
    only and touches no fix chosen before it, taken in order of place as long as the fixes
    taken together leave every question's verdict as good as it was (kept per analysis). On a
    document so large or so full of fixes that weighing them all would stall, it stops early."""
    if analysis._fix_all is not None:
        return analysis._fix_all
    view, text = analysis.view, analysis.report.text
    candidates = [fix for f in analysis.findings for fix in f.fixes[:1] if fix.safe and not fix.moves and fix.edits]
    candidates.sort(key=lambda x: min(e.span.start for e in x.edits))
    chosen: list[Fix] = []
    taken: list[Span] = []
    deltas: list[tuple[int, int]] = []  # (start, change in length) of every chosen edit
    now_text, now_view = text, view
    budget = _BUDGET
    for fix in candidates[:MAX_FIX_ALL]:
        spans = [e.span for e in fix.edits]
        if any(_overlaps(s, t) for s in spans for t in taken):
            continue
        if view is not None:
            budget -= 2 * len(text)
            if budget < 0:
                break
            if consequence(analysis, fix).harmful:
                continue
            # harmless alone; and together with the ones before?
            moved = [e.shifted(sum(d for s, d in deltas if s < e.span.start)) for e in fix.edits]
            assert now_view is not None  # it starts as view
            new_text, new_view = view_after(now_view, now_text, moved)
            if compare(view, new_view).harmful:
                continue
            now_text, now_view = new_text, new_view
        deltas += [(e.span.start, len(e.new_text) - (e.span.end - e.span.start)) for e in fix.edits]
        taken += spans
        chosen.append(fix)
    analysis._fix_all = chosen
    return chosen
