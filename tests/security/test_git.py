"""Safe on any repository: no program is ever started from one, and an untrusted workspace gets
no history read and no setting that leads out of it.

The server and the CLI run here under an audit hook (``sys.addaudithook``) that writes a marker
for every process Python would start (``subprocess``, ``os.system``, ``os.exec*``,
``os.posix_spawn``, ``os.fork``...), while the repositories carry everything that makes git run
a program of theirs: ``log.showSignature`` with ``gpg.program`` and a commit with a forged
signature, ``core.fsmonitor``, ``diff.external``, ``core.pager``, hooks. The repositories are
made by the real git program, here in the fixtures only.
"""

from __future__ import annotations

import ast
import asyncio
import atexit
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from mlops_report.repo import find_git_dir, first_version
from tests.builder import ReportBuilder, words
from tests.conftest import GIT_ENV
from tests.lsp.conftest import PROFILES, Session, make_client, until
from tests.lsp.test_actions import actions_for, fix, restore_titles

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "server" / "mlops_report"
_WORK = Path(tempfile.mkdtemp(prefix="mlops-report-security-"))
MARKER = _WORK / "a-program-was-started"

# the hostile configuration's programs and the audit hook both write to MARKER
EVIL = _WORK / "evil.sh"
EVIL.write_text(f'#!/bin/sh\necho "$0 $*" >> "{MARKER}"\nexit 1\n')
EVIL.chmod(EVIL.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)

_AUDITED = f"""
import sys
EVENTS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
          "os.forkpty", "os.startfile", "pty.spawn")
def hook(event, args):
    if event in EVENTS:
        with open({str(MARKER)!r}, "a") as f:
            f.write(f"{{event}} {{args!r}}\\n")
sys.addaudithook(hook)
sys.argv = ["mlops-report", *sys.argv[1:]]
from mlops_report.cli import main
sys.exit(main())
"""
AUDITED = [sys.executable, "-c", _AUDITED]


atexit.register(shutil.rmtree, _WORK, True)

EDIT = ("Recommended answer length: 100-200 words.", "Recommended answer length: 50-200 words.")


def git(folder: Path, *args: str, stdin: str | None = None) -> str:
    return subprocess.run(
        ["git", *args], cwd=folder, env=GIT_ENV, input=stdin, check=True, capture_output=True, text=True
    ).stdout.strip()


def forged_commit(folder: Path, message: str) -> None:
    """Commit the index as the branch's first commit, with a signature header nobody made."""
    tree = git(folder, "write-tree")
    body = (
        f"tree {tree}\nauthor t <t@example.org> 1700000000 +0000\n"
        "committer t <t@example.org> 1700000000 +0000\n"
        "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEEforgedforgedforged\n"
        " -----END PGP SIGNATURE-----\n\n" + message + "\n"
    )
    sha = git(folder, "hash-object", "-t", "commit", "-w", "--stdin", stdin=body)
    git(folder, "update-ref", "HEAD", sha)


def arm(git_dir: Path, config: Path | None = None) -> None:
    """Everything in a git folder's configuration that makes git start a program of its own."""
    config = config or git_dir / "config"
    for key, value in (
        ("log.showSignature", "true"),
        ("gpg.program", str(EVIL)),
        ("gpg.ssh.program", str(EVIL)),
        ("core.fsmonitor", str(EVIL)),
        ("core.pager", str(EVIL)),
        ("diff.external", str(EVIL)),
        ("core.hooksPath", str(git_dir / "hooks")),
    ):
        subprocess.run(["git", "config", "--file", str(config), key, value], env=GIT_ENV, check=True)
    (git_dir / "hooks").mkdir(exist_ok=True)
    for hook in (
        "post-checkout",
        "post-index-change",
        "reference-transaction",
        "pre-auto-gc",
        "post-rewrite",
        "pre-commit",
        "post-merge",
    ):
        shutil.copy(EVIL, git_dir / "hooks" / hook)


