"""The linear scans find exactly what the regular expressions they replace found.

The expressions stay here as the definition of what each scan must find; on short random text
over the characters that matter to each construct, both must agree match for match.
"""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from mlops_report import scan
from mlops_report.editions.fingerprint import normalise

HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
HEADING_TEXT = re.compile(r"^[ \t]*#+[ \t]*|[ \t]+#+[ \t]*$")
CODE_SPAN = re.compile(r"(`+)(?:.|\n)*?(?<!`)\1(?!`)")
INLINE_IMG = re.compile(r"!\[([^\]]*)\]\(\s*(<[^>]*>|[^\s)]*)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
REF_IMG = re.compile(r"!\[([^\]]*)\]\[([^\]]*)\]")
SHORTCUT_IMG = re.compile(r"!\[([^\]]+)\](?![\[(])")
HTML_IMG = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)[^>]*>", re.IGNORECASE)
PLAIN_LINK = re.compile(
    r"(?<!!)\[([^\]]*)\]\(\s*(<[^>]*>|[^\s)]*\.(?:png|jpe?g|gif|svg|webp|bmp|tiff?))\s*\)", re.IGNORECASE
)
REF_DEF = re.compile(r" {0,3}\[([^\]]+)\]:[ \t]*(<[^>]*>|\S+)", re.MULTILINE)
CHECKER_IMAGE = re.compile(r"!\[[^\r\n]*?\]\([^\r\n]*?\)")
QUOTE_MARKS = re.compile(r"^[ \t]*(?:>[ \t]?)*", re.MULTILINE)


def texts(alphabet: str, pieces: tuple[str, ...] = (), max_size: int = 40):
    return st.lists(
        st.one_of(st.sampled_from(list(alphabet)), st.sampled_from(pieces or (alphabet[0],))), max_size=max_size
    ).map("".join)


def hits(pattern: re.Pattern[str], text: str, start_group: int | None = None) -> list:
    out = []
    for m in pattern.finditer(text):
        start = m.start(start_group) - 1 if start_group is not None else m.start()
        out.append(scan.Hit(start, m.end(), tuple(m.span(g) for g in range(1, pattern.groups + 1))))
    return out


MANY = settings(max_examples=400, deadline=None)


@MANY
@given(texts(" \t#ab\u00a0", ("##", "   #", "# a #")))
def test_heading_line(line):
    m = HEADING.match(line)
    want = (len(m.group(1)), (m.group(2) or "").strip()) if m else None
    assert scan.heading_line(line) == want


@MANY
@given(texts(" \t#a\n\u00a0", ("##", "# a #")))
def test_heading_text(line):
    assert scan.heading_text(line) == HEADING_TEXT.sub("", line).strip()


@MANY
@given(texts("`a\n", ("``", "```")))
@example("```a`")
@example("`` ` ``` `` `")
def test_code_spans(text):
    assert scan.code_spans(text) == [m.span() for m in CODE_SPAN.finditer(text)]


_FIG = "![]()<> \n\"'a.x"
_FIG_PIECES = ("![", "](", ".png", ".JPEG", "<img ", "src=", "SRC =", "\t", "[", "]:", '"t"', "'t t'", "<b>")


@MANY
@given(texts(_FIG, _FIG_PIECES))
@example('![a]( "t t")')
@example("![a](<b> 'c' )")
def test_inline_images(text):
    assert scan.inline_images(text) == hits(INLINE_IMG, text)


@MANY
@given(texts("![]a", ("![", "][")))
def test_reference_and_shortcut_images(text):
    assert scan.reference_images(text) == hits(REF_IMG, text)
    assert scan.shortcut_images(text) == hits(SHORTCUT_IMG, text)


@MANY
@given(texts("<> =\"'a\n", ("<img ", "<IMG", "src", "Src=", "<imgx", "xsrc", " src=")))
@example('<img src="a>')
@example("<img src='a' src=b>")
def test_html_images(text):
    assert scan.html_images(text) == hits(HTML_IMG, text)


@MANY
@given(texts("![]()<> \na", (".png", ".Tiff", ".jpeg", ".tif", "](", "![")))
def test_image_links(text):
    assert scan.image_links(text) == hits(PLAIN_LINK, text)


@MANY
@given(texts("[]: \t<>a\n", ("]:", "[a]:", "   [")))
def test_reference_definitions(text):
    assert scan.reference_definitions(text) == hits(REF_DEF, text, start_group=1)


@MANY
@given(texts("![]()\r\na", ("![", "](")))
def test_one_line_images(text):
    assert scan.one_line_images(text) == len(CHECKER_IMAGE.findall(text))


@MANY
@given(texts(" \t>a\n\r", (">>", "  ", "> ")))
def test_normalise_folds_quote_marks_as_before(text):
    assert normalise(text) == re.sub(r"\s+", " ", QUOTE_MARKS.sub("", text)).strip()
