"""CALL_REQUIREMENTS against the documentation: what a call needs besides its place in the call
order, and the error it raises without it (docs/reference.md §3.2, §3.3, §7.6, §8).

The expected rows are written here from the reference, not read from the table; each row is
checked against the table and against the behaviour of a real object.
"""

from __future__ import annotations

import uuid

import pytest

from simulator import (
    VSS_BT_FULL,
    VSS_CT_FILEGROUP,
    VSS_CTX_ALL,
    VSS_E_BAD_STATE,
    VSS_E_OBJECT_NOT_FOUND,
    VSS_E_SNAPSHOT_SET_IN_PROGRESS,
    VssBadState,
    VssError,
    VssObjectNotFound,
    VssSnapshotSetInProgress,
    VssSystem,
)
from simulator.rules import CALL_REQUIREMENTS, Requirement
from tests.helpers import QuietWriter, backup_xml, begin_backup, make_writer

#: (call, [(requirement, HRESULT of the refusal, reference)]), from the reference.
DOCUMENTED = [
    # §3.2 row 7: AddComponent "only in component mode" (SetBackupState(bSelectComponents=true)).
    ("AddComponent", [("COMPONENT_MODE", VSS_E_BAD_STATE, "§3.2 row 7")]),
    # §7.6: StartSnapshotSet is not valid with VSS_CTX_ALL; §8: one set in creation at a time.
    (
        "StartSnapshotSet",
        [
            ("SPECIFIC_CONTEXT", VSS_E_BAD_STATE, "§7.6"),
            ("NO_SET_IN_CREATION", VSS_E_SNAPSHOT_SET_IN_PROGRESS, "§8"),
        ],
    ),
    # §3.2 row 12: PrepareForBackup requires SetBackupState first.
    ("PrepareForBackup", [("BACKUP_STATE_SET", VSS_E_BAD_STATE, "§3.2 row 12")]),
    # §3.2 row 13: GetWriterStatusCount / GetWriterStatus after a completed GatherWriterStatus.
    ("GetWriterStatusCount", [("WRITER_STATUS_GATHERED", VSS_E_BAD_STATE, "§3.2 row 13")]),
    ("GetWriterStatus", [("WRITER_STATUS_GATHERED", VSS_E_BAD_STATE, "§3.2 row 13")]),
    # §3.3 row 6: SetSelectedForRestore for a component-mode backup, its writer running.
    (
        "SetSelectedForRestore",
        [
            ("BACKED_UP_IN_COMPONENT_MODE", VSS_E_BAD_STATE, "§3.3 row 6"),
            ("WRITER_RUNNING", VSS_E_OBJECT_NOT_FOUND, "§3.3 row 6"),
        ],
    ),
]


def test_the_table_holds_the_documented_rows() -> None:
    table = {
        call.value: [(n.requirement.name, n.error.hresult, n.source) for n in needs]
        for call, needs in CALL_REQUIREMENTS.items()
    }
    missing = [
        (call, need) for call, needs in DOCUMENTED for need in needs if need not in table[call]
    ]
    assert missing == []


def _refused(exc: pytest.ExceptionInfo[VssError], call: str, requirement: str) -> str:
    message = exc.value.message
    assert message.startswith(f"{call} needs {Requirement[requirement].value}")
    return message


def test_add_component_outside_component_mode(system: VssSystem) -> None:
    make_writer(system, "Data")
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(False, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        instance_id, examine = bc.GetWriterMetadata(0)
        with pytest.raises(VssBadState) as refused:
            bc.AddComponent(instance_id, examine.GetIdentity()[1], VSS_CT_FILEGROUP, None, "Files")
        assert refused.value.message == (
            "AddComponent needs component mode: call SetBackupState(select_components=True, ...) "
            "first (docs/reference.md §3.2 row 7)"
        )


def test_start_snapshot_set_with_every_context(system: VssSystem) -> None:
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(VSS_CTX_ALL)
        bc.GatherWriterMetadata().Wait()
        with pytest.raises(VssBadState) as refused:
            bc.StartSnapshotSet()
        assert "VSS_CTX_ALL" in _refused(refused, "StartSnapshotSet", "SPECIFIC_CONTEXT")


def test_start_snapshot_set_while_another_set_is_in_creation(system: VssSystem) -> None:
    first = begin_backup(system.CreateVssBackupComponents())
    first_set = first.StartSnapshotSet()
    second = begin_backup(system.CreateVssBackupComponents())
    with pytest.raises(VssSnapshotSetInProgress) as refused:
        second.StartSnapshotSet()
    message = _refused(refused, "StartSnapshotSet", "NO_SET_IN_CREATION")
    assert str(first_set) in message and str(first.session_id) in message
    first.AbortBackup()
    assert isinstance(second.StartSnapshotSet(), uuid.UUID)
    second.Release()
    first.Release()


def test_prepare_for_backup_without_backup_state(system: VssSystem) -> None:
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.GatherWriterMetadata().Wait()
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        with pytest.raises(VssBadState) as refused:
            bc.PrepareForBackup()
        assert "InitializeForBackup" in _refused(refused, "PrepareForBackup", "BACKUP_STATE_SET")


@pytest.mark.parametrize("method", ["GetWriterStatusCount", "GetWriterStatus"])
def test_writer_status_before_gather_writer_status(system: VssSystem, method: str) -> None:
    make_writer(system, "Data")
    with system.CreateVssBackupComponents() as bc:
        begin_backup(bc)
        args = (0,) if method == "GetWriterStatus" else ()
        with pytest.raises(VssBadState) as refused:
            getattr(bc, method)(*args)
        _refused(refused, method, "WRITER_STATUS_GATHERED")
        bc.GatherWriterStatus().Wait()
        assert bc.GetWriterStatusCount() == 1


def test_set_selected_for_restore_of_a_non_component_backup(system: VssSystem) -> None:
    writer = make_writer(system, "Data")
    with system.CreateVssBackupComponents() as bc:
        begin_backup(bc)  # not component mode
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
        bc.BackupComplete().Wait()
        xml = bc.SaveAsXML()
    with system.CreateVssBackupComponents() as restore:
        restore.InitializeForRestore(xml)
        restore.GatherWriterMetadata().Wait()
        with pytest.raises(VssBadState) as refused:
            restore.SetSelectedForRestore(
                writer._vss.writer_id, VSS_CT_FILEGROUP, None, "Files", True
            )
        assert "selectComponents=no" in _refused(
            refused, "SetSelectedForRestore", "BACKED_UP_IN_COMPONENT_MODE"
        )


def test_set_selected_for_restore_of_a_writer_that_is_not_running(system: VssSystem) -> None:
    writer = make_writer(system, "Data", cls=QuietWriter)
    xml = backup_xml(system)
    writer_id = writer._vss.writer_id
    writer.Unsubscribe()
    with system.CreateVssBackupComponents() as restore:
        restore.InitializeForRestore(xml)
        restore.GatherWriterMetadata().Wait()
        with pytest.raises(VssObjectNotFound) as refused:
            restore.SetSelectedForRestore(writer_id, VSS_CT_FILEGROUP, None, "Files", True)
        assert str(writer_id) in _refused(refused, "SetSelectedForRestore", "WRITER_RUNNING")