def hostile_project(folder: Path) -> tuple[Path, str]:
    """A project whose report was first committed in a commit with a forged signature, in a
    repository armed to start programs; its instructions were edited since. (report, original)"""
    path = ReportBuilder("2026").fill_all().write(folder)
    original = path.read_text()
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    forged_commit(folder, "template")
    arm(folder / ".git")
    path.write_text(original.replace(*EDIT, 1))
    return path, original


def embedded_bare_clone(tmp: Path) -> tuple[Path, str, str]:
    """A project that commits a bare repository's files (HEAD, config, objects, refs) inside
    reports/, cloned with ``git clone``: (report in the clone, the project's first version of
    it, the embedded repository's version of it)."""
    outer = tmp / "outer"
    path = ReportBuilder("2026").fill_all().write(outer)
    original = path.read_text()
    git(outer, "init", "-q", "-b", "main")
    git(outer, "add", "-A")
    git(outer, "commit", "-q", "-m", "template")

    inner = tmp / "inner"
    inner.mkdir()
    decoy = original.replace("Recommended answer length: 100-200 words.", "Recommended answer length: 1-2000 words.", 1)
    (inner / "README.md").write_text(decoy)
    git(inner, "init", "-q", "-b", "main")
    git(inner, "add", "-A")
    forged_commit(inner, "decoy")
    bare = inner / ".git"  # a bare repository's files: HEAD, config, objects, refs/heads/main
    git(inner, "config", "core.bare", "true")
    arm(bare)
    for name in ("HEAD", "config", "objects", "refs", "hooks"):
        src = bare / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, outer / "reports" / name)
    git(outer, "add", "-f", "reports")
    git(outer, "commit", "-q", "-m", "add a bare repository's files")

    clone = tmp / "clone"
    git(tmp, "clone", "-q", str(outer), str(clone))
    report = clone / "reports" / "README.md"
    assert (clone / "reports" / "objects").is_dir() and (clone / "reports" / "HEAD").is_file()
    # git itself takes reports/ for a repository there: the decoy's history is what it would read
    assert git(report.parent, "rev-parse", "--is-bare-repository") == "true"
    report.write_text(original.replace(*EDIT, 1))
    return report, original, decoy


def started() -> str:
    return MARKER.read_text() if MARKER.exists() else ""


# -- the server ---------------------------------------------------------------------------------

AUDITED_SERVER = ClientServerConfig(server_command=[*AUDITED, "serve"], client_factory=make_client)


def options(**init):
    """The initializationOptions the ``client`` fixture sends for this test."""

    def mark(fn):
        fn.init_options = init
        return fn

    return mark


@pytest_lsp.fixture(config=AUDITED_SERVER, params=["vscode"])
async def client(lsp_client: LanguageClient, request, tmp_path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    params = types.InitializeParams(
        capabilities=client_capabilities(PROFILES[request.param]),
        root_uri=workspace.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
    )
    init = getattr(request.function, "init_options", None)
    if init is not None:
        params.initialization_options = {
            k: v.format(tmp=tmp_path) if isinstance(v, str) else v for k, v in init.items()
        }
    lsp_client.session = Session(lsp_client, request.param, workspace)
    MARKER.unlink(missing_ok=True)
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


async def settled_titles(client, session: Session, uri: str) -> list[str]:
    """The actions offered for the instructions-edited finding once no lookup is running."""
    for _ in range(100):
        found = await session.diagnostics(uri)
        d = next(d for d in found if d.code == "instructions-edited")
        hover = await client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri=uri), d.range.start)
        )
        if "being looked up" not in hover.contents.value:
            return [a.title for a in await actions_for(client, session, uri, d)]
        await asyncio.sleep(0.1)
    raise AssertionError("the lookup never ended")


async def test_hostile_configuration_starts_nothing_and_the_fix_restores(client, tmp_path):
    session: Session = client.session
    path, original = hostile_project(session.root)
    uri = session.open_file(path)
    titles = await settled_titles(client, session, uri)
    assert started() == ""
    assert "Restore the original instructions" in titles
    _, _, after = await fix(client, session, uri, "instructions-edited", "Restore the original instructions")
    assert after == original


