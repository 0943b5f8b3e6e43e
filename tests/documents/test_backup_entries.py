"""The Backup Components Document's entries as plain records (docs/reference.md §7.3): made
cheaply, lists made when first read, enum fields converted only when not members, compared and
shown as attrs compared and showed them."""

from __future__ import annotations

import copy
import pickle
import uuid

import pytest

from simulator._documents.backup_entries import (
    COMPONENT_FIELDS,
    NO_ROLL_FORWARD,
    ComponentEntry,
    PartialFile,
    RestoreSubcomponent,
    WriterComponentsEntry,
)
from simulator._vocabulary.enums import (
    VSS_BACKUP_SCHEMA,
    VSS_COMPONENT_TYPE,
    VSS_FILE_RESTORE_STATUS,
    VSS_RESTORE_TARGET,
)
from simulator._vocabulary.error_classes import VssObjectAlreadyExists

WRITER = uuid.UUID(int=0xABC)
INSTANCE = uuid.UUID(int=0xDEF)
FILEGROUP = VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP
LISTS = (
    "partial_files",
    "differenced_files",
    "directed_targets",
    "new_targets",
    "alternate_location_mappings",
    "restore_subcomponents",
)


def entry(name: str = "c", path: str | None = None) -> ComponentEntry:
    return ComponentEntry(WRITER, INSTANCE, FILEGROUP, path, name)


def test_a_fresh_entry_makes_no_list_until_one_is_read() -> None:
    fresh = entry()
    assert fresh.made_lists() == ((), (), (), (), (), ())
    assert all(type(made) is tuple for made in fresh.made_lists())
    files = fresh.partial_files
    assert files == [] and fresh.partial_files is files
    files.append(PartialFile("C:\\d", "f", "0:1"))
    assert fresh.made_lists()[0] == [PartialFile("C:\\d", "f", "0:1")]
    assert fresh.made_lists()[1:] == ((), (), (), (), ())


def test_defaults_are_those_of_an_untouched_component() -> None:
    fresh = entry()
    assert (fresh.backup_succeeded, fresh.selected_for_restore, fresh.authoritative_restore) == (
        False,
        False,
        False,
    )
    assert fresh.file_restore_status is VSS_FILE_RESTORE_STATUS.VSS_RS_UNDEFINED
    assert fresh.restore_target is VSS_RESTORE_TARGET.VSS_RT_UNDEFINED
    assert fresh.roll_forward is NO_ROLL_FORWARD and fresh.failure is None
    assert fresh.requester_marks == 0


def test_enum_fields_keep_members_and_convert_numbers() -> None:
    member = VSS_COMPONENT_TYPE.VSS_CT_DATABASE
    assert ComponentEntry(WRITER, INSTANCE, member, "", "c").component_type is member
    converted = ComponentEntry(WRITER, INSTANCE, 2, "", "c")
    assert converted.component_type is FILEGROUP and converted.logical_path is None
    converted.file_restore_status = 2
    assert converted.file_restore_status is VSS_FILE_RESTORE_STATUS(2)
    converted.restore_target = int(VSS_RESTORE_TARGET.VSS_RT_ALTERNATE)
    assert converted.restore_target is VSS_RESTORE_TARGET.VSS_RT_ALTERNATE
    with pytest.raises(ValueError):
        converted.restore_target = 99
    with pytest.raises(ValueError):
        ComponentEntry(WRITER, INSTANCE, 42, None, "c")
    writer = WriterComponentsEntry(INSTANCE, WRITER, backup_schema=0x1FF)
    assert writer.backup_schema is VSS_BACKUP_SCHEMA(0x1FF)
    writer.backup_schema = 0
    assert type(writer.backup_schema) is VSS_BACKUP_SCHEMA and writer.backup_schema == 0


