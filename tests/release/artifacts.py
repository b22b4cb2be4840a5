"""What a release must be: the wheel, the sdist and the .vsix in one folder, one version, the
metadata PyPI, the VS Code Marketplace and Open VSX show, the license, and in the .vsix exactly
the locked libraries.

    python -m tests.release.artifacts dist      # `make release` ends with this

Each check returns sentences saying what is wrong; the command prints them and exits 1.
"""

from __future__ import annotations

import json
import re
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "client-vscode"
LOCKS = [EXTENSION / "python" / "requirements.txt", EXTENSION / "python" / "requirements-py310.txt"]
CLASSIFIERS = ("Programming Language :: Python :: 3.10", "Typing :: Typed")
URLS = ("Homepage", "Repository", "Issues", "Changelog")
PACKAGE_DATA = (
    "mlops_report/editions/data.json",
    "mlops_report/py.typed",
    "mlops_report/handin/page.css",
    "mlops_report/handin/page.js",
)


def version() -> str:
    text = (ROOT / "server" / "mlops_report" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"$', text, re.M)
    assert found, "no __version__ in server/mlops_report/__init__.py"
    return found.group(1)


def locked() -> dict[str, list[str]]:
    """Lock file name -> its ``name==version`` pins."""
    return {p.name: re.findall(r"^([a-z0-9-]+==[^ \\]+)", p.read_text(encoding="utf-8"), re.M) for p in LOCKS}


def one(folder: Path, pattern: str, problems: list[str]) -> Path | None:
    found = sorted(folder.glob(pattern))
    if len(found) != 1:
        problems.append(f"{folder}: {len(found)} files {pattern}, not one")
        return None
    return found[0]


def check_wheel(wheel: Path, want: str) -> list[str]:
    problems = []
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(z.read(info).decode("utf-8"))
        entry = z.read(info.replace("METADATA", "entry_points.txt")).decode("utf-8")
    if meta["Name"] != "mlops-report" or meta["Version"] != want:
        problems.append(f"{wheel.name}: {meta['Name']} {meta['Version']}, not mlops-report {want}")
    classifiers = meta.get_all("Classifier") or []
    problems += [f"{wheel.name}: no classifier {c!r}" for c in CLASSIFIERS if c not in classifiers]
    urls = [u.split(",")[0] for u in meta.get_all("Project-URL") or []]
    problems += [f"{wheel.name}: no project URL {u}" for u in URLS if u not in urls]
    if meta.get("License-Expression") != "MIT":
        problems.append(f"{wheel.name}: license {meta.get('License-Expression')!r}, not MIT")
    if not meta.get("Keywords"):
        problems.append(f"{wheel.name}: no keywords")
    if not any(n.endswith("LICENSE") and ".dist-info/" in n for n in names):
        problems.append(f"{wheel.name}: no LICENSE in its .dist-info")
    problems += [f"{wheel.name}: {p} missing" for p in PACKAGE_DATA if p not in names]
    if "mlops-report = mlops_report.cli:main" not in entry:
        problems.append(f"{wheel.name}: no mlops-report command")
    if not any("tomli" in r and "python_version" in r for r in meta.get_all("Requires-Dist") or []):
        problems.append(f"{wheel.name}: Python 3.10 would have no TOML reader (tomli)")
    return problems


def check_sdist(sdist: Path, want: str) -> list[str]:
    with tarfile.open(sdist) as t:
        names = {n.split("/", 1)[1] for n in t.getnames() if "/" in n}
    top = f"mlops_report-{want}"
    problems = [] if sdist.name == f"{top}.tar.gz" else [f"{sdist.name}: not {top}.tar.gz"]
    return problems + [
        f"{sdist.name}: {n} missing"
        for n in ("LICENSE", "README.md", "pyproject.toml", "server/mlops_report/cli.py")
        if n not in names
    ]


def check_manifest(package: dict, want: str, where: str) -> list[str]:
    """The extension's package.json as the Marketplace and Open VSX read it."""
    problems = []
    if package.get("version") != want:
        problems.append(f"{where}: version {package.get('version')}, not {want}")
    for key in (
        "publisher",
        "repository",
        "license",
        "icon",
        "categories",
        "keywords",
        "homepage",
        "bugs",
        "galleryBanner",
        "engines",
    ):
        if not package.get(key):
            problems.append(f"{where}: no {key}")
    if "vscode:prepublish" not in package.get("scripts", {}):
        problems.append(f"{where}: no vscode:prepublish script")
    if package.get("activationEvents") != ["workspaceContains:**/reports/README.md"]:
        problems.append(
            f"{where}: activationEvents {package.get('activationEvents')}: it must start only "
            "in a workspace holding a report"
        )
    return problems


def png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def check_vsix(vsix: Path, want: str) -> list[str]:
    problems = []
    with zipfile.ZipFile(vsix) as z:
        names = set(z.namelist())
        package = json.loads(z.read("extension/package.json"))
        manifest = z.read("extension.vsixmanifest").decode("utf-8")
        icon = z.read(f"extension/{package.get('icon')}") if f"extension/{package.get('icon')}" in names else b""
        bundled = {
            name: z.read(f"extension/bundled/{d}/BUNDLED.txt").decode().split()
            for name, d in (("requirements.txt", "libs"), ("requirements-py310.txt", "libs-py310"))
        }
    if vsix.name != f"mlops-report-{want}.vsix":
        problems.append(f"{vsix.name}: not mlops-report-{want}.vsix")
    problems += check_manifest(package, want, vsix.name)
    if png_size(icon) != (128, 128):
        problems.append(f"{vsix.name}: the icon is not a 128x128 PNG")
    for needed in (
        "extension/LICENSE.txt",
        "extension/changelog.md",
        "extension/readme.md",
        "extension/dist/extension.js",
        "extension/bundled/tool/start.py",
        "extension/bundled/libs/mlops_report/cli.py",
    ):
        if needed not in names:
            problems.append(f"{vsix.name}: {needed} missing")
    if f'Version="{want}"' not in manifest:
        problems.append(f"{vsix.name}: the manifest does not say version {want}")
    if bundled != locked():
        problems.append(f"{vsix.name}: bundles {bundled}, not the locked {locked()}")
    return problems


def check(folder: Path, vsix: bool = True) -> list[str]:
    """Every problem of the release in ``folder``."""
    want = version()
    problems: list[str] = []
    wheel = one(folder, "mlops_report-*.whl", problems)
    sdist = one(folder, "mlops_report-*.tar.gz", problems)
    if wheel:
        problems += check_wheel(wheel, want)
    if sdist:
        problems += check_sdist(sdist, want)
    if vsix and (found := one(folder, "mlops-report-*.vsix", problems)):
        problems += check_vsix(found, want)
    return problems


def main(argv: list[str]) -> int:
    folder = Path(argv[0] if argv else "dist")
    problems = check(folder)
    for p in problems:
        print(f"release: {p}", file=sys.stderr)
    if not problems:
        print(f"release {version()}: {', '.join(sorted(p.name for p in folder.iterdir()))}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
