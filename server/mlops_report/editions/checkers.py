"""The versions of the course's ``report.py check`` and the limits each enforces.

These are facts recorded from the course repository's history: question counts, word and figure
limits, numbering, and whether a version reached the main branch (only those ever graded). Which
checker graded which template is derived by ``generate.py`` from the course runs (``runs.py``).
"""

from __future__ import annotations

from .model import CheckerSpec, Limits

# short names keep the tables below one limit a line: words, images, both


def W(lo: int, hi: int) -> Limits:
    return Limits(words=(lo, hi))


def IM(lo: int, hi: int) -> Limits:
    return Limits(images=(lo, hi))


def WI(lo: int, hi: int, ilo: int, ihi: int) -> Limits:
    return Limits(words=(lo, hi), images=(ilo, ihi))


def _table_27(q7: Limits, q18: Limits) -> dict[int, Limits]:
    return {
        3: W(100, 200),
        4: W(100, 200),
        5: W(100, 200),
        6: W(50, 100),
        7: q7,
        8: W(100, 200),
        9: W(100, 200),
        10: W(100, 200),
        11: W(200, 300),
        12: W(50, 100),
        13: W(100, 200),
        14: WI(200, 300, 1, 3),
        15: W(100, 200),
        16: W(100, 200),
        17: W(50, 200),
        18: q18,
        19: IM(1, 2),
        20: IM(1, 1),
        21: IM(1, 1),
        22: W(100, 200),
        23: W(100, 200),
        24: W(25, 100),
        25: WI(200, 400, 1, 1),
        26: W(200, 400),
        27: W(50, 200),
    }


def _table_31(q3: Limits, q31: Limits) -> dict[int, Limits]:
    table = {
        3: q3,
        4: W(100, 200),
        5: W(100, 200),
        6: W(100, 200),
        7: W(50, 100),
        8: W(100, 200),
        9: W(100, 200),
        10: W(100, 200),
        11: W(200, 300),
        12: W(50, 100),
        13: W(100, 200),
        14: WI(200, 300, 1, 3),
        15: W(100, 200),
        16: W(100, 200),
        17: W(50, 200),
        18: W(100, 200),
        19: IM(1, 2),
        20: IM(1, 2),
        21: IM(1, 2),
        22: W(100, 200),
        23: W(100, 200),
        24: W(100, 200),
        25: W(100, 200),
        26: W(100, 200),
        27: W(100, 200),
        28: W(0, 200),
        29: WI(200, 400, 1, 1),
        30: W(200, 400),
        31: q31,
    }
    return table


_FIRST_27 = _table_27(Limits(), W(50, 100))
_LATER_27 = _table_27(W(50, 100), W(100, 200))

CHECKERS: dict[str, CheckerSpec] = {
    c.id: c
    for c in [
        CheckerSpec("2022-12-15_72582f43", "draft", None, {}, note="draft: splits but checks nothing", main=False),
        CheckerSpec("2022-12-15_2bd4ac4c", "A", 27, _FIRST_27, zero_based=True, main=False),
        CheckerSpec("2022-12-29_58831729", "A", 27, _FIRST_27, zero_based=True),
        CheckerSpec("2023-01-06_1477d9cd", "A", 27, _LATER_27, zero_based=True),
        CheckerSpec("2023-01-19_d1fc9de3", "A", 27, _LATER_27),
        CheckerSpec("2023-04-25_32dc517e", "A", 27, _LATER_27),
        CheckerSpec("2023-09-27_64ea22b7", "A", 27, _LATER_27),
        CheckerSpec(
            "2024-11-25_bd7b0111",
            "A",
            27,
            _LATER_27,
            note="from 2024-11-04 to 2024-11-21 the course's check raised NameError",
        ),
        CheckerSpec("2024-12-18_289b05ed", "B", 27, _LATER_27, main=False),
        CheckerSpec("2024-12-22_4eb18892", "C", 31, _table_31(W(100, 200), W(50, 200))),
        CheckerSpec("2025-01-08_d1b907d5", "C", 31, _table_31(W(100, 200), W(50, 300))),
        CheckerSpec("2026-01-04_1fa25710", "C", 31, _table_31(W(100, 200), W(50, 300))),
        CheckerSpec("2026-01-09_e3622b47", "C", 31, _table_31(W(0, 200), W(50, 300))),
    ]
}
