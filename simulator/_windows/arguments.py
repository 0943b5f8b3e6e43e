"""Argument checks shared by the entry points: a bad argument is E_INVALIDARG at the call."""

from __future__ import annotations

import enum
from typing import TypeVar

from .._vocabulary.errors import VssInvalidArg
from .._vocabulary.printing import describe

__all__ = ["enum_argument", "integer_argument", "optional_text_argument", "text_argument"]

En = TypeVar("En", bound=enum.IntEnum)


def enum_argument(enum_type: type[En], value: object, method: str, name: str) -> En:
    """``value`` as a member of ``enum_type``; anything else is E_INVALIDARG."""
    try:
        return enum_type(value)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        where = f"{method}: " if method else ""
        raise VssInvalidArg(
            f"{where}{name} must be a {enum_type.__name__}, got {describe(value)}"
        ) from None


def text_argument(value: object, method: str, name: str) -> str:
    """``value`` if it is a string; anything else is E_INVALIDARG (a BSTR / LPCWSTR argument)."""
    if isinstance(value, str):
        return value
    raise VssInvalidArg(f"{method}: {name} must be a string, got {describe(value)}")


def optional_text_argument(value: object, method: str, name: str) -> str | None:
    """``value`` if it is a string or None; anything else is E_INVALIDARG."""
    return None if value is None else text_argument(value, method, name)


def integer_argument(value: object, method: str, name: str) -> int:
    """``value`` if it is an integer (a DWORD / HRESULT argument); anything else, a float or a
    bool included, is E_INVALIDARG."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise VssInvalidArg(f"{method}: {name} must be an integer, got {describe(value)}")
