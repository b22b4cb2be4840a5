"""Findings about the figure files a report links: their size (``image-too-large``) and their
names (``image-name-unsafe``), and what a hover shows of an image (size and dimensions).

These read the files themselves, so they run for the whole report after the per-question
checks, with the walk of the report's folder: only files the walk listed inside the report's
folder are looked at (a symbolic link out of it is not followed), with a ``stat`` each and, for
the dimensions, a few header bytes (``image_info``), never a whole file.
"""

from __future__ import annotations

import os
import stat
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from ..disk import Disk
from ..figure_names import described, is_safe, safe_name, unsafe_characters
from ..findings import Edit, Finding, Fix, Move
from ..parse import Figure, Question, Report
from ..settings import Settings
from ..text import Span
from .context import DocumentContext
from .rule import Rule

PRE_COMMIT_KB = 500  # pre-commit's check-added-large-files refuses files above --maxkb=500 by default
HEADER_BYTES = 64 * 1024  # what a JPEG's segment walk may read in all, headers only
_SEGMENTS = 512  # JPEG segments looked at before giving up
_KEPT = 4096  # image infos kept, by path


class ImageInfo(NamedTuple):
    size: int  # bytes
    kind: str | None  # "PNG", "JPEG" or None when the header says neither
    width: int | None
    height: int | None

    def described(self) -> str:
        out = human_size(self.size)
        if self.width and self.height:
            out += f", {self.width} × {self.height} pixels"
        return out


def human_size(n: int) -> str:
    if n < 1000:
        return f"{n} bytes"
    if n < 1000 * 1000:
        return f"{n / 1000:.0f} KB"
    return f"{n / 1e6:.1f} MB"


_infos: OrderedDict[str, tuple[tuple[int, int], ImageInfo]] = OrderedDict()


