"""Printing user objects into messages and the trace, safely and deterministically.

User code may hand the model anything: an exception whose ``repr()`` raises, an object whose repr
holds its memory address (``<Foo object at 0x7f...>``), a huge string. ``describe`` never raises,
never prints an address (the same seed must give the same trace, docs/design.md), and keeps a
message to a readable length.
"""

from __future__ import annotations

import re

__all__ = ["describe", "describe_exception"]

_ADDRESS = re.compile(r" at 0x[0-9A-Fa-f]+")
_LONGEST = 300


def describe(value: object) -> str:
    """``repr(value)`` without memory addresses, at most about 300 characters; never raises."""
    try:
        text = repr(value)
        if not isinstance(text, str):
            raise TypeError("__repr__ returned a non-string")
    except Exception as exc:  # a user object's repr may do anything
        return f"<{type(value).__name__} object; its repr() raised {type(exc).__name__}>"
    text = _ADDRESS.sub("", text)
    if len(text) > _LONGEST:
        text = f"{text[: _LONGEST - 20]}… ({len(text)} characters)"
    return text


def describe_exception(exc: BaseException) -> str:
    """``TypeName: message`` for an exception, safely (its ``str()`` may raise too)."""
    name = type(exc).__name__
    try:
        message = getattr(exc, "message", None)  # a VssError's own words, without its code
        text = message if isinstance(message, str) else str(exc)
        if not isinstance(text, str):
            raise TypeError("__str__ returned a non-string")
    except Exception:
        return f"{name} (its str() raised)"
    text = _ADDRESS.sub("", text)
    if len(text) > _LONGEST * 2:
        text = f"{text[: _LONGEST * 2 - 20]}… ({len(text)} characters)"
    return f"{name}: {text}" if text else name
