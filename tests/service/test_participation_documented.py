"""Who takes part, and what each part is handed (docs/reference.md §3.2, §3.4, §4.5, §2.1):
written from the reference as literal data and checked on real objects."""

from __future__ import annotations

import uuid
from typing import Any

from simulator import (
    VSS_BT_FULL,
    VSS_CT_FILEGROUP,
    VSS_CTX_FILE_SHARE_BACKUP,
    VSS_RS_ALL,
    VSS_S_ASYNC_CANCELLED,
    IVssAsync,
    IVssWriterComponents,
    VssSystem,
    WriterEvent,
)
from simulator.rules import ASYNC_CALLS, FAILED_STATES
from tests.helpers import QuietWriter, backup_xml, make_writer

#: §3.2 / §3.3: the calls marked asynchronous (they return an IVssAsync).
DOCUMENTED_ASYNC = {
    "GatherWriterMetadata",
    "GatherWriterStatus",
    "PrepareForBackup",
    "DoSnapshotSet",
    "BackupComplete",
    "PreRestore",
    "PostRestore",
}

#: §2.1: the VSS_WS_FAILED_AT_* states; a writer in one of them takes no further part ([INF]).
DOCUMENTED_FAILED = {
    "VSS_WS_FAILED_AT_IDENTIFY",
    "VSS_WS_FAILED_AT_PREPARE_BACKUP",
    "VSS_WS_FAILED_AT_PREPARE_SNAPSHOT",
    "VSS_WS_FAILED_AT_FREEZE",
    "VSS_WS_FAILED_AT_THAW",
    "VSS_WS_FAILED_AT_POST_SNAPSHOT",
    "VSS_WS_FAILED_AT_BACKUP_COMPLETE",
    "VSS_WS_FAILED_AT_PRE_RESTORE",
    "VSS_WS_FAILED_AT_POST_RESTORE",
    "VSS_WS_FAILED_AT_BACKUPSHUTDOWN",
}


def test_the_asynchronous_calls_are_the_documented_ones() -> None:
    assert {call.value for call in ASYNC_CALLS} >= DOCUMENTED_ASYNC


def test_gather_writer_status_returns_an_async_operation(system: VssSystem) -> None:
    make_writer(system)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.GatherWriterMetadata().Wait()
        op = bc.GatherWriterStatus()
        assert isinstance(op, IVssAsync)
        op.Wait()
        assert bc.GetWriterStatusCount() == 1


def test_the_failed_states_are_the_documented_ones() -> None:
    assert {state.name for state in FAILED_STATES} == DOCUMENTED_FAILED


def test_a_cancelled_do_snapshot_set_sends_no_creation_event(system: VssSystem) -> None:
    """§3.4: Cancel stops the operation at its next step; the first step of DoSnapshotSet comes
    before PrepareForSnapshot, so no writer is frozen."""
    writer = make_writer(system)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(False, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        op = bc.DoSnapshotSet()
        op.Cancel()
        op.Wait()
        assert op.QueryStatus() == VSS_S_ASYNC_CANCELLED
    events = system.events(writer)
    assert "OnPrepareSnapshot" not in events and "OnFreeze" not in events
    assert events[-1] == "OnBackupShutdown"


def test_a_writerless_context_keeps_writers_out_even_after_gather_writer_metadata(
    system: VssSystem,
) -> None:
    """§4.5: VSS_CTX_FILE_SHARE_BACKUP involves no writers, even when the requester gathered
    their metadata (it may)."""
    writer = make_writer(system)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(VSS_CTX_FILE_SHARE_BACKUP)
        bc.GatherWriterMetadata().Wait()
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.DoSnapshotSet().Wait()
    events = system.events(writer)
    assert events[0] == "OnIdentify"
    for handler in ("OnPrepareSnapshot", "OnFreeze", "OnThaw", "OnPostSnapshot"):
        assert handler not in events


class ComponentsProbe(QuietWriter):
    """Records the writer id of the component view each restore handler is handed."""

    def on_event(self, event: WriterEvent, arg: Any) -> bool:
        if event in (WriterEvent.PRE_RESTORE, WriterEvent.POST_RESTORE):
            assert isinstance(arg, IVssWriterComponents)
            self.seen: list[uuid.UUID] = [*getattr(self, "seen", []), arg.GetWriterInfo()[1]]
        return True


def test_each_writer_is_handed_its_own_components_in_a_restore(system: VssSystem) -> None:
    first = make_writer(system, "First", cls=ComponentsProbe)
    second = make_writer(system, "Second", cls=ComponentsProbe)
    xml = backup_xml(system)
    with system.CreateVssBackupComponents() as restore:
        restore.InitializeForRestore(xml)
        restore.GatherWriterMetadata().Wait()
        for writer in (first, second):
            restore.SetSelectedForRestore(
                writer._vss.writer_id, VSS_CT_FILEGROUP, None, "Files", True
            )
        restore.PreRestore().Wait()
        for writer in (first, second):
            restore.SetFileRestoreStatus(
                writer._vss.writer_id, VSS_CT_FILEGROUP, None, "Files", VSS_RS_ALL
            )
        restore.PostRestore().Wait()
    for writer in (first, second):
        assert writer.seen == [writer._vss.writer_id, writer._vss.writer_id]
