"""Argument checks shared by the entry points: a bad argument is E_INVALIDARG at the call."""

from __future__ import annotations

import enum
from typing import TypeVar

from .._vocabulary.errors import VssInvalidArg

__all__ = ["enum_argument"]

En = TypeVar("En", bound=enum.IntEnum)


def enum_argument(enum_type: type[En], value: object, method: str, name: str) -> En:
    """``value`` as a member of ``enum_type``; anything else is E_INVALIDARG."""
    try:
        return enum_type(value)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        where = f"{method}: " if method else ""
        raise VssInvalidArg(
            f"{where}{name} must be a {enum_type.__name__}, got {value!r}"
        ) from None
