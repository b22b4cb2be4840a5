"""The teacher's dashboard: ``mlops-report check DIR... --format csv|html``.

One row per report (``row``), found and analysed in order on every core for a large batch
(``batch``), set against each other and a roster (``roster``), written as CSV (``table``) or as
one self-contained HTML page (``page``). The columns and statuses are in docs/dashboard.md.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

EXIT_OK, EXIT_USAGE = 0, 2


def main(args, settings) -> int:
    """Write the dashboard of ``args.paths`` (default: the current folder) to ``args.output``
    (default: standard output)."""
    from ..cli import visible
    from . import batch, page, roster, table

    def fail(message: str) -> int:
        print(f"mlops-report: {visible(message)}", file=sys.stderr)
        return EXIT_USAGE

    listed = None
    if args.roster:
        try:
            listed = roster.read(Path(args.roster))
        except roster.RosterError as exc:
            return fail(str(exc))
    deadline = None
    if getattr(args, "deadline", None):
        try:
            from ..settings import parse_deadline

            deadline = parse_deadline(args.deadline)
        except ValueError as exc:
            return fail(f"--deadline: {exc}")
    if args.jobs is not None and args.jobs < 1:
        return fail("--jobs must be 1 or more")
    found = batch.targets(args.paths or ["."])
    progress = batch.Progress(len(found))
    try:
        rows = list(batch.run(found, settings, jobs=args.jobs or 0, ref=getattr(args, "ref", None), progress=progress))
    finally:
        progress.close()
    lines = roster.memberships(rows, listed)
    if args.format == "csv":
        buffer = io.StringIO(newline="")
        table.write(lines, buffer, deadline)
        result = buffer.getvalue()
    else:
        result = page.render(lines, deadline=deadline, roster=listed is not None)
    out = args.output or "-"
    if out == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(result.encode("utf-8", "backslashreplace"))
        sys.stdout.flush()
        return EXIT_OK
    target = Path(out)
    try:
        if target.is_symlink():
            target.unlink()  # replaced, never written through
        target.write_bytes(result.encode("utf-8", "backslashreplace"))
    except OSError as exc:
        return fail(f"{out}: cannot be written ({exc.strerror or exc})")
    analysed = sum(1 for r in rows if r.analysed)
    print(f"{visible(out)}: {len(lines)} rows, {analysed} reports analysed", file=sys.stderr)
    return EXIT_OK
