"""The project file: one configuration for the command line, the pre-commit hook and the editor.

A group writes its settings once, in ``[tool.mlops-report]`` of a ``pyproject.toml`` or at the
top of a ``.mlops-report.toml``, beside the report or at the repository root::

    [tool.mlops-report]
    edition = "2026"
    fail-on = "error"
    disable = ["checkbox-mark"]
    severity = { word-count = "error" }

The nearest file wins: the report's folder first, then each folder above it up to the
repository root (the folder holding ``.git``); outside a repository, the report's folder and
the one above it (a report lives in ``reports/``). In one folder ``.mlops-report.toml`` comes
before ``pyproject.toml``; a ``pyproject.toml`` without the table is passed over.

Precedence: command-line flags, then the project file, then the defaults. In an editor, a
setting the editor sets to other than its default overrides the file. ``severity`` is merged
code by code and ``disable`` adds up; for any other key the higher source wins. The keys and
what each allows are ``settings.KEYS``, the table the editor's settings are checked against.

Reading never runs anything: the file is read (at most ``MAX_BYTES``, only when it is a regular
file) and parsed as TOML.
"""

from __future__ import annotations

import datetime
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .settings import Checked, Settings, build, validate

NAMES = (".mlops-report.toml", "pyproject.toml")
TABLE = "mlops-report"  # [tool.mlops-report] in pyproject.toml
MAX_BYTES = 1 << 20


class ConfigError(Exception):
    """A project file that cannot be used at all: unreadable, too large or not TOML."""


@dataclass(frozen=True)
class Project:
    """One project file: its path, the values it sets (by ``Settings`` field, and ``fail_on``),
    the problems (keys or values not used, each a sentence naming the file and the key) and
    notes (used, but written in a way to change)."""

    path: Path
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _toml(text: str) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10 has no tomllib; tomli is the same parser
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}") from None


def _bytes(path: Path) -> bytes | None:
    """The file's bytes; None when there is no regular file (a folder, a FIFO: never opened)."""
    try:
        if not path.is_file():
            return None
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise ConfigError(f"larger than {MAX_BYTES // 2**20} MB, not read")
    return data


def _table(path: Path, data: bytes) -> dict | None:
    """The settings table of ``path`` (None: a pyproject.toml without one)."""
    if path.name == "pyproject.toml" and TABLE.encode() not in data:
        return None  # not ours, and not parsed: a broken pyproject.toml of another tool stays its business
    try:
        doc = _toml(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError("not UTF-8, which TOML must be") from None
    if path.name != "pyproject.toml":
        return doc
    tool = doc.get("tool")
    table = tool.get(TABLE) if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"tool.{TABLE} must be a table")
    return table


def where(path: Path, shown: str | None = None) -> str:
    """How messages name a file's key: ``reports/.mlops-report.toml: `` or
    ``pyproject.toml [tool.mlops-report]: ``."""
    name = shown or str(path)
    return f"{name} [tool.{TABLE}]: " if path.name == "pyproject.toml" else f"{name}: "


def read(path: Path, shown: str | None = None) -> Project | None:
    """The project file at ``path``; None when it holds no settings of ours (no file, or a
    pyproject.toml without the table). ConfigError when it cannot be read or parsed."""
    data = _bytes(path)
    if data is None:
        return None
    table = _table(path, data)
    if table is None:
        return None
    raw = {k: v.isoformat() if isinstance(v, (datetime.datetime, datetime.date)) else v for k, v in table.items()}
    checked: Checked = validate(raw, "file", where(path, shown))
    return Project(path, checked.values, checked.problems, checked.notes)


def candidates(report: Path) -> list[Path]:
    """The folders searched for ``report``'s project file, nearest first."""
    folders = [report.parent, *report.parent.parents]
    for i, folder in enumerate(folders):
        if os.path.lexists(folder / ".git"):
            return folders[: i + 1]
    return folders[:2]


def nearest(report: Path, shown=None) -> Project | None:
    """The project file that applies to ``report`` (an absolute path), or None. A file that
    cannot be used is returned with its one problem, so the search stops there (a broken
    nearer file never silently hands over to a farther one)."""
    for folder in candidates(report):
        for name in NAMES:
            path = folder / name
            try:
                found = read(path, shown(path) if shown else None)
            except ConfigError as exc:
                return Project(path, problems=[f"{where(path, shown(path) if shown else None)}{exc}"])
            if found is not None:
                return found
    return None


# -- layers --------------------------------------------------------------------------------------


DEFAULTS = {f: getattr(Settings(), f) for f in ("edition", "checker", "template_path", "figures_dir")}


def explicit(values: dict[str, Any]) -> dict[str, Any]:
    """The values an editor set: those other than the default (an editor sends every setting,
    its defaults included, and those must not override the project file)."""
    return {k: v for k, v in values.items() if v != DEFAULTS.get(k) and v not in ({}, frozenset(), "")}


def merge(*layers: dict[str, Any]) -> dict[str, Any]:
    """Layers of values, lowest first: ``severity`` merged code by code, ``disable`` added up,
    any other value from the highest layer that sets it."""
    out: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            if key == "severity":
                out[key] = {**out.get(key, {}), **value}
            elif key == "disable":
                out[key] = frozenset(out.get(key, frozenset())) | frozenset(value)
            else:
                out[key] = value
    return out


def severity_flags(flags: list[str]) -> tuple[dict[str, str], list[str]]:
    """``--severity CODE=LEVEL`` flags as a severity table, and a sentence per bad flag."""
    table: dict[str, str] = {}
    problems: list[str] = []
    for flag in flags:
        code, eq, level = flag.partition("=")
        if not eq:
            problems.append(f"--severity {flag!r}: write CODE=LEVEL, e.g. word-count=error")
            continue
        checked = validate({"severity": {code.strip(): level.strip()}})
        if checked.problems:
            problems.append("--severity " + checked.problems[0].removeprefix("mlopsReport.severity: "))
        table.update(checked.values.get("severity", {}))
    return table, problems


class Resolver:
    """The command line's settings for each report: its flags over the project file (the one
    given with ``--config``, else the nearest to the report) over the defaults. Each project
    file is read once; ``fresh`` says which files' problems and notes have not been shown yet."""

    def __init__(self, flags: dict[str, Any], config: Path | None = None) -> None:
        self.flags = flags
        self.fixed: Project | None = None
        self._folders: dict[Path, Project | None] = {}
        self._shown: set[Path] = set()
        if config is not None:
            try:
                found = read(config, str(config))
            except ConfigError as exc:  # the caller's usage error
                raise ConfigError(f"{config}: {exc}") from None
            if found is None:
                raise ConfigError(
                    f"{config}: no such file" if not config.is_file() else f"{config}: no [tool.{TABLE}] table"
                )
            self.fixed = found

    def project(self, report: Path) -> Project | None:
        if self.fixed is not None:
            return self.fixed
        folder = report.parent
        if folder not in self._folders:
            self._folders[folder] = nearest(report, _shown)
        return self._folders[folder]

    def resolve(self, report: Path) -> tuple[Settings, str | None, Project | None]:
        """Settings, the gate (``fail-on``, None: the default) and the project file used."""
        project = self.project(report)
        values = merge(project.values if project else {}, self.flags)
        return build(values), values.get("fail_on"), project

    def fresh(self, project: Project | None) -> bool:
        """Whether ``project``'s messages are still to be shown (True once per file)."""
        if project is None or project.path in self._shown:
            return False
        self._shown.add(project.path)
        return True


def _shown(path: Path) -> str:
    """A path as the command line shows it: relative to the current folder when below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel
