"""The other requester methods, with expected results written from the documentation.

Every expected value is literal data from docs/reference.md §3.6 (writer selection, the restore
setters, Query, exposing, breaking, importing, reverting, paths, fast recovery, LUN
resynchronization), §3.4 (Cancel), §3.2 row 16 / §3.3 row 9 / §7.4 (requester duties), §1.2 and
§4.4 (multi-instance writers at restore); never read from the model's tables.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from simulator import (
    E_INVALIDARG,
    E_NOTIMPL,
    GUID_NULL,
    S_OK,
    SYSTEM_PROVIDER_ID,
    VSS_BS_WRITER_SUPPORTS_RESTORE_WITH_MOVE,
    VSS_BT_FULL,
    VSS_CT_FILEGROUP,
    VSS_CTX_ALL,
    VSS_CTX_BACKUP,
    VSS_CTX_FILE_SHARE_BACKUP,
    VSS_CTX_NAS_ROLLBACK,
    VSS_E_BAD_STATE,
    VSS_E_NO_SNAPSHOTS_IMPORTED,
    VSS_E_OBJECT_NOT_FOUND,
    VSS_E_PROVIDER_VETO,
    VSS_E_REVERT_IN_PROGRESS,
    VSS_E_UNSUPPORTED_CONTEXT,
    VSS_OBJECT_NONE,
    VSS_OBJECT_PROVIDER,
    VSS_OBJECT_SNAPSHOT,
    VSS_PROV_HARDWARE,
    VSS_RF_PARTIAL,
    VSS_RS_ALL,
    VSS_S_ASYNC_CANCELLED,
    VSS_S_ASYNC_FINISHED,
    VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY,
    VSS_VOLSNAP_ATTR_EXPOSED_REMOTELY,
    VSS_VOLSNAP_ATTR_IMPORTED,
    VSS_VOLSNAP_ATTR_TRANSPORTABLE,
    Call,
    IVssBackupComponents,
    IVssCreateWriterMetadata,
    IVssWriterComponents,
    Phase,
    ViolationRule,
    VssBadState,
    VssError,
    VssProvider,
    VssSystem,
    WriterEvent,
    current_system,
)
from simulator.rules import BACKUP_ORDER
from tests.helpers import (
    QuietWriter,
    backup_xml,
    drive_to,
    instance_id,
    make_writer,
    settle,
    succeed_all,
)

E = WriterEvent
P = Phase
CT = VSS_CT_FILEGROUP

# ---------------------------------------------------------------------------------------------
# Writer selection (§3.2 row 4, §3.6, §4.5)
# ---------------------------------------------------------------------------------------------

#: §3.2 row 4 / §3.6: taken before GatherWriterMetadata in a backup; refused during a restore
#: ("called during a restore operation") and, by the simulator's policy, after Gather.
SELECTION_TAKEN = [("BACKUP_INITIALIZED", "CONTEXT_SET")]
SELECTION_REFUSED = ["METADATA_GATHERED", "RESTORE_INITIALIZED", "SNAPSHOT_SET_STARTED"]
SELECTION_CALLS = ["EnableWriterClasses", "DisableWriterClasses", "DisableWriterInstances"]


@pytest.mark.parametrize("call", SELECTION_CALLS)
def test_writer_selection_rows(call: str) -> None:
    for phase in SELECTION_TAKEN[0]:
        assert BACKUP_ORDER[(Phase[phase], Call(call))].next_phase is Phase[phase]
    for phase in SELECTION_REFUSED:
        assert (Phase[phase], Call(call)) not in BACKUP_ORDER


def _events_of(system: VssSystem, writer: QuietWriter, bc: IVssBackupComponents) -> list[str]:
    return system.events(writer, session_id=bc.GetSessionId())


def test_disabled_class_gets_no_events(system: VssSystem) -> None:
    """§3.6: DisableWriterClasses: the class "is prevented from receiving any events"."""
    left_out = make_writer(system, "Left Out")
    kept = make_writer(system, "Kept")
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.DisableWriterClasses([left_out._vss.writer_id])
        bc.SetBackupState(False, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        assert bc.GetWriterMetadataCount() == 1
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
        bc.BackupComplete().Wait()
        session = bc.GetSessionId()
    assert system.events(left_out, session_id=session) == []
    assert system.events(kept, session_id=session)[0] == "OnIdentify"
    assert system.events(kept, session_id=session)[-1] == "OnBackupShutdown"


def test_enable_then_disable_then_instances(system: VssSystem) -> None:
    """§3.6: the first EnableWriterClasses enables only its classes, later ones add; a later
    DisableWriterClasses disables enabled ones; DisableWriterInstances leaves other instances."""
    a = make_writer(system, "A", writer_instance_name="a1")
    a2 = make_writer(system, "A", writer_id=a._vss.writer_id, writer_instance_name="a2")
    b = make_writer(system, "B")
    c = make_writer(system, "C")
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.EnableWriterClasses([a._vss.writer_id])
        bc.EnableWriterClasses([b._vss.writer_id])
        bc.DisableWriterClasses([b._vss.writer_id])
        bc.DisableWriterInstances([instance_id(a2)])
        bc.GatherWriterMetadata().Wait()
        names = [bc.GetWriterMetadataEx(i)[2:4] for i in range(bc.GetWriterMetadataCount())]
    assert names == [("A", "a1")]
    assert "OnIdentify" not in system.events(c)


def test_writer_selection_after_gather_is_refused(system: VssSystem) -> None:
    """§3.6: after GatherWriterMetadata the call has no effect; the simulator refuses it."""
    writer = make_writer(system)
    with system.CreateVssBackupComponents() as bc:
        drive_to(bc, P.METADATA_GATHERED)
        with pytest.raises(VssBadState) as refused:
            bc.DisableWriterClasses([writer._vss.writer_id])
        assert refused.value.hresult == VSS_E_BAD_STATE


# ---------------------------------------------------------------------------------------------
# The restore setters (§3.3 row 6, §3.6, §7.3)
# ---------------------------------------------------------------------------------------------


class RestoreReader(QuietWriter):
    """QuietWriter plus a nonselectable subcomponent "Files\\Sub" selectable for restore, and
    "Files\\Fixed" not selectable for restore; records what OnPreRestore reads."""

    seen: dict[str, Any]

    def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
        super().OnIdentify(metadata)
        metadata.AddComponent(CT, "Files", "Sub", "Sub", None, 0, False, False, False, True)
        metadata.AddComponent(CT, "Files", "Fixed", "Fixed", None, 0, False, False, False, False)
        return True

    def on_event(self, event: WriterEvent, arg: Any) -> bool:
        if event is E.PRE_RESTORE and isinstance(arg, IVssWriterComponents):
            c = arg.GetComponent(0)
            self.seen = {
                "options": c.GetRestoreOptions(),
                "additional": c.GetAdditionalRestores(),
                "stamp": c.GetPreviousBackupStamp(),
                "new_targets": c.GetNewTargetCount(),
                "mappings": c.GetAlternateLocationMappingCount(),
                "subcomponents": [
                    c.GetRestoreSubcomponent(i) for i in range(c.GetRestoreSubcomponentCount())
                ],
                "authoritative": c.GetAuthoritativeRestore(),
                "roll_forward": c.GetRollForward(),
                "restore_name": c.GetRestoreName(),
            }
        return True


def _restore_object(system: VssSystem) -> tuple[IVssBackupComponents, uuid.UUID]:
    writer = make_writer(system, "Reader", cls=RestoreReader)
    xml = backup_xml(system, exclude={"Sub", "Fixed"})
    bc = system.CreateVssBackupComponents()
    bc.InitializeForRestore(xml)
    bc.GatherWriterMetadata().Wait()
    return bc, writer._vss.writer_id


def test_restore_setters_reach_the_writer(system: VssSystem) -> None:
    """§3.6 / §7.3: what the requester sets before PreRestore the writer reads in OnPreRestore."""
    bc, writer_id = _restore_object(system)
    files = (writer_id, CT, None, "Files")
    bc.SetPreviousBackupStamp(*files, "stamp-7")
    bc.SetSelectedForRestore(*files, True)
    bc.AddRestoreSubcomponent(*files, "Files", "Sub", False)
    bc.SetRestoreOptions(*files, "no-replay")
    bc.SetAdditionalRestores(*files, True)
    bc.AddNewTarget(*files, "C:\\MyFiles", "*", False, "D:\\Moved")
    bc.AddAlternativeLocationMapping(*files, "C:\\MyFiles", "*", False, "D:\\Alt")
    bc.SetAuthoritativeRestore(*files, True)
    bc.SetRollForward(*files, VSS_RF_PARTIAL, "lsn-42")
    bc.SetRestoreName(*files, "Files (restored)")
    bc.PreRestore().Wait()
    writer = system.writers[0]
    assert isinstance(writer, RestoreReader)
    assert writer.seen == {
        "options": "no-replay",
        "additional": True,
        "stamp": "stamp-7",
        "new_targets": 1,
        "mappings": 1,
        "subcomponents": [("Files", "Sub", False)],
        "authoritative": True,
        "roll_forward": (VSS_RF_PARTIAL, "lsn-42"),
        "restore_name": "Files (restored)",
    }
    bc.SetFileRestoreStatus(*files, VSS_RS_ALL)
    bc.PostRestore().Wait()
    bc.Release()
    assert system.violations == []


def test_restore_setter_refusals(system: VssSystem) -> None:
    """§3.6: AddRestoreSubcomponent needs its set selected first and a subcomponent selectable
    for restore; AddNewTarget's file set must be one of the component's; a partial roll-forward
    needs its point ([INF] E_INVALIDARG)."""
    bc, writer_id = _restore_object(system)
    files = (writer_id, CT, None, "Files")
    with pytest.raises(VssBadState) as refused:
        bc.AddRestoreSubcomponent(*files, "Files", "Sub", False)
    assert "needs its component selected with SetSelectedForRestore first" in str(refused.value)
    bc.SetSelectedForRestore(*files, True)
    with pytest.raises(VssError) as not_for_restore:
        bc.AddRestoreSubcomponent(*files, "Files", "Fixed", False)
    assert not_for_restore.value.hresult == E_INVALIDARG
    with pytest.raises(VssError) as no_file_set:
        bc.AddNewTarget(*files, "C:\\Other", "*", False, "D:\\New")
    assert no_file_set.value.hresult == VSS_E_OBJECT_NOT_FOUND
    with pytest.raises(VssError) as no_point:
        bc.SetRollForward(*files, VSS_RF_PARTIAL)
    assert no_point.value.hresult == E_INVALIDARG
    with pytest.raises(VssError) as absent:
        bc.SetRestoreOptions(writer_id, CT, None, "Nothing", "x")
    assert absent.value.hresult == VSS_E_OBJECT_NOT_FOUND
    bc.Release()


def test_set_selected_for_restore_ex_instance_must_run(system: VssSystem) -> None:
    """§3.6: a non-NULL instanceId must be a running instance of the same class."""
    bc, writer_id = _restore_object(system)
    with pytest.raises(VssError) as refused:
        bc.SetSelectedForRestoreEx(writer_id, CT, None, "Files", True, uuid.UUID(int=99))
    assert refused.value.hresult == VSS_E_OBJECT_NOT_FOUND
    bc.SetSelectedForRestoreEx(writer_id, CT, None, "Files", True, GUID_NULL)
    bc.PreRestore().Wait()
    assert "OnPreRestore" in system.events("Reader")
    bc.Release()


def test_set_previous_backup_stamp_rows() -> None:
    """§3.6 / §7.3: SetPreviousBackupStamp before PrepareForBackup, or before PreRestore."""
    for phase in ("METADATA_GATHERED", "RESTORE_INITIALIZED", "RESTORE_METADATA_GATHERED"):
        assert (Phase[phase], Call("SetPreviousBackupStamp")) in BACKUP_ORDER
    for phase in ("PRE_RESTORED", "PREPARED_FOR_BACKUP"):
        assert (Phase[phase], Call("SetPreviousBackupStamp")) not in BACKUP_ORDER


# ---------------------------------------------------------------------------------------------
# Multi-instance writers at restore (§1.2, §4.4)
# ---------------------------------------------------------------------------------------------


class Recorder(QuietWriter):
    """Remembers the component names it is given in OnPreRestore (instances of one class share
    the writer name, so ``system.events`` cannot tell them apart)."""

    restored: list[str] | None = None

    def on_event(self, event: WriterEvent, arg: Any) -> bool:
        if event is E.PRE_RESTORE and isinstance(arg, IVssWriterComponents):
            self.restored = [
                arg.GetComponent(i).GetComponentName() for i in range(arg.GetComponentCount())
            ]
        return True


def _backup_one_instance(system: VssSystem, backed_up: QuietWriter) -> str:
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(True, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        bc.AddComponent(instance_id(backed_up), backed_up._vss.writer_id, CT, None, "Files")
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
        succeed_all(bc)
        bc.BackupComplete().Wait()
        return bc.SaveAsXML()


def _restore_all(system: VssSystem, xml: str) -> None:
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForRestore(xml)
        bc.GatherWriterMetadata().Wait()
        _, writer_id = bc.GetWriterComponents(0).GetWriterInfo()
        bc.SetSelectedForRestore(writer_id, CT, None, "Files", True)
        bc.PreRestore().Wait()
        bc.SetFileRestoreStatus(writer_id, CT, None, "Files", VSS_RS_ALL)
        bc.PostRestore().Wait()


def test_restore_goes_to_the_instance_backed_up(system: VssSystem) -> None:
    """§1.2: a writer is identified by (class, instance); only the instance backed up gets the
    restore events, with its components."""
    first = make_writer(system, "Multi", cls=Recorder, writer_instance_name="one")
    second = make_writer(
        system, "Multi", cls=Recorder, writer_id=first._vss.writer_id, writer_instance_name="two"
    )
    xml = _backup_one_instance(system, second)
    _restore_all(system, xml)
    assert first.restored is None
    assert second.restored == ["Files"]
    assert system.violations == []


def test_restore_after_restart_routes_by_instance_name(system: VssSystem) -> None:
    """§1.2: the instance name is the persistent identity: after the instances restart with
    new instance ids, the one with the backed-up name gets the restore."""
    first = make_writer(system, "Multi", cls=Recorder, writer_instance_name="one")
    second = make_writer(
        system, "Multi", cls=Recorder, writer_id=first._vss.writer_id, writer_instance_name="two"
    )
    xml = _backup_one_instance(system, second)
    class_id = first._vss.writer_id
    first.Unsubscribe()
    second.Unsubscribe()
    again_one = make_writer(
        system, "Multi", cls=Recorder, writer_id=class_id, writer_instance_name="one"
    )
    again_two = make_writer(
        system, "Multi", cls=Recorder, writer_id=class_id, writer_instance_name="two"
    )
    assert instance_id(again_two) != instance_id(second)
    _restore_all(system, xml)
    assert again_one.restored is None
    assert again_two.restored == ["Files"]


def test_unnamed_instances_get_no_restore_and_a_violation(system: VssSystem) -> None:
    """§1.2: a multi-instance writer needs a non-NULL instance name to receive restore events."""
    first = make_writer(system, "Multi", cls=Recorder)
    second = make_writer(system, "Multi", cls=Recorder, writer_id=first._vss.writer_id)
    xml = _backup_one_instance(system, second)
    class_id = first._vss.writer_id
    first.Unsubscribe()
    second.Unsubscribe()
    again = [make_writer(system, "Multi", cls=Recorder, writer_id=class_id) for _ in range(2)]
    _restore_all(system, xml)
    assert [w.restored for w in again] == [None, None]
    assert {v.rule for v in system.violations} == {ViolationRule.UNNAMED_WRITER_INSTANCE}


def test_one_restore_instance_per_class_on_2003() -> None:
    """§4.4 / §12: on Server 2003 one instance of a class gets the restore events."""
    with VssSystem(windows="2003") as system:
        first = make_writer(system, "Multi", cls=Recorder, writer_instance_name="one")
        second = make_writer(
            system,
            "Multi",
            cls=Recorder,
            writer_id=first._vss.writer_id,
            writer_instance_name="two",
        )
        with system.CreateVssBackupComponents() as bc:
            drive_to(bc, P.POST_RESTORED)
        assert [w.restored for w in (first, second)] == [["Files"], None]


# ---------------------------------------------------------------------------------------------
# Requester duties Windows does not check (§3.2 row 16, §3.3 row 9, §7.4)
# ---------------------------------------------------------------------------------------------


def test_backup_complete_without_set_backup_succeeded_is_a_violation(system: VssSystem) -> None:
    make_writer(system)
    with system.CreateVssBackupComponents() as bc:
        drive_to(bc, P.SNAPSHOT_SET_CREATED)
        bc.BackupComplete().Wait()
    (violation,) = system.violations
    assert violation.rule is ViolationRule.BACKUP_SUCCEEDED_NOT_SET
    assert violation.writer is None
    assert "'Files'" in violation.message


def test_post_restore_without_set_file_restore_status_is_a_violation(system: VssSystem) -> None:
    bc, writer_id = _restore_object(system)
    bc.SetSelectedForRestore(writer_id, CT, None, "Files", True)
    bc.PreRestore().Wait()
    bc.PostRestore().Wait()
    bc.Release()
    assert [v.rule for v in system.violations] == [ViolationRule.FILE_RESTORE_STATUS_NOT_SET]


def test_nonselectable_subcomponent_added_is_a_violation(system: VssSystem) -> None:
    """§7.4: a nonselectable subcomponent of a selectable component is never added explicitly;
    Windows takes it (the result is undefined) and the simulator records the lapse."""
    writer = make_writer(system, "Reader", cls=RestoreReader)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(True, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        bc.AddComponent(instance_id(writer), writer._vss.writer_id, CT, "Files", "Sub")
    assert [v.rule for v in system.violations] == [ViolationRule.NONSELECTABLE_SUBCOMPONENT_ADDED]


# ---------------------------------------------------------------------------------------------
# Cancel (§3.4)
# ---------------------------------------------------------------------------------------------


class Slow(QuietWriter):
    """Takes 5 virtual seconds in one event."""

    slow_event = E.IDENTIFY

    def on_event(self, event: WriterEvent, arg: Any) -> bool:
        if event is self.slow_event:
            current_system().sleep(5)
        return True


def _slow(system: VssSystem, event: WriterEvent) -> tuple[QuietWriter, QuietWriter]:
    slow = make_writer(system, "Slow", cls=Slow)
    slow.slow_event = event
    return slow, make_writer(system, "Next")


def test_cancel_gather_writer_metadata(system: VssSystem) -> None:
    """§3.4: Cancel returns S_OK and the operation ends VSS_S_ASYNC_CANCELLED; the writers it
    had not reached get no Identify; the object stands where it was ([INF])."""
    _, following = _slow(system, E.IDENTIFY)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        op = bc.GatherWriterMetadata()
        op.Wait(1000)
        assert op.Cancel() == S_OK
        assert settle(op) == VSS_S_ASYNC_CANCELLED == 0x0004230B
        assert op.Cancel() == VSS_S_ASYNC_CANCELLED
        assert bc.phase is P.BACKUP_INITIALIZED
        assert "OnIdentify" not in system.events(following)
        bc.GatherWriterMetadata().Wait()  # [INF] a cancelled Gather may be made again
        assert bc.GetWriterMetadataCount() == 2


def test_cancel_prepare_for_backup(system: VssSystem) -> None:
    """§3.4, §4.2: a cancelled PrepareForBackup: the writer that joined gets OnAbort, the next
    gets nothing; AbortBackup ends the backup."""
    slow, following = _slow(system, E.PREPARE_BACKUP)
    with system.CreateVssBackupComponents() as bc:
        drive_to(bc, P.SNAPSHOT_SET_STARTED)
        op = bc.PrepareForBackup()
        op.Wait(1000)
        op.Cancel()
        assert settle(op) == VSS_S_ASYNC_CANCELLED
        bc.AbortBackup()
        assert bc.phase is P.BACKUP_ABORTED
    assert system.events(slow)[:3] == ["OnIdentify", "OnPrepareBackup", "OnAbort"]
    assert "OnPrepareBackup" not in system.events(following)


def test_cancel_backup_complete(system: VssSystem) -> None:
    """§3.4: "the requester may abort any time after the shadow copy exists by calling
    Cancel": the writers BackupComplete had not reached get no OnBackupComplete."""
    slow, following = _slow(system, E.BACKUP_COMPLETE)
    with system.CreateVssBackupComponents() as bc:
        drive_to(bc, P.SNAPSHOT_SET_CREATED)
        succeed_all(bc)
        op = bc.BackupComplete()
        op.Wait(1000)
        op.Cancel()
        assert settle(op) == VSS_S_ASYNC_CANCELLED
    assert "OnBackupComplete" in system.events(slow)
    assert "OnBackupComplete" not in system.events(following)
    assert system.events(following)[-1] == "OnBackupShutdown"


