"""Fingerprints: short hashes of normalised text, so editions are recognised without storing
the template's words."""

from __future__ import annotations

import hashlib
import re

_QUOTE = re.compile(r"^[ \t]*(?:>[ \t]?)*", re.MULTILINE)
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Quote markers and all runs of white space folded away, case kept."""
    return _SPACE.sub(" ", _QUOTE.sub("", text)).strip()


def fingerprint(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8", "surrogatepass")).hexdigest()[:16]
