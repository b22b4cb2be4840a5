"""User settings, shared by the CLI and the language server: what they are (``Settings``),
which keys set them and what each allows (``KEYS``, the one table the editor's settings, the
project file and the command line are checked against)."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from .findings import SEVERITIES


@dataclass(frozen=True)
class Settings:
    edition: str = "auto"
    checker: str = "course"  # "course", "local" or a checker id: which checker judges
    template_path: str = ""
    figures_dir: str = "figures"
    severity: dict[str, str] = field(default_factory=dict, hash=False)
    disable: frozenset[str] = frozenset()
    deadline: str = ""  # ISO date-time with an offset; "" for none
    image_size_limit: int = 500  # KB: image-too-large above it (pre-commit's default)

    @property
    def key(self) -> tuple:
        return (
            self.edition,
            self.checker,
            self.template_path,
            self.figures_dir,
            tuple(sorted(self.severity.items())),
            tuple(sorted(self.disable)),
            self.deadline,
            self.image_size_limit,
        )

    @property
    def deadline_at(self) -> int | None:
        """The deadline in seconds since the epoch; None when none is set (or it is invalid)."""
        try:
            return parse_deadline(self.deadline) if self.deadline else None
        except ValueError:
            return None


def parse_deadline(text: str) -> int:
    """An ISO 8601 date-time with an offset (``2026-01-23T23:59:00+01:00``, ``...Z``) in
    seconds since the epoch. ValueError, with a sentence, for anything else."""
    from datetime import datetime

    raw = text.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{text[:80]!r} is not an ISO date-time such as 2026-01-23T23:59:00+01:00") from None
    if moment.tzinfo is None:
        raise ValueError(f"{text[:80]!r} has no offset: write it as 2026-01-23T23:59:00+01:00 or with Z for UTC")
    return int(moment.timestamp())


# -- the keys: one table for the editor's settings, the project file and the command line ------


@dataclass(frozen=True)
class Key:
    """One setting: its name in a project file (``[tool.mlops-report]`` or ``.mlops-report.toml``;
    None: not a project setting), under ``mlopsReport`` in an editor (None: not an editor
    setting), the ``Settings`` field it fills (or the name the command line reads), its type, and
    ``check``: the value to use and why the given one is not, or None when it is fine."""

    file: str | None
    editor: str | None
    field: str
    kind: type
    check: Callable[[Any], tuple[Any, str | None]]


LEVELS = (*SEVERITIES, "off")
FAIL_ON = ("checker", "error", "warning", "never")
_KINDS: dict[type, str] = {
    str: "a string",
    dict: "{} of code to level",
    list: "a list of codes",
    int: "a number of kilobytes above 0",
}


def _edition(value: str) -> tuple[Any, str | None]:
    name = value.strip()
    if not name or name == "auto":
        return None, None
    from .editions import by_id

    if by_id(name) is None:
        return None, f"unknown edition {value!r}; using auto"
    return name, None


def _checker(value: str) -> tuple[Any, str | None]:
    problem = checker_problem(value)
    if problem:
        return None, f"{problem}; using course"
    return value.strip() or None, None


def _text(value: str) -> tuple[Any, str | None]:
    return value, None


def _folder(value: str) -> tuple[Any, str | None]:
    return (value if value.strip() else None), None


def _codes(value: list) -> tuple[Any, str | None]:
    from .rules import RULES

    unknown = [c for c in value if c not in RULES]
    known = frozenset(c for c in value if c in RULES)
    return known, f"unknown codes {', '.join(unknown)}" if unknown else None


def _levels(value: dict) -> tuple[Any, str | None]:
    from .rules import RULES

    ok, problems = {}, []
    for code, level in value.items():
        if code not in RULES:
            problems.append(f"unknown code {code!r}")
        elif level not in LEVELS:
            problems.append(f"{code}: {level!r} is not one of {', '.join(LEVELS)}")
        else:
            ok[code] = level
    return ok, "; ".join(problems) or None


def _deadline(value: str) -> tuple[Any, str | None]:
    if not value.strip():
        return None, None
    try:
        parse_deadline(value)
    except ValueError as exc:
        return None, f"{exc}; no deadline is used"
    return value.strip(), None


def _kilobytes(value: int) -> tuple[Any, str | None]:
    if isinstance(value, bool) or not 0 < value < 10**9:
        return None, "must be a number of kilobytes above 0"
    return int(value), None


def _fail_on(value: str) -> tuple[Any, str | None]:
    if value not in FAIL_ON:
        return None, f"{value!r} is not one of {', '.join(FAIL_ON)}"
    return value, None


KEYS: tuple[Key, ...] = (
    Key("edition", "edition", "edition", str, _edition),
    Key("checker", "checker", "checker", str, _checker),
    Key(None, "templatePath", "template_path", str, _text),
    Key("figures-dir", "figuresDir", "figures_dir", str, _folder),
    Key("severity", "severity", "severity", dict, _levels),
    Key("disable", "disable", "disable", list, _codes),
    Key("fail-on", None, "fail_on", str, _fail_on),  # the command line's gate: no editor has one
    Key("deadline", "deadline", "deadline", str, _deadline),
    Key("image-size-limit", "imageSizeLimit", "image_size_limit", int, _kilobytes),
)


class Checked(NamedTuple):
    """What ``validate`` made of a table of settings: the values by ``Settings`` field (only
    the keys given, and valid), the problems (a key or value that was not used) and notes
    (used, but written in a way to change)."""

    values: dict[str, Any]
    problems: list[str]
    notes: list[str]


def validate(raw: dict, source: str = "editor", where: str = "mlopsReport.") -> Checked:
    """Check ``raw`` (the editor's ``mlopsReport`` object, or a project file's table) against
    ``KEYS``. ``source`` is "editor" or "file": which names apply; ``where`` starts each
    message (``mlopsReport.`` or the file's path). A project file may also use the editor's
    spelling of a key (``figuresDir``), with a note; an unknown key there is a problem, while an
    editor's other settings (the interpreter, tracing) are simply not ours."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    notes: list[str] = []
    named = {getattr(k, source): k for k in KEYS if getattr(k, source)}
    other = {k.editor: k for k in KEYS if k.file and k.editor and k.editor != k.file} if source == "file" else {}
    for name, value in raw.items():
        key = named.get(name)
        if key is None and name in other:
            key = other[name]
            if key.file in raw:
                problems.append(f"{where}{name}: set twice, also as {key.file}; using {key.file}")
                continue
            notes.append(f"{where}{name}: read as {key.file}, the spelling of this file")
        if key is None:
            if source == "file":
                known = ", ".join(k.file for k in KEYS if k.file)
                problems.append(f"{where}unknown key {name!r} (known: {known})")
            continue
        if value is None:
            continue
        if not isinstance(value, key.kind) or (isinstance(value, list) and not all(isinstance(c, str) for c in value)):
            kind = _KINDS[key.kind].format("a table" if source == "file" else "an object")
            problems.append(f"{where}{name} must be {kind}")
            continue
        used, problem = key.check(value)
        if problem:
            problems.append(f"{where}{name}: {problem}")
        if used is not None:
            values[key.field] = used
    return Checked(values, problems, notes)


def build(values: dict[str, Any]) -> Settings:
    """Settings from ``values`` by field; a value no field of ``Settings`` takes (the gate,
    a key of a newer release) is left out."""
    fields = {f.name for f in dataclasses.fields(Settings)}
    return Settings(**{k: v for k, v in values.items() if k in fields})


def from_dict(raw: object) -> tuple[Settings, list[str]]:
    """Settings from a client's JSON object; invalid entries fall back to defaults, with a
    sentence each saying what was wrong."""
    if raw is None:
        return Settings(), []
    if not isinstance(raw, dict):
        return Settings(), [f"mlopsReport settings must be an object, not {type(raw).__name__}"]
    checked = validate(raw)
    return build(checked.values), checked.problems


def confined(settings: Settings, workspace: Path | None) -> tuple[Settings, list[str]]:
    """The settings a workspace the editor does not trust may use: ``templatePath`` must name
    a file inside the workspace folder (symbolic links resolved) and ``figuresDir`` a folder
    under the report's own; any other value falls back to its default, with a sentence each."""
    problems: list[str] = []
    out = settings
    if settings.template_path and not _template_inside(settings.template_path, workspace):
        problems.append(
            f"mlopsReport.templatePath {settings.template_path!r} is outside the workspace, which is not trusted"
        )
        out = replace(out, template_path="")
    if not _under_report(settings.figures_dir):
        problems.append(
            f"mlopsReport.figuresDir {settings.figures_dir!r} leaves the report's folder, "
            "which an untrusted workspace may not"
        )
        out = replace(out, figures_dir=Settings.figures_dir)
    return out, problems


def _template_inside(template_path: str, workspace: Path | None) -> bool:
    if workspace is None:
        return False
    raw = Path(template_path)  # no ~ expansion: the home folder is not the workspace
    try:
        root = os.path.realpath(workspace)
        Path(os.path.realpath(raw if raw.is_absolute() else Path(root) / raw)).relative_to(root)
        return True
    except (ValueError, OSError):
        return False


def _under_report(figures_dir: str) -> bool:
    """Whether ``figures_dir`` stays under the report's folder (relative, never climbing out)."""
    text = figures_dir.replace("\\", "/")
    if text.startswith("/") or re.match(r"[A-Za-z]:", text) or text.lower().startswith("file:"):
        return False
    depth = 0
    for part in PurePosixPath(text).parts:
        depth += -1 if part == ".." else 0 if part == "." else 1
        if depth < 0:
            return False
    return True


def checker_problem(choice: str) -> str | None:
    """Why ``choice`` names no checker, or None: "course", "local" or a known checker id."""
    name = choice.strip()
    if name in ("", "course", "local"):
        return None
    from .editions import checker_by_id

    if checker_by_id(name) is None:
        return f"unknown checker {name!r} (course, local or a checker id such as 2026-01-09_e3622b47)"
    return None
