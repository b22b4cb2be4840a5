"""The versions of the course's ``report.py check`` and the limits each enforces.

These are facts recorded from the course repository's history: question counts, word and figure
limits, numbering. Which checker judged which template is in ``PAIRING``.
"""

from __future__ import annotations

from .model import CheckerSpec, Limits

W = lambda lo, hi: Limits(words=(lo, hi))  # noqa: E731
I = lambda lo, hi: Limits(images=(lo, hi))  # noqa: E731
WI = lambda lo, hi, ilo, ihi: Limits(words=(lo, hi), images=(ilo, ihi))  # noqa: E731


def _table_27(q7: Limits, q18: Limits) -> dict[int, Limits]:
    return {
        3: W(100, 200), 4: W(100, 200), 5: W(100, 200), 6: W(50, 100), 7: q7,
        8: W(100, 200), 9: W(100, 200), 10: W(100, 200), 11: W(200, 300), 12: W(50, 100),
        13: W(100, 200), 14: WI(200, 300, 1, 3), 15: W(100, 200), 16: W(100, 200),
        17: W(50, 200), 18: q18, 19: I(1, 2), 20: I(1, 1), 21: I(1, 1), 22: W(100, 200),
        23: W(100, 200), 24: W(25, 100), 25: WI(200, 400, 1, 1), 26: W(200, 400),
        27: W(50, 200),
    }


def _table_31(q3: Limits, q31: Limits) -> dict[int, Limits]:
    table = {
        3: q3, 4: W(100, 200), 5: W(100, 200), 6: W(100, 200), 7: W(50, 100),
        8: W(100, 200), 9: W(100, 200), 10: W(100, 200), 11: W(200, 300), 12: W(50, 100),
        13: W(100, 200), 14: WI(200, 300, 1, 3), 15: W(100, 200), 16: W(100, 200),
        17: W(50, 200), 18: W(100, 200), 19: I(1, 2), 20: I(1, 2), 21: I(1, 2),
        22: W(100, 200), 23: W(100, 200), 24: W(100, 200), 25: W(100, 200),
        26: W(100, 200), 27: W(100, 200), 28: W(0, 200), 29: WI(200, 400, 1, 1),
        30: W(200, 400), 31: q31,
    }
    return table


_FIRST_27 = _table_27(Limits(), W(50, 100))
_LATER_27 = _table_27(W(50, 100), W(100, 200))

CHECKERS: dict[str, CheckerSpec] = {
    c.id: c
    for c in [
        CheckerSpec("2022-12-15_72582f43", "draft", None, {}, note="draft: splits but checks nothing"),
        CheckerSpec("2022-12-15_2bd4ac4c", "A", 27, _FIRST_27, zero_based=True),
        CheckerSpec("2022-12-29_58831729", "A", 27, _FIRST_27, zero_based=True),
        CheckerSpec("2023-01-06_1477d9cd", "A", 27, _LATER_27, zero_based=True),
        CheckerSpec("2023-01-19_d1fc9de3", "A", 27, _LATER_27),
        CheckerSpec("2023-04-25_32dc517e", "A", 27, _LATER_27),
        CheckerSpec("2023-09-27_64ea22b7", "A", 27, _LATER_27),
        CheckerSpec("2024-11-25_bd7b0111", "A", 27, _LATER_27,
                    note="from 2024-11-04 to 2024-11-21 the course's check raised NameError"),
        CheckerSpec("2024-12-18_289b05ed", "B", 27, _LATER_27),
        CheckerSpec("2024-12-22_4eb18892", "C", 31, _table_31(W(100, 200), W(50, 200))),
        CheckerSpec("2025-01-08_d1b907d5", "C", 31, _table_31(W(100, 200), W(50, 300))),
        CheckerSpec("2026-01-04_1fa25710", "C", 31, _table_31(W(100, 200), W(50, 300))),
        CheckerSpec("2026-01-09_e3622b47", "C", 31, _table_31(W(0, 200), W(50, 300))),
    ]
}

# template id -> (checker id, aliases, label)
PAIRING: dict[str, tuple[str, tuple[str, ...], str]] = {
    "2022-12-15_72582f43": ("2022-12-15_72582f43", (), "2022-12-15 draft"),
    "2022-12-15_2bd4ac4c": ("2022-12-15_2bd4ac4c", (), "2022-12-15 draft"),
    "2022-12-29_58831729": ("2022-12-29_58831729", (), "2022-12-29"),
    "2022-12-31_9c5086ee": ("2022-12-29_58831729", (), "2022-12-31"),
    "2023-01-02_148bb62d": ("2022-12-29_58831729", (), "2023-01-02"),
    "2023-01-06_1477d9cd": ("2023-01-19_d1fc9de3", ("2023",), "January 2023"),
    "2023-04-12_964d170e": ("2023-04-25_32dc517e", (), "2023-04-12 (unmerged)"),
    "2023-09-27_64ea22b7": ("2023-09-27_64ea22b7", ("2024",), "January 2024"),
    "2024-02-01_0902b07d": ("2023-09-27_64ea22b7", (), "2024-02-01"),
    "2024-04-25_65b968af": ("2023-09-27_64ea22b7", (), "2024-04-25"),
    "2024-06-04_e473a454": ("2023-09-27_64ea22b7", (), "2024-06-04"),
    "2024-06-18_31e3972e": ("2023-09-27_64ea22b7", (), "2024-06-18"),
    "2024-10-12_6e2cf9f5": ("2023-09-27_64ea22b7", (), "2024-10-12"),
    "2024-11-09_92b03d41": ("2024-11-25_bd7b0111", (), "2024-11-09"),
    "2024-12-18_289b05ed": ("2024-12-18_289b05ed", (), "2024-12-18 (unmerged)"),
    "2024-12-20_8906a13c": ("2024-12-18_289b05ed", (), "2024-12-20 (unmerged)"),
    "2024-12-22_4eb18892": ("2024-12-22_4eb18892", (), "2024-12-22"),
    "2025-01-08_d1b907d5": ("2025-01-08_d1b907d5", (), "2025-01-08"),
    "2025-01-24_9c3875c2": ("2025-01-08_d1b907d5", ("2025",), "January 2025"),
    "2026-01-04_1fa25710": ("2026-01-04_1fa25710", (), "2026-01-04"),
    "2026-01-09_e3622b47": ("2026-01-09_e3622b47", (), "2026-01-09"),
    "2026-01-09_eb7305c5": ("2026-01-09_e3622b47", ("2026",), "January 2026"),
}