def image_info(path: Path) -> ImageInfo | None:
    """Size and dimensions of the regular file ``path`` (None for anything else or an error).
    The dimensions come from a PNG's first 24 bytes or a JPEG's segment headers; kept per file
    until its size or modification time changes."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None  # a FIFO or a device would block or never end
    key, stamp = str(path), (st.st_size, st.st_mtime_ns)
    hit = _infos.get(key)
    if hit is not None and hit[0] == stamp:
        _infos.move_to_end(key)
        return hit[1]
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return ImageInfo(st.st_size, None, None, None)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped since the stat
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            kind, width, height = _dimensions(f)
    except OSError:
        kind, width, height = None, None, None
    finally:
        os.close(fd)
    info = ImageInfo(st.st_size, kind, width, height)
    _infos[key] = (stamp, info)
    while len(_infos) > _KEPT:
        _infos.popitem(last=False)
    return info


def _dimensions(f) -> tuple[str | None, int | None, int | None]:
    head = f.read(24)
    if head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR" and len(head) == 24:
        return "PNG", int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    if head[:2] != b"\xff\xd8":
        return None, None, None
    # JPEG: markers from offset 2; each segment says its length, so only headers are read
    pos, read = 2, 24
    for _ in range(_SEGMENTS):
        f.seek(pos)
        marker = f.read(9)
        read += 9
        if len(marker) < 4 or marker[0] != 0xFF or read > HEADER_BYTES:
            break
        code = marker[1]
        if code == 0xFF:  # fill byte
            pos += 1
            continue
        if code in (0xD8, 0x01) or 0xD0 <= code <= 0xD7:  # no length
            pos += 2
            continue
        length = int.from_bytes(marker[2:4], "big")
        if 0xC0 <= code <= 0xCF and code not in (0xC4, 0xC8, 0xCC):  # a start of frame
            if len(marker) < 9:
                break
            return "JPEG", int.from_bytes(marker[7:9], "big"), int.from_bytes(marker[5:7], "big")
        if code in (0xD9, 0xDA) or length < 2:  # end of image or start of scan: no frame header seen
            break
        pos += 2 + length
    return "JPEG", None, None


# -- the findings -----------------------------------------------------------------------------


def _target(report: Report, fig: Figure) -> str:
    if fig.kind == "reference":
        return report.references.get(fig.target.lower() or fig.alt.lower(), "")
    return fig.target


def figure_file_findings(report: Report, disk: Disk | None, settings: Settings) -> list[Finding]:
    """image-too-large and image-name-unsafe for every figure linked in an answer."""
    if disk is None:
        return []
    out: list[Finding] = []
    limit_kb = settings.image_size_limit
    for q in report.questions:
        # the parse's own figures, relative to the question: reading q.answer would place every
        # answer of the report after each keystroke
        for fig in q.shape.answer.figures:
            target = _target(report, fig)
            if not target:
                continue
            r = disk.resolve(target)
            if r.state not in ("exists", "case") or r.relative is None or not disk.inside(r.relative):
                continue
            fig = fig.shifted(q.span.start)
            span = fig.target_span if fig.kind != "reference" else fig.span
            info = image_info(disk.root / r.relative)
            if info is not None and limit_kb > 0 and info.size > limit_kb * 1000:
                out.append(
                    Finding(
                        "image-too-large",
                        "",
                        q.number,
                        span,
                        f"Question {q.number}: {r.relative} is {info.described()}, above {limit_kb} KB"
                        + (
                            f"; pre-commit's check-added-large-files (default limit {PRE_COMMIT_KB} KB) refuses to "
                            "commit it"
                            if limit_kb >= PRE_COMMIT_KB
                            else ""
                        )
                        + ": export it smaller (a PNG of fewer pixels, or a JPEG)",
                        data={"bytes": info.size, "limit_kb": limit_kb},
                    )
                )
            out.extend(_unsafe_name(report, disk, settings, q, fig, span, r.relative))
    return out


def _unsafe_name(
    report: Report, disk: Disk, settings: Settings, q: Question, fig: Figure, span: Span, rel: str
) -> Iterator[Finding]:
    parts = rel.split("/")
    bad = [ch for part in parts for ch in unsafe_characters(part)]
    if not bad:
        return
    chars = list(dict.fromkeys(bad))
    message = (
        f"Question {q.number}: the path {rel} has {described(chars)}: a link to it must encode "
        f"{'it' if len(chars) == 1 else 'them'}, and a plain one is neither rendered by CommonMark nor "
        "reliably counted by the checker"
    )
    fix = _rename_fix(report, disk, settings, q, rel)
    # a link that encodes the name renders and counts: the name is then a tidy-up, not at stake
    level = "information" if "%" in report.text[span.start : span.end] else ""
    yield Finding("image-name-unsafe", level, q.number, span, message, (fix,) if fix else ())


def _rename_fix(report: Report, disk: Disk, settings: Settings, q: Question, rel: str) -> Fix | None:
    """Rename the file inside its folder under figures/ to a safe name and rewrite every link
    to it; only when every link to it is in this question's answer (a fix stays in its
    question) and the folder's own path is safe."""
    from ..moves import movable

    folder, _, name = rel.rpartition("/")
    prefix = settings.figures_dir.strip("/")
    if not (folder == prefix or folder.startswith(prefix + "/")) or not all(is_safe(p) for p in folder.split("/")):
        return None
    edits = []
    for fig in q.answer.figures:
        if fig.kind == "reference":
            if disk.resolve(_target(report, fig)).relative == rel:
                return None  # its definition lies outside the question
            continue
        if disk.resolve(fig.target).relative == rel:
            edits.append(fig)
    if not edits or _named_elsewhere(report.text, q, name):
        return None
    siblings = [f.rsplit("/", 1)[-1] for f in disk.files if f.rpartition("/")[0] == folder]
    new_name = safe_name(name, [s for s in siblings if s != name])
    if new_name is None or new_name == name:
        return None
    new_rel = f"{folder}/{new_name}"
    move = Move(str(disk.root / rel), str(disk.root / new_rel))
    if new_rel.lower() in disk.by_lower or not movable(move.source, move.target, disk.root.parent):
        return None
    return Fix(
        f"Rename {rel} to {new_rel} and update the link{'s' if len(edits) > 1 else ''}",
        "renameFigure",
        tuple(Edit(f.target_span, _same_style(f.target, new_rel)) for f in edits),
        (move,),
        safe=False,
    )


def _named_elsewhere(text: str, q: Question, name: str) -> bool:
    """Whether the file's name (as written or percent-encoded) appears outside the question:
    a link there would break with the rename."""
    for written in dict.fromkeys((name, quote(name), name.replace(" ", "%20"))):
        k = text.find(written)
        while k >= 0:
            if not (q.span.start <= k < q.span.end):
                return True
            k = text.find(written, k + 1)
    return False


def _same_style(written: str, new_rel: str) -> str:
    return ("./" + new_rel) if written.lstrip("<").startswith("./") else new_rel


def figure_files(c: DocumentContext) -> list[Finding]:
    return figure_file_findings(c.report, c.disk, c.settings)


