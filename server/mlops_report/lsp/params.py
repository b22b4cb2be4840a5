"""Members of a custom request's or command's params: pygls hands them over as a named tuple, a
dict, or whatever the client sent, so each is read by name and may be missing."""

from __future__ import annotations


def member(params: object, *names: str) -> object:
    """The first of ``names`` that ``params`` has with a value other than None, else None."""
    for name in names:
        value = params.get(name) if isinstance(params, dict) else getattr(params, name, None)
        if value is not None:
            return value
    return None
