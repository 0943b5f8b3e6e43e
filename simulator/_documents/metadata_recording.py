"""Identify once: the record of the calls one OnIdentify made on its builder, which the next
Identify of the same writer repeats instead of rebuilding its document (docs/reference.md §7.1;
docs/design.md, "Identify once").

A writer's OnIdentify makes the same calls every time (§7.1 asks it to be deterministic). The
builder (``metadata_builder``) records each call as (method, argument types, arguments); the next
Identify's builder is handed that record. While its calls repeat the record (same method, same
argument types and values, at the same place) a call does nothing. At the first call that
differs, the calls repeated so far are made for real and building goes on as usual, so an invalid
call still raises at that call with its own message. When every call repeated, the document is
the previous one, the same frozen object. A call that raised, or that took an argument whose
value may change after the call (a ``bytearray``, any type not in :data:`REPEATABLE_TYPES`),
makes the record one that is never repeated.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from .._vocabulary.enums import (
    VSS_BACKUP_SCHEMA,
    VSS_COMPONENT_FLAGS,
    VSS_COMPONENT_TYPE,
    VSS_FILE_SPEC_BACKUP_TYPE,
    VSS_RESTOREMETHOD_ENUM,
    VSS_WRITERRESTORE_ENUM,
)
from .metadata_examine import ComponentInfos, IVssExamineWriterMetadata
from .writer_metadata import WriterIdentity, WriterMetadata

__all__ = ["REPEATABLE_TYPES", "Call", "MetadataRecording", "Repeating", "recorded"]

#: One builder call: (the method's body, the arguments' types, positional, keyword arguments).
Call = tuple[Callable[..., None], tuple[type, ...], tuple[Any, ...], dict[str, Any] | None]

#: The argument types a call can be repeated with: values that cannot change after the call.
REPEATABLE_TYPES: frozenset[type] = frozenset(
    {
        type(None),
        bool,
        int,
        str,
        bytes,
        uuid.UUID,
        VSS_BACKUP_SCHEMA,
        VSS_COMPONENT_FLAGS,
        VSS_COMPONENT_TYPE,
        VSS_FILE_SPEC_BACKUP_TYPE,
        VSS_RESTOREMETHOD_ENUM,
        VSS_WRITERRESTORE_ENUM,
    }
)


class MetadataRecording:
    """What one OnIdentify told its builder: the calls in order, and the document they made.

    ``calls`` is None when they must not be repeated (one raised, or took a value that may
    change).
    """

    __slots__ = ("_infos", "calls", "identity", "metadata")

    def __init__(
        self, identity: WriterIdentity, calls: tuple[Call, ...] | None, metadata: WriterMetadata
    ) -> None:
        self.identity = identity
        self.calls = calls
        self.metadata = metadata
        self._infos: ComponentInfos | None = None

    def __repr__(self) -> str:
        calls = "not repeatable" if self.calls is None else f"{len(self.calls)} calls"
        return f"<MetadataRecording {self.identity.writer_name!r}, {calls}>"

    def examine(self) -> IVssExamineWriterMetadata:
        """A requester's own view of the document. Views are not shared (LoadFromXML changes
        one); what they build from the frozen document is."""
        infos = self._infos
        if infos is None:
            infos = self._infos = ComponentInfos(self.metadata)
        return IVssExamineWriterMetadata(self.metadata, infos)


class Repeating(Protocol):
    """The state of a builder that may repeat a record."""

    #: the previous Identify's calls while this one repeats them, else None
    _expected: tuple[Call, ...] | None
    #: how many of them this one repeated so far
    _repeated: int
    #: the calls made, once the builder builds for real
    _calls: list[Call]
    #: whether ``_calls`` may be repeated by the next Identify
    _repeatable: bool

    def _diverge(self) -> None:
        """Stop repeating: make the calls repeated so far for real."""


_R = TypeVar("_R", bound=Repeating)
_P = ParamSpec("_P")


def recorded(method: Callable[Concatenate[_R, _P], None]) -> Callable[Concatenate[_R, _P], None]:
    """A builder method that records its call, and does nothing when the call repeats the
    previous Identify's call at the same place."""

    @functools.wraps(method)
    def record(self: _R, /, *args: _P.args, **kwargs: _P.kwargs) -> None:
        expected = self._expected
        if expected is not None:
            position = self._repeated
            if not kwargs and position < len(expected):
                # The common case, without building the call: the same method, the same
                # argument types (equal values of other types differ), the same values.
                repeated, kinds, values, keywords = expected[position]
                if (
                    repeated is method
                    and keywords is None
                    and kinds == tuple(map(type, args))
                    and values == args
                ):
                    self._repeated = position + 1
                    return
        call: Call
        if kwargs:
            call = (method, (*map(type, args), *map(type, kwargs.values())), args, kwargs)
        else:
            call = (method, tuple(map(type, args)), args, None)
        if expected is not None:
            position = self._repeated
            if position < len(expected) and expected[position] == call:
                self._repeated = position + 1
                return
            self._diverge()
        self._calls.append(call)
        if not REPEATABLE_TYPES.issuperset(call[1]):
            self._repeatable = False
        try:
            method(self, *args, **kwargs)
        except BaseException:
            self._repeatable = False
            raise

    return record