# ---------------------------------------------------------------------------------------------
# Query (§3.6)
# ---------------------------------------------------------------------------------------------


def _copy(system: VssSystem, context: int, volume: str = "C:\\") -> uuid.UUID:
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(context)
        bc.StartSnapshotSet()
        snapshot_id = bc.AddToSnapshotSet(volume)
        bc.DoSnapshotSet().Wait()
        if context & 0x8:  # NO_AUTO_RELEASE: the copy outlives the object
            return snapshot_id
        ids = [p.m_SnapshotId for p in bc.Query()]
        assert ids == [snapshot_id]  # a file-share copy, in its own context
        return snapshot_id


def _query(system: VssSystem, context: int | None, *args: Any) -> list[Any]:
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        if context is not None:
            bc.SetContext(context)
        return bc.Query(*args)


def test_query_returns_the_copies_of_the_current_context(system: VssSystem) -> None:
    """§3.6: Query returns only copies of the context set by SetContext; VSS_CTX_ALL all."""
    nas = _copy(system, VSS_CTX_NAS_ROLLBACK)
    _copy(system, VSS_CTX_FILE_SHARE_BACKUP)  # released: not auto-kept
    assert [p.m_SnapshotId for p in _query(system, VSS_CTX_NAS_ROLLBACK)] == [nas]
    assert _query(system, VSS_CTX_BACKUP) == []
    assert _query(system, None) == []  # default context VSS_CTX_BACKUP ([INF])
    assert [p.m_SnapshotId for p in _query(system, VSS_CTX_ALL)] == [nas]


