"""Figure files: the names pasted figures get, safe names, the header reader behind the hover and
image-too-large, and the rename fix of image-name-unsafe."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mlops_report.analysis import Analyzer
from mlops_report.figure_names import figure_name, is_safe, link, safe_name
from mlops_report.findings import apply_edits
from mlops_report.rules.figures_files import image_info
from mlops_report.settings import Settings, from_dict
from tests.builder import PNG_1PX, ReportBuilder, words
from tests.conftest import ROOT


def test_a_pasted_figure_is_named_after_its_question():
    assert figure_name(14, "png", []) == "q14-1.png"
    assert figure_name(14, ".PNG", ["q14-1.png", "Q14-2.png", "q14_3.png"]) == "q14-3.png"  # case-blind
    assert figure_name(None, "jpeg", ["image.png"]) == "figure-1.jpeg"
    assert figure_name(3, "p n/g", []) == "q3-1.p-n-g"


@pytest.mark.parametrize(
    "name, taken, safe",
    [
        ("my shot.png", [], "my-shot.png"),
        ("Screenshot 2026-01-12 at 10.41 (1).PNG", [], "Screenshot-2026-01-12-at-10.41-1.PNG"),
        ("façade.jpg", [], "facade.jpg"),
        ("my shot.png", ["My-Shot.png"], "my-shot-2.png"),
        ("日本.png", [], "figure.png"),
        ("a%20b.png", [], "a-20b.png"),
    ],
)
def test_safe_names(name, taken, safe):
    assert safe_name(name, taken) == safe
    assert is_safe(safe) and not is_safe(name)


def test_links_are_counted_and_rendered():
    assert link("q14-1", "figures/q14-1.png") == "![q14-1](figures/q14-1.png)"
    assert link("a [b]", "my figures/x y.png") == "![a b](my%20figures/x%20y.png)"


def png(width: int, height: int, padding: int = 0) -> bytes:
    return PNG_1PX[:16] + width.to_bytes(4, "big") + height.to_bytes(4, "big") + PNG_1PX[24:] + bytes(padding)


def jpeg(width: int, height: int, app_segments: int = 3) -> bytes:
    out = b"\xff\xd8"
    for _ in range(app_segments):  # EXIF-like segments before the frame header, 60 KB each
        out += b"\xff\xe1" + (60_002).to_bytes(2, "big") + bytes(60_000)
    out += b"\xff\xc0" + (17).to_bytes(2, "big") + b"\x08" + height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return out + bytes(12) + b"\xff\xd9"


def test_image_info_reads_the_headers(tmp_path):
    (tmp_path / "a.png").write_bytes(png(1920, 1080))
    (tmp_path / "b.jpg").write_bytes(jpeg(800, 600))
    (tmp_path / "c.png").write_bytes(b"not an image")
    a, b, c = (image_info(tmp_path / n) for n in ("a.png", "b.jpg", "c.png"))
    assert (a.kind, a.width, a.height) == ("PNG", 1920, 1080)
    assert (b.kind, b.width, b.height, b.size) == ("JPEG", 800, 600, len(jpeg(800, 600)))
    assert (c.kind, c.width) == (None, None) and c.described() == "12 bytes"
    assert image_info(tmp_path / "absent.png") is None


def test_image_info_never_reads_a_whole_large_file(tmp_path):
    big = tmp_path / "big.jpg"
    with open(big, "wb") as f:  # 4 GB, sparse: reading it whole would take long and fill memory
        f.write(b"\xff\xd8\xff\xe1\xff\xff")
        f.truncate(4 * 2**30)
    started = time.monotonic()
    info = image_info(big)
    assert info.size == 4 * 2**30 and info.kind == "JPEG" and info.width is None
    assert time.monotonic() - started < 2.0  # a few reads of headers: milliseconds


def test_image_info_does_not_open_a_fifo(tmp_path):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    assert image_info(fifo) is None  # opening it would block until a writer comes


def analysed(b: ReportBuilder, tmp_path: Path, files: dict[str, bytes], settings: Settings | None = None):
    path = b.write(tmp_path, figures=[])
    for rel, data in files.items():
        (path.parent / rel).parent.mkdir(parents=True, exist_ok=True)
        (path.parent / rel).write_bytes(data)
    text = path.read_text(encoding="utf-8")
    return text, path, Analyzer().analyse(text, path, settings)


def test_the_size_limit_is_a_setting(tmp_path):
    b = ReportBuilder("2026").fill_all().figures(19, "figures/a.png")
    files = {"figures/a.png": png(10, 10, 300_000)}
    _, _, a = analysed(b, tmp_path, files)
    assert not [f for f in a.findings if f.code == "image-too-large"]
    _, _, a = analysed(b, tmp_path / "again", files, Settings(image_size_limit=200))
    (f,) = [f for f in a.findings if f.code == "image-too-large"]
    assert "figures/a.png is 300 KB, 10 × 10 pixels, above 200 KB" in f.message
    assert "check-added-large-files" not in f.message  # under pre-commit's own limit
    settings, problems = from_dict({"imageSizeLimit": 1000})
    assert settings.image_size_limit == 1000 and not problems
    assert from_dict({"imageSizeLimit": "big"})[1] == [
        "mlopsReport.imageSizeLimit must be a number of kilobytes above 0"
    ]


def test_rename_updates_every_link_in_the_answer(tmp_path):
    b = (
        ReportBuilder("2026")
        .fill_all()
        .answer(19, words(20) + '\n\n![bucket](figures/my%20bucket.png)\n\n<img src="./figures/my bucket.png">')
    )
    text, path, a = analysed(b, tmp_path, {"figures/my bucket.png": PNG_1PX, "figures/my-bucket.png": PNG_1PX})
    found = [f for f in a.findings if f.code == "image-name-unsafe"]
    assert len(found) == 2 and "has a space" in found[0].message
    fix = found[0].fixes[0]
    assert (
        fix.title == "Rename figures/my bucket.png to figures/my-bucket-2.png and update the links"
    )  # never overwrites
    (move,) = fix.moves
    assert (move.source, move.target) == (
        str(path.parent / "figures/my bucket.png"),
        str(path.parent / "figures/my-bucket-2.png"),
    )
    new = apply_edits(text, fix.edits)
    assert "![bucket](figures/my-bucket-2.png)" in new and '<img src="./figures/my-bucket-2.png">' in new
    os.rename(move.source, move.target)
    after = Analyzer().analyse(new, path)
    assert not [f for f in after.findings if f.question == 19 and f.code in ("image-name-unsafe", "image-missing-file")]


def test_no_rename_when_another_question_links_the_file(tmp_path):
    b = ReportBuilder("2026").fill_all().figures(19, "figures/my%20bucket.png").figures(20, "figures/my%20bucket.png")
    _, _, a = analysed(b, tmp_path, {"figures/my bucket.png": PNG_1PX})
    found = [f for f in a.findings if f.code == "image-name-unsafe"]
    assert len(found) == 2 and not any(f.fixes for f in found)  # a fix stays in its question


def test_no_rename_through_a_link_out_of_the_project(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "my shot.png").write_bytes(PNG_1PX)
    project = tmp_path / "project"
    b = ReportBuilder("2026").fill_all().figures(19, "figures/my%20shot.png")
    path = b.write(project, figures=[])
    (path.parent / "figures").rmdir()
    os.symlink(outside, path.parent / "figures")
    a = Analyzer().analyse(path.read_text(encoding="utf-8"), path)
    assert not [f.fixes for f in a.findings if f.code == "image-name-unsafe" and f.fixes]


def test_the_check_reads_files_only_through_the_walk(tmp_path):
    # a link that climbs out of the report folder is not looked at, however large the file is
    big = tmp_path / "big.png"
    big.write_bytes(png(5, 5, 900_000))
    b = ReportBuilder("2026").fill_all().figures(19, "../../big.png")
    _, _, a = analysed(b, tmp_path / "project", {})
    assert not [f for f in a.findings if f.code == "image-too-large"]


def test_cli_reports_a_large_figure(tmp_path):
    b = ReportBuilder("2026").fill_all().figures(19, "figures/q19_0.png")
    path = b.write(tmp_path)
    (path.parent / "figures/q19_0.png").write_bytes(png(4000, 3000, 2_400_000))
    run = subprocess.run(
        [sys.executable, "-m", "mlops_report", "check", "--fail-on", "never", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "server")},
    )
    assert "image-too-large" in run.stdout and "2.4 MB, 4000 × 3000 pixels, above 500 KB" in run.stdout
