"""GatherWriterMetadata identifies once: a writer whose OnIdentify repeats its last one gets the
same frozen document, a changed one is rebuilt and recorded as METADATA_CHANGED, and nothing a
handler or a requester can see differs from a fresh build (docs/reference.md §7.1, §7.2;
docs/design.md, "Identify once")."""

from __future__ import annotations

from typing import Any

from simulator import (
    VSS_CT_FILEGROUP,
    VSS_RME_RESTORE_IF_CAN_REPLACE,
    VSS_WRE_ALWAYS,
    IVssCreateWriterMetadata,
    IVssCreateWriterMetadataEx,
    IVssExamineWriterMetadata,
    ViolationRule,
    VssError,
    VssObjectAlreadyExists,
    VssSystem,
)
from tests.helpers import QuietWriter, make_writer

Step = tuple[str, tuple[Any, ...]]

RESTORE: Step = (
    "SetRestoreMethod",
    (VSS_RME_RESTORE_IF_CAN_REPLACE, None, None, VSS_WRE_ALWAYS, False),
)
FILES: Step = (
    "AddComponent",
    (VSS_CT_FILEGROUP, None, "Files", "Files", None, 0, False, False, True),
)
FILE_SET: Step = ("AddFilesToFileGroup", (None, "Files", "C:\\Data", "*", True, None))
DESCRIBING = (RESTORE, FILES, FILE_SET)


class Describing(QuietWriter):
    """OnIdentify makes ``steps``; it saves the document as XML after ``save_after`` of them and
    keeps what each call raised (the handler catches it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.steps: list[Step] = list(DESCRIBING)
        self.save_after: int | None = None
        self.raised: list[list[tuple[type[VssError], str] | None]] = []
        self.saved: list[str] = []

    def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
        outcomes: list[tuple[type[VssError], str] | None] = []
        for made, (name, args) in enumerate(self.steps):
            if made == self.save_after:
                self.saved.append(metadata.SaveAsXML())
            try:
                getattr(metadata, name)(*args)
            except VssError as exc:
                outcomes.append((type(exc), exc.message))
            else:
                outcomes.append(None)
        if self.save_after == len(self.steps):
            self.saved.append(metadata.SaveAsXML())
        self.raised.append(outcomes)
        return True


def gather(system: VssSystem) -> IVssExamineWriterMetadata:
    """One session's GatherWriterMetadata; the examine view of its one writer."""
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.GatherWriterMetadata().Wait()
        assert bc.GetWriterMetadataCount() == 1
        return bc.GetWriterMetadata(0)[1]


def test_a_repeated_identify_reuses_the_document(system: VssSystem) -> None:
    writer = make_writer(system, "Describing", cls=Describing)
    first = gather(system)
    second = gather(system)
    assert second is not first  # each session has its own view
    assert second.metadata is first.metadata  # of the one frozen document
    info = first.GetComponent(0).GetComponentInfo()
    assert second.GetComponent(0).GetComponentInfo() is info
    assert (info.component_name, info.file_count, info.selectable) == ("Files", 1, True)
    assert second.GetFileCounts() == (0, 0, 1)
    assert second.GetIdentity()[2] == "Describing"
    assert writer.raised == [[None, None, None]] * 2
    assert system.violations == []


def test_a_changed_identify_is_rebuilt_and_recorded(system: VssSystem) -> None:
    writer = make_writer(system, "Describing", cls=Describing)
    first = gather(system)
    writer.steps = [
        RESTORE,
        FILES,
        ("AddFilesToFileGroup", (None, "Files", "D:\\Data", "*", True, None)),
    ]
    second = gather(system)
    assert second.metadata is not first.metadata
    assert second.GetComponent(0).GetFile(0).GetPath() == "D:\\Data"
    assert first.GetComponent(0).GetFile(0).GetPath() == "C:\\Data"
    (violation,) = system.violations
    assert violation.rule is ViolationRule.METADATA_CHANGED
    assert (violation.writer, violation.handler) == ("Describing", "OnIdentify")
    third = gather(system)  # the changed calls are now the ones repeated
    assert third.metadata is second.metadata
    assert len(system.violations) == 1


def test_the_same_document_from_other_calls_is_no_change(system: VssSystem) -> None:
    writer = make_writer(system, "Describing", cls=Describing)
    first = gather(system)
    writer.steps = [FILES, RESTORE, FILE_SET]  # another order, the same document
    second = gather(system)
    assert second.metadata is not first.metadata
    assert second.metadata == first.metadata
    assert system.violations == []


def test_an_invalid_call_after_a_repeated_prefix_raises_in_the_handler(
    system: VssSystem,
) -> None:
    writer = make_writer(system, "Describing", cls=Describing)
    first = gather(system)
    writer.steps = [RESTORE, FILES, FILES, FILE_SET]
    second = gather(system)
    assert writer.raised[1] == [
        None,
        None,
        (
            VssObjectAlreadyExists,
            "AddComponent: a component with logical path None and name 'Files' already exists",
        ),
        None,
    ]
    assert second.metadata == first.metadata
    assert second.metadata is not first.metadata
    assert system.violations == []
    gather(system)  # a record with a refused call is never repeated: refused again
    assert writer.raised[2] == writer.raised[1]


def test_an_uncaught_error_after_a_repeated_prefix_fails_identify(system: VssSystem) -> None:
    class Raising(QuietWriter):
        second = False

        def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
            super().OnIdentify(metadata)
            if self.second:
                metadata.AddComponent(
                    VSS_CT_FILEGROUP, None, "Files", "Files", None, 0, False, False, True
                )
            return True

    writer = make_writer(system, "Raising", cls=Raising)
    gather(system)
    writer.second = True
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.GatherWriterMetadata().Wait()
        assert bc.GetWriterMetadataCount() == 0  # a failed Identify reports no metadata (§1.4)
    (violation,) = system.violations
    assert violation.rule is ViolationRule.HANDLER_RAISED
    assert "VssObjectAlreadyExists" in violation.message


def test_save_as_xml_mid_identify_sees_what_a_fresh_build_shows(system: VssSystem) -> None:
    writer = make_writer(system, "Describing", cls=Describing)
    identity = gather(system).metadata.identity
    fresh = IVssCreateWriterMetadataEx(identity)
    for made in range(len(DESCRIBING) + 1):
        writer.save_after = made
        gather(system)
        gather(system)
        assert writer.saved[-2:] == [fresh.SaveAsXML()] * 2
        if made < len(DESCRIBING):
            name, args = DESCRIBING[made]
            getattr(fresh, name)(*args)
    assert "<FILE_GROUP" not in writer.saved[2] and "<FILE_GROUP" in writer.saved[4]
    assert 'path="C:\\Data"' in writer.saved[6] and 'path="C:\\Data"' not in writer.saved[4]
    assert system.violations == []


def test_a_restarted_host_still_identifies_once(system: VssSystem) -> None:
    writer = make_writer(system, "Describing", cls=Describing)
    first = gather(system)
    system.restart_writer_host(writer)
    second = gather(system)
    assert second.metadata is first.metadata
    assert system.violations == []