async def test_an_embedded_bare_repository_is_never_used(client, tmp_path):
    session: Session = client.session
    path, original, decoy = embedded_bare_clone(session.root)
    uri = session.open_file(path)
    titles = await settled_titles(client, session, uri)
    assert started() == ""
    assert "Restore the original instructions" in titles
    _, _, after = await fix(client, session, uri, "instructions-edited", "Restore the original instructions")
    assert after == original != decoy


async def test_a_first_version_over_the_cap_is_not_read(client, tmp_path):
    session: Session = client.session
    b = ReportBuilder("2026").fill_all()
    small = b.build()
    path = b.trailing(words(400_000)).write(session.root)  # about 2.5 MB
    assert path.stat().st_size > 2 * 1024 * 1024
    git(session.root, "init", "-q")
    git(session.root, "add", "-A")
    git(session.root, "commit", "-q", "-m", "a huge first version")
    path.write_text(small.replace(*EDIT, 1))
    uri = session.open_file(path)
    assert "Restore the original instructions" not in await settled_titles(client, session, uri)


def _committed_then_edited(folder: Path) -> tuple[Path, str]:
    path = ReportBuilder("2026").fill_all().write(folder)
    original = path.read_text()
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "template")
    path.write_text(original.replace(*EDIT, 1))
    return path, original


@options(trusted=False)
async def test_untrusted_no_history_is_read_until_trust_is_granted(client, tmp_path):
    session: Session = client.session
    path, original = _committed_then_edited(session.root)
    uri = session.open_file(path)
    assert "Restore the original instructions" not in await settled_titles(client, session, uri)

    client.protocol.notify("mlopsReport/workspaceTrust", {"trusted": True})
    assert "Restore the original instructions" in await restore_titles(client, session, uri)
    _, _, after = await fix(client, session, uri, "instructions-edited", "Restore the original instructions")
    assert after == original


@pytest.mark.parametrize("where", ["absolute", "symlink"])
async def test_untrusted_template_outside_the_workspace_is_ignored(client, tmp_path, where):
    session: Session = client.session
    outside = tmp_path / "outside" / "template.md"
    outside.parent.mkdir()
    outside.write_text(ReportBuilder("2026").build())
    if where == "symlink":
        (session.root / "template.md").symlink_to(outside)
    setting = str(outside) if where == "absolute" else "template.md"
    client.protocol.notify("mlopsReport/workspaceTrust", {"trusted": False})
    client.set_configuration({"templatePath": setting}, section="mlopsReport")
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"mlopsReport": {"templatePath": setting}})
    )
    path = ReportBuilder("2026").fill_all().write(session.root)
    path.write_text(path.read_text().replace(*EDIT, 1))
    uri = session.open_file(path)
    await until(lambda: any("templatePath" in m.message for m in client.messages), 5, "a warning")
    warning = next(m for m in client.messages if "templatePath" in m.message)
    assert warning.type == types.MessageType.Warning and "outside the workspace" in warning.message
    assert "Restore the original instructions" not in await settled_titles(client, session, uri)


@options(trusted=False, figuresDir="../..")
async def test_untrusted_figures_dir_outside_is_ignored(client, tmp_path):
    session: Session = client.session
    await until(lambda: client.messages, 5, "a warning")
    assert "figuresDir" in client.messages[0].message and client.messages[0].type == types.MessageType.Warning
    b = ReportBuilder("2026").fill_all().answer(19, words(30))
    figures = [f for f in b.needed_figures() if not f.startswith("figures/q19_")]
    uri = session.open_file(b.write(session.root, figures=figures))
    _, _, after = await fix(client, session, uri, "image-count", "Insert figure snippet", 19)
    assert "![describe the figure](figures/FILE.png)" in after and "../.." not in after


# -- the CLI, and the reader itself ---------------------------------------------------------------


