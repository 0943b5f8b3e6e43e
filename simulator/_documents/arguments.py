"""Small argument helpers the document modules share (docs/reference.md §7)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from .._vocabulary.errors import VssObjectNotFound

__all__ = ["logical_path", "pick"]

T = TypeVar("T")


def logical_path(value: str | None) -> str | None:
    """A logical path as the documents keep it: an empty path is no path."""
    return value or None


def pick(items: Sequence[T], index: int, what: str) -> T:
    """``items[index]``; an index that is not an int in range is VSS_E_OBJECT_NOT_FOUND."""
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(items):
        raise VssObjectNotFound(f"no {what} at index {index!r}; there are {len(items)}")
    return items[index]
