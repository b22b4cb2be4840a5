"""``codes`` names every rule code once, and no code that is not a rule."""

from __future__ import annotations

import ast
from pathlib import Path

from mlops_report import codes
from mlops_report.rules import RULES


def test_codes_equal_the_rules():
    assert sorted(codes.ALL) == sorted(RULES)
    assert len(set(codes.ALL)) == len(codes.ALL)


def test_each_constant_is_its_code_in_capitals():
    constants = {
        node.targets[0].id: node.value.value
        for node in ast.parse(Path(codes.__file__).read_text(encoding="utf-8")).body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    }
    assert constants == {code.upper().replace("-", "_"): code for code in RULES}