def test_query_arguments(system: VssSystem) -> None:
    """§3.6: the first two arguments are reserved (GUID_NULL, VSS_OBJECT_NONE); the third is
    VSS_OBJECT_SNAPSHOT or VSS_OBJECT_PROVIDER; a restore object is refused."""
    providers = _query(system, None, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_PROVIDER)
    assert [p.m_ProviderId for p in providers] == [SYSTEM_PROVIDER_ID]
    for args in [
        (uuid.UUID(int=1), VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT),
        (GUID_NULL, VSS_OBJECT_SNAPSHOT, VSS_OBJECT_SNAPSHOT),
        (GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_NONE),
    ]:
        with pytest.raises(VssError) as refused:
            _query(system, None, *args)
        assert refused.value.hresult == E_INVALIDARG
    make_writer(system)
    with system.CreateVssBackupComponents() as bc:
        drive_to(bc, P.RESTORE_METADATA_GATHERED)
        with pytest.raises(VssBadState):
            bc.Query()


# ---------------------------------------------------------------------------------------------
# Exposing, reverting, paths (§3.6)
# ---------------------------------------------------------------------------------------------


def test_expose_and_unexpose(system: VssSystem) -> None:
    copy = _copy(system, VSS_CTX_NAS_ROLLBACK)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(VSS_CTX_ALL)
        with pytest.raises(VssError) as bad_path:
            bc.ExposeSnapshot(copy, "\\Share", VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, "X:")
        assert bad_path.value.hresult == E_INVALIDARG
        with pytest.raises(VssError) as in_use:
            bc.ExposeSnapshot(copy, None, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, "C:\\")
        assert in_use.value.hresult == E_INVALIDARG
        assert bc.ExposeSnapshot(copy, None, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, "X:") == "X:"
        (prop,) = bc.Query()
        assert (prop.m_pwszExposedName, prop.m_pwszExposedPath) == ("X:", None)
        assert prop.m_lSnapshotAttributes & VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY
        bc.UnexposeSnapshot(copy)
        with pytest.raises(VssError) as not_exposed:
            bc.UnexposeSnapshot(copy)
        assert not_exposed.value.hresult == VSS_E_OBJECT_NOT_FOUND
        shared = bc.ExposeSnapshot(copy, "\\Data", VSS_VOLSNAP_ATTR_EXPOSED_REMOTELY, None)
        (prop,) = bc.Query()
        assert (prop.m_pwszExposedName, prop.m_pwszExposedPath) == (shared, "\\Data")


