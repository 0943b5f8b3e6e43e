"""The requester's call order, with expected results written from the documentation.

Every expected value below is literal data copied from docs/reference.md
(§3.1 object rules, §3.2 backup call order, §3.3 restore call order, §3.5 ordering errors,
§4.5 writerless contexts), never read from the model's tables. Each row is checked twice:

* behaviour: a fresh IVssBackupComponents is driven to the phase with the documented calls
  (``tests.helpers.drive_to``), the call is made with valid arguments, and it is accepted (the object
  moves to the documented phase) or refused with VssBadState / VSS_E_BAD_STATE (phase unchanged);
* the table: the documented row is present in BACKUP_ORDER with the documented next phase, or
  absent for a documented refusal.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from simulator import (
    GUID_NULL,
    VSS_BT_FULL,
    VSS_CT_FILEGROUP,
    VSS_CTX_ALL,
    VSS_CTX_BACKUP,
    VSS_CTX_FILE_SHARE_BACKUP,
    VSS_CTX_NAS_ROLLBACK,
    VSS_E_BAD_STATE,
    VSS_E_OBJECT_ALREADY_EXISTS,
    VSS_E_OBJECT_NOT_FOUND,
    VSS_RS_ALL,
    VSS_RTYPE_BY_COPY,
    VSS_S_ASYNC_CANCELLED,
    VSS_S_ASYNC_FINISHED,
    VSS_S_ASYNC_PENDING,
    VSS_WS_STABLE,
    Call,
    IVssAsync,
    IVssBackupComponents,
    IVssCreateWriterMetadata,
    Phase,
    VssBadState,
    VssError,
    VssObjectAlreadyExists,
    VssObjectNotFound,
    VssSystem,
    WriterEvent,
    current_system,
)

# -- private and table names used here -----------------------------------------------------------
from simulator.rules import (
    BACKUP_ORDER,
    CALL_REQUIREMENTS,
    CALLS_WHILE_PENDING,
    WRITERLESS_ORDER,
    Requirement,
)

# -- test helpers used here ---------------------------------------------------------------------
from tests.helpers import QuietWriter, backup_xml, drive_to, instance_id, make_writer, writer_status

SPARE = "Spare"
WRITER_ID = uuid.UUID("1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d")


class TwoComponentWriter(QuietWriter):
    """QuietWriter ("Files") plus a second selectable component "Spare" that ``drive_to`` leaves
    out, so AddComponent has a valid component to add in any phase."""

    def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
        super().OnIdentify(metadata)
        metadata.AddComponent(VSS_CT_FILEGROUP, None, SPARE, SPARE, None, 0, False, False, True)
        metadata.AddFilesToFileGroup(None, SPARE, "C:\\Spare", "*", False, None)
        return True


class Subject:
    """A machine with C:\\ and D:\\, one writer, and an object to drive."""

    def __init__(self, system: VssSystem) -> None:
        system.add_volume("D:\\")
        self.system = system
        self.writer = make_writer(
            system, "Documented Writer", cls=TwoComponentWriter, writer_id=WRITER_ID
        )
        self.writer_id = WRITER_ID
        self.instance = instance_id(self.writer)
        self.xml = "<BACKUP_COMPONENTS/>"
        self.bc: IVssBackupComponents = system.CreateVssBackupComponents()

    def files(self, name: str = "Files") -> tuple[Any, ...]:
        return (self.writer_id, VSS_CT_FILEGROUP, None, name)

    def first_copy(self) -> uuid.UUID:
        return self.system.shadow_copies()[0].snapshot_id


#: COM name -> valid arguments for that call on the subject.
ARGS: dict[str, Callable[[Subject], tuple[Any, ...]]] = {
    "InitializeForBackup": lambda s: (),
    "InitializeForRestore": lambda s: (s.xml,),
    "SetContext": lambda s: (VSS_CTX_BACKUP,),
    "SetBackupState": lambda s: (True, False, VSS_BT_FULL),
    "SetRestoreState": lambda s: (VSS_RTYPE_BY_COPY,),
    "GatherWriterMetadata": lambda s: (),
    "AddComponent": lambda s: (s.instance, *s.files(SPARE)),
    "SetBackupOptions": lambda s: (*s.files(), "options"),
    "SetPreviousBackupStamp": lambda s: (*s.files(), "stamp-1"),
    "StartSnapshotSet": lambda s: (),
    "IsVolumeSupported": lambda s: (GUID_NULL, "C:\\"),
    "AddToSnapshotSet": lambda s: ("D:\\", GUID_NULL),
    "PrepareForBackup": lambda s: (),
    "DoSnapshotSet": lambda s: (),
    "GetSnapshotProperties": lambda s: (s.first_copy(),),
    "SetBackupSucceeded": lambda s: (s.instance, *s.files(), True),
    "BackupComplete": lambda s: (),
    "AbortBackup": lambda s: (),
    "GatherWriterStatus": lambda s: (),
    "GetWriterComponentsCount": lambda s: (),
    "SetSelectedForRestore": lambda s: (*s.files(), True),
    "PreRestore": lambda s: (),
    "SetFileRestoreStatus": lambda s: (*s.files(), VSS_RS_ALL),
    "PostRestore": lambda s: (),
    "SaveAsXML": lambda s: (),
    "GetSessionId": lambda s: (),
    "Release": lambda s: (),
}

# ---------------------------------------------------------------------------------------------
# Documented rows: (phase the object stands in, call, phase after it)
# ---------------------------------------------------------------------------------------------

ACCEPTED: list[tuple[str, str, str]] = [
    # §3.2 row 1: InitializeForBackup must come first.
    ("CREATED", "InitializeForBackup", "BACKUP_INITIALIZED"),
    # §3.3 row 1: a restore starts with InitializeForRestore(saved BCD).
    ("CREATED", "InitializeForRestore", "RESTORE_INITIALIZED"),
    # §3.2 row 2: SetContext (optional), at most once, before most other calls.
    ("BACKUP_INITIALIZED", "SetContext", "CONTEXT_SET"),
    # §3.2 row 3: SetBackupState must precede PrepareForBackup.
    ("BACKUP_INITIALIZED", "SetBackupState", "BACKUP_INITIALIZED"),
    ("CONTEXT_SET", "SetBackupState", "CONTEXT_SET"),
    ("METADATA_GATHERED", "SetBackupState", "METADATA_GATHERED"),
    ("SNAPSHOT_SET_STARTED", "SetBackupState", "SNAPSHOT_SET_STARTED"),
    # §3.2 row 5: GatherWriterMetadata, after initialization (and SetContext).
    ("BACKUP_INITIALIZED", "GatherWriterMetadata", "METADATA_GATHERED"),
    ("CONTEXT_SET", "GatherWriterMetadata", "METADATA_GATHERED"),
    # §3.2 row 7: AddComponent after GatherWriterMetadata, "before StartSnapshotSet".
    ("METADATA_GATHERED", "AddComponent", "METADATA_GATHERED"),
    # §3.2 row 11: SetBackupOptions, SetPreviousBackupStamp before PrepareForBackup.
    ("METADATA_GATHERED", "SetBackupOptions", "METADATA_GATHERED"),
    ("METADATA_GATHERED", "SetPreviousBackupStamp", "METADATA_GATHERED"),
    ("SNAPSHOT_SET_STARTED", "SetBackupOptions", "SNAPSHOT_SET_STARTED"),
    # §3.2 row 8: StartSnapshotSet after the writers are known (§4.1 step 4).
    ("METADATA_GATHERED", "StartSnapshotSet", "SNAPSHOT_SET_STARTED"),
    # §3.2 row 9: IsVolumeSupported (optional) while the set is built.
    ("SNAPSHOT_SET_STARTED", "IsVolumeSupported", "SNAPSHOT_SET_STARTED"),
    # §3.2 row 10: AddToSnapshotSet, one call per volume, after StartSnapshotSet.
    ("SNAPSHOT_SET_STARTED", "AddToSnapshotSet", "SNAPSHOT_SET_STARTED"),
    # §9 / §3.2 row 14: "the set is frozen at DoSnapshotSet", so still open after PrepareForBackup.
    ("PREPARED_FOR_BACKUP", "AddToSnapshotSet", "PREPARED_FOR_BACKUP"),
    # §3.2 row 12: PrepareForBackup requires SetBackupState and StartSnapshotSet first.
    ("SNAPSHOT_SET_STARTED", "PrepareForBackup", "PREPARED_FOR_BACKUP"),
    # §3.2 row 13: GatherWriterStatus recommended after PrepareForBackup, DoSnapshotSet,
    # BackupComplete, PreRestore, PostRestore.
    ("PREPARED_FOR_BACKUP", "GatherWriterStatus", "PREPARED_FOR_BACKUP"),
    ("SNAPSHOT_SET_CREATED", "GatherWriterStatus", "SNAPSHOT_SET_CREATED"),
    ("BACKUP_COMPLETED", "GatherWriterStatus", "BACKUP_COMPLETED"),
    ("PRE_RESTORED", "GatherWriterStatus", "PRE_RESTORED"),
    ("POST_RESTORED", "GatherWriterStatus", "POST_RESTORED"),
    # §3.2 row 14: DoSnapshotSet after PrepareForBackup.
    ("PREPARED_FOR_BACKUP", "DoSnapshotSet", "SNAPSHOT_SET_CREATED"),
    # §3.2 row 15: GetSnapshotProperties once the copies exist.
    ("SNAPSHOT_SET_CREATED", "GetSnapshotProperties", "SNAPSHOT_SET_CREATED"),
    # §3.2 row 16: SetBackupSucceeded for every component before BackupComplete.
    ("SNAPSHOT_SET_CREATED", "SetBackupSucceeded", "SNAPSHOT_SET_CREATED"),
    # §3.2 row 18: SaveAsXML only after DoSnapshotSet finishes.
    ("SNAPSHOT_SET_CREATED", "SaveAsXML", "SNAPSHOT_SET_CREATED"),
    # §3.2 row 17: BackupComplete after a successful DoSnapshotSet.
    ("SNAPSHOT_SET_CREATED", "BackupComplete", "BACKUP_COMPLETED"),
    # §3.1 early termination / row x: AbortBackup from StartSnapshotSet until DoSnapshotSet
    # returns, and whenever DoSnapshotSet reports failure.
    ("SNAPSHOT_SET_STARTED", "AbortBackup", "BACKUP_ABORTED"),
    ("PREPARED_FOR_BACKUP", "AbortBackup", "BACKUP_ABORTED"),
    ("SNAPSHOT_SET_FAILED", "AbortBackup", "BACKUP_ABORTED"),
    # §3.2 row x: AbortBackup is ignored when nothing is under way.
    ("BACKUP_INITIALIZED", "AbortBackup", "BACKUP_INITIALIZED"),
    ("METADATA_GATHERED", "AbortBackup", "METADATA_GATHERED"),
    # §3.1: before PrepareForBackup the requester may simply Release; after AbortBackup, and at
    # the end of a backup (§3.2 row 20, §4.1 step 13), Release.
    ("BACKUP_INITIALIZED", "Release", "RELEASED"),
    ("METADATA_GATHERED", "Release", "RELEASED"),
    ("BACKUP_ABORTED", "Release", "RELEASED"),
    ("BACKUP_COMPLETED", "Release", "RELEASED"),
    # §8: the requester's session id exists from InitializeForBackup on ([INF] "When available").
    ("BACKUP_INITIALIZED", "GetSessionId", "BACKUP_INITIALIZED"),
    # §3.3 row 3: SetRestoreState any time before PreRestore.
    ("RESTORE_INITIALIZED", "SetRestoreState", "RESTORE_INITIALIZED"),
    ("RESTORE_METADATA_GATHERED", "SetRestoreState", "RESTORE_METADATA_GATHERED"),
    # §3.3 row 4: GatherWriterMetadata is required in a restore.
    ("RESTORE_INITIALIZED", "GatherWriterMetadata", "RESTORE_METADATA_GATHERED"),
    # §3.3 row 5 / §4.4 step 3: GetWriterComponents after GatherWriterMetadata.
    ("RESTORE_METADATA_GATHERED", "GetWriterComponentsCount", "RESTORE_METADATA_GATHERED"),
    # §3.3 row 6: SetSelectedForRestore before PreRestore.
    ("RESTORE_METADATA_GATHERED", "SetSelectedForRestore", "RESTORE_METADATA_GATHERED"),
    # §3.3 row 7: PreRestore.
    ("RESTORE_METADATA_GATHERED", "PreRestore", "PRE_RESTORED"),
    # §3.3 row 9: GetWriterComponents again and SetFileRestoreStatus before PostRestore.
    ("PRE_RESTORED", "GetWriterComponentsCount", "PRE_RESTORED"),
    ("PRE_RESTORED", "SetFileRestoreStatus", "PRE_RESTORED"),
    # §3.3 row 10: PostRestore.
    ("PRE_RESTORED", "PostRestore", "POST_RESTORED"),
    # §3.3 row 11: GatherWriterStatus, then Release.
    ("POST_RESTORED", "Release", "RELEASED"),
]

REFUSED: list[tuple[str, str]] = [
    # §3.5: any IVssBackupComponents method when the object is not initialized; §3.2 row x:
    # AbortBackup returns VSS_E_BAD_STATE when the object is not initialized.
    ("CREATED", "SetContext"),
    ("CREATED", "SetBackupState"),
    ("CREATED", "GatherWriterMetadata"),
    ("CREATED", "StartSnapshotSet"),
    ("CREATED", "AddToSnapshotSet"),
    ("CREATED", "PrepareForBackup"),
    ("CREATED", "DoSnapshotSet"),
    ("CREATED", "BackupComplete"),
    ("CREATED", "GatherWriterStatus"),
    ("CREATED", "AbortBackup"),
    ("CREATED", "PreRestore"),
    ("CREATED", "PostRestore"),
    # §3.1: single use: one instance serves exactly one backup or one restore.
    ("BACKUP_INITIALIZED", "InitializeForBackup"),
    ("BACKUP_INITIALIZED", "InitializeForRestore"),
    ("RESTORE_INITIALIZED", "InitializeForBackup"),
    ("RELEASED", "InitializeForBackup"),
    ("RELEASED", "GatherWriterMetadata"),
    ("RELEASED", "StartSnapshotSet"),
    # §3.2 row 2 and §3.5 [INF] policy: SetContext at most once, before the other calls.
    ("CONTEXT_SET", "SetContext"),
    ("METADATA_GATHERED", "SetContext"),
    ("SNAPSHOT_SET_STARTED", "SetContext"),
    # §3.2 row 5 and §3.5 policy: GatherWriterMetadata only once per object.
    ("METADATA_GATHERED", "GatherWriterMetadata"),
    # §3.5: out of sequence: AddToSnapshotSet before StartSnapshotSet.
    ("BACKUP_INITIALIZED", "AddToSnapshotSet"),
    ("METADATA_GATHERED", "AddToSnapshotSet"),
    # §3.5 policy: StartSnapshotSet twice on one object.
    ("SNAPSHOT_SET_STARTED", "StartSnapshotSet"),
    ("PREPARED_FOR_BACKUP", "StartSnapshotSet"),
    # §3.2 row 12: PrepareForBackup requires StartSnapshotSet first.
    ("BACKUP_INITIALIZED", "PrepareForBackup"),
    ("METADATA_GATHERED", "PrepareForBackup"),
    # §3.5: DoSnapshotSet when StartSnapshotSet was not called.
    ("BACKUP_INITIALIZED", "DoSnapshotSet"),
    ("METADATA_GATHERED", "DoSnapshotSet"),
    # §3.2 row 3: SetBackupState must precede PrepareForBackup; row 11: SetBackupOptions too.
    ("PREPARED_FOR_BACKUP", "SetBackupState"),
    ("PREPARED_FOR_BACKUP", "SetBackupOptions"),
    ("SNAPSHOT_SET_CREATED", "SetBackupOptions"),
    # §3.2 row 7: AddComponent must come before DoSnapshotSet.
    ("SNAPSHOT_SET_CREATED", "AddComponent"),
    # §3.5 policy: AddToSnapshotSet after DoSnapshotSet; §9 the set is frozen at DoSnapshotSet.
    ("SNAPSHOT_SET_CREATED", "AddToSnapshotSet"),
    ("SNAPSHOT_SET_FAILED", "AddToSnapshotSet"),
    # §3.1 single use: one set per object, DoSnapshotSet once.
    ("SNAPSHOT_SET_CREATED", "DoSnapshotSet"),
    # §3.5 out of sequence: BackupComplete before DoSnapshotSet.
    ("METADATA_GATHERED", "BackupComplete"),
    ("SNAPSHOT_SET_STARTED", "BackupComplete"),
    ("PREPARED_FOR_BACKUP", "BackupComplete"),
    # §3.2 row 17: do not call BackupComplete if DoSnapshotSet failed.
    ("SNAPSHOT_SET_FAILED", "BackupComplete"),
    # §3.2 row 16: SetBackupSucceeded before BackupComplete.
    ("BACKUP_COMPLETED", "SetBackupSucceeded"),
    # §3.5: backup-only methods called during a restore.
    ("RESTORE_INITIALIZED", "SetContext"),
    ("RESTORE_INITIALIZED", "StartSnapshotSet"),
    ("RESTORE_METADATA_GATHERED", "SetBackupState"),
    ("RESTORE_METADATA_GATHERED", "AddComponent"),
    ("RESTORE_METADATA_GATHERED", "StartSnapshotSet"),
    ("RESTORE_METADATA_GATHERED", "AddToSnapshotSet"),
    ("RESTORE_METADATA_GATHERED", "PrepareForBackup"),
    ("PRE_RESTORED", "BackupComplete"),
    ("PRE_RESTORED", "DoSnapshotSet"),
    # §3.3: aborts are not supported for restore operations.
    ("RESTORE_METADATA_GATHERED", "AbortBackup"),
    ("PRE_RESTORED", "AbortBackup"),
    # §3.3 row 4: GatherWriterMetadata is required before PreRestore.
    ("RESTORE_INITIALIZED", "PreRestore"),
    # §3.5 out of sequence: PostRestore before PreRestore.
    ("RESTORE_METADATA_GATHERED", "PostRestore"),
    # §3.3 rows 3 and 6: SetRestoreState / SetSelectedForRestore before PreRestore.
    ("PRE_RESTORED", "SetRestoreState"),
    ("PRE_RESTORED", "SetSelectedForRestore"),
]

#: §3.5 says SetBackupState is refused during a restore; the model takes it right after
#: InitializeForRestore (VShadow calls it there, per docs/field-failures.md §A.6).
REFUSED_DISAGREEING: list[tuple[str, str]] = [
    ("RESTORE_INITIALIZED", "SetBackupState"),
]


def _drive(system: VssSystem, phase_name: str, call: str) -> tuple[Subject, Phase]:
    s = Subject(system)
    if call == "InitializeForRestore" and phase_name == "CREATED":
        s.xml = backup_xml(system, exclude={SPARE})
    phase = Phase[phase_name]
    drive_to(s.bc, phase, exclude={SPARE})
    return s, phase


@pytest.mark.parametrize(
    ("phase_name", "call", "then"), [pytest.param(*row, id="-".join(row)) for row in ACCEPTED]
)
def test_documented_call_is_accepted(
    system: VssSystem, phase_name: str, call: str, then: str
) -> None:
    s, _ = _drive(system, phase_name, call)
    result = getattr(s.bc, call)(*ARGS[call](s))
    if isinstance(result, IVssAsync):
        result.Wait()
        assert result.QueryStatus() == VSS_S_ASYNC_FINISHED
    assert s.bc.phase is Phase[then]


@pytest.mark.parametrize(
    ("phase_name", "call", "then"), [pytest.param(*row, id="-".join(row)) for row in ACCEPTED]
)
def test_documented_row_is_in_the_table(phase_name: str, call: str, then: str) -> None:
    move = BACKUP_ORDER.get((Phase[phase_name], Call(call)))
    assert move is not None, f"BACKUP_ORDER lacks the documented row {phase_name} × {call}"
    assert move.next_phase is Phase[then]


def _check_refused(system: VssSystem, phase_name: str, call: str) -> None:
    s, phase = _drive(system, phase_name, call)
    with pytest.raises(VssBadState) as refused:
        getattr(s.bc, call)(*ARGS[call](s))
    assert refused.value.hresult == VSS_E_BAD_STATE == 0x80042301
    assert s.bc.phase is phase


@pytest.mark.parametrize(
    ("phase_name", "call"), [pytest.param(*row, id="-".join(row)) for row in REFUSED]
)
def test_documented_refusal(system: VssSystem, phase_name: str, call: str) -> None:
    _check_refused(system, phase_name, call)


@pytest.mark.parametrize(
    ("phase_name", "call"), [pytest.param(*row, id="-".join(row)) for row in REFUSED]
)
def test_documented_refusal_has_no_row(phase_name: str, call: str) -> None:
    assert (Phase[phase_name], Call(call)) not in BACKUP_ORDER


@pytest.mark.xfail(
    strict=True,
    reason="docs/reference.md §3.5 lists SetBackupState among the backup-only methods refused during a "
    "restore; the model takes it after InitializeForRestore (docs/field-failures.md §A.6, VShadow)",
)
@pytest.mark.parametrize(
    ("phase_name", "call"), [pytest.param(*row, id="-".join(row)) for row in REFUSED_DISAGREEING]
)
def test_documented_refusal_model_disagrees(system: VssSystem, phase_name: str, call: str) -> None:
    _check_refused(system, phase_name, call)


# ---------------------------------------------------------------------------------------------
# Refusals that need a particular history
# ---------------------------------------------------------------------------------------------


def test_prepare_for_backup_without_set_backup_state_is_refused(system: VssSystem) -> None:
    """§3.2 row 3 / row 12: SetBackupState must precede PrepareForBackup."""
    make_writer(system)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.GatherWriterMetadata().Wait()
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        with pytest.raises(VssBadState) as refused:
            bc.PrepareForBackup()
        assert refused.value.hresult == VSS_E_BAD_STATE
        assert bc.phase is Phase.SNAPSHOT_SET_STARTED
        bc.SetBackupState(False, False, VSS_BT_FULL)
        bc.PrepareForBackup().Wait()
        assert bc.phase is Phase.PREPARED_FOR_BACKUP


def test_call_needs_has_the_documented_row() -> None:
    # §3.2 row 3: SetBackupState "Must precede PrepareForBackup".
    needs = CALL_REQUIREMENTS[Call("PrepareForBackup")]
    assert [need.requirement for need in needs] == [Requirement.BACKUP_STATE_SET]


class FreezeVeto(QuietWriter):
    def on_event(self, event: WriterEvent, arg: Any) -> bool:
        return event is not WriterEvent.FREEZE


def test_backup_complete_after_a_failed_do_snapshot_set_is_refused(system: VssSystem) -> None:
    """§3.2 row 17: "Do not call if DoSnapshotSet failed"; row x: AbortBackup instead."""
    writer = make_writer(system, "Veto Writer", cls=FreezeVeto)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(False, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        op = bc.DoSnapshotSet()
        with pytest.raises(VssError):  # which code is not documented (docs/reference.md gaps, 5)
            op.Wait()
        assert op.QueryStatus() not in (VSS_S_ASYNC_FINISHED, VSS_S_ASYNC_PENDING)
        with pytest.raises(VssBadState) as refused:
            bc.BackupComplete()
        assert refused.value.hresult == VSS_E_BAD_STATE
        bc.AbortBackup()
        assert bc.phase is Phase.BACKUP_ABORTED
    assert "OnBackupComplete" not in system.events(writer)


def test_start_snapshot_set_with_ctx_all_is_refused(system: VssSystem) -> None:
    """§3.2 row 8 and §7.6: StartSnapshotSet is not valid with VSS_CTX_ALL."""
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(VSS_CTX_ALL)
        bc.SetBackupState(False, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        with pytest.raises(VssBadState) as refused:
            bc.StartSnapshotSet()
        assert refused.value.hresult == VSS_E_BAD_STATE


def _started(system: VssSystem, bc: IVssBackupComponents) -> None:
    bc.InitializeForBackup()
    bc.SetBackupState(False, False, VSS_BT_FULL)
    bc.GatherWriterMetadata().Wait()
    bc.StartSnapshotSet()


def test_same_volume_twice_is_object_already_exists(system: VssSystem) -> None:
    """§3.5 [INF] policy: the same volume added twice → VSS_E_OBJECT_ALREADY_EXISTS."""
    with system.CreateVssBackupComponents() as bc:
        _started(system, bc)
        bc.AddToSnapshotSet("C:\\")
        with pytest.raises(VssObjectAlreadyExists) as refused:
            bc.AddToSnapshotSet("C:\\")
        assert refused.value.hresult == VSS_E_OBJECT_ALREADY_EXISTS == 0x8004230D


def test_unknown_volume_is_object_not_found(system: VssSystem) -> None:
    """§3.2 row 10: VSS_E_OBJECT_NOT_FOUND (no such volume)."""
    with system.CreateVssBackupComponents() as bc:
        _started(system, bc)
        with pytest.raises(VssObjectNotFound) as refused:
            bc.AddToSnapshotSet("Q:\\")
        assert refused.value.hresult == VSS_E_OBJECT_NOT_FOUND == 0x80042308


def test_duplicate_add_component_is_object_already_exists(system: VssSystem) -> None:
    """§3.2 row 7: a duplicate (logical path, name) is rejected: VSS_E_OBJECT_ALREADY_EXISTS."""
    writer = make_writer(system, writer_id=WRITER_ID)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(True, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        args = (instance_id(writer), WRITER_ID, VSS_CT_FILEGROUP, None, "Files")
        bc.AddComponent(*args)
        with pytest.raises(VssObjectAlreadyExists) as refused:
            bc.AddComponent(*args)
        assert refused.value.hresult == VSS_E_OBJECT_ALREADY_EXISTS


def test_get_writer_status_needs_a_completed_gather(system: VssSystem) -> None:
    """§3.2 row 13: GetWriterStatus requires a completed GatherWriterStatus."""
    writer = make_writer(system)
    with system.CreateVssBackupComponents() as bc:
        drive_to(bc, Phase.PREPARED_FOR_BACKUP)
        with pytest.raises(VssBadState) as refused:
            bc.GetWriterStatus(0)
        assert refused.value.hresult == VSS_E_BAD_STATE
        status = writer_status(bc, writer)
        assert status is not None
        assert status.state is VSS_WS_STABLE


# ---------------------------------------------------------------------------------------------
# While DoSnapshotSet runs (§3.1 early termination, §3.4 IVssAsync)
# ---------------------------------------------------------------------------------------------


class SlowPrepare(QuietWriter):
    def on_event(self, event: WriterEvent, arg: Any) -> bool:
        if event is WriterEvent.PREPARE_SNAPSHOT:
            current_system().sleep(5)
        return True


def _pending_do_snapshot_set(system: VssSystem, bc: IVssBackupComponents) -> IVssAsync:
    drive_to(bc, Phase.PREPARED_FOR_BACKUP)
    op = bc.DoSnapshotSet()
    op.Wait(1000)  # 1 s of the writer's 5 s: still running
    assert op.QueryStatus() == VSS_S_ASYNC_PENDING == 0x00042309
    return op


def test_abort_backup_is_taken_while_do_snapshot_set_runs(system: VssSystem) -> None:
    """§3.1: once StartSnapshotSet has run, up to DoSnapshotSet's return, a requester that stops
    must call AbortBackup; the writer that joined gets OnAbort (§4.2 trigger 1)."""
    writer = make_writer(system, "Slow Writer", cls=SlowPrepare)
    with system.CreateVssBackupComponents() as bc:
        op = _pending_do_snapshot_set(system, bc)
        bc.AbortBackup()
        assert bc.phase is Phase.BACKUP_ABORTED
        assert op.QueryStatus() == VSS_S_ASYNC_CANCELLED == 0x0004230B
    assert system.events(writer)[-2:] == ["OnAbort", "OnBackupShutdown"]
    assert "OnFreeze" not in system.events(writer)


def test_calls_while_pending_has_the_documented_row() -> None:
    # §3.1 early termination: AbortBackup is the call for a backup stopped mid-DoSnapshotSet.
    assert Call("AbortBackup") in CALLS_WHILE_PENDING


def test_backup_complete_while_do_snapshot_set_runs_is_refused(system: VssSystem) -> None:
    """§3.2 row 17: BackupComplete only after DoSnapshotSet succeeded, which is not yet known."""
    make_writer(system, "Slow Writer", cls=SlowPrepare)
    with system.CreateVssBackupComponents() as bc:
        op = _pending_do_snapshot_set(system, bc)
        with pytest.raises(VssBadState) as refused:
            bc.BackupComplete()
        assert refused.value.hresult == VSS_E_BAD_STATE
        op.Wait()
        assert bc.phase is Phase.SNAPSHOT_SET_CREATED


# ---------------------------------------------------------------------------------------------
# Writerless contexts (§3.5, §4.5)
# ---------------------------------------------------------------------------------------------

WRITERLESS_CONTEXTS = [
    pytest.param(VSS_CTX_FILE_SHARE_BACKUP, id="VSS_CTX_FILE_SHARE_BACKUP"),
    pytest.param(VSS_CTX_NAS_ROLLBACK, id="VSS_CTX_NAS_ROLLBACK"),
]

#: §3.5 / §4.5: in a writerless context GatherWriterMetadata is optional, so StartSnapshotSet
#: follows SetContext; PrepareForBackup is refused, so DoSnapshotSet follows StartSnapshotSet.
WRITERLESS_ACCEPTED: list[tuple[str, str, str]] = [
    ("CONTEXT_SET", "StartSnapshotSet", "SNAPSHOT_SET_STARTED"),
    ("SNAPSHOT_SET_STARTED", "DoSnapshotSet", "SNAPSHOT_SET_CREATED"),
]
#: §3.5: AddComponent, PrepareForBackup and BackupComplete "return an error" ([INF] BAD_STATE).
WRITERLESS_REFUSED: list[tuple[str, str]] = [
    ("METADATA_GATHERED", "AddComponent"),
    ("SNAPSHOT_SET_STARTED", "PrepareForBackup"),
    ("SNAPSHOT_SET_CREATED", "BackupComplete"),
]


@pytest.mark.parametrize("context", WRITERLESS_CONTEXTS)
def test_writerless_backup_has_no_writer_calls_and_no_creation_events(
    system: VssSystem, context: int
) -> None:
    writer = make_writer(system)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(context)
        assert bc.phase is Phase.CONTEXT_SET
        bc.StartSnapshotSet()  # no GatherWriterMetadata: optional here
        assert bc.phase is Phase.SNAPSHOT_SET_STARTED
        bc.AddToSnapshotSet("C:\\")
        with pytest.raises(VssBadState) as refused:
            bc.PrepareForBackup()
        assert refused.value.hresult == VSS_E_BAD_STATE
        bc.DoSnapshotSet().Wait()
        assert bc.phase is Phase.SNAPSHOT_SET_CREATED
        with pytest.raises(VssBadState):
            bc.BackupComplete()
    # §4.5: no PrepareForSnapshot, Freeze, Thaw or PostSnapshot in a writerless context.
    for handler in ("OnPrepareSnapshot", "OnFreeze", "OnThaw", "OnPostSnapshot"):
        assert handler not in system.events(writer)
    assert len(system.shadow_copies()) == (1 if context == VSS_CTX_NAS_ROLLBACK else 0)


def test_writerless_add_component_is_refused(system: VssSystem) -> None:
    writer = make_writer(system, writer_id=WRITER_ID)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(VSS_CTX_FILE_SHARE_BACKUP)
        bc.SetBackupState(True, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        with pytest.raises(VssBadState) as refused:
            bc.AddComponent(instance_id(writer), WRITER_ID, VSS_CT_FILEGROUP, None, "Files")
        assert refused.value.hresult == VSS_E_BAD_STATE
    assert "OnPrepareBackup" not in system.events(writer)


@pytest.mark.parametrize(
    ("phase_name", "call", "then"),
    [pytest.param(*row, id="-".join(row)) for row in WRITERLESS_ACCEPTED],
)
def test_writerless_table_has_the_documented_row(phase_name: str, call: str, then: str) -> None:
    move = WRITERLESS_ORDER.get((Phase[phase_name], Call(call)))
    assert move is not None
    assert move.next_phase is Phase[then]


@pytest.mark.parametrize(
    ("phase_name", "call"), [pytest.param(*row, id="-".join(row)) for row in WRITERLESS_REFUSED]
)
def test_writerless_table_refuses_the_writer_calls(phase_name: str, call: str) -> None:
    assert (Phase[phase_name], Call(call)) not in WRITERLESS_ORDER


def test_prepare_for_backup_with_no_component_selected(system: VssSystem) -> None:
    """§3.2 row 12: "Call it even when no components were selected"; row 10: "A set may be empty
    when the components name no volumes"."""
    writer = make_writer(system, writer_id=WRITER_ID)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(True, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        bc.StartSnapshotSet()
        bc.PrepareForBackup().Wait()
        assert bc.phase is Phase.PREPARED_FOR_BACKUP
        bc.DoSnapshotSet().Wait()
        assert bc.phase is Phase.SNAPSHOT_SET_CREATED
    # §4.5: no component of the writer was added, so it got no PrepareForBackup.
    assert "OnPrepareBackup" not in system.events(writer)
