"""The Backup Components Document's indexes by instance id and writer class (docs/reference.md
§7.3): the same answers as a scan, at a thousand writers, with two instances of one class, and
when ``writers`` is changed directly."""

from __future__ import annotations

import uuid

import pytest

from simulator._documents.backup_document import BackupComponentsDocument
from simulator._documents.backup_entries import WriterComponentsEntry
from simulator._vocabulary.enums import (
    VSS_BACKUP_SCHEMA,
    VSS_BACKUP_TYPE,
    VSS_COMPONENT_TYPE,
    VSS_RESTORE_TYPE,
)
from simulator._vocabulary.error_classes import VssInvalidArg, VssObjectNotFound

DATABASE = VSS_COMPONENT_TYPE.VSS_CT_DATABASE
FILEGROUP = VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP
CLASS = uuid.UUID(int=0xC1A55)
FIRST = uuid.UUID(int=1)
SECOND = uuid.UUID(int=2)


def thousand_writers() -> BackupComponentsDocument:
    document = BackupComponentsDocument(True, False, VSS_BACKUP_TYPE.VSS_BT_FULL)
    for n in range(1000):
        instance = uuid.UUID(int=10_000 + n)
        writer = document.add_writer(instance, uuid.UUID(int=n % 7), f"instance {n}")
        writer.backup_schema = VSS_BACKUP_SCHEMA(n % 4)
        document.add_component(instance, writer.writer_id, FILEGROUP, None, "Files")
        entry = document.add_component(instance, writer.writer_id, DATABASE, f"L{n}", "db")
        entry.backup_stamp = f"stamp {n}"
    return document


def test_a_thousand_writer_document_survives_xml_and_is_indexed() -> None:
    document = thousand_writers()
    xml = document.to_xml()
    reread = BackupComponentsDocument.from_xml(xml)
    assert reread == document and reread.to_xml() == xml
    assert xml.count("<WRITER_COMPONENTS ") == 1000 and xml.count("<COMPONENT ") == 2000
    for n in (0, 1, 499, 999):
        instance = uuid.UUID(int=10_000 + n)
        writer = reread.writer_entry(instance)
        assert (writer.instance_name, writer.writer_id) == (f"instance {n}", uuid.UUID(int=n % 7))
        found = reread.find_component(uuid.UUID(int=n % 7), DATABASE, f"L{n}", "db", instance)
        assert found.backup_stamp == f"stamp {n}" and found is writer.components[1]
    assert [w.instance_id for w in reread.entries_of_class(uuid.UUID(int=3))] == [
        uuid.UUID(int=10_000 + n) for n in range(1000) if n % 7 == 3
    ]


def two_instances() -> BackupComponentsDocument:
    document = BackupComponentsDocument()
    document.add_component(FIRST, CLASS, DATABASE, "Server", "shared")
    document.add_component(SECOND, CLASS, DATABASE, "Server", "shared")
    document.add_component(SECOND, CLASS, FILEGROUP, None, "second only")
    return document


def test_lookups_by_instance_with_two_instances_of_one_class() -> None:
    document = two_instances()
    first, second = document.writers
    assert document.writer_entry(FIRST) is first and document.writer_entry(SECOND) is second
    assert document.entries_of_class(CLASS) == [first, second]
    # Without an instance: the first instance (in BCD order) that holds the component.
    assert document.find_component(CLASS, DATABASE, "Server", "shared") is first.components[0]
    assert document.find_component(CLASS, FILEGROUP, "", "second only") is second.components[1]
    # With one: that instance's entry, never the other's.
    found = document.find_component(CLASS, DATABASE, "Server", "shared", instance_id=SECOND)
    assert found is second.components[0]
    with pytest.raises(VssObjectNotFound):
        document.find_component(CLASS, FILEGROUP, None, "second only", instance_id=FIRST)
    with pytest.raises(VssObjectNotFound):
        document.find_component(CLASS, FILEGROUP, "Server", "shared")
    with pytest.raises(VssInvalidArg):
        document.add_writer(FIRST, uuid.UUID(int=9))


def test_interleaved_adds_and_finds_see_every_new_writer() -> None:
    document = BackupComponentsDocument()
    for n in range(40):
        document.add_component(uuid.UUID(int=100 + n), CLASS, FILEGROUP, None, f"c{n}")
        assert document.find_component(CLASS, FILEGROUP, None, f"c{n}").instance_id == uuid.UUID(
            int=100 + n
        )
    assert len(document.entries_of_class(CLASS)) == 40


def test_the_index_follows_writers_changed_directly() -> None:
    document = two_instances()
    assert document.writer_entry_or_none(FIRST) is not None
    third = WriterComponentsEntry(uuid.UUID(int=3), CLASS)
    document.writers.append(third)
    assert document.writer_entry(uuid.UUID(int=3)) is third
    assert document.entries_of_class(CLASS)[-1] is third
    document.writers.pop(0)
    assert document.writer_entry_or_none(FIRST) is None
    assert document.find_component(CLASS, DATABASE, "Server", "shared").instance_id == SECOND
    given = BackupComponentsDocument(writers=[third])
    assert given.writer_entry(uuid.UUID(int=3)) is third


def test_arguments_that_cannot_be_keys_name_nothing() -> None:
    document = two_instances()
    assert document.writer_entry_or_none([FIRST]) is None  # type: ignore[arg-type]
    assert document.entries_of_class({}) == []  # type: ignore[arg-type]
    with pytest.raises(VssObjectNotFound):
        document.find_component(CLASS, DATABASE, "Server", ["shared"])  # type: ignore[arg-type]


def test_document_fields_compare_and_convert_as_before() -> None:
    document = BackupComponentsDocument(backup_type=2, restore_type=1)
    assert document.backup_type is VSS_BACKUP_TYPE(2)
    assert document.restore_type is VSS_RESTORE_TYPE(1)
    document.backup_type = VSS_BACKUP_TYPE.VSS_BT_COPY
    assert document.backup_type is VSS_BACKUP_TYPE.VSS_BT_COPY
    indexed, fresh = two_instances(), two_instances()
    indexed.find_component(CLASS, DATABASE, "Server", "shared")
    assert indexed == fresh and repr(indexed) == repr(fresh)
    assert repr(BackupComponentsDocument()).startswith(
        "BackupComponentsDocument(select_components=False, bootable_system_state=False, "
    )
    fresh.snapshot_set_id = uuid.UUID(int=5)
    assert indexed != fresh
    with pytest.raises(TypeError):
        hash(indexed)
