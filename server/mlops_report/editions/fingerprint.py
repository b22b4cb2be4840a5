"""Fingerprints: short hashes of normalised text, so editions are recognised without storing
the template's words."""

from __future__ import annotations

import re

from ..cache import FINGERPRINTS, OBJECT, memoised, size_of

try:  # the built-in module: ``hashlib`` loads OpenSSL first, 2 ms of every command-line run
    from _sha256 import sha256  # Python 3.11
except ImportError:
    try:
        from _sha2 import sha256  # Python 3.12 and later
    except ImportError:
        from hashlib import sha256

_QUOTE = re.compile(r"^[ \t]*(?:>[ \t]?)*", re.MULTILINE)
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Quote markers and all runs of white space folded away, case kept."""
    return _SPACE.sub(" ", _QUOTE.sub("", text)).strip()


@memoised("fingerprints", FINGERPRINTS, lambda text, found: size_of(text) + OBJECT)
def fingerprint(text: str) -> str:
    # cached: detection fingerprints every question on every edit, and most never change
    return sha256(normalise(text).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _part(text: str | None) -> str | None:
    return fingerprint(text) if text is not None and normalise(text) else None


def parts(ins) -> list[str | None]:
    """Fingerprints of an instruction block's prompt, length line and example (None: absent)."""
    return [_part(ins.prompt), _part(ins.limit_line), _part(ins.example)]