@pytest.mark.parametrize("project", ["hostile configuration", "embedded bare repository"])
def test_the_cli_starts_nothing(tmp_path, project):
    if project == "hostile configuration":
        path, _ = hostile_project(tmp_path)
    else:
        path, _, _ = embedded_bare_clone(tmp_path)
    MARKER.unlink(missing_ok=True)
    done = subprocess.run([*AUDITED, "check", str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    assert "instructions-edited" in done.stdout
    assert started() == ""


def test_the_reader_finds_the_outer_repository(tmp_path):
    path, original, _ = embedded_bare_clone(tmp_path)
    clone = tmp_path / "clone"
    assert find_git_dir(path.parent) == (clone, clone / ".git")
    MARKER.unlink(missing_ok=True)
    assert first_version(path) == original
    assert started() == ""


# -- the sources ----------------------------------------------------------------------------------

_MODULES = {"subprocess", "pty", "multiprocessing", "concurrent.futures.process"}
_OS_CALLS = ("system", "popen", "exec", "spawn", "posix_spawn", "fork", "forkpty", "startfile")
_NAMES = {"Popen", "create_subprocess_exec", "create_subprocess_shell", "run_in_subprocess", "ProcessPoolExecutor"}
# the one module that starts processes: the dashboard's workers, this interpreter forked (on
# Linux; elsewhere started again) to analyse reports with our own code, never a program a
# repository or its configuration names
_WORKERS = {
    "dashboard/batch.py": [
        "from concurrent.futures.process import",
        "ProcessPoolExecutor",
        "ProcessPoolExecutor",
        "import multiprocessing",
    ]
}


def program_starts(source: str) -> list[str]:
    """Every place in ``source`` that imports a module for starting programs or calls a function
    that starts one."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name.split(".")[0] in _MODULES or a.name in _MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in _MODULES or node.module in _MODULES:
                found.append(f"from {node.module} import")
            elif node.module == "os":
                found += [f"from os import {a.name}" for a in node.names if a.name.startswith(_OS_CALLS)]
        elif isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id == "os" and node.attr.startswith(_OS_CALLS):
                found.append(f"os.{node.attr}")
            elif node.attr in _NAMES:
                found.append(node.attr)
        elif isinstance(node, ast.Name) and node.id in _NAMES:
            found.append(node.id)
    return found


def test_no_module_of_the_package_starts_a_program():
    sources = sorted(PACKAGE.rglob("*.py"))
    assert len(sources) > 10 and PACKAGE / "repo" / "store.py" in sources
    offenders = {
        str(p.relative_to(PACKAGE)): hits for p in sources if (hits := program_starts(p.read_text(encoding="utf-8")))
    }
    assert {k: sorted(v) for k, v in offenders.items()} == {k: sorted(v) for k, v in _WORKERS.items()}


def test_the_scan_sees_every_way_of_starting_a_program():
    for line in (
        "import subprocess",
        "from subprocess import run",
        "import multiprocessing",
        "os.system('x')",
        "os.execvp('x', [])",
        "os.spawnl(0, 'x')",
        "os.posix_spawn('x', [], {})",
        "os.popen('x')",
        "from os import execv",
        "asyncio.create_subprocess_exec('x')",
        "import pty",
        "concurrent.futures.ProcessPoolExecutor(2)",
    ):
        assert program_starts(line), line
    assert program_starts("server.spawn(coro)\nos.path.join('a')\nimport os") == []


def test_the_dulwich_modules_the_reader_loads_start_no_program(tmp_path):
    path, _ = _committed_then_edited(tmp_path)
    git(tmp_path, "gc", "-q")  # packed objects, so the pack code is loaded too
    probe = (
        "import sys; from pathlib import Path; from mlops_report.repo import first_version;"
        f"assert first_version(Path({str(path)!r})) is not None;"
        "print('\\n'.join(m.__file__ for n, m in sys.modules.items()"
        " if n.split('.')[0] == 'dulwich' and getattr(m, '__file__', '').endswith('.py')))"
    )
    MARKER.unlink(missing_ok=True)
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert any(f.endswith("pack.py") for f in loaded) and any(f.endswith("objects.py") for f in loaded)
    assert {f: hits for f in loaded if (hits := program_starts(Path(f).read_text(encoding="utf-8")))} == {}
    assert started() == ""
