"""Where a template comes from and where the result goes: a URL of the course repository, an
atomic write, and whether git holds the report as it is."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from .model import TEMPLATE_LIMIT, MigrationError

_GITHUB_REPO = re.compile(r"https?://(?:www\.)?github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?/?(?:tree/([^?#]+?))?/?$")
_GITHUB_BLOB = re.compile(r"https?://(?:www\.)?github\.com/([\w.-]+)/([\w.-]+)/blob/(.+)$")


def template_url(url: str) -> str:
    """The address of the template file itself: a repository's page (``github.com/OWNER/REPO``,
    ``.../tree/BRANCH``) names its ``reports/README.md``, a file's page its raw text."""
    url = url.strip()
    m = _GITHUB_BLOB.match(url)
    if m:
        return f"https://raw.githubusercontent.com/{m.group(1)}/{m.group(2)}/{m.group(3)}"
    m = _GITHUB_REPO.match(url)
    if m:
        ref = m.group(3) or "HEAD"
        return f"https://raw.githubusercontent.com/{m.group(1)}/{m.group(2)}/{ref}/reports/README.md"
    return url


def is_url(source: str) -> bool:
    return source.startswith(("https://", "http://"))


def fetch_template(url: str, timeout: float = 20.0) -> str:
    """The text at ``url`` (see ``template_url``), at most ``TEMPLATE_LIMIT`` characters. Only the
    command line calls this, when the user names a URL; the language server never goes online."""
    from urllib.error import URLError
    from urllib.request import Request, urlopen

    target = template_url(url)
    try:
        with urlopen(Request(target, headers={"User-Agent": "mlops-report"}), timeout=timeout) as answer:
            data = answer.read(TEMPLATE_LIMIT * 4 + 1)
    except (URLError, OSError, ValueError) as exc:
        raise MigrationError(f"{target}: cannot be fetched ({getattr(exc, 'reason', exc)})") from None
    if len(data) > TEMPLATE_LIMIT * 4:
        raise MigrationError(f"{target}: larger than a report template")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MigrationError(f"{target}: not UTF-8 text") from None


def committed(path: Path) -> bool:
    """Whether ``path``'s bytes are exactly its version in the commit HEAD names (read
    in-process; False when there is no repository or anything cannot be read)."""
    from ..repo import RepoError, Repository

    try:
        real = Path(os.path.realpath(path))
        repo = Repository.discover(real.parent, cap=8 * TEMPLATE_LIMIT)
        if repo is None:
            return False
        with repo:
            head = repo.head()
            if head is None:
                return False
            parts = real.relative_to(Path(os.path.realpath(repo.work_tree))).parts
            return repo.blob_at(head, parts) == real.read_bytes()
    except (RepoError, OSError, ValueError):
        return False


def write_atomically(path: Path, text: str, *, bom: bool = False, like: Path | None = None) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file beside it, so that a failure
    half-way leaves the old file whole; with the permissions of ``like`` when given."""
    import tempfile  # with shutil and the compressors: a start-up cost for every run otherwise

    data = (("\ufeff" if bom else "") + text).encode("utf-8", "surrogatepass")
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if like is not None and like.exists():
            os.chmod(temp, like.stat().st_mode & 0o7777)
        else:
            os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