IMAGE_TOO_LARGE = Rule(
    "image-too-large",
    "warning",
    "document",
    check=figure_files,
    reads=("figures", "names", "disk", "settings"),
    summary="A figure's file is larger than the size limit: 500 KB by default, or the editor setting "
    "`mlopsReport.imageSizeLimit` (in kilobytes).",
    why="pre-commit's `check-added-large-files` hook, which most project templates enable, refuses to commit a file "
    "above 500 KB (its default `--maxkb`): the commit with the figure fails, or the hook gets switched off to "
    "let it in. Large screenshots also make the repository slow to clone.",
    example="A 2.4 MB screenshot `figures/cloud_build.png` taken on a high-resolution screen.",
    fix="Export the figure smaller: fewer pixels, or JPEG for photographs and screenshots with gradients. The hover "
    "on the figure shows its size and dimensions.",
)


IMAGE_NAME_UNSAFE = Rule(
    "image-name-unsafe",
    "warning",
    "document",
    check=figure_files,
    reads=("figures", "names", "disk", "settings"),
    fixes=("renameFigure",),
    summary="A figure's file name holds a space or another character that a link must encode (anything but letters, "
    "digits, `.`, `-` and `_`).",
    why="`![x](figures/my shot.png)` is not an image to CommonMark (GitHub shows the text), and `%20` or `<...>` in "
    "the link is easy to get wrong by hand; plain names work everywhere.",
    example="`figures/Screenshot 2026-01-12 at 10.41.png`",
    fix="Rename the file inside `figures/` to a safe name and update the link (one click; it never overwrites a "
    "file, and is offered when every link to the file is in that answer).",
)


def duplicate_figures(c: DocumentContext) -> Iterator[Finding]:
    """image-duplicate: a figure file linked again after its first link in the report."""
    report, disk = c.report, c.disk
    if disk is None:
        return
    first: dict[str, tuple[int, int]] = {}  # the file -> the question and line of its first link
    for q in report.questions:
        for fig in q.shape.answer.figures:
            target = _target(report, fig)
            if not target:
                continue
            r = disk.resolve(target)
            if r.state not in ("exists", "case") or r.relative is None:
                continue
            fig = fig.shifted(q.span.start)
            span = fig.target_span if fig.kind != "reference" else fig.span
            seen = first.get(r.relative)
            if seen is None:
                first[r.relative] = (q.number, report.lines.line_of(span.start))
                continue
            where = "this answer" if seen[0] == q.number else f"question {seen[0]}"
            yield Finding(
                "image-duplicate",
                "",
                q.number,
                span,
                f"Question {q.number}: {r.relative} is linked already (in {where}, line {seen[1] + 1}): the "
                "reader sees the same figure twice",
            )


IMAGE_DUPLICATE = Rule(
    "image-duplicate",
    "information",
    "document",
    check=duplicate_figures,
    reads=("figures", "disk"),
    summary="A figure's file is linked a second time in the report.",
    why="The checker counts every link, so the same screenshot can fill the figure limits of two questions, while "
    "the reader of the hand-in sees one image twice; usually the second link was meant for another file.",
    example="Question 20 links `figures/q19_0.png`, which question 19 shows already.",
    fix="Link the figure the answer is about, or remove the second link if showing it again was not meant.",
)


def unchecked_figures(c: DocumentContext) -> Iterator[Finding]:
    """figures-unchecked: the walk of the report's folder stopped before it listed every file,
    so the figure rules could not look for some linked files; said once, at the first of them."""
    report, disk = c.report, c.disk
    if disk is None or not disk.truncated:
        return
    unchecked = [
        fig.shifted(q.span.start).span
        for q in report.questions
        for fig in q.shape.answer.figures
        if (target := _target(report, fig)) and disk.resolve(target).state == "unchecked"
    ]
    if unchecked:
        yield Finding(
            "figures-unchecked",
            "",
            0,  # the report's folder, not one answer
            unchecked[0],
            f"The report's folder holds too many files to list (the walk stopped after {disk.entries} entries): "
            f"{len(unchecked)} linked {'figure is' if len(unchecked) == 1 else 'figures are'} not checked",
        )


FIGURES_UNCHECKED = Rule(
    "figures-unchecked",
    "information",
    "document",
    check=unchecked_figures,
    reads=("figures", "disk"),
    summary="The report's folder holds more files than are listed (20,000 entries or one second of walking), "
    "so some linked figures were not looked for.",
    why="The figure rules read the folder's listing: a file that was not listed is neither found nor missing. "
    "Nothing is reported about those figures rather than a wrong `image-missing-file`.",
    example="A `reports/` folder that also holds a dataset of 50,000 images.",
    fix="Keep data out of the reports folder (the hand-in needs only `README.md` and `figures/`); then every "
    "figure is checked.",
)
