"""User settings, shared by the CLI and the language server."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

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
        return (self.edition, self.checker, self.template_path, self.figures_dir,
                tuple(sorted(self.severity.items())), tuple(sorted(self.disable)), self.deadline,
                self.image_size_limit)

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


def from_dict(raw: object) -> tuple[Settings, list[str]]:
    """Settings from a client's JSON object; invalid entries fall back to defaults, with a
    sentence each saying what was wrong."""
    from .rules import RULES

    problems: list[str] = []
    if raw is None:
        return Settings(), problems
    if not isinstance(raw, dict):
        return Settings(), [f"mlopsReport settings must be an object, not {type(raw).__name__}"]
    out: dict = {}
    edition = raw.get("edition", "auto")
    if isinstance(edition, str) and edition.strip():
        from .editions import by_id

        if edition != "auto" and by_id(edition) is None:
            problems.append(f"mlopsReport.edition: unknown edition {edition!r}; using auto")
        else:
            out["edition"] = edition
    elif edition is not None:
        problems.append("mlopsReport.edition must be a string")
    choice = raw.get("checker", "course")
    if isinstance(choice, str):
        problem = checker_problem(choice)
        if problem:
            problems.append(f"mlopsReport.checker: {problem}; using course")
        elif choice.strip():
            out["checker"] = choice.strip()
    elif choice is not None:
        problems.append("mlopsReport.checker must be a string")
    for key, name in (("templatePath", "template_path"), ("figuresDir", "figures_dir")):
        value = raw.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            if name == "figures_dir" and not value.strip():
                continue
            out[name] = value
        else:
            problems.append(f"mlopsReport.{key} must be a string")
    limit = raw.get("imageSizeLimit")
    if isinstance(limit, (int, float)) and not isinstance(limit, bool) and 0 < limit < 10**9:
        out["image_size_limit"] = int(limit)
    elif limit is not None:
        problems.append("mlopsReport.imageSizeLimit must be a number of kilobytes above 0")
    severity = raw.get("severity") or {}
    if isinstance(severity, dict):
        ok = {}
        for code, level in severity.items():
            if code not in RULES:
                problems.append(f"mlopsReport.severity: unknown code {code!r}")
            elif level not in SEVERITIES and level != "off":
                problems.append(f"mlopsReport.severity.{code}: {level!r} is not one of error, warning, information, hint, off")
            else:
                ok[code] = level
        out["severity"] = ok
    else:
        problems.append("mlopsReport.severity must be an object of code to level")
    deadline = raw.get("deadline")
    if isinstance(deadline, str):
        if deadline.strip():
            try:
                parse_deadline(deadline)
                out["deadline"] = deadline.strip()
            except ValueError as exc:
                problems.append(f"mlopsReport.deadline: {exc}; no deadline is used")
    elif deadline is not None:
        problems.append("mlopsReport.deadline must be a string")
    disable = raw.get("disable") or []
    if isinstance(disable, list) and all(isinstance(c, str) for c in disable):
        unknown = [c for c in disable if c not in RULES]
        if unknown:
            problems.append(f"mlopsReport.disable: unknown codes {', '.join(unknown)}")
        out["disable"] = frozenset(c for c in disable if c in RULES)
    else:
        problems.append("mlopsReport.disable must be a list of codes")
    return Settings(**out), problems


def confined(settings: Settings, workspace: Path | None) -> tuple[Settings, list[str]]:
    """The settings a workspace the editor does not trust may use: ``templatePath`` must name
    a file inside the workspace folder (symbolic links resolved) and ``figuresDir`` a folder
    under the report's own; any other value falls back to its default, with a sentence each."""
    problems: list[str] = []
    out = settings
    if settings.template_path and not _template_inside(settings.template_path, workspace):
        problems.append(f"mlopsReport.templatePath {settings.template_path!r} is outside the workspace, "
                        "which is not trusted")
        out = replace(out, template_path="")
    if not _under_report(settings.figures_dir):
        problems.append(f"mlopsReport.figuresDir {settings.figures_dir!r} leaves the report's folder, "
                        "which an untrusted workspace may not")
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
