"""Lookups over a session's writers that cost the same at one writer as at a thousand: by
position (GetWriterMetadata), by writer class (the calls that name a class, docs/reference.md
§3.3 row 6) and a writer's reported component by (type, logical path, name) (AddComponent, §3.2
row 7). A session keeps one ``WriterLookup`` (``Session.writer_lookup``).

``Session.writers`` is filled in order by GatherWriterMetadata and only ever cleared, never edited
in place, so the lookups are made again whenever it holds another number of writers or another
writer last; a writer's component index is made again when its metadata is another object.
"""

from __future__ import annotations

import uuid
from typing import Generic, Protocol, TypeVar

from .._documents.writer_metadata import ComponentMetadata, WriterMetadata

__all__ = ["WriterLookup"]

#: a writer with at most this many components is searched, not indexed
_SCAN_AT_MOST = 8

_ComponentKey = tuple[object, str | None, str]


class _Core(Protocol):
    @property
    def writer_id(self) -> uuid.UUID: ...

    @property
    def instance_id(self) -> uuid.UUID: ...


class _Writer(Protocol):
    @property
    def core(self) -> _Core: ...

    @property
    def metadata(self) -> WriterMetadata | None: ...


W = TypeVar("W", bound=_Writer)


class WriterLookup(Generic[W]):
    """The lookups of one session, over its ``writers`` (instance id -> writer in session)."""

    __slots__ = ("_by_class", "_components", "_order")

    def __init__(self) -> None:
        #: the session's writers in the order they answered, as last seen
        self._order: list[W] = []
        #: the same writers by writer class id
        self._by_class: dict[object, list[W]] = {}
        #: instance id -> (the metadata indexed, its components by (type, logical path, name))
        self._components: dict[
            uuid.UUID, tuple[WriterMetadata, dict[_ComponentKey, ComponentMetadata]]
        ] = {}

    def _fresh(self, writers: dict[uuid.UUID, W]) -> list[W]:
        order = self._order
        if len(order) != len(writers) or (
            order and next(reversed(writers.values())) is not order[-1]
        ):
            order = self._order = list(writers.values())
            by_class: dict[object, list[W]] = {}
            for ws in order:
                by_class.setdefault(ws.core.writer_id, []).append(ws)
            self._by_class = by_class
        return order

    def at(self, writers: dict[uuid.UUID, W], index: int) -> W | None:
        """The ``index``-th of ``writers``, or None when there is none at ``index``."""
        order = self._order
        count = len(order)
        if count != len(writers) or (count and next(reversed(writers.values())) is not order[-1]):
            order = self._fresh(writers)
            count = len(order)
        if type(index) is int:
            return order[index] if 0 <= index < count else None
        if not isinstance(index, int) or not 0 <= index < count:
            return None
        return order[index]

    def of_class(self, writers: dict[uuid.UUID, W], writer_id: object) -> list[W]:
        """The ``writers`` of class ``writer_id``, in the order they answered."""
        order = self._fresh(writers)
        try:
            return self._by_class.get(writer_id, [])
        except TypeError:  # an unhashable argument: compared, as a scan would
            return [ws for ws in order if ws.core.writer_id == writer_id]

    def component(
        self, ws: W, kind: object, path: str | None, name: str
    ) -> ComponentMetadata | None:
        """The component of type ``kind`` at (logical path, name) that ``ws`` reported, or None."""
        metadata = ws.metadata
        if metadata is None:
            return None
        components = metadata.components
        path = path or None
        if len(components) <= _SCAN_AT_MOST:
            for component in components:
                if (
                    component.component_name == name
                    and component.type == kind
                    and component.logical_path == path
                ):
                    return component
            return None
        cache = self._components
        instance_id = ws.core.instance_id
        cached = cache.get(instance_id)
        if cached is None or cached[0] is not metadata:
            index: dict[_ComponentKey, ComponentMetadata] = {}
            for component in components:
                key = (component.type, component.logical_path, component.component_name)
                index.setdefault(key, component)
            cached = cache[instance_id] = (metadata, index)
        try:
            return cached[1].get((kind, path, name))
        except TypeError:  # an unhashable argument names no component
            return None
