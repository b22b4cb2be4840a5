"""Synthetic ``reports/report.py`` files, in our own words, with the shapes a group's copy of the
course's checker has (a dict of classes keyed by question, or a list of ``partial`` entries), so
the reader of a group's checker can be tested without the course's code. Never run by the tests.

    source = checker_source(by_id("2026").checker.limits, 31)
    source = checker_source(limits, 27, shape="list", cut=43)
"""

from __future__ import annotations

from mlops_report.editions import Limits

_DICT_HEAD = '''"""Checks a report's answers against word and figure limits (a test stand-in)."""
from pathlib import Path


class NoConstraint:
    def __call__(self, piece, number):
        return True


class WordConstraint:
    def __init__(self, min_length, max_length):
        self.low, self.high = min_length, max_length

    def __call__(self, piece, number):
        return self.low <= len(piece.split()) <= self.high


class ImageConstraint:
    def __init__(self, min_images, max_images):
        self.low, self.high = min_images, max_images

    def __call__(self, piece, number):
        return self.low <= piece.count("![") <= self.high


class MultiConstraint:
    def __init__(self, constraints):
        self.parts = constraints

    def __call__(self, piece, number):
        return all(part(piece, number) for part in self.parts)


def check():
    content = Path("README.md").open().read()
{cut}    pieces = content.split("Answer:")[1:]
    table = {{
{entries}
    }}
    if len(pieces) != {expected}:
        raise SystemExit("the report does not have the expected number of answers")
    passed = 0
    for number, (piece, (_, rule)) in enumerate(zip(pieces, table.items()){start}):
        passed += rule(piece, number)
    print(passed)
'''

_LIST_HEAD = '''"""Checks a report's answers against word and figure limits (a test stand-in, list shape)."""
from functools import partial


def check():
    with open("README.md") as handle:
        content = handle.read()
{cut}    pieces = content.split("Answer:")[1:]

    def no_constraint(piece, number):
        return None

    def word_limit(piece, number, min_length, max_length):
        return min_length <= len(piece.split()) <= max_length

    def image_limit(piece, number, min_length, max_length):
        return min_length <= piece.count("![") <= max_length

    def multi_limit(piece, number, constraints):
        return [c(piece, number) for c in constraints]

    table = [
{entries}
    ]
    if len(pieces) != {expected}:
        raise ValueError("the report does not have the expected number of answers")
    for number, (piece, rule) in enumerate(zip(pieces, table){start}):
        rule(piece, number)
'''


def _dict_entry(n: int, lim: Limits) -> str:
    words = lim.words and f"WordConstraint(min_length={lim.words[0]}, max_length={lim.words[1]})"
    images = lim.images and f"ImageConstraint(min_images={lim.images[0]}, max_images={lim.images[1]})"
    if words and images:
        value = f"MultiConstraint(constraints=[{words}, {images}])"
    else:
        value = words or images or "NoConstraint()"
    return f'        "question_{n}": {value},'


def _list_entry(lim: Limits) -> str:
    words = lim.words and f"partial(word_limit, min_length={lim.words[0]}, max_length={lim.words[1]})"
    images = lim.images and f"partial(image_limit, min_length={lim.images[0]}, max_length={lim.images[1]})"
    if words and images:
        return f"        partial(multi_limit, constraints=({words}, {images})),"
    return f"        {words or images or 'no_constraint'},"


def checker_source(
    limits: dict[int, Limits],
    expected: int,
    *,
    shape: str = "dict",
    cut: int | None = None,
    zero_based: bool = False,
    questions: int | None = None,
) -> str:
    """A report.py whose check insists on ``expected`` answers and judges question n by ``limits[n]``."""
    count = questions or expected
    table = [limits.get(n, Limits()) for n in range(1, count + 1)]
    cut_line = f"    content = content[{cut}:]\n" if cut else ""
    start = "" if zero_based else ", 1" if shape == "dict" else ", start=1"
    if shape == "dict":
        entries = "\n".join(_dict_entry(n, lim) for n, lim in enumerate(table, start=1))
        return _DICT_HEAD.format(cut=cut_line, entries=entries, expected=expected, start=start)
    entries = "\n".join(_list_entry(lim) for lim in table)
    return _LIST_HEAD.format(cut=cut_line, entries=entries, expected=expected, start=start)
