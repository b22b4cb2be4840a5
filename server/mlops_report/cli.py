"""``mlops-report check|serve|rule``: the command line.

``check`` never imports the language server: it must start as fast as the parser allows.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from . import __version__

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2
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
    lines = analysis.report.lines
    view = analysis.view

    def pos(offset: int) -> dict:
        line, col = lines.position(offset)
        return {"line": line, "character": col}

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
            "passed": analysis.passing,
            "total": analysis.total,
            "id": view.spec.id if view else None,
            "source": judged.source if judged else None,
            "label": judged.label if judged else None,
            "note": judged.note if judged and judged.note else None,
        },
        "questions": [
            {
                "number": q.number, "section": q.section, "line": q.line, "words": q.words,
                "checker_words": q.checker_words,
                "min_words": q.limits.words[0] if q.limits.words else None,
                "max_words": q.limits.words[1] if q.limits.words else None,
                "images": q.images, "checker_images": q.checker_images,
                "min_images": q.limits.images[0] if q.limits.images else None,
                "max_images": q.limits.images[1] if q.limits.images else None,
                "status": q.status,
            }
            for q in analysis.questions
        ],
        "diagnostics": [
            {"code": f.code, "severity": f.severity, "question": f.question, "message": f.message,
             "range": {"start": pos(f.span.start), "end": pos(f.span.end)}}
            for f in analysis.findings
        ],
    }


def verdict(analysis) -> str:
    view = analysis.view
    if view.crashes:
        return f"report.py check will crash: {view.crash}"
    if view.spec.expected is None and not view.spec.limits:
        return "report.py check of this edition checks nothing"
    return f"report.py check will pass {analysis.passing}/{analysis.total}"


def print_human(path: str, analysis, out) -> None:
    lines = analysis.report.lines
    path = visible(path)
    for f in analysis.findings:
        line, col = lines.position(f.span.start)
        out.write(f"{path}:{line + 1}:{col + 1}: {f.severity} {f.code} {visible(f.message)}\n")
    out.write("\n" + "".join(visible(line) + "\n" for line in header(path, analysis).splitlines()))
    out.write(f"{'Q':>3}  {'words':>5}  {'checker':>7}  {'limit':>9}  {'figures':>7}  {'limit':>5}  status\n")
    for q in analysis.questions:
        cw = "-" if q.checker_words is None else str(q.checker_words)
        ci = "-" if q.checker_images is None else str(q.checker_images)
        out.write(f"{q.number:>3}  {q.words:>5}  {cw:>7}  {_limits(q.limits.words):>9}  "
                  f"{ci:>7}  {_limits(q.limits.images):>5}  {q.status}\n")
    errors, warnings = analysis.count("error"), analysis.count("warning")
    out.write(f"{visible(verdict(analysis))}; {errors} errors, {warnings} warnings\n")


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


def print_github(path: str, analysis, out) -> None:
    lines = analysis.report.lines
    level = {"error": "error", "warning": "warning"}
    path = github_property(path)
    for f in analysis.findings:
        (l1, c1), (l2, c2) = lines.position(f.span.start), lines.position(f.span.end)
        out.write(f"::{level.get(f.severity, 'notice')} file={path},line={l1 + 1},col={c1 + 1},"
                  f"endLine={l2 + 1},endColumn={c2 + 1},title={github_property(f.code)}::{github_data(f.message)}\n")
    if analysis.view:
        out.write(f"::notice file={path},title=mlops-report::{github_data(verdict(analysis))}\n")


def cmd_check(args) -> int:
    import gc

    from .analysis import Analyzer
    from .settings import Settings

    gc.freeze()  # a short run: the collector need not walk every object the imports made (~5 ms)
    settings = Settings(edition=args.edition or "auto", checker=args.checker or "course",
                        figures_dir=args.figures_dir, disable=frozenset(args.disable or ()),
                        deadline=args.deadline or "")
    if args.deadline:
        from .settings import parse_deadline

        try:
            parse_deadline(args.deadline)
        except ValueError as exc:
            print(f"mlops-report: --deadline: {exc}", file=sys.stderr)
            return EXIT_USAGE
    from .rules import RULES

    unknown = [c for c in settings.disable if c not in RULES]
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
    analyzer = Analyzer()
    results, status = [], EXIT_OK
    out = sys.stdout
    paths: list[Path] = []
    for raw in args.paths or ["reports/README.md"]:
        try:
            paths.extend(find_reports(Path(raw)))
        except Unreadable as exc:
            print(f"mlops-report: {visible(str(exc))}", file=sys.stderr)
            status = EXIT_USAGE
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
            continue
        if committed is not None:  # the committed text and tree; the hand-in findings are the working copy's
            analysis = analyzer.analyse(text, path.resolve(), settings, committed.disk, repo=None)
        else:
            analysis = analyzer.analyse(text, path.resolve(), settings)
        if not analysis.is_report:
            if args.format == "json":
                results.append({"path": shown, "edition": None, "checker": None, "questions": [],
                                "diagnostics": [], "report": False})
            else:
                print(f"{visible(shown)}: not an exam report (no '### Question N' headings with 'Answer:' labels); nothing to check",
                      file=out)
            continue
        if analysis.count("error") and status == EXIT_OK:
            status = EXIT_ERRORS
        if args.format == "json":
            results.append(to_json(shown, analysis))
            if committed is not None:
                results[-1]["ref"] = {"ref": args.ref, "commit": committed.commit, "time": committed.time}
        elif args.format == "github":
            print_github(shown, analysis, out)
        else:
            if committed is not None:
                out.write(f"{visible(shown)}: as committed at {visible(args.ref)} ({committed.commit[:7]}, "
                          f"{visible(committed.summary[:60])!r}, {_when(committed.time)})\n")
            print_human(shown, analysis, out)
            if len(paths) > 1:
                out.write("\n")
    if args.format == "json":
        json.dump(results, out, indent=1, ensure_ascii=False)
        out.write("\n")
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


def cmd_serve(args) -> int:
    from .lsp.server import run

    return run(tcp=args.tcp, log_file=args.log_file, verbose=args.verbose)


class _Help(argparse.HelpFormatter):
    """argparse's formatter, told the terminal width up front: left to find it, argparse imports
    shutil (and with it zlib, bz2 and lzma) for every argument defined, ~1.5 ms of every run."""

    def __init__(self, prog: str, **kw) -> None:
        if kw.get("width") is None:
            try:
                columns = int(os.environ.get("COLUMNS", "")) or os.get_terminal_size(sys.__stdout__.fileno()).columns
            except (ValueError, OSError, AttributeError):
                columns = 80
            kw["width"] = max(columns, 20) - 2
        super().__init__(prog, **kw)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="mlops-report", description="Check a DTU 02476 MLOps exam report.",
                                 formatter_class=_Help)
    ap.add_argument("--version", action="version", version=f"mlops-report {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", formatter_class=_Help, help="check reports and print findings, a table and the official verdict")
    c.add_argument("paths", nargs="*", help="report files, or directories searched for reports/README.md")
    c.add_argument("--format", choices=("human", "json", "github"), default="human")
    c.add_argument("--edition", help="the template edition (2023, 2024, 2025, 2026 or a full id); default: detected")
    c.add_argument("--checker", help="which checker judges: course (default: the final checker of the report's "
                   "course run, the one that grades), local (the report.py beside the report) or a checker id")
    c.add_argument("--figures-dir", default="figures", help="the figures folder, relative to the report")
    c.add_argument("--disable", action="append", metavar="CODE", help="switch a rule off (repeatable)")
    c.add_argument("--ref", metavar="REF", help="check the report and its figures as committed at REF (HEAD, "
                   "origin/main, a tag, a commit id): origin/main is what the course will scrape")
    c.add_argument("--deadline", metavar="WHEN", help="the hand-in deadline, an ISO date-time with an offset "
                   "(2026-01-23T23:59:00+01:00): unpushed work becomes a warning in the last 48 hours, an error after")
    c.set_defaults(func=cmd_check)
    s = sub.add_parser("serve", formatter_class=_Help, help="run the language server over stdio")
    s.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio (for debugging)")
    s.add_argument("--log-file", help="write the log here instead of stderr")
    s.add_argument("-v", "--verbose", action="store_true")
    s.set_defaults(func=cmd_serve)
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