def test_revert_to_snapshot(system: VssSystem) -> None:
    """§3.6: only persistent copies; a second revert of the volume is in progress already;
    QueryRevertStatus ends finished; unknown volume is VSS_E_OBJECT_NOT_FOUND."""
    make_writer(system)
    with system.CreateVssBackupComponents() as bc:
        drive_to(bc, P.BACKUP_COMPLETED)
        (auto,) = system.shadow_copies()
        with pytest.raises(VssError) as temporary:
            bc.RevertToSnapshot(auto.snapshot_id, True)
        assert temporary.value.hresult == VSS_E_UNSUPPORTED_CONTEXT == 0x8004231B
    copy = _copy(system, VSS_CTX_NAS_ROLLBACK)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.RevertToSnapshot(copy, True)
        with pytest.raises(VssError) as again:
            bc.RevertToSnapshot(copy, True)
        assert again.value.hresult == VSS_E_REVERT_IN_PROGRESS == 0x80042325
        op = bc.QueryRevertStatus("C:\\")
        assert settle(op) == VSS_S_ASYNC_FINISHED
        with pytest.raises(VssError) as no_slash:
            bc.QueryRevertStatus("C:")
        assert no_slash.value.hresult == VSS_E_OBJECT_NOT_FOUND


def test_root_and_logical_prefix_paths(system: VssSystem) -> None:
    d = system.add_volume("D:\\")
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        assert bc.GetRootAndLogicalPrefixPaths("D:\\Data\\file.txt") == ("D:\\", d.guid_path)
        assert bc.GetRootAndLogicalPrefixPaths("\\\\srv\\share\\dir\\f") == (
            "\\\\srv\\share\\",
            "\\\\srv\\share\\",
        )


