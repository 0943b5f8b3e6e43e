"""Restore events, with expected sequences written from the documentation.

docs/reference.md §4.4 (restore timeline; VSS_WRE_NEVER writers need no restore events; with
VSS_WRE_IF_REPLACE_FAILS PreRestore is always sent and PostRestore only after a failed
IF_NOT_THERE / IF_CAN_REPLACE restore), §7.2 (VSS_WRITERRESTORE_ENUM), §3.3 (restore call order
and SetSelectedForRestore errors), §4.5 (writers with nothing selected get no further events).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from simulator import (
    VSS_BT_FULL,
    VSS_CT_FILEGROUP,
    VSS_E_OBJECT_NOT_FOUND,
    VSS_FILE_RESTORE_STATUS,
    VSS_RME_RESTORE_IF_CAN_REPLACE,
    VSS_RS_ALL,
    VSS_WRITERRESTORE_ENUM,
    IVssBackupComponents,
    IVssCreateWriterMetadata,
    IVssWriterComponents,
    VssError,
    VssObjectNotFound,
    VssSystem,
    WriterEvent,
)

# -- test helpers used here ---------------------------------------------------------------------
from tests.helpers import QuietWriter, backup_xml, make_writer

WRITER_ID = uuid.UUID("8b9c0d1e-2f3a-4b5c-9d6e-7f8091a2b3c4")
OTHER_ID = uuid.UUID("9c0d1e2f-3a4b-4c5d-8e6f-8091a2b3c4d5")
RESTORE_EVENTS = ("OnPreRestore", "OnPostRestore")


class RestoreWriter(QuietWriter):
    """QuietWriter with a chosen writer restore condition (§7.1 SetRestoreMethod)."""

    writer_restore = VSS_WRITERRESTORE_ENUM.VSS_WRE_ALWAYS

    def __init__(self) -> None:
        self.components: list[tuple[str, Any]] = []

    def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
        metadata.SetRestoreMethod(
            VSS_RME_RESTORE_IF_CAN_REPLACE, None, None, self.writer_restore, False
        )
        metadata.AddComponent(VSS_CT_FILEGROUP, None, "Files", "Files", None, 0, False, False, True)
        metadata.AddFilesToFileGroup(None, "Files", "C:\\MyFiles", "*", False, None)
        return True

    def on_event(self, event: WriterEvent, arg: Any) -> bool:
        if event.value in RESTORE_EVENTS:
            self.components.append((event.value, arg))
        return True


def _writer(
    system: VssSystem, condition: str, name: str = "Restored", wid: uuid.UUID = WRITER_ID
) -> RestoreWriter:
    writer = make_writer(system, name, cls=RestoreWriter, writer_id=wid)
    writer.writer_restore = VSS_WRITERRESTORE_ENUM[condition]
    return writer


def _restore(
    system: VssSystem, xml: str, selected: list[uuid.UUID], files: str = "VSS_RS_ALL"
) -> uuid.UUID:
    """The documented restore (§3.3 rows 1–11); the object's session id."""
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForRestore(xml)
        bc.GatherWriterMetadata().Wait()
        for writer_id in selected:
            bc.SetSelectedForRestore(writer_id, VSS_CT_FILEGROUP, None, "Files", True)
        bc.PreRestore().Wait()
        for writer_id in selected:
            bc.SetFileRestoreStatus(
                writer_id, VSS_CT_FILEGROUP, None, "Files", VSS_FILE_RESTORE_STATUS[files]
            )
        bc.PostRestore().Wait()
        return bc.GetSessionId()


#: (writer restore condition, how its files were restored, the restore events it gets)
#: — §4.4 and §7.2 VSS_WRITERRESTORE_ENUM: NEVER "no restore events"; IF_REPLACE_FAILS
#: "PreRestore always; PostRestore only after an IF_NOT_THERE / IF_CAN_REPLACE failure"
#: (VSS_RS_FAILED as the sign of that failure is [INF]); ALWAYS both.
RESTORE_EVENT_ROWS: list[tuple[str, str, list[str]]] = [
    ("VSS_WRE_NEVER", "VSS_RS_ALL", []),
    ("VSS_WRE_NEVER", "VSS_RS_FAILED", []),
    ("VSS_WRE_IF_REPLACE_FAILS", "VSS_RS_ALL", ["OnPreRestore"]),
    ("VSS_WRE_IF_REPLACE_FAILS", "VSS_RS_FAILED", ["OnPreRestore", "OnPostRestore"]),
    ("VSS_WRE_ALWAYS", "VSS_RS_ALL", ["OnPreRestore", "OnPostRestore"]),
    ("VSS_WRE_ALWAYS", "VSS_RS_FAILED", ["OnPreRestore", "OnPostRestore"]),
]


@pytest.mark.parametrize(
    ("condition", "files", "events"),
    [pytest.param(*row, id=f"{row[0]}-{row[1]}") for row in RESTORE_EVENT_ROWS],
)
def test_restore_events_by_writer_restore_condition(
    system: VssSystem, condition: str, files: str, events: list[str]
) -> None:
    writer = _writer(system, condition)
    xml = backup_xml(system)
    session_id = _restore(system, xml, [WRITER_ID], files)
    delivered = system.events(writer, session_id=session_id)
    assert [e for e in delivered if e in RESTORE_EVENTS] == events


