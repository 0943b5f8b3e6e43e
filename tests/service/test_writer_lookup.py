"""A session's lookups over its writers (simulator/_service/writer_lookup.py): by position, by
writer class and a writer's component, made again when the writers or the metadata change."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import pytest

from simulator import (
    VSS_CT_DATABASE,
    VSS_CT_FILEGROUP,
    VSS_ST_OTHER,
    VSS_UT_USERDATA,
    ComponentMetadata,
    WriterIdentity,
    WriterMetadata,
)
from simulator._service.writer_lookup import WriterLookup

CLASS = uuid.UUID(int=0xC1A55)
OTHER = uuid.UUID(int=0x07)


@dataclass
class Core:
    writer_id: uuid.UUID
    instance_id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass(eq=False)
class Writer:
    core: Core
    metadata: WriterMetadata | None = None


def metadata(components: int) -> WriterMetadata:
    identity = WriterIdentity(uuid.UUID(int=1), CLASS, "w", VSS_UT_USERDATA, VSS_ST_OTHER)
    return WriterMetadata(
        identity,
        components=tuple(
            ComponentMetadata(
                VSS_CT_DATABASE if n % 2 else VSS_CT_FILEGROUP,
                "L" if n % 3 else None,
                f"c{n}",
            )
            for n in range(components)
        ),
    )


def session_writers(*classes: uuid.UUID) -> dict[uuid.UUID, Writer]:
    writers = [Writer(Core(writer_id)) for writer_id in classes]
    return {w.core.instance_id: w for w in writers}


def test_writers_by_position_and_by_class() -> None:
    writers = session_writers(CLASS, OTHER, CLASS)
    lookup: WriterLookup[Writer] = WriterLookup()
    first, other, second = writers.values()
    assert [lookup.at(writers, n) for n in range(3)] == [first, other, second]
    assert lookup.at(writers, 3) is None and lookup.at(writers, -1) is None
    assert lookup.at(writers, "0") is None  # type: ignore[arg-type]
    assert lookup.of_class(writers, CLASS) == [first, second]
    assert lookup.of_class(writers, OTHER) == [other]
    assert lookup.of_class(writers, uuid.UUID(int=9)) == []
    assert lookup.of_class(writers, [CLASS]) == []


def test_the_lookups_follow_the_writers() -> None:
    writers = session_writers(CLASS)
    lookup: WriterLookup[Writer] = WriterLookup()
    assert len(lookup.of_class(writers, CLASS)) == 1
    late = Writer(Core(OTHER))
    writers[late.core.instance_id] = late
    assert lookup.of_class(writers, OTHER) == [late] and lookup.at(writers, 1) is late
    # Cleared and filled again with as many new writers: another writer is last.
    writers.clear()
    writers.update(session_writers(OTHER, OTHER))
    assert lookup.of_class(writers, CLASS) == []
    assert lookup.of_class(writers, OTHER) == list(writers.values())


@pytest.mark.parametrize("count", [4, 30], ids=["searched", "indexed"])
def test_a_writers_component_by_type_path_and_name(count: int) -> None:
    writer = Writer(Core(CLASS), metadata(count))
    lookup: WriterLookup[Writer] = WriterLookup()
    assert writer.metadata is not None
    for component in writer.metadata.components:
        found = lookup.component(
            writer, component.type, component.logical_path or "", component.component_name
        )
        assert found is component
    assert lookup.component(writer, VSS_CT_DATABASE, None, "c0") is None
    assert lookup.component(writer, VSS_CT_FILEGROUP, "L", "c0") is None
    assert lookup.component(writer, VSS_CT_FILEGROUP, None, ["c0"]) is None  # type: ignore[arg-type]
    assert lookup.component(Writer(Core(CLASS)), VSS_CT_FILEGROUP, None, "c0") is None


def test_a_new_metadata_object_is_indexed_again() -> None:
    writer = Writer(Core(CLASS), metadata(30))
    lookup: WriterLookup[Writer] = WriterLookup()
    assert lookup.component(writer, VSS_CT_FILEGROUP, "L", "c28") is not None
    assert lookup.component(writer, VSS_CT_FILEGROUP, None, "c30") is None
    writer.metadata = metadata(31)
    found = lookup.component(writer, VSS_CT_FILEGROUP, None, "c30")
    assert found is writer.metadata.components[30]