def test_fast_recovery_is_reserved(system: VssSystem) -> None:
    """§3.6: PreFastRecovery / FastRecovery are reserved for future use ([INF] E_NOTIMPL)."""
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        for method in (bc.PreFastRecovery, bc.FastRecovery):
            with pytest.raises(VssError) as refused:
                method(GUID_NULL)
            assert refused.value.hresult == E_NOTIMPL == 0x80004001


# ---------------------------------------------------------------------------------------------
# Hardware copies: break, import, recover (§3.6)
# ---------------------------------------------------------------------------------------------


class Hardware(VssProvider):
    """A hardware provider for E:\\ that resynchronizes LUNs."""

    provider_id = uuid.UUID("44444444-4444-4444-8444-444444444444")
    provider_name = "Test hardware provider"
    provider_type = VSS_PROV_HARDWARE

    def __init__(self) -> None:
        self.resynced: list[tuple[uuid.UUID, str]] = []

    def IsVolumeSupported(self, volume: str) -> bool:
        return volume.upper() == "E:\\"

    def ResyncLuns(self, snapshot_id: uuid.UUID, destination: str) -> None:
        self.resynced.append((snapshot_id, destination))


def test_break_snapshot_set(system: VssSystem) -> None:
    """§3.6: only a hardware provider's set can be broken (software: VSS_E_PROVIDER_VETO)."""
    system.add_volume("E:\\")
    system.register_provider(Hardware())
    software = _copy(system, VSS_CTX_NAS_ROLLBACK, "C:\\")
    hardware = _copy(system, VSS_CTX_NAS_ROLLBACK, "E:\\")
    sets = {s.snapshot_id: s.snapshot_set_id for s in system.shadow_copies()}
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        with pytest.raises(VssError) as veto:
            bc.BreakSnapshotSet(sets[software])
        assert veto.value.hresult == VSS_E_PROVIDER_VETO
        assert settle(bc.BreakSnapshotSetEx(sets[hardware], 0)) == VSS_S_ASYNC_FINISHED
        with pytest.raises(VssError) as gone:
            bc.BreakSnapshotSet(sets[hardware])
        assert gone.value.hresult == VSS_E_OBJECT_NOT_FOUND
    assert [s.snapshot_id for s in system.shadow_copies()] == [software]


