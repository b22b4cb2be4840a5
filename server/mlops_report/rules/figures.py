"""The figures of an answer: whether the checker counts them, whether Markdown shows them, and
whether their files are where the hand-in takes them from."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .. import links, scan
from ..disk import IMAGE_SUFFIXES
from ..findings import Edit, Finding, Fix, Move
from ..parse import Figure
from ..text import Span
from .context import QuestionContext, has_reference_figures
from .lines import finding, line_end, quiet, target_of, within
from .rule import Rule, when


def image_not_counted(c: QuestionContext) -> Iterator[Finding]:
    q = c.question
    uncounted = sum(1 for f in q.answer.figures if not f.counted)
    counted = c.counted.images if c.counted is not None else 0
    stakes = c.limits.images is not None and within(counted, c.limits.images) != within(
        counted + uncounted, c.limits.images
    )
    for fig in q.answer.figures:
        if fig.counted:
            continue
        target = target_of(c, fig)
        form = {
            "html": "an HTML <img>",
            "reference": "a reference-style image",
            "link": "a link without !",
            "inline": "an image split over lines",
        }[fig.kind]
        msg = f"Question {q.number}: this figure is {form}; report.py check does not count it"
        fixes: tuple[Fix, ...] = ()
        if target:
            link = f"![{links.alt_text(fig.alt) or links.stem(target)}]({links.rewritten(target)})"
            fixes = (Fix(f"Rewrite as {link}", "rewriteImage", (Edit(fig.span, link),)),)
        yield quiet(finding("image-not-counted", q, fig.span, msg, *fixes), stakes)


def checker_only_figures(c: QuestionContext) -> list[Figure]:
    """Images the checker counts in the answer that the parser does not read as figures (a
    path with a space: CommonMark sees no image there), with the path as the author meant it:
    up to the ``)`` that balances the parentheses, as CommonMark counts them."""
    a, counted, text = c.question.answer, c.counted, c.text
    if counted is None:
        return []
    lo, hi = max(a.span.start, counted.counted.start), min(a.span.end, counted.counted.end)
    if lo >= hi or text.find("![", lo, hi) < 0:
        return []
    body = text[lo:hi]
    known = {f.span.start for f in a.figures}
    fences = [b.span for b in a.blocks if b.kind == "fence"]
    code = None
    out = []
    hits = list(scan.one_line_image_spans(body))
    for k, (p, m, e) in enumerate(hits):
        start = lo + p
        if start in known or any(f.start <= start < f.end for f in fences):
            continue
        if code is None:
            code = scan.code_spans(body) if "`" in body else []
        if any(s <= p < t for s, t in code):
            continue
        limit = hits[k + 1][0] if k + 1 < len(hits) else len(body)
        eol = line_end(body, e - 1)
        close = links.closing_paren(body, m + 2, min(limit, eol))
        end = close + 1 if close >= 0 else e
        dest = links.split_destination(body[m + 2 : end - 1], lo + m + 2)
        out.append(
            Figure("inline", dest.path, body[p + 2 : m], Span(start, lo + end), Span(dest.start, dest.end), True)
        )
    return out


_SIMPLE_IMAGE = re.compile(r"!\[[^\[\]\\`<>\r\n]*\]\([^\s()<>\\\"'`]*\)")


def image_link_unrendered(c: QuestionContext) -> Iterator[Finding]:
    """An image the checker counts that CommonMark does not show as an image: a path with a
    space, a backslash, or parentheses it cannot read."""
    q, text = c.question, c.text
    if c.counted is None:
        return
    candidates = [
        f
        for f in q.answer.figures
        if f.kind == "inline" and f.counted and not _SIMPLE_IMAGE.fullmatch(text, f.span.start, f.span.end)
    ]
    candidates += checker_only_figures(c)
    for fig in candidates:
        source = text[fig.span.start : fig.span.end]
        angle = text[fig.target_span.start - 1 : fig.target_span.start] == "<"
        dest = links.Destination(fig.target, fig.target_span.start, fig.target_span.end, angle)
        why = links.unrendered_reason(source, dest)
        if why is None:
            continue
        written = links.rewritten(fig.target)
        span = Span(fig.target_span.start - 1, fig.target_span.end + 1) if angle else fig.target_span
        # a path written right already (the cause lies elsewhere, e.g. a link inside the alt
        # text) gets no rewrite: it would change nothing
        fixes = (
            ()
            if text[span.start : span.end] == written
            else (Fix(f"Write the path as {written}", "rewriteImage", (Edit(span, written),)),)
        )
        yield finding(
            "image-link-unrendered",
            q,
            fig.target_span,
            f"Question {q.number}: the checker counts this figure, but {why}",
            *fixes,
        )


def image_files(c: QuestionContext) -> Iterator[Finding]:
    """image-missing-file, image-path-case, image-outside-figures, image-bad-extension."""
    q = c.question
    prefix = c.figures_dir.strip("/") + "/"
    for fig in list(q.answer.figures) + checker_only_figures(c):
        target = target_of(c, fig)
        if not target:
            continue
        span = fig.target_span if fig.kind != "reference" else fig.span
        path = target.split("#", 1)[0].split("?", 1)[0]
        if not path.lower().endswith(IMAGE_SUFFIXES) and not path.lower().startswith(("http://", "https://", "data:")):
            yield quiet(
                finding(
                    "image-bad-extension", q, span, f"Question {q.number}: {target} is not a .png, .jpg or .jpeg file"
                ),
                not path.lower().endswith(_WEB_IMAGES),
            )
        if c.disk is None:
            continue
        r = c.disk.resolve(target)
        if r.state in ("remote", "absolute", "outside"):
            where = {
                "remote": "a web address",
                "absolute": "an absolute path",
                "outside": "outside the report's folder",
            }[r.state]
            if r.state != "remote" and c.disk.outside_state(target) == "missing":
                where += " (and no file is there)"
            yield quiet(
                finding(
                    "image-outside-figures",
                    q,
                    span,
                    f"Question {q.number}: {target} is {where}; only files under reports/{prefix} are handed in",
                ),
                r.state != "remote",
            )
            continue
        if r.state == "missing":
            yield finding(
                "image-missing-file", q, span, f"Question {q.number}: {target} does not exist in the report's folder"
            )
            continue
        if r.state == "case":
            real = r.relative or ""
            fixed = _same_style(target, links.destination(real))
            yield finding(
                "image-path-case",
                q,
                span,
                f"Question {q.number}: {target} differs in case from the file {real}; Linux will not find it",
                Fix(f"Use the file's real name {fixed}", "pathCase", (Edit(span, fixed),)),
            )
        rel = r.relative or ""
        if r.state in ("exists", "case") and not rel.startswith(prefix):
            name = rel.rsplit("/", 1)[-1]
            new_rel = prefix + name
            written = links.destination(new_rel)
            if new_rel in c.disk.files:
                fixes = [Fix(f"Link {new_rel} instead", "moveToFigures", (Edit(span, written),), safe=False)]
            elif new_rel.lower() in c.disk.by_lower:
                fixes = []  # a file differing only in case is there: moving could overwrite it on Windows/macOS
            else:
                from ..moves import movable

                # only inside the project and onto no file, whatever figuresDir or a symbolic link says
                move = Move(str(c.disk.root / rel), str(c.disk.root / new_rel))
                fixes = (
                    [
                        Fix(
                            f"Move {rel} to {new_rel} and update the link",
                            "moveToFigures",
                            (Edit(span, written),),
                            (move,),
                            safe=False,
                        )
                    ]
                    if movable(move.source, move.target, c.disk.root.parent)
                    else []
                )
            # inside the reports folder the hand-in page still shows it: only the template's habit is at stake
            yield quiet(
                finding(
                    "image-outside-figures",
                    q,
                    span,
                    f"Question {q.number}: {target} is not in the {prefix} folder",
                    *fixes,
                ),
                False,
            )


# formats a browser shows although the template asks for PNG or JPEG
_WEB_IMAGES = (".svg", ".gif", ".webp", ".avif", ".bmp")


def _same_style(written: str, real: str) -> str:
    return ("./" + real) if written.startswith("./") else real


IMAGE_NOT_COUNTED = Rule(
    "image-not-counted",
    "warning",
    "question",
    check=image_not_counted,
    reads=("counted", "limits", when("references", has_reference_figures)),
    fixes=("rewriteImage",),
    summary="A figure written as an HTML `<img>`, a reference-style image, an image split over lines, or a plain link "
    "to an image file: it may render, but the official checker does not count it.",
    why="GitHub's drag-and-drop inserts `<img>` tags; the checker then reports 0 screenshots.",
    example='`<img width="600" src="figures/loss.png">`',
    fix="Rewrite it as `![alt](figures/loss.png)` (one click).",
)


IMAGE_LINK_UNRENDERED = Rule(
    "image-link-unrendered",
    "warning",
    "question",
    check=image_link_unrendered,
    reads=("counted",),
    fixes=("rewriteImage",),
    summary="The checker counts a figure that Markdown does not show as an image: its path has a space, a "
    "backslash, or parentheses a link cannot hold.",
    why="`report.py check` counts any `![...](...)` on one line, but GitHub and the editor's preview (CommonMark) "
    "show the text instead of the image when the path has a space, and a web page reads a backslash as part "
    "of the name, not as a folder. The question passes while the reader sees no figure.",
    example="`![loss](figures/Screenshot 2026-01-10 at 12.00.png)` or `![loss](figures\\loss.png)`.",
    fix="Write the path with forward slashes and `%20` for each space (one click); the file is still found. "
    "A missing file is reported as well, as `image-missing-file`.",
)


IMAGE_MISSING_FILE = Rule(
    "image-missing-file",
    "error",
    "question",
    check=image_files,
    reads=("counted", "disk", "figures_dir", when("references", has_reference_figures)),
    summary="A figure's path names no file in the report's folder.",
    why="The handed-in report shows a broken image.",
    example="`![loss](figures/loss.png)` while `figures/` holds no `loss.png`.",
    fix="Add the file under `reports/figures/` or correct the path.",
)


IMAGE_PATH_CASE = Rule(
    "image-path-case",
    "error",
    "question",
    check=image_files,
    reads=("counted", "disk", "figures_dir", when("references", has_reference_figures)),
    fixes=("pathCase",),
    summary="A figure's path differs in upper/lower case from the file on disk.",
    why="Windows and macOS ignore the case, so it looks right on the author's machine; the course builds the report "
    "on Linux, where the image is missing.",
    example="`![loss](figures/Loss.PNG)` for the file `figures/loss.png`.",
    fix="Use the file's real name (one click).",
)


IMAGE_OUTSIDE_FIGURES = Rule(
    "image-outside-figures",
    "warning",
    "question",
    check=image_files,
    reads=("counted", "disk", "figures_dir", when("references", has_reference_figures)),
    fixes=("moveToFigures",),
    summary="A figure's file is not under the report's `figures/` folder (or lies outside the reports folder, or is an "
    "absolute path or URL).",
    why="Only the reports folder is collected for the hand-in, and the template asks for images in `reports/figures/`.",
    example="`![arch](../docs/architecture.png)`",
    fix="Move the file into `figures/` and update the link (the quick fix never overwrites a file). Information "
    "when the file is in the reports folder (the hand-in page shows it) or on the web.",
)


IMAGE_BAD_EXTENSION = Rule(
    "image-bad-extension",
    "warning",
    "question",
    check=image_files,
    reads=("counted", when("references", has_reference_figures)),
    summary="A figure is not a `.png`, `.jpg` or `.jpeg` file.",
    why="The template accepts only these three formats.",
    example="`![pipeline](figures/pipeline.svg)`",
    fix="Export the figure as PNG or JPEG. Information only for formats a browser shows anyway (SVG, GIF, WebP, "
    "AVIF, BMP).",
)
