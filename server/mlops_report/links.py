"""How a figure link is written so that both readers of a report see the same image: the
course's checker (``!\\[.*?\\]\\(.*?\\)`` on one line) and a CommonMark renderer (GitHub, an
editor's preview, the hand-in page).

Every producer of a figure link goes through here: the insert-figure fixes, the rewrite of a
figure the checker does not count or CommonMark does not render, path completion and the
client's Insert Figure… (through the server's ``mlopsReport.figureLink`` command). So does every
reader of one: what file a link names (``read_target``, ``written_path``), which link a
reference image uses (``figure_target``) and the figures folder of the settings (``folder``).

How a destination written by hand is read, in this order:

1. white space around it, then one pair of angle brackets around it, are dropped;
2. a web address (``http:``, ``https:``, ``data:``, ``mailto:``, ``//``) names no file;
3. to find the file, a query (``?...``) or fragment (``#...``) is dropped: a browser never reads
   it as part of the name (a name holding ``#`` or ``?`` is written ``%23``, ``%3F``); rewriting
   a link keeps them (``written_path``), since that changes no file the link names;
4. ``file:`` addresses, a leading ``/`` or ``\\`` and a drive letter (``C:``) are absolute paths;
5. percent escapes are decoded and backslashes read as folder separators (what a Windows user
   meant).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import NamedTuple
from urllib.parse import unquote

# characters that end or break a CommonMark link destination, or that a browser reads as the
# start of a query or fragment; a literal % is encoded too, so that decoding gives the name back
_ENCODED = frozenset(' %()<>[]{}"#?\\^`|')
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,20}:")  # http:, https:, data:, file: (not C:)


def _escape(c: str) -> str:
    return "".join(f"%{b:02X}" for b in c.encode("utf-8", "surrogatepass"))


def destination(path: str) -> str:
    """``path`` (a file's path relative to the report, as a name on disk) written as a link
    destination: forward slashes, and every character that would end the destination (white
    space, parentheses, angle brackets), start a query or fragment, or be read as an escape
    percent-encoded. Letters outside ASCII stay as they are."""
    out = []
    for c in path.replace("\\", "/"):
        if c in _ENCODED or c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(_escape(c))
        else:
            out.append(c)
    return "".join(out)


def rewritten(target: str) -> str:
    """A destination written by hand (``target``, without angle brackets) as ``destination``
    writes it; a web address keeps its own encoding and only loses its blanks."""
    t = target.strip()
    if len(t) >= 2 and t[0] == "<" and t[-1] == ">":
        t = t[1:-1]
    if _SCHEME.match(t):
        return "".join(_escape(c) if c.isspace() else c for c in t)
    return destination(written_path(t))


def _unwrapped(target: str) -> str:
    """Rule 1: the destination without the blanks and the angle brackets around it."""
    t = target.strip()
    return t[1:-1] if len(t) >= 2 and t[0] == "<" and t[-1] == ">" else t


def _decoded(t: str) -> str:
    """Rule 5: escapes decoded, backslashes read as folder separators."""
    return unquote(t).replace("\\", "/")


def written_path(target: str) -> str:
    """The file a destination written by hand names, query and fragment kept (rules 1 and 5):
    what a rewrite of the link writes again."""
    return _decoded(_unwrapped(target))


REMOTE = ("http://", "https://", "data:", "mailto:", "//")


class Target(NamedTuple):
    """What a link destination names."""

    kind: str  # "remote" (a web address), "absolute", "relative" or "empty"
    path: str  # the file: escapes decoded, "/" between folders ("" when remote or empty)
    raw: str  # the destination after rules 1 and 3, as written


def read_target(target: str) -> Target:
    """The file a destination names, by the rules above."""
    t = _unwrapped(target).split("#", 1)[0].split("?", 1)[0]
    lowered = t.lower()
    if lowered.startswith(REMOTE):
        return Target("remote", "", t)
    if lowered.startswith("file:") or t.startswith(("/", "\\")) or (len(t) > 1 and t[1] == ":"):
        path = t[7:] if lowered.startswith("file://") else t[5:] if lowered.startswith("file:") else t
        return Target("absolute", _decoded(path), t)
    return Target("relative", _decoded(t), t) if t else Target("empty", "", t)


def figure_target(figure, references: dict[str, str]) -> str:
    """The destination a figure names: its own, or, for a reference image (``![alt][label]``,
    ``![alt][]``, ``![alt]``), the definition of its label (the alt text when there is no
    label), matched without regard to case; "" when there is none."""
    if figure.kind != "reference":
        return figure.target
    return references.get(figure.target.lower() or figure.alt.lower(), "")


def folder(figures_dir: str) -> str:
    """The figures folder of the settings as a path under the report's folder: ``/`` between
    folders, no ``.`` steps, no slash at either end; "" for the report's own folder."""
    out = PurePosixPath(figures_dir.replace("\\", "/")).as_posix().strip("/")
    return "" if out == "." else out


def alt_text(text: str) -> str:
    """A figure's alt text on one line, without the brackets that would end it early."""
    return " ".join(text.replace("[", " ").replace("]", " ").split())


def figure_link(alt: str, path: str) -> str:
    """``![alt](path)`` with the path written by ``destination``."""
    return f"![{alt_text(alt)}]({destination(path)})"


def stem(path: str) -> str:
    """The file name without its folder and suffix: the alt text a new figure link gets."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name[1:] else name


class Destination(NamedTuple):
    """The parts of an inline image's parentheses, as written."""

    path: str  # without angle brackets and title
    start: int  # offsets of the path in the text the parentheses were read from
    end: int
    angle: bool  # written as ``<...>``


def split_destination(inside: str, base: int = 0) -> Destination:
    """The path in the text between an image's parentheses, without a trailing ``"title"``
    (or ``'title'``) and without angle brackets; offsets are relative to ``base``."""
    lead = len(inside) - len(inside.lstrip())
    body = inside.strip()
    end = lead + len(body)
    if body[-1:] in ('"', "'") and len(body) >= 2:
        opening = body.rfind(body[-1], 0, len(body) - 1)
        if opening > 0 and body[opening - 1].isspace():
            body = body[:opening].rstrip()
            end = lead + len(body)
    start = lead
    angle = len(body) >= 2 and body[0] == "<" and body[-1] == ">"
    if angle:
        start, end, body = start + 1, end - 1, body[1:-1]
    return Destination(body, base + start, base + end, angle)


def closing_paren(text: str, start: int, end: int) -> int:
    """The ``)`` that closes parentheses opened right before ``start``, counting pairs inside
    (``shot (1).png``) as CommonMark does, up to ``end``; -1 when there is none."""
    depth = 0
    for i in range(start, end):
        c = text[i]
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                return i
            depth -= 1
    return -1


_MD = None


def _inline():
    global _MD
    if _MD is None:
        from markdown_it import MarkdownIt

        _MD = MarkdownIt("commonmark")
    return _MD


def renders_as_image(source: str) -> bool:
    """Whether CommonMark reads ``source`` (one ``![alt](...)`` construct) as one image from its
    first to its last character."""
    tokens = _inline().parseInline(source)
    children = tokens[0].children if tokens and tokens[0].children else []
    return len(children) == 1 and children[0].type == "image"


def unrendered_reason(source: str, dest: Destination) -> str | None:
    """Why a construct the checker counts as an image is not the image a reader sees, or None.
    ``source`` is the construct, ``dest`` its destination."""
    if "\\" in dest.path:
        return "its path has a backslash, which a web page does not read as a folder separator"
    if not renders_as_image(source):
        if any(c.isspace() for c in dest.path):
            return "its path has a space, so Markdown does not read it as an image"
        return "Markdown does not read it as an image"
    return None
