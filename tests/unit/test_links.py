"""The one reader of link destinations (``links.read_target``), by the rules its module states."""

from __future__ import annotations

import pytest

from mlops_report.disk import Disk
from mlops_report.links import Target, folder, read_target, written_path


@pytest.mark.parametrize(
    "written, named",
    [
        (" <figures/a b.png> ", Target("relative", "figures/a b.png", "figures/a b.png")),  # rule 1
        ("https://example.org/a.png", Target("remote", "", "https://example.org/a.png")),  # rule 2
        ("//cdn.example.org/a.png", Target("remote", "", "//cdn.example.org/a.png")),
        ("figures/a.png?raw=1#top", Target("relative", "figures/a.png", "figures/a.png")),  # rule 3
        ("figures/a%23b.png", Target("relative", "figures/a#b.png", "figures/a%23b.png")),
        ("file:///etc/passwd", Target("absolute", "/etc/passwd", "file:///etc/passwd")),  # rule 4
        ("C:\\shots\\a.png", Target("absolute", "C:/shots/a.png", "C:\\shots\\a.png")),
        ("\\\\server\\share\\a.png", Target("absolute", "//server/share/a.png", "\\\\server\\share\\a.png")),
        ("figures\\loss%20curve.png", Target("relative", "figures/loss curve.png", "figures\\loss%20curve.png")),
        ("  ", Target("empty", "", "")),
    ],
)
def test_a_destination_is_read_by_the_rules(written, named):
    assert read_target(written) == named


def test_a_rewrite_keeps_query_and_fragment():
    assert written_path("<figures\\a%20b.png#x>") == "figures/a b.png#x"


@pytest.mark.parametrize(
    "written, named", [("figures", "figures"), ("./figs/", "figs"), ("a\\b//c/", "a/b/c"), (".", "")]
)
def test_the_figures_folder_as_a_path_under_the_report(written, named):
    assert folder(written) == named


def test_the_folder_walk_resolves_through_the_same_reader(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "loss curve.png").write_bytes(b"")
    disk = Disk.scan(tmp_path / "report.md")
    for written in ("figures/loss%20curve.png", "<figures\\loss%20curve.png>", "figures/loss%20curve.png#x"):
        assert (disk.resolve(written).state, disk.resolve(written).relative) == ("exists", "figures/loss curve.png")
    assert disk.resolve("http://x/a.png").state == "remote"
    assert disk.resolve("file:///etc/passwd").state == "absolute"
    assert disk.outside_state("https://x/a.png") == "unchecked"