def test_import_snapshots(system: VssSystem) -> None:
    """§3.6: ImportSnapshots needs the saved BCD of a transportable set (VSS_E_BAD_STATE
    without); the hardware provider's copies are then marked imported."""
    system.add_volume("E:\\")
    system.register_provider(Hardware())
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        with pytest.raises(VssBadState):
            bc.ImportSnapshots()
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(VSS_CTX_NAS_ROLLBACK | VSS_VOLSNAP_ATTR_TRANSPORTABLE)
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("E:\\")
        bc.DoSnapshotSet().Wait()
        xml = bc.SaveAsXML()
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup(xml)
        assert settle(bc.ImportSnapshots()) == VSS_S_ASYNC_FINISHED
    (copy,) = system.shadow_copies()
    assert copy.attributes & VSS_VOLSNAP_ATTR_IMPORTED
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup(backup_xml(system))
        assert settle(bc.ImportSnapshots()) == VSS_E_NO_SNAPSHOTS_IMPORTED


def test_recover_set(system: VssSystem) -> None:
    """§3.6: RecoverSet needs a copy in the recovery set (VSS_E_BAD_STATE), a hardware copy
    for AddSnapshotToRecoverySet, and resynchronizes through the provider."""
    system.add_volume("E:\\")
    hardware = Hardware()
    system.register_provider(hardware)
    software = _copy(system, VSS_CTX_NAS_ROLLBACK, "C:\\")
    copy = _copy(system, VSS_CTX_NAS_ROLLBACK, "E:\\")
    make_writer(system)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForRestore(backup_xml(system))
        with pytest.raises(VssBadState):
            bc.RecoverSet(0)
        with pytest.raises(VssBadState):
            bc.AddSnapshotToRecoverySet(software)
        bc.AddSnapshotToRecoverySet(copy)
        assert settle(bc.RecoverSet(0)) == VSS_S_ASYNC_FINISHED
    assert hardware.resynced == [(copy, "E:\\")]


def test_move_to_another_instance_needs_the_writer_schema(system: VssSystem) -> None:
    """§3.6: moving a component to another instance needs VSS_BS_WRITER_SUPPORTS_RESTORE_WITH_MOVE."""

    class Mover(Recorder):
        def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
            super().OnIdentify(metadata)
            metadata.SetBackupSchema(VSS_BS_WRITER_SUPPORTS_RESTORE_WITH_MOVE)
            return True

    first = make_writer(system, "Multi", cls=Mover, writer_instance_name="one")
    second = make_writer(
        system, "Multi", cls=Mover, writer_id=first._vss.writer_id, writer_instance_name="two"
    )
    xml = _backup_one_instance(system, first)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForRestore(xml)
        bc.GatherWriterMetadata().Wait()
        bc.SetSelectedForRestoreEx(
            first._vss.writer_id, CT, None, "Files", True, instance_id(second)
        )
        bc.PreRestore().Wait()
    assert first.restored is None
    assert second.restored == ["Files"]