def test_an_unmade_list_equals_an_empty_one_and_every_field_counts() -> None:
    assert entry() == ComponentEntry(WRITER, INSTANCE, FILEGROUP, None, "c", partial_files=[])
    touched = entry()
    touched.restore_subcomponents  # noqa: B018  (reading makes the list)
    assert touched == entry()
    for name, value in [
        ("backup_succeeded", True),
        ("backup_stamp", "s"),
        ("file_restore_status", VSS_FILE_RESTORE_STATUS.VSS_RS_ALL),
        ("restore_name", "n"),
    ]:
        other = entry()
        setattr(other, name, value)
        assert other != entry(), name
    added = entry()
    added.restore_subcomponents.append(RestoreSubcomponent(None, "sub"))
    assert added != entry()
    assert entry() != entry("d") and entry() != entry(path="p")
    assert entry().__eq__("c") is NotImplemented


def test_requester_marks_are_not_part_of_the_document() -> None:
    marked = entry()
    marked.requester_marks = 3
    assert marked == entry() and "requester_marks" not in repr(marked)


def test_entries_are_unhashable_as_mutable_attrs_records_were() -> None:
    with pytest.raises(TypeError):
        hash(entry())
    with pytest.raises(TypeError):
        hash(WriterComponentsEntry(INSTANCE, WRITER))


def test_repr_names_every_field_in_constructor_order() -> None:
    shown = repr(entry())
    assert shown.startswith(f"ComponentEntry(writer_id={WRITER!r}, instance_id={INSTANCE!r}, ")
    positions = [shown.index(f" {name}=") for name in COMPONENT_FIELDS[1:]]
    assert positions == sorted(positions)
    assert "partial_files=[]" in shown
    assert repr(WriterComponentsEntry(INSTANCE, WRITER, "i")) == (
        f"WriterComponentsEntry(instance_id={INSTANCE!r}, writer_id={WRITER!r}, "
        f"instance_name='i', backup_schema={VSS_BACKUP_SCHEMA(0)!r}, components=[])"
    )


def test_copies_and_pickles_are_equal() -> None:
    original = entry()
    original.partial_files.append(PartialFile("C:\\d", "f", "0:1"))
    original.backup_stamp = "s"
    writer = WriterComponentsEntry(INSTANCE, WRITER, components=[original])
    for copied in (copy.deepcopy(writer), pickle.loads(pickle.dumps(writer))):
        assert copied == writer
        assert copied.components[0].partial_files is not original.partial_files


@pytest.mark.parametrize("count", [3, 20], ids=["searched", "indexed"])
def test_a_writer_entry_finds_its_components_by_path_and_name(count: int) -> None:
    writer = WriterComponentsEntry(INSTANCE, WRITER)
    added = [writer.add(entry(f"c{n}", "P" if n % 2 else None)) for n in range(count)]
    for n, made in enumerate(added):
        assert writer.component_named("P" if n % 2 else "", f"c{n}") is made
    assert writer.component_named("P", "c0") is None
    assert writer.component_named(None, ["unhashable"]) is None  # type: ignore[arg-type]
    with pytest.raises(VssObjectAlreadyExists, match="c1"):
        writer.add(ComponentEntry(WRITER, INSTANCE, 1, "P", "c1"))
    assert writer.components == added


def test_a_writer_entry_follows_its_list_changed_directly() -> None:
    first = [entry(f"c{n}") for n in range(12)]
    writer = WriterComponentsEntry(INSTANCE, WRITER, components=list(first))
    assert writer.component_named(None, "c11") is first[11]
    late = entry("late")
    writer.components.append(late)
    assert writer.component_named(None, "late") is late
    writer.components.remove(first[0])
    assert writer.component_named(None, "c0") is None
    with pytest.raises(VssObjectAlreadyExists):
        writer.add(entry("late"))


def test_an_included_entry_is_the_one_the_constructor_makes() -> None:
    included = ComponentEntry.included(WRITER, INSTANCE, FILEGROUP, "P", "c")
    made = entry(path="P")
    assert included == made and repr(included) == repr(made)
    assert included.made_lists() == ((), (), (), (), (), ())
    assert included.requester_marks == 0 and included.roll_forward is NO_ROLL_FORWARD
