"""``mlops-report check|html|serve|migrate|rule``: the command line.

``check`` never imports the language server: it must start as fast as the parser allows. It is
a gate (``--fail-on``): by default it exits 1 when the course's checker would fail a question or
crash, or a finding is at error level, so a pre-commit hook or a CI step stops there.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import NamedTuple

from . import __version__
from .settings import FAIL_ON  # one list: the flag and the project file's fail-on
from .text import place, point_json, span_json

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
_SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache", "site-packages"}


class Unreadable(Exception):
    pass


def find_reports(target: Path) -> list[Path]:
    """A file as is; a directory searched for ``reports/README.md`` (without following links)."""
    try:
        if not target.exists():
            raise Unreadable(f"{target}: no such file or directory")
        is_dir = target.is_dir()
    except PermissionError:  # a folder on the way cannot be searched
        raise Unreadable(f"{target}: permission denied") from None
    except OSError as exc:
        raise Unreadable(f"{target}: cannot be read ({exc.strerror or exc})") from None
    if not is_dir:
        return [target]
    if target.suffix.lower() == ".md":
        raise Unreadable(f"{target}: is a directory, not a file")
    found = []
    denied: list[str] = []
    for root, dirs, files in os.walk(target, onerror=lambda e: denied.append(e.filename)):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        if Path(root).name == "reports" and "README.md" in files:
            found.append(Path(root) / "README.md")
    if not found:
        why = f" (permission denied: {', '.join(map(str, denied[:3]))})" if denied else ""
        raise Unreadable(f"{target}: no reports/README.md in this directory{why}")
    return found


def default_report(cwd: Path) -> Path:
    """What ``mlops-report check`` without a path checks: ``./README.md`` when it is a report (the
    course runs its ``report.py check`` inside ``reports/``), else the nearest ``reports/README.md``
    from here up to the repository root (the folder holding ``.git``)."""
    here = cwd / "README.md"
    try:
        if here.is_file() and _is_report(read_report(here)):
            return Path("README.md")
    except (Unreadable, OSError):
        pass
    folders = [cwd, *cwd.parents]
    root = next((i for i, d in enumerate(folders) if _exists(d / ".git")), None)
    for d in folders[: 1 if root is None else root + 1]:
        candidate = d / "reports" / "README.md"
        if _exists(candidate):
            return Path(os.path.relpath(candidate, cwd))
    where = "here" if root is None else f"in {folders[root]} (the repository root)"
    raise Unreadable(
        f"no report found: {'./README.md is not an exam report and ' if _exists(here) else ''}"
        f"there is no reports/README.md {where}"
    )


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:
        return False


def _is_report(text: str) -> bool:
    from .parse import parse

    return parse(text).is_report


def read_report(path: Path) -> str:
    from .text import UnreadableText, decode

    try:
        if path.is_dir():
            raise Unreadable(f"{path}: is a directory, not a file")
        data = path.read_bytes()
    except PermissionError:
        raise Unreadable(f"{path}: permission denied") from None
    except OSError as exc:
        raise Unreadable(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = decode(data)
    except UnreadableText as exc:
        raise Unreadable(f"{path}: {exc}") from None
    return text[1:] if text.startswith("\ufeff") else text


# Characters that would act on a terminal (or a log viewer) instead of being shown: C0 controls
# but the tab, DEL, C1 controls, the bidirectional marks, embeddings, overrides and isolates
# that can reorder what a line appears to say, the Unicode line and paragraph separators, and
# lone surrogates (a file name that is not UTF-8: its bytes are shown). Each is shown as an escape.
# Compiled on first need (half a millisecond): most text is printable and never gets there.
_UNSHOWN = r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"


def _escape(m: re.Match) -> str:
    c = ord(m[0])
    if 0xDC80 <= c <= 0xDCFF:  # a byte of a file name that is not UTF-8 (os.fsdecode's surrogateescape)
        c -= 0xDC00
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def visible(text: str) -> str:
    """``text`` with every character that could drive a terminal replaced by a visible escape
    (``\\x1b``, ``\\u202e``): a report or a folder name cannot clear the screen, recolour or
    reorder a line."""
    return text if text.isprintable() else re.sub(_UNSHOWN, _escape, text)


def github_data(text: str) -> str:
    """The message of a workflow command, escaped as GitHub's runner unescapes it."""
    return visible(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def github_property(text: str) -> str:
    """A property value (file, title) of a workflow command: ``:`` and ``,`` end it otherwise."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def _limits(r: tuple[int, int] | None) -> str:
    return "-" if r is None else f"{r[0]}-{r[1]}"


def to_json(path: str, analysis) -> dict:
    from .evidence import checklist_json

    lines = analysis.report.lines
    view = analysis.view

    judged = analysis.judge
    detection = analysis.detection
    return {
        "path": path,
        "edition": analysis.edition.id if analysis.edition else None,
        "run": analysis.edition.run.name if analysis.edition and analysis.edition.run else None,
        "ties": [e.id for e in detection.ties] if detection else [],
        "checker": {
            "crashes": bool(view and view.crashes),
            "reason": view.crash if view else None,
            "cause": analysis.crash.why if analysis.crash else None,
            "at": point_json(lines, analysis.crash.span.start) if analysis.crash else None,
            "passed": analysis.passing,
            "failing": failing(analysis),
            "total": analysis.total,
            "id": view.spec.id if view else None,
            "source": judged.source if judged else None,
            "label": judged.label if judged else None,
            "note": judged.note if judged and judged.note else None,
        },
        "questions": [
            {
                "number": q.number,
                "section": q.section,
                "line": q.line,
                "words": q.words,
                "checker_words": q.checker_words,
                "min_words": q.limits.words[0] if q.limits.words else None,
                "max_words": q.limits.words[1] if q.limits.words else None,
                "images": q.images,
                "checker_images": q.checker_images,
                "min_images": q.limits.images[0] if q.limits.images else None,
                "max_images": q.limits.images[1] if q.limits.images else None,
                "status": q.status,
            }
            for q in analysis.questions
        ],
        "checklist": checklist_json(analysis.report, analysis.evidence),  # with what the repository shows
        "diagnostics": [
            {
                "code": f.code,
                "severity": f.severity,
                "question": f.question,
                "message": f.message,
                "range": span_json(lines, f.span),
            }
            for f in analysis.findings
        ],
    }


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def failing(analysis) -> list[int]:
    """The answers the course's checker would fail, by the number it gives them."""
    return analysis.failing


def checker_fails(analysis) -> bool:
    view = analysis.view
    return view is not None and (view.crashes or bool(failing(analysis)))


def gate(analysis, fail_on: str) -> bool:
    """Whether this report fails the run under ``--fail-on``."""
    errors = analysis.count("error")
    if fail_on == "never":
        return False
    if fail_on == "error":
        return errors > 0
    if fail_on == "warning":
        return errors > 0 or analysis.count("warning") > 0
    return errors > 0 or checker_fails(analysis)


def verdict(analysis) -> str:
    view = analysis.view
    if view is None:
        return "report.py check: no verdict"
    if view.crashes:
        return f"report.py check will crash: {view.crash}"
    if view.spec.expected is None and not view.spec.limits:
        return "report.py check of this edition checks nothing"
    out = f"report.py check will pass {analysis.passing}/{analysis.total}"
    failed = failing(analysis)
    if failed:
        out += ": " + ", ".join(f"Q{n}" for n in failed) + (" fails" if len(failed) == 1 else " fail")
    return out


def problems(analysis) -> str:
    return f"{plural(analysis.count('error'), 'error')}, {plural(analysis.count('warning'), 'warning')}"


_STYLES = {
    "error": "1;31",
    "warning": "1;33",
    "information": "36",
    "hint": "2",
    "pass": "32",
    "fail": "31",
    "unanswered": "33",
    "crash": "1;31",
    "bold": "1",
    "dim": "2",
}


class Paint:
    """Colours for a terminal; applied to text already passed through ``visible``, so the only
    escape sequences printed are these."""

    def __init__(self, on: bool) -> None:
        self.on = on

    def __call__(self, text: str, style: str) -> str:
        code = _STYLES.get(style)
        return f"\x1b[{code}m{text}\x1b[0m" if self.on and code else text


def use_colour(choice: str, stream) -> bool:
    """``--color always|never``; ``auto``: not when ``NO_COLOR`` is set (to anything), yes when
    ``FORCE_COLOR`` is (but ``0`` or ``false``), else when the output is a terminal."""
    if choice != "auto":
        return choice == "always"
    if "NO_COLOR" in os.environ:
        return False
    if "FORCE_COLOR" in os.environ:
        return os.environ["FORCE_COLOR"].lower() not in ("0", "false")
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False


PLAIN = Paint(False)


def print_human(path: str, analysis, out, paint: Paint = PLAIN) -> None:
    lines = analysis.report.lines
    path = visible(path)
    for f in analysis.findings:
        at = place(lines, f.span.start)
        out.write(
            f"{paint(f'{path}:{at.line}:{at.column}:', 'bold')} {paint(f.severity, f.severity)} "
            f"{f.code} {visible(f.message)}\n"
        )
    out.write("\n" + "".join(visible(line) + "\n" for line in header(path, analysis).splitlines()))
    out.write(f"{'Q':>3}  {'words':>5}  {'checker':>7}  {'limit':>9}  {'figures':>7}  {'limit':>5}  status\n")
    for q in analysis.questions:
        cw = "-" if q.checker_words is None else str(q.checker_words)
        ci = "-" if q.checker_images is None else str(q.checker_images)
        out.write(
            f"{q.number:>3}  {q.words:>5}  {cw:>7}  {_limits(q.limits.words):>9}  "
            f"{ci:>7}  {_limits(q.limits.images):>5}  {paint(q.status, q.status)}\n"
        )
    said = visible(verdict(analysis))
    out.write(f"{paint(said, 'fail' if checker_fails(analysis) else 'pass')}; {problems(analysis)}\n")


def header(path: str, analysis) -> str:
    """Which edition, which course run, which checker judges, and what the evidence leaves open."""
    e, judged, detection = analysis.edition, analysis.judge, analysis.detection
    by = judged.label
    if judged.source == "course":
        by += f" (report.py {judged.checker.commit})"
    out = f"{path}: edition {e.label} ({e.id}); judged by {by}\n"
    if detection.ties:
        others = ", ".join(f"{t.label} ({t.id})" for t in detection.ties)
        out += f"{path}: the report fits {others} as well; the evidence does not decide\n"
    if judged.note:
        out += f"{path}: {judged.note}\n"
    return out


def github_annotations(path: str, analysis) -> tuple[list[str], list[str], list[str]]:
    """The report's summary, its errors and the rest, as workflow commands. GitHub shows only the
    first few annotations of a step, so the run prints every summary first, then every error."""
    lines = analysis.report.lines
    level = {"error": "error", "warning": "warning"}
    path = github_property(path)
    errors: list[str] = []
    rest: list[str] = []
    for f in analysis.findings:
        start, end = place(lines, f.span.start), place(lines, f.span.end)
        (errors if f.severity == "error" else rest).append(
            f"::{level.get(f.severity, 'notice')} file={path},line={start.line},col={start.column},endLine={end.line},"
            f"endColumn={end.column},title={github_property(f.code)}::{github_data(f.message)}\n"
        )
    summary = []
    if analysis.view:
        summary.append(
            f"::{'error' if checker_fails(analysis) else 'notice'} file={path},title=mlops-report::"
            f"{github_data(verdict(analysis))}; {problems(analysis)}\n"
        )
    return summary, errors, rest


class Row(NamedTuple):
    """A report's line in the summary of many."""

    path: str  # already visible
    edition: str
    verdict: str  # "pass 31/31", "fail 17/31", "crash", ...
    kind: str  # pass, fail, crash, unchecked, not-a-report, unreadable
    errors: int | None = None
    warnings: int | None = None


def row(shown: str, analysis) -> Row:
    view = analysis.view
    edition = analysis.edition.label if analysis.edition else "-"
    errors, warnings = analysis.count("error"), analysis.count("warning")
    if view is None or (not view.crashes and view.spec.expected is None and not view.spec.limits):
        return Row(shown, edition, "nothing checked", "unchecked", errors, warnings)
    if view.crashes:
        return Row(shown, edition, "crash", "crash", errors, warnings)
    kind = "fail" if failing(analysis) else "pass"
    return Row(shown, edition, f"{kind} {analysis.passing}/{analysis.total}", kind, errors, warnings)


def summary_table(rows: list[Row], paint: Paint) -> str:
    """One line per report: path, edition, verdict, errors, warnings."""
    head = Row("report", "edition", "verdict", "")
    shown = [(r.path, r.edition, r.verdict) for r in (head, *rows)]
    wide = [max(len(r[i]) for r in shown) for i in range(3)]
    out = [f"{head.path:<{wide[0]}}  {head.edition:<{wide[1]}}  {head.verdict:<{wide[2]}}  errors  warnings"]
    for r in rows:
        style = {"pass": "pass", "fail": "fail", "crash": "fail"}.get(r.kind, "dim")
        e = "-" if r.errors is None else str(r.errors)
        w = "-" if r.warnings is None else str(r.warnings)
        out.append(
            f"{r.path:<{wide[0]}}  {r.edition:<{wide[1]}}  {paint(f'{r.verdict:<{wide[2]}}', style)}  "
            f"{paint(f'{e:>6}', 'error' if r.errors else '')}  "
            f"{paint(f'{w:>8}', 'warning' if r.warnings else '')}"
        )
    return "\n".join(out) + "\n"


_TALLY = (
    ("pass", "passes report.py check", "pass report.py check"),
    ("fail", "fails", "fail"),
    ("crash", "crashes", "crash"),
    ("unchecked", "is not checked", "are not checked"),
    ("not-a-report", "is not a report", "are not reports"),
    ("unreadable", "cannot be read", "cannot be read"),
)


def totals(rows: list[Row]) -> str:
    """``5 reports: 2 pass report.py check, 1 fails, ...`` and the problems found."""
    kinds = [r.kind for r in rows]
    parts = [
        f"{n} {one if n == 1 else many}" for kind, one, many in _TALLY if (n := kinds.count(kind)) or kind == "pass"
    ]
    errors = sum(r.errors or 0 for r in rows)
    warnings = sum(r.warnings or 0 for r in rows)
    with_problems = sum(1 for r in rows if (r.errors or 0) + (r.warnings or 0))
    out = f"{plural(len(rows), 'report')}: {', '.join(parts)}\n"
    if errors + warnings:
        return out + (
            f"Found {plural(errors + warnings, 'problem')} ({plural(errors, 'error')}, "
            f"{plural(warnings, 'warning')}) in {plural(with_problems, 'file')}\n"
        )
    return out + f"Found no errors or warnings in {plural(len(rows), 'file')}\n"


def cmd_check(args) -> int:
    import gc

    from .analysis import Analyzer

    gc.freeze()  # a short run: the collector need not walk every object the imports made (~5 ms)
    from .config import ConfigError, Resolver, severity_flags
    from .rules import RULES

    severity, wrong = severity_flags(args.severity or [])
    for said in wrong:
        print(f"mlops-report: {said}", file=sys.stderr)
    if wrong:
        return EXIT_USAGE
    flags = {
        k: v
        for k, v in (
            ("edition", args.edition),
            ("checker", args.checker),
            ("figures_dir", args.figures_dir),
            ("disable", frozenset(args.disable or ())),
            ("severity", severity),
            ("fail_on", args.fail_on),
            ("deadline", args.deadline),
        )
        if v
    }
    try:
        resolver = Resolver(flags, Path(args.config) if args.config else None)
    except ConfigError as exc:
        print(f"mlops-report: {visible(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    unknown = [c for c in flags.get("disable", ()) if c not in RULES]
    if unknown:
        print(f"mlops-report: unknown rule code {', '.join(unknown)}", file=sys.stderr)
        return EXIT_USAGE
    if args.checker:
        from .settings import checker_problem

        problem = checker_problem(args.checker)
        if problem:
            print(f"mlops-report: {problem}", file=sys.stderr)
            return EXIT_USAGE
    if args.edition and args.edition != "auto":
        from .editions import by_id

        if by_id(args.edition) is None:
            print(f"mlops-report: unknown edition {args.edition!r} (try 2023, 2024, 2025, 2026)", file=sys.stderr)
            return EXIT_USAGE
    from .settings import Settings

    # the dashboard's settings: the flags (each report's project file applies to check's other formats)
    settings = Settings(
        edition=args.edition or "auto",
        checker=args.checker or "course",
        figures_dir=args.figures_dir or "figures",
        disable=frozenset(args.disable or ()),
        deadline=args.deadline or "",
    )
    if args.deadline:
        from .settings import parse_deadline

        try:
            parse_deadline(args.deadline)
        except ValueError as exc:
            print(f"mlops-report: --deadline: {exc}", file=sys.stderr)
            return EXIT_USAGE
    if args.format in ("csv", "html"):  # the teacher's dashboard: one row per report
        from .dashboard import main as dashboard

        return dashboard(args, settings)
    if args.output or args.roster:
        print("mlops-report: -o and --roster go with --format csv or html", file=sys.stderr)
        return EXIT_USAGE
    analyzer = Analyzer()
    status = EXIT_OK
    out = sys.stdout
    paint = Paint(args.format == "human" and use_colour(args.color, out))
    paths: list[Path] = []
    raws = args.paths
    if not raws:
        try:
            raws = [str(default_report(Path.cwd()))]
        except Unreadable as exc:
            print(f"mlops-report: {visible(str(exc))}", file=sys.stderr)
            return EXIT_USAGE
    for raw in raws:
        try:
            paths.extend(find_reports(Path(raw)))
        except Unreadable as exc:
            print(f"mlops-report: {visible(str(exc))}", file=sys.stderr)
            status = EXIT_USAGE
    results: list[dict] = []
    annotations: tuple[list[str], list[str], list[str]] = ([], [], [])
    rows: list[Row] = []
    failed = False
    for path in paths:
        shown = str(path)
        committed = None
        try:
            if args.ref:
                committed = _at_ref(path, args.ref)
                text = committed.text
            else:
                text = read_report(path)
        except Unreadable as exc:
            print(f"mlops-report: {visible(str(exc))}", file=sys.stderr)
            status = EXIT_USAGE
            rows.append(Row(visible(shown), "-", "cannot be read", "unreadable"))
            continue
        settings, fail_on, project = resolver.resolve(path.resolve())
        if project is not None and resolver.fresh(project):  # its problems: said once, and the run exits 2
            for line in project.notes + project.problems:
                print(f"mlops-report: {visible(line)}", file=sys.stderr)
            status = EXIT_USAGE if project.problems else status
        if committed is not None:  # the committed text and tree; the hand-in findings are the working copy's
            analysis = analyzer.analyse(text, path.resolve(), settings, committed.disk, repo=None)
        else:
            analysis = analyzer.analyse(text, path.resolve(), settings)
        if not analysis.is_report:
            rows.append(Row(visible(shown), "-", "not a report", "not-a-report"))
            said = "not an exam report (no '### Question N' headings with 'Answer:' labels); nothing to check"
            if args.format == "json":
                results.append(
                    {
                        "path": shown,
                        "edition": None,
                        "checker": None,
                        "questions": [],
                        "diagnostics": [],
                        "report": False,
                    }
                )
            elif args.format == "github":
                annotations[2].append(f"::notice file={github_property(shown)},title=mlops-report::{said}\n")
            else:
                print(f"{visible(shown)}: {said}", file=out)
            continue
        failed = failed or gate(analysis, fail_on or "checker")
        rows.append(row(visible(shown), analysis))
        if args.format == "json":
            results.append(to_json(shown, analysis))
            if committed is not None:
                results[-1]["ref"] = {"ref": args.ref, "commit": committed.commit, "time": committed.time}
        elif args.format == "github":
            for bucket, lines in zip(annotations, github_annotations(shown, analysis), strict=True):
                bucket.extend(lines)
        else:
            if committed is not None:
                out.write(
                    f"{visible(shown)}: as committed at {visible(args.ref)} ({committed.commit[:7]}, "
                    f"{visible(committed.summary[:60])!r}, {_when(committed.time)})\n"
                )
            print_human(shown, analysis, out, paint)
            if len(paths) > 1:
                out.write("\n")
    if args.format == "json":
        json.dump(results, out, indent=1, ensure_ascii=False)
        out.write("\n")
    elif args.format == "github":
        out.write("".join(line for bucket in annotations for line in bucket))
    elif len(rows) > 1:
        out.write(summary_table(rows, paint) + "\n" + totals(rows))
    if status == EXIT_OK and failed:
        status = EXIT_FAIL
    return status


def _at_ref(path: Path, ref: str):
    """The report at ``path`` as committed at ``ref`` (repo.committed); Unreadable with why not."""
    from .repo.committed import NotCommitted, at_ref

    try:
        return at_ref(path, ref)
    except NotCommitted as exc:
        raise Unreadable(f"{path}: {exc}") from None


def _when(t: int) -> str:
    import time

    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(t))


def cmd_rule(args) -> int:
    from .rules import RULES

    if args.code not in RULES:
        print(f"mlops-report: unknown rule code {args.code!r}; known: {', '.join(RULES)}", file=sys.stderr)
        return EXIT_USAGE
    r = RULES[args.code]
    print(f"{r.code} ({r.severity})\n\n{r.summary}\n\nWhy it matters: {r.why}\n\nExample: {r.example}\n\nFix: {r.fix}")
    return EXIT_OK


def cmd_html(args) -> int:
    """The hand-in page: ``--fragment`` writes what the course's ``report.py html`` writes; by
    default a standalone page with the differences from GitHub marked beside it."""
    from .handin import Unrenderable, read

    if args.checker:
        from .settings import checker_problem

        problem = checker_problem(args.checker)
        if problem:
            print(f"mlops-report: {problem}", file=sys.stderr)
            return EXIT_USAGE
    path = Path(args.report or "reports/README.md")
    try:
        path = find_reports(path)[0]
        data = path.read_bytes()
        text = read(data)
    except Unreadable as exc:
        print(f"mlops-report: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Unrenderable as exc:
        print(f"mlops-report: {path}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"mlops-report: {path}: cannot be read ({exc.strerror or exc})", file=sys.stderr)
        return EXIT_USAGE
    out = args.output or str(path.parent / "report.html")
    target = None if out == "-" else Path(out)
    if target is not None and (target.exists() or target.is_symlink()) and not args.force:
        print(
            f"mlops-report: {target} exists; --force replaces it (groups commit report.html), "
            "-o FILE writes elsewhere, -o - to standard output",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.fragment:
        from .handin import fragment

        result = fragment(text)
    else:
        result = _handin_page(path, data, args, target)
    _note_renderer()
    if target is None:
        sys.stdout.buffer.write(result.encode("utf-8"))
        sys.stdout.flush()
        return EXIT_OK
    try:
        if target.is_symlink():
            target.unlink()  # replaced, never written through
        # report.py writes in text mode on Linux: UTF-8, every character as it is
        target.write_bytes(result.encode("utf-8"))
    except OSError as exc:
        print(f"mlops-report: {target}: cannot be written ({exc.strerror or exc})", file=sys.stderr)
        return EXIT_USAGE
    print(f"{target}: {'the course page' if args.fragment else 'the hand-in page'} of {path}", file=sys.stderr)
    return EXIT_OK


def _handin_page(path: Path, data: bytes, args, target: Path | None) -> str:
    from .analysis import Analyzer
    from .disk import Disk
    from .handin import fragment, read
    from .handin.page import page
    from .settings import Settings

    text = data.decode("utf-8")  # read() has seen that it is UTF-8
    text = text[1:] if text.startswith("\ufeff") else text
    report = path.resolve()
    disk = Disk.scan(report)
    analysis = Analyzer().analyse(text, report, Settings(checker=args.checker or "course"), disk)
    # figures load from the report's folder wherever the page is written
    base = None if target is not None and target.resolve().parent == report.parent else report.parent.as_uri() + "/"
    # the rendering from the text as report.py reads it: a byte-order mark is one of the 43
    return page(text, analysis, disk, name=str(path), base=base, body=fragment(read(data)))


def _note_renderer() -> None:
    from .handin import renderer

    version = renderer()
    if not version.startswith("3.11."):
        print(
            f"mlops-report: rendered with Python-Markdown {version}; the course's pages come from 3.11, "
            "and emphasis can differ (Python 3.11 or newer gets 3.11)",
            file=sys.stderr,
        )


def cmd_migrate(args) -> int:
    """``migrate REPORT --to TEMPLATE``: the report written on the template, to ``-o FILE``,
    standard output (``-o -``) or in place; a file that exists is never overwritten without
    ``--force``, and an in-place rewrite keeps a copy unless git holds the report as it is."""
    from . import migrate as m

    report = Path(args.report)
    target = report if args.in_place else None if args.output == "-" else Path(args.output)
    backup = report.with_name(report.name + ".orig") if args.in_place else None
    try:
        for path in (report, None if m.is_url(args.to) else Path(args.to)):
            if path is not None and not path.exists():
                raise Unreadable(f"{path}: no such file or directory")
        text = read_report(report)
        template = m.fetch_template(args.to) if m.is_url(args.to) else read_report(Path(args.to))
        result = m.migrate(text, template)
    except (Unreadable, m.MigrationError) as exc:
        print(
            f"mlops-report: {exc}" if isinstance(exc, Unreadable) else f"mlops-report: {report}: {exc}", file=sys.stderr
        )
        return EXIT_USAGE
    if target is not None and not args.in_place and target.exists() and not args.force:
        print(f"mlops-report: {target} exists; choose another file, or add --force to replace it", file=sys.stderr)
        return EXIT_USAGE
    out = sys.stderr if target is None else sys.stdout
    print(f"{report}: onto {args.to}", file=out)
    for line in m.summary(result):
        print(f"  {line}", file=out)
    if target is None:
        sys.stdout.write(result.text)
        sys.stdout.flush()
        return EXIT_OK
    if args.in_place and result.text == text:
        return EXIT_OK
    bom = report.read_bytes()[:3] == b"\xef\xbb\xbf"
    try:
        if args.in_place and m.committed(report):
            backup = None
        if backup is not None:
            if backup.exists() and not args.force:
                print(
                    f"mlops-report: {backup} exists (a copy from before?); move it away, or add --force to replace it",
                    file=sys.stderr,
                )
                return EXIT_USAGE
            m.write_atomically(backup, text, bom=bom, like=report)
        m.write_atomically(target, result.text, bom=bom, like=report if args.in_place else None)
    except OSError as exc:
        print(f"mlops-report: {target}: cannot be written ({exc.strerror or exc})", file=sys.stderr)
        return EXIT_USAGE
    if args.in_place:
        kept = f"the old one is kept as {backup}" if backup else "git holds the old one (git diff shows the changes)"
        print(f"wrote {target}; {kept}", file=out)
    else:
        print(f"wrote {target}", file=out)
    return EXIT_OK


def cmd_serve(args) -> int:
    import gc

    # Importing the server (lsprotocol's classes above all) makes hundreds of thousands of
    # objects that live as long as it does; collected as they are made, each full collection
    # walks all made so far: about a tenth of the start-up. ``run`` enables the collector again
    # once they are frozen.
    gc.disable()
    from .lsp.main import run

    return run(tcp=args.tcp, log_file=args.log_file, verbose=args.verbose)


class _Help(argparse.HelpFormatter):
    """argparse's formatter, told the terminal width up front: left to find it, argparse imports
    shutil (and with it zlib, bz2 and lzma) for every argument defined, ~1.5 ms of every run."""

    def __init__(self, prog: str, **kw) -> None:
        if kw.get("width") is None:
            try:
                stdout = sys.__stdout__
                if stdout is None:
                    raise ValueError("no standard output")
                columns = int(os.environ.get("COLUMNS", "")) or os.get_terminal_size(stdout.fileno()).columns
            except (ValueError, OSError, AttributeError):
                columns = 80
            kw["width"] = max(columns, 20) - 2
        super().__init__(prog, **kw)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="mlops-report", description="Check a DTU 02476 MLOps exam report.", formatter_class=_Help
    )
    ap.add_argument("--version", action="version", version=f"mlops-report {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser(
        "check",
        formatter_class=_Help,
        help="check reports and print findings, a table and the official verdict",
        conflict_handler="resolve",
    )
    c.add_argument(
        "paths",
        nargs="*",
        help="report files, or directories searched for reports/README.md; "
        "default: ./README.md when it is a report, else reports/README.md of this repository",
    )
    c.add_argument(
        "--format",
        choices=("human", "json", "github", "csv", "html"),
        default="human",
        help="csv, html: the teacher's dashboard, one row per report (docs/dashboard.md)",
    )
    c.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        help="exit 1 when: checker (default) the course's checker would fail a question or crash, or a "
        "finding is an error; error: a finding is an error; warning: a finding is a warning or an "
        "error; never: exit 0 (2 still means a usage error or a file that cannot be read)",
    )
    c.add_argument(
        "--color",
        "--colour",
        dest="color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the human output (auto: on a terminal, unless NO_COLOR is set; FORCE_COLOR forces it)",
    )
    c.add_argument("--edition", help="the template edition (2023, 2024, 2025, 2026 or a full id); default: detected")
    c.add_argument(
        "--checker",
        help="which checker judges: course (default: the final checker of the report's "
        "course run, the one that grades), local (the report.py beside the report) or a checker id",
    )
    c.add_argument("--figures-dir", help="the figures folder, relative to the report (default: figures)")
    c.add_argument("--disable", action="append", metavar="CODE", help="switch a rule off (repeatable)")
    c.add_argument(
        "--ref",
        metavar="REF",
        help="check the report and its figures as committed at REF (HEAD, "
        "origin/main, a tag, a commit id): origin/main is what the course will scrape",
    )
    c.add_argument(
        "--deadline",
        metavar="WHEN",
        help="the hand-in deadline, an ISO date-time with an offset "
        "(2026-01-23T23:59:00+01:00): unpushed work becomes a warning in the last 48 hours, an error after",
    )
    # the dashboard (--format csv|html)
    c.add_argument("-o", "--output", metavar="FILE", help="csv, html: write here (default: standard output)")
    c.add_argument("--roster", metavar="FILE.csv", help="csv, html: the groups and their study numbers")
    c.add_argument(
        "--jobs", type=int, metavar="N", help="csv, html: worker processes (default: every core for a large batch)"
    )
    c.add_argument(
        "--severity",
        action="append",
        metavar="CODE=LEVEL",
        help="report a rule at this level: error, warning, information, hint or off (repeatable)",
    )
    c.add_argument(
        "--config",
        metavar="FILE",
        help="the project file to use (a .mlops-report.toml, or a "
        "pyproject.toml with [tool.mlops-report]); default: the nearest to each report, from its "
        "folder up to the repository root. Flags override it",
    )
    c.set_defaults(func=cmd_check)
    h = sub.add_parser(
        "html", formatter_class=_Help, help="the hand-in page: the report as the course's report.py html renders it"
    )
    h.add_argument(
        "report", nargs="?", help="the report, or a directory holding reports/README.md (default reports/README.md)"
    )
    h.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="where to write it (default: report.html beside the "
        "report, the course's file name; - for standard output)",
    )
    h.add_argument(
        "--fragment",
        action="store_true",
        help="write exactly what report.py html writes, without the page and its margin of differences",
    )
    h.add_argument("--force", action="store_true", help="replace an existing output file")
    h.add_argument(
        "--checker",
        help="which checker's html: course (default), local or a checker id; "
        "every version of report.py renders the same way",
    )
    h.set_defaults(func=cmd_html)
    s = sub.add_parser("serve", formatter_class=_Help, help="run the language server over stdio")
    s.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio (for debugging)")
    s.add_argument("--log-file", help="write the log here instead of stderr")
    s.add_argument("-v", "--verbose", action="store_true")
    s.set_defaults(func=cmd_serve)
    m = sub.add_parser(
        "migrate",
        formatter_class=_Help,
        help="write a report on a newer template, keeping every answer, figure and tick",
    )
    m.add_argument("report", help="the report (reports/README.md)")
    m.add_argument(
        "--to",
        required=True,
        metavar="TEMPLATE",
        help="the newer template: a file, or the URL of the course repository or of its reports/README.md",
    )
    where = m.add_mutually_exclusive_group(required=True)
    where.add_argument("-o", "--output", metavar="FILE", help="write the result to FILE ('-': standard output)")
    where.add_argument(
        "--in-place",
        action="store_true",
        help="rewrite the report; a copy REPORT.orig is kept unless git holds the report as it is",
    )
    m.add_argument("--force", action="store_true", help="replace FILE, or an old REPORT.orig, when it exists")
    m.set_defaults(func=cmd_migrate)
    r = sub.add_parser("rule", formatter_class=_Help, help="explain a rule code")
    r.add_argument("code")
    r.set_defaults(func=cmd_rule)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):  # a JSON string may hold a file name that is not UTF-8
        sys.stdout.reconfigure(errors="backslashreplace")
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