def test_restore_events_carry_the_writers_components(system: VssSystem) -> None:
    """§1.4: OnPreRestore gets the components of this writer in the BCD; OnPostRestore too."""
    writer = _writer(system, "VSS_WRE_ALWAYS")
    _restore(system, backup_xml(system), [WRITER_ID])
    assert [name for name, _ in writer.components] == ["OnPreRestore", "OnPostRestore"]
    for _, components in writer.components:
        assert isinstance(components, IVssWriterComponents)
        assert components.GetComponentCount() == 1
        assert components.GetComponent(0).GetComponentName() == "Files"
        assert components.GetComponent(0).IsSelectedForRestore() is True


def test_restore_sends_no_backup_events(system: VssSystem) -> None:
    """§4.4: a restore session is Identify, PreRestore, PostRestore; §3.3 row 11: BackupShutdown
    after a restore is not documented ([INF]: not sent)."""
    writer = _writer(system, "VSS_WRE_ALWAYS")
    session_id = _restore(system, backup_xml(system), [WRITER_ID])
    assert system.events(writer, session_id=session_id) == [
        "OnIdentify",
        "OnPreRestore",
        "OnPostRestore",
    ]


def test_writer_with_nothing_selected_gets_no_restore_events(system: VssSystem) -> None:
    """§4.4 step 4 / §4.5: PreRestore goes to selected writers only."""
    chosen = _writer(system, "VSS_WRE_ALWAYS")
    other = _writer(system, "VSS_WRE_ALWAYS", "Not Selected", OTHER_ID)
    session_id = _restore(system, backup_xml(system), [WRITER_ID])
    assert [e for e in system.events(chosen, session_id) if e in RESTORE_EVENTS] == list(
        RESTORE_EVENTS
    )
    assert [e for e in system.events(other, session_id) if e in RESTORE_EVENTS] == []


def test_components_explicitly_included_at_backup_are_read_back(system: VssSystem) -> None:
    """§3.3 row 5: GetWriterComponents reads the components explicitly included at backup."""
    _writer(system, "VSS_WRE_ALWAYS")
    xml = backup_xml(system)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForRestore(xml)
        assert bc.GetWriterComponentsCount() == 1
        components = bc.GetWriterComponents(0)
        assert components.GetWriterInfo()[1] == WRITER_ID
        assert components.GetComponent(0).GetComponentName() == "Files"


def _gathered(system: VssSystem, xml: str) -> IVssBackupComponents:
    bc = system.CreateVssBackupComponents()
    bc.InitializeForRestore(xml)
    bc.GatherWriterMetadata().Wait()
    return bc


def test_select_a_component_not_in_the_bcd(system: VssSystem) -> None:
    """§3.3 row 6: VSS_E_OBJECT_NOT_FOUND (component not in the BCD)."""
    _writer(system, "VSS_WRE_ALWAYS")
    with _gathered(system, backup_xml(system)) as bc:
        with pytest.raises(VssObjectNotFound) as refused:
            bc.SetSelectedForRestore(WRITER_ID, VSS_CT_FILEGROUP, None, "No Such", True)
        assert refused.value.hresult == VSS_E_OBJECT_NOT_FOUND == 0x80042308


def test_select_a_component_whose_writer_is_not_running(system: VssSystem) -> None:
    """§3.3 row 6: VSS_E_OBJECT_NOT_FOUND (... or its writer is not running)."""
    writer = _writer(system, "VSS_WRE_ALWAYS")
    xml = backup_xml(system)
    writer.Unsubscribe()
    with _gathered(system, xml) as bc:
        with pytest.raises(VssObjectNotFound) as refused:
            bc.SetSelectedForRestore(WRITER_ID, VSS_CT_FILEGROUP, None, "Files", True)
        assert refused.value.hresult == VSS_E_OBJECT_NOT_FOUND


def test_select_for_restore_needs_a_component_mode_backup(system: VssSystem) -> None:
    """§3.3 row 6: SetSelectedForRestore applies only in component mode."""
    writer = _writer(system, "VSS_WRE_ALWAYS")
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(False, False, VSS_BT_FULL)  # not component mode
        bc.GatherWriterMetadata().Wait()
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
        bc.BackupComplete().Wait()
        xml = bc.SaveAsXML()
    with _gathered(system, xml) as bc:
        with pytest.raises(VssError):
            bc.SetSelectedForRestore(WRITER_ID, VSS_CT_FILEGROUP, None, "Files", True)
        bc.PreRestore().Wait()
    assert "OnPreRestore" not in system.events(writer)


def test_writer_restore_enum_values() -> None:
    """§7.2: VSS_WRITERRESTORE_ENUM UNDEFINED 0, NEVER 1, IF_REPLACE_FAILS 2, ALWAYS 3."""
    documented = {
        "VSS_WRE_UNDEFINED": 0,
        "VSS_WRE_NEVER": 1,
        "VSS_WRE_IF_REPLACE_FAILS": 2,
        "VSS_WRE_ALWAYS": 3,
    }
    assert {m.name: int(m) for m in VSS_WRITERRESTORE_ENUM} == documented
    assert int(VSS_RS_ALL) == 2  # §7.5 VSS_FILE_RESTORE_STATUS ALL 2
