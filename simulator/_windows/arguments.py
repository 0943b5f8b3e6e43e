"""Argument checks shared by the entry points: a bad argument is E_INVALIDARG at the call, with a
message naming the method and the argument.

Policies where the documentation is silent ([INF], docs/design.md):
* A BOOL argument takes a bool or an integer (C's BOOL: nonzero is TRUE); None, a float or a
  string is E_INVALIDARG.
* A GUID argument takes a ``uuid.UUID``; a GUID's text is E_INVALIDARG (the C API takes a GUID,
  not a string).
* The four arguments that name a component in a BCD call (writer class, type, logical path, name)
  take a GUID, a VSS_COMPONENT_TYPE, None or a string, and a string; they are checked, in that
  order, before the document is searched, so garbage is never VSS_E_OBJECT_NOT_FOUND.
* A writer index (GetWriterMetadata, GetWriterStatus) that is not an integer is E_INVALIDARG; an
  integer out of range is VSS_E_OBJECT_NOT_FOUND.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable
from typing import TypeVar

from .._vocabulary.enums import VSS_COMPONENT_TYPE
from .._vocabulary.errors import VssInvalidArg
from .._vocabulary.printing import describe

__all__ = [
    "bool_argument",
    "component_arguments",
    "enum_argument",
    "guid_argument",
    "guid_list_argument",
    "integer_argument",
    "optional_text_argument",
    "text_argument",
]

En = TypeVar("En", bound=enum.IntEnum)
_UUID = uuid.UUID


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
    if value is None or isinstance(value, str):
        return value
    raise VssInvalidArg(f"{method}: {name} must be a string or None, got {describe(value)}")


def integer_argument(value: object, method: str, name: str) -> int:
    """``value`` if it is an integer (a DWORD / HRESULT argument); anything else, a float or a
    bool included, is E_INVALIDARG."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise VssInvalidArg(f"{method}: {name} must be an integer, got {describe(value)}")


def bool_argument(value: object, method: str, name: str) -> bool:
    """``value`` as a BOOL: a bool, or an integer (nonzero is TRUE); anything else is
    E_INVALIDARG."""
    if isinstance(value, int):
        return bool(value)
    raise VssInvalidArg(f"{method}: {name} must be True or False, got {describe(value)}")


def guid_argument(value: object, method: str, name: str) -> uuid.UUID:
    """``value`` if it is a ``uuid.UUID``; anything else is E_INVALIDARG."""
    if isinstance(value, uuid.UUID):
        return value
    raise VssInvalidArg(f"{method}: {name} must be a GUID (uuid.UUID), got {describe(value)}")


def guid_list_argument(value: object, method: str, name: str) -> list[uuid.UUID]:
    """``value`` as a non-empty list of GUIDs (an array and its count); a single GUID, a string,
    a non-iterable or an item that is not a GUID is E_INVALIDARG."""
    if isinstance(value, (str, bytes, uuid.UUID)) or not isinstance(value, Iterable):
        raise VssInvalidArg(f"{method}: {name} must be a list of GUIDs, got {describe(value)}")
    items = list(value)
    if not items:
        raise VssInvalidArg(f"{method}: {name} must hold one or more GUIDs, got none")
    for item in items:
        guid_argument(item, method, f"each of {name}")
    return items


def component_arguments(
    method: str,
    writer_id: object,
    component_type: object,
    logical_path: object,
    component_name: object,
) -> VSS_COMPONENT_TYPE:
    """The component type of the four arguments that name a component in a BCD call, each
    checked (module docstring); a bad one is E_INVALIDARG. Type checks first: it is on the hot
    path (SetBackupSucceeded, SetSelectedForRestore, SetFileRestoreStatus per component)."""
    if type(writer_id) is not _UUID:
        guid_argument(writer_id, method, "writer_id")
    kind = (
        component_type
        if type(component_type) is VSS_COMPONENT_TYPE
        else enum_argument(VSS_COMPONENT_TYPE, component_type, method, "component_type")
    )
    if logical_path is not None and type(logical_path) is not str:
        optional_text_argument(logical_path, method, "logical_path")
    if type(component_name) is not str:
        text_argument(component_name, method, "component_name")
    return kind
