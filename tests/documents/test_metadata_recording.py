"""Identify once: a builder handed the record of the writer's last Identify rebuilds nothing while
its calls repeat it, and behaves exactly as a fresh builder in every other way (docs/reference.md
§7.1; docs/design.md, "Identify once")."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator._documents.metadata_builder import IVssCreateWriterMetadataEx
from simulator._documents.metadata_examine import IVssExamineWriterMetadata
from simulator._documents.metadata_recording import MetadataRecording
from simulator._documents.writer_metadata import WriterIdentity, WriterMetadata
from simulator._vocabulary.enums import (
    VSS_BACKUP_SCHEMA,
    VSS_COMPONENT_TYPE,
    VSS_RESTOREMETHOD_ENUM,
    VSS_SOURCE_TYPE,
    VSS_USAGE_TYPE,
    VSS_WRITERRESTORE_ENUM,
)
from simulator._vocabulary.error_base import VssError
from simulator._vocabulary.error_classes import (
    VssInvalidArg,
    VssObjectAlreadyExists,
    VssObjectNotFound,
)

FILEGROUP = VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP
DATABASE = VSS_COMPONENT_TYPE.VSS_CT_DATABASE
OTHER_WRITER = uuid.UUID("d61d61c8-d73a-4eee-8cdd-f6f9786b7124")
IDENTITY = WriterIdentity(
    uuid.UUID(int=1),
    uuid.UUID("a65faa63-5ea8-4ebc-9dbd-a0c4db26912a"),
    "Test Writer",
    VSS_USAGE_TYPE.VSS_UT_USERDATA,
    VSS_SOURCE_TYPE.VSS_ST_OTHER,
)

#: A builder call as the tests write it: (method name, positional arguments, keyword arguments).
Step = tuple[str, tuple[Any, ...], dict[str, Any]]


def step(name: str, *args: Any, **kwargs: Any) -> Step:
    return (name, args, kwargs)


RESTORE = step(
    "SetRestoreMethod",
    VSS_RESTOREMETHOD_ENUM.VSS_RME_RESTORE_IF_CAN_REPLACE,
    None,
    None,
    VSS_WRITERRESTORE_ENUM.VSS_WRE_ALWAYS,
    False,
)
FILES = step("AddComponent", FILEGROUP, None, "Files", "Files", None, 0, False, False, True)
FILE_SET = step("AddFilesToFileGroup", None, "Files", "C:\\Data", "*", True, None)
#: The describing writer of the benchmarks: what most OnIdentify handlers look like.
DESCRIBING = [RESTORE, FILES, FILE_SET]


def run(builder: IVssCreateWriterMetadataEx, steps: Sequence[Step]) -> list[object]:
    """Make ``steps`` on ``builder``; each outcome is None or (error type, message)."""
    outcomes: list[object] = []
    for name, args, kwargs in steps:
        try:
            getattr(builder, name)(*args, **kwargs)
        except VssError as exc:
            outcomes.append((type(exc), exc.message))
        else:
            outcomes.append(None)
    return outcomes


def identify(
    steps: Sequence[Step], previous: MetadataRecording | None = None
) -> tuple[MetadataRecording, list[object]]:
    builder = IVssCreateWriterMetadataEx(IDENTITY, previous)
    outcomes = run(builder, steps)
    return builder.recording(), outcomes


def fresh(steps: Sequence[Step]) -> WriterMetadata:
    builder = IVssCreateWriterMetadataEx(IDENTITY)
    run(builder, steps)
    return builder.finish()


# -- reuse -------------------------------------------------------------------------------------


def test_the_same_calls_give_the_same_document_object() -> None:
    first, _ = identify(DESCRIBING)
    assert first.calls is not None and len(first.calls) == 3
    second, outcomes = identify(DESCRIBING, first)
    assert outcomes == [None, None, None]
    assert second is first
    assert second.metadata is first.metadata
    builder = IVssCreateWriterMetadataEx(IDENTITY, first)
    run(builder, DESCRIBING)
    assert builder.finish() is first.metadata


def test_a_repeated_document_is_the_one_a_fresh_builder_makes() -> None:
    first, _ = identify(DESCRIBING)
    assert first.metadata == fresh(DESCRIBING)
    (component,) = first.metadata.components
    assert component.component_name == "Files"
    assert [f.path for f in component.files] == ["C:\\Data"]


def test_equal_arguments_of_another_type_are_not_repeated() -> None:
    """False equals 0, but a mask may not be a bool: the call is made, and refused."""
    first, _ = identify(DESCRIBING)
    refused = step(
        "AddComponent", FILEGROUP, None, "Files", "Files", None, False, False, False, True
    )
    second, outcomes = identify([RESTORE, refused, FILE_SET], first)
    assert outcomes[1] == (
        VssInvalidArg,
        "AddComponent: cb_icon must be a byte count, got False",
    )
    assert second is not first
    assert second.calls is None  # a call raised: the next Identify builds afresh


def test_keyword_arguments_repeat_when_given_the_same_way() -> None:
    calls = [
        FILES,
        step("AddFilesToFileGroup", None, "Files", "C:\\Data", "*", True, None, backup_type_mask=3),
    ]
    first, _ = identify(calls)
    assert identify(calls, first)[0] is first
    positional = [FILES, step("AddFilesToFileGroup", None, "Files", "C:\\Data", "*", True, None, 3)]
    second, _ = identify(positional, first)
    assert second is not first
    assert second.metadata == first.metadata


def test_another_writers_record_is_not_repeated() -> None:
    first, _ = identify(DESCRIBING)
    other = WriterIdentity(
        uuid.UUID(int=2), OTHER_WRITER, "Other", IDENTITY.usage_type, IDENTITY.source_type
    )
    builder = IVssCreateWriterMetadataEx(other, first)
    run(builder, DESCRIBING)
    metadata = builder.finish()
    assert metadata is not first.metadata
    assert metadata.identity is other


# -- a changed Identify ------------------------------------------------------------------------


def test_a_changed_call_rebuilds_from_the_calls_made() -> None:
    first, _ = identify(DESCRIBING)
    changed = [
        RESTORE,
        FILES,
        step("AddFilesToFileGroup", None, "Files", "D:\\Data", "*", True, None),
    ]
    second, outcomes = identify(changed, first)
    assert outcomes == [None, None, None]
    assert second is not first
    assert second.metadata == fresh(changed)
    assert second.metadata != first.metadata
    assert identify(changed, second)[0] is second


@pytest.mark.parametrize(
    "steps",
    [
        pytest.param(DESCRIBING[:2], id="fewer calls"),
        pytest.param([], id="no call"),
        pytest.param([*DESCRIBING, step("SetBackupSchema", 0x10)], id="one more call"),
        pytest.param([FILES, RESTORE, FILE_SET], id="the same calls in another order"),
    ],
)
def test_other_calls_give_the_document_a_fresh_builder_gives(steps: list[Step]) -> None:
    first, _ = identify(DESCRIBING)
    second, _ = identify(steps, first)
    assert second is not first
    assert second.metadata == fresh(steps)


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        pytest.param(
            FILES,
            VssObjectAlreadyExists,
            "AddComponent: a component with logical path None and name 'Files' already exists",
            id="a second component of that name",
        ),
        pytest.param(
            step("AddFilesToFileGroup", None, "Missing", "C:\\Data", "*", True, None),
            VssObjectNotFound,
            "AddFilesToFileGroup: no component with logical path None and name 'Missing'",
            id="an unknown component",
        ),
        pytest.param(
            step("AddDatabaseFiles", None, "Files", "C:\\Data", "*.mdf"),
            VssInvalidArg,
            "AddDatabaseFiles: component 'Files' is VSS_CT_FILEGROUP, not VSS_CT_DATABASE",
            id="database files to a file group",
        ),
    ],
)
def test_an_invalid_call_after_a_repeated_prefix_raises_there(
    bad: Step, error: type[VssError], message: str
) -> None:
    first, _ = identify(DESCRIBING)
    steps = [RESTORE, FILES, bad, FILE_SET]
    second, outcomes = identify(steps, first)
    assert outcomes == [None, None, (error, message), None]
    builder = IVssCreateWriterMetadataEx(IDENTITY)
    assert run(builder, steps) == outcomes
    assert second.metadata == builder.finish()
    assert second.calls is None


def test_a_call_that_raised_makes_the_record_unrepeatable() -> None:
    steps = [RESTORE, FILES, FILES, FILE_SET]
    first, outcomes = identify(steps)
    assert outcomes[2] is not None and outcomes[2][0] is VssObjectAlreadyExists  # type: ignore[index]
    assert first.calls is None
    second, again = identify(steps, first)
    assert again == outcomes  # the refused call is refused again, not skipped
    assert second is not first
    assert second.metadata == first.metadata


def test_a_bytearray_icon_makes_the_record_unrepeatable() -> None:
    icon = bytearray(b"\x01\x02")
    steps = [step("AddComponent", FILEGROUP, None, "Files", "Files", icon, 2, False, False, True)]
    first, _ = identify(steps)
    assert first.calls is None
    icon[:] = b"\x03\x04"
    second, _ = identify(steps, first)
    assert second.metadata.components[0].icon == b"\x03\x04"
    assert first.metadata.components[0].icon == b"\x01\x02"


# -- what a handler sees -----------------------------------------------------------------------


@pytest.mark.parametrize("made", range(len(DESCRIBING) + 1))
def test_save_as_xml_mid_identify_is_the_xml_of_a_fresh_builder(made: int) -> None:
    first, _ = identify(DESCRIBING)
    repeating = IVssCreateWriterMetadataEx(IDENTITY, first)
    plain = IVssCreateWriterMetadataEx(IDENTITY)
    run(repeating, DESCRIBING[:made])
    run(plain, DESCRIBING[:made])
    assert repeating.SaveAsXML() == plain.SaveAsXML()
    run(repeating, DESCRIBING[made:])
    assert repeating.recording() is first  # saving did not stop the repeat


def test_calls_after_a_repeated_finish_change_the_builder_not_the_document() -> None:
    first, _ = identify(DESCRIBING)
    builder = IVssCreateWriterMetadataEx(IDENTITY, first)
    run(builder, DESCRIBING)
    document = builder.finish()
    assert document is first.metadata
    builder.SetBackupSchema(0x10)
    assert 'backupSchema="16"' in builder.SaveAsXML()
    assert int(builder.finish().backup_schema) == 0x10
    assert int(document.backup_schema) == 0
    assert document == fresh(DESCRIBING)


# -- the examine view --------------------------------------------------------------------------


def test_examine_views_are_per_session_and_share_the_component_infos() -> None:
    first, _ = identify(DESCRIBING)
    one, two = first.examine(), first.examine()
    assert one is not two
    assert one.metadata is two.metadata is first.metadata
    info = one.GetComponent(0).GetComponentInfo()
    assert two.GetComponent(0).GetComponentInfo() is info
    assert (info.component_name, info.type, info.file_count, info.selectable) == (
        "Files",
        FILEGROUP,
        1,
        True,
    )
    assert one.GetIdentity()[2] == "Test Writer"
    assert one.GetFileCounts() == (0, 0, 1)


def test_load_from_xml_changes_one_view_only() -> None:
    first, _ = identify(DESCRIBING)
    one, two = first.examine(), first.examine()
    one.GetComponent(0).GetComponentInfo()
    database = step("AddComponent", DATABASE, "db", "Main", None, None, 0, False, False, True)
    one.LoadFromXML(fresh([database]).to_xml())
    info = one.GetComponent(0).GetComponentInfo()
    assert (info.component_name, info.type, info.logical_path) == ("Main", DATABASE, "db")
    assert two.GetComponent(0).GetComponentInfo().component_name == "Files"
    assert first.metadata.components[0].component_name == "Files"


def test_a_component_view_follows_its_component() -> None:
    first, _ = identify(DESCRIBING)
    view = first.examine().GetComponent(0)
    view.component = fresh(
        [step("AddComponent", DATABASE, None, "Other", None, None, 0, False, False, True)]
    ).components[0]
    assert view.GetComponentInfo().component_name == "Other"
    assert IVssExamineWriterMetadata(first.metadata).GetComponent(0).GetComponentInfo() == (
        first.examine().GetComponent(0).GetComponentInfo()
    )


# -- any two Identify events -------------------------------------------------------------------

#: Calls two Identify events are made of: valid, invalid, and ones whose validity depends on the
#: calls before them.
POOL: list[Step] = [
    RESTORE,
    step("SetRestoreMethod", 1, "svc", None, 2, True),
    FILES,
    # equal to FILES, but a bool is not a byte count
    step("AddComponent", FILEGROUP, None, "Files", "Files", None, False, False, False, True),
    step("AddComponent", FILEGROUP, "a", "Files", None, b"\x01", 1, True, False, True),
    step("AddComponent", DATABASE, None, "Db", None, None, 0, False, False, False),
    step("AddComponent", FILEGROUP, None, "Bad\\Name", None, None, 0, False, False, True),
    FILE_SET,
    # equal to FILE_SET, but a float is not a bool
    step("AddFilesToFileGroup", None, "Files", "C:\\Data", "*", 1.0, None),
    # equal to FILE_SET, and as valid
    step("AddFilesToFileGroup", None, "Files", "C:\\Data", "*", 1, None),
    step("AddFilesToFileGroup", "a", "Files", "C:\\A", "*.txt", False, "D:\\Alt"),
    step("AddDatabaseFiles", None, "Db", "C:\\Db", "*.mdf"),
    step("AddDatabaseLogFiles", None, "Db", "C:\\Db", "*.ldf", 3),
    step("AddExcludeFiles", "C:\\Temp", "*", True),
    step("AddExcludeFilesFromSnapshot", "C:\\Swap", "*.sys", False),
    step("AddAlternateLocationMapping", "C:\\Data", "*", True, "E:\\Data"),
    step("AddComponentDependency", None, "Files", OTHER_WRITER, None, "Theirs"),
    step("SetBackupSchema", 0x4),
    # equal to 0x4 and as valid; then one equal to 1 that is refused
    step("SetBackupSchema", VSS_BACKUP_SCHEMA(0x4)),
    step("SetBackupSchema", True),
]
#: Calls of POOL equal to another one in value, with arguments of other types.
TWINS = {
    i: twins
    for i, call in enumerate(POOL)
    if (twins := [j for j, other in enumerate(POOL) if j != i and other == call])
}

#: An index into POOL (equal calls of other argument types are told apart by their index).
pooled = st.integers(min_value=0, max_value=len(POOL) - 1)


@st.composite
def two_identifies(draw: st.DrawFn) -> tuple[list[int], list[int]]:
    """The calls of two Identify events; the second is the first with up to three edits."""
    before = draw(st.lists(pooled, max_size=8))
    after = list(before)
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        at = draw(st.integers(min_value=0, max_value=len(after)))
        edit = draw(st.sampled_from(["replace", "insert", "delete"]))
        if edit == "insert" or at == len(after):
            after.insert(at, draw(pooled))
        elif edit == "replace":
            twins = TWINS.get(after[at])
            after[at] = draw(st.sampled_from(twins) if twins and draw(st.booleans()) else pooled)
        else:
            del after[at]
    return before, after


@settings(max_examples=200, deadline=None)
@given(two_identifies(), st.integers(min_value=0, max_value=10))
def test_any_second_identify_behaves_as_a_fresh_builder(
    pair: tuple[list[int], list[int]], save_at: int
) -> None:
    """Outcomes, mid-Identify XML, and the document are those of a fresh builder; the document
    is the previous object exactly when the calls repeated a repeatable record."""
    before_at, after_at = pair
    before = [POOL[i] for i in before_at]
    after = [POOL[i] for i in after_at]
    first, _ = identify(before)
    repeating = IVssCreateWriterMetadataEx(IDENTITY, first)
    plain = IVssCreateWriterMetadataEx(IDENTITY)

    def both(steps: Sequence[Step]) -> None:
        assert run(repeating, steps) == run(plain, steps)

    both(after[:save_at])
    assert repeating.SaveAsXML() == plain.SaveAsXML()
    both(after[save_at:])
    second = repeating.recording()
    assert second.metadata == plain.finish()
    assert repeating.SaveAsXML() == plain.SaveAsXML()
    repeated = first.calls is not None and before_at == after_at
    assert (second is first) is repeated
