"""The hand-in page's core: the course's rendering, byte for byte, and the differences from
GitHub found in the parsed report.

``course_page`` is our model of what ``report.py html`` does (../shared/checker.md, §6), written
from its rules: the file read in text mode as UTF-8, the first 43 characters dropped, Python-
Markdown with no extensions, the result written in text mode. Every test compares against it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import markdown
import pytest

from mlops_report import handin
from mlops_report.analysis import Analyzer
from mlops_report.disk import Disk
from mlops_report.handin.page import page
from tests.builder import ReportBuilder, words


def course_page(readme: Path, out: Path) -> bytes:
    with open(readme, encoding="utf-8") as file:  # text mode: universal newlines
        text = file.read()
    with open(out, "w", encoding="utf-8") as file:
        file.write(markdown.markdown(text[43:]))
    return out.read_bytes()


def ours(readme: Path) -> bytes:
    return handin.fragment(handin.read(readme.read_bytes())).encode("utf-8")


# every family of the course's checker: A (2023, 2024, with and without the Jekyll header), C (2025, 2026)
EDITIONS = ["2023", "2024", "2025", "2026"]


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_fragment_is_what_report_py_html_writes(tmp_path, edition, newline):
    b = ReportBuilder(edition, newline=newline).fill_all()
    b.answer(5, "| tool | why |\n|---|---|\n| uv | speed |\n\n```bash\nuv sync\n```\n\n* [x] done\n\n" + words(90))
    b.answer(7, '**bold** and *soft* _under_ <img src="figures/a.png" width="300"> ü ß 你好 ✓\n\n    indented code')
    readme = b.write(tmp_path)
    assert ours(readme) == course_page(readme, tmp_path / "expected.html")


def test_front_matter_of_old_templates_is_exactly_what_is_cut(tmp_path):
    b = ReportBuilder("2024").fill_all()
    b.prefix = handin.OLD_HEADER
    readme = b.write(tmp_path)
    got = ours(readme)
    assert got == course_page(readme, tmp_path / "expected.html")
    assert got.startswith(b"<h1>Synthetic exam report</h1>")


def test_a_byte_order_mark_is_one_of_the_43(tmp_path):
    b = ReportBuilder("2026").fill_all()
    readme = b.write(tmp_path)
    readme.write_bytes(b"\xef\xbb\xbf" + readme.read_bytes())
    assert ours(readme) == course_page(readme, tmp_path / "expected.html")


def test_not_utf8_is_what_stops_report_py():
    with pytest.raises(handin.Unrenderable, match=r"not UTF-8.*line 2"):
        handin.read(b"# title\n\xff\xfe\n")


def test_a_slow_rendering_is_stopped_at_its_deadline():
    # 20 000 [ in one paragraph: over a minute of Python-Markdown
    with pytest.raises(handin.TooSlow):
        handin.fragment("x" * 43 + "[" * 20000, seconds=0.3)
    assert handin.fragment("x" * 43 + "# fine", seconds=5) == "<h1>fine</h1>"


# -- the differences ------------------------------------------------------------------------------


def analysed(tmp_path: Path, b: ReportBuilder, figures: list[str] | None = None):
    readme = b.write(tmp_path, figures=figures)
    text = readme.read_text(encoding="utf-8")
    disk = Disk.scan(readme)
    return text, Analyzer().analyse(text, readme, None, disk), disk


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n")


def test_each_kind_of_difference_is_found_where_it_is(tmp_path):
    b = ReportBuilder("2026").fill_all()
    b.answer(4, words(60) + "\n\n| tool | use |\n|---|---|\n| ruff | lint |\n\n" + words(60))
    b.answer(5, words(60) + "\n\n```python\nprint('zebra')\n```\n\n" + words(60))
    b.answer(6, words(120) + "\n\n#### Details\n\n" + words(40))
    b.answer(8, words(120) + '\n\n<p align="center"><img src="figures/q8.png" width="300"></p>\n')
    b.answer(14, words(240) + "\n\n![curve](figures/gone.png)\n\n![fine](figures/q14_0.png)")
    b.answer(28, "- [x] first extra\n- [ ] second extra\n- plain item")
    text, analysis, disk = analysed(
        tmp_path,
        b,
        figures=["figures/q14_0.png", "figures/q8.png"]
        + [f for f in b.needed_figures() if not f.startswith("figures/q14")],
    )
    found = handin.differences(analysis, disk)
    kinds = {(d.kind, d.question, d.line) for d in found}
    assert ("table", 4, line_of(text, "| tool | use |")) in kinds
    assert ("fence", 5, line_of(text, "```python")) in kinds
    assert ("heading", 6, line_of(text, "#### Details")) in kinds
    assert ("html", 8, line_of(text, '<p align="center">')) in kinds
    assert ("image", 14, line_of(text, "![curve]")) in kinds
    assert ("checkbox", 28, line_of(text, "- [x] first extra")) in kinds
    # the template's own checklist is one list per group: one marker for each, with its count
    boxes = [d for d in found if d.kind == "checkbox" and d.question is None]
    assert len(boxes) == 4 and all("3 task-list boxes" in d.message for d in boxes)
    (mine,) = [d for d in found if d.kind == "checkbox" and d.question == 28]
    assert mine.message.startswith("2 task-list boxes") and mine.needle == "first extra"
    # a figure that is there is no difference; nor a heading the checker does not cut at
    assert not [d for d in found if d.kind == "image" and d.src != "figures/gone.png"]
    (html_block,) = [d for d in found if d.kind == "html"]
    assert html_block.src == "figures/q8.png"
    (cut,) = [d for d in found if d.kind == "cut"]
    assert cut.line == 0 and "43 characters" in cut.message
    assert [d.line for d in found] == sorted(d.line for d in found)


def test_the_cut_says_what_is_lost_and_where_the_page_starts(tmp_path):
    text, analysis, disk = analysed(tmp_path, ReportBuilder("2026").fill_all())
    (cut,) = [d for d in handin.differences(analysis, disk) if d.kind == "cut"]
    lost = text[:43].replace("\n", "⏎")
    assert f"“{lost}”" in cut.message
    first = handin.fragment(text).split("\n", 1)[0]
    shown = re.sub(r"<[^>]+>", "", first).strip()
    assert f"the page starts with “{shown}”" in cut.message


def test_no_cut_marker_when_the_header_is_what_is_cut(tmp_path):
    b = ReportBuilder("2024").fill_all()
    b.prefix = handin.OLD_HEADER
    _, analysis, disk = analysed(tmp_path, b)
    assert not [d for d in handin.differences(analysis, disk) if d.kind == "cut"]


def test_comments_breaks_and_indented_code_are_no_differences(tmp_path):
    b = ReportBuilder("2026").fill_all()
    b.answer(4, words(120) + "\n\n<!-- a note -->\n\nline one<br>line two\n\n    indented code\n")
    _, analysis, disk = analysed(tmp_path, b)
    assert not [d for d in handin.differences(analysis, disk) if d.question == 4]


def test_figures_the_scraped_folder_cannot_show(tmp_path):
    b = ReportBuilder("2026").fill_all()
    b.answer(
        19,
        "![a](../outside.png)\n\n![b](/home/me/shot.png)\n\n![c](figures/Shot.PNG)\n\n"
        "![d](https://example.org/x.png)\n\n![e][ref]\n\n[ref]: figures/none.png",
    )
    _, analysis, disk = analysed(tmp_path, b, figures=["figures/shot.png"])
    found = {d.src: d.message for d in handin.differences(analysis, disk) if d.kind == "image"}
    assert "outside the reports folder" in found["../outside.png"]
    assert "absolute path" in found["/home/me/shot.png"]
    assert "differs in case (figures/shot.png)" in found["figures/Shot.PNG"]
    assert "no such file" in found["figures/none.png"]
    assert "https://example.org/x.png" not in found  # the course's page loads it from the web


# -- the page -------------------------------------------------------------------------------------


def test_page_holds_the_rendering_as_it_is_and_a_mark_for_each_difference(tmp_path):
    b = ReportBuilder("2026").fill_all()
    b.answer(4, words(60) + "\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n" + words(60))
    text, analysis, disk = analysed(tmp_path, b)
    found = handin.differences(analysis, disk)
    out = page(text, analysis, disk, name="reports/README.md")
    body = re.search(r'<main class="mr-page" id="mr-page"[^>]*>\n(.*)\n</main>', out, re.S).group(1)
    assert body == handin.fragment(text)
    marks = re.findall(r'<a class="mr-diff mr-(\w+)"', out)
    assert marks == [d.kind for d in found] and "table" in marks
    assert "<base href" not in out and "://" not in out.replace(body, "")  # nothing loads from elsewhere


def test_page_runs_only_its_own_script(tmp_path):
    b = ReportBuilder("2026").fill_all().answer(4, words(120) + "\n\n<script>alert(1)</script>\n")
    text, analysis, disk = analysed(tmp_path, b)
    out = page(text, analysis, disk)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', out).group(1).replace("&#x27;", "'")
    scripts = re.findall(r"<script>(.*?)</script>", out, re.S)
    ours_ = scripts[-1]
    digest = base64.b64encode(hashlib.sha256(ours_.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy and "default-src 'none'" in policy
    assert "unsafe-eval" not in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "alert(1)" in scripts[0]  # passed through, as on the course's page, but not allowed to run


def test_webview_page_takes_the_clients_sources(tmp_path):
    text, analysis, disk = analysed(tmp_path, ReportBuilder("2026").fill_all())
    out = page(text, analysis, disk, csp_source="https://x.vscode-cdn.net", base="https://x.vscode-cdn.net/r/", line=40)
    assert "img-src https://x.vscode-cdn.net https: data:" in out
    assert '<base href="https://x.vscode-cdn.net/r/">' in out and 'data-line="40"' in out
