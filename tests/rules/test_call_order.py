"""The requester's call-order tables, swept row by row (docs/reference.md §3.2, §3.3, §3.5).

For BACKUP_ORDER and WRITERLESS_ORDER every (Phase, Call) pair a real object can stand in is
tried: the object is driven to the phase with the documented calls (``tests.helpers.drive_to``), the
call is made with valid arguments (``CALL_ARGS``), and a row means "accepted, the phase becomes
``Move.next_phase``" while a missing row means VSS_E_BAD_STATE with the phase unchanged.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from simulator import (
    E_INVALIDARG,
    GUID_NULL,
    VSS_BT_FULL,
    VSS_CT_FILEGROUP,
    VSS_CTX_ALL,
    VSS_CTX_BACKUP,
    VSS_CTX_FILE_SHARE_BACKUP,
    VSS_CTX_NAS_ROLLBACK,
    VSS_E_BAD_STATE,
    VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED,
    VSS_E_OBJECT_ALREADY_EXISTS,
    VSS_E_OBJECT_NOT_FOUND,
    VSS_E_UNEXPECTED_WRITER_ERROR,
    VSS_OBJECT_SNAPSHOT,
    VSS_PROV_HARDWARE,
    VSS_RF_ALL,
    VSS_RS_ALL,
    VSS_RTYPE_BY_COPY,
    VSS_S_ASYNC_CANCELLED,
    VSS_S_ASYNC_FINISHED,
    VSS_S_ASYNC_PENDING,
    VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY,
    IVssAsync,
    IVssBackupComponents,
    IVssCreateWriterMetadata,
    VssBadState,
    VssInvalidArg,
    VssMaximumNumberOfVolumesReached,
    VssNotImplemented,
    VssObjectAlreadyExists,
    VssObjectNotFound,
    VssProvider,
    VssSystem,
)
from simulator._rules.call_order import (
    ASYNC_CALLS,
    BACKUP_ORDER,
    CALLS_WHILE_PENDING,
    WRITER_ONLY_CALLS,
    WRITERLESS_ORDER,
)
from simulator._rules.calls import Call, Move, Phase
from tests.helpers import (
    WRITERLESS_UNREACHABLE,
    QuietWriter,
    backup_xml,
    drive_to,
    instance_id,
    make_writer,
    phase_of,
    settle,
)

C = Call
P = Phase
#: The component every sweep writer reports and drive_to includes, and one drive_to leaves out.
FILES = "Files"
SPARE = "Spare"
#: A nonselectable subcomponent of Files that is selectable for restore (AddRestoreSubcomponent).
SUB = "Sub"
LEAVE_OUT = frozenset({SPARE, SUB})
HARDWARE_ID = uuid.UUID("33333333-3333-4333-8333-333333333333")


class SweepHardware(VssProvider):
    """A hardware provider for E:\\ only, whose copies can be broken and resynchronized."""

    provider_id = HARDWARE_ID
    provider_name = "Sweep hardware provider"
    provider_type = VSS_PROV_HARDWARE

    def IsVolumeSupported(self, volume: str) -> bool:
        return volume.upper() == "E:\\"

    def ResyncLuns(self, snapshot_id: uuid.UUID, destination: str) -> None:
        """LUN resynchronization (IVssHardwareSnapshotProviderEx), for RecoverSet."""


class SweepWriter(QuietWriter):
    """QuietWriter plus a second component, ``Spare``, that drive_to leaves out so AddComponent
    has a valid component to include in every phase."""

    def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
        super().OnIdentify(metadata)
        metadata.AddComponent(VSS_CT_FILEGROUP, None, SPARE, SPARE, None, 0, False, False, True)
        metadata.AddFilesToFileGroup(None, SPARE, "C:\\Spare", "*", False, None)
        metadata.AddComponent(VSS_CT_FILEGROUP, FILES, SUB, SUB, None, 0, False, False, False, True)
        return True


class Subject:
    """The object under test and what valid arguments are made of."""

    def __init__(self, system: VssSystem, writer: SweepWriter, writerless: bool) -> None:
        self.system = system
        self.writer = writer
        self.writerless = writerless
        self.order = WRITERLESS_ORDER if writerless else BACKUP_ORDER
        self.writer_id: uuid.UUID = writer._vss.writer_id
        self.instance_id = instance_id(writer)
        #: a persistent shadow copy made before the object, for DeleteSnapshots
        self.spare_copy = GUID_NULL
        #: a saved BCD, for InitializeForRestore
        self.xml = "<not used: the row is missing>"
        #: a persistent copy of E:\\ by the hardware provider, for the hardware calls
        self.hardware_copy = GUID_NULL
        self.hardware_set = GUID_NULL
        self.bc: IVssBackupComponents = system.CreateVssBackupComponents()

    def allows(self, call: Call) -> bool:
        return (self.bc.phase, call) in self.order

    def files(self, name: str = FILES) -> tuple[Any, ...]:
        """(writer id, type, logical path, name) of one of the writer's components."""
        return (self.writer_id, VSS_CT_FILEGROUP, None, name)

    def with_status(self, *args: Any) -> tuple[Any, ...]:
        """GetWriterStatus(Count) needs a completed GatherWriterStatus (docs/reference.md §3.2 row 13)."""
        if self.allows(C.GATHER_WRITER_STATUS):
            self.bc.GatherWriterStatus().Wait()
        return args

    def exposed(self) -> tuple[Any, ...]:
        """UnexposeSnapshot needs an exposed copy: expose the spare one where the phase takes it."""
        if self.allows(C.EXPOSE_SNAPSHOT):
            self.bc.ExposeSnapshot(self.spare_copy, None, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, "X:")
        return (self.spare_copy,)

    def reverted(self) -> tuple[Any, ...]:
        """QueryRevertStatus needs a revert in progress: revert C:\\ to the spare copy."""
        if self.allows(C.REVERT_TO_SNAPSHOT):
            self.bc.RevertToSnapshot(self.spare_copy, True)
        return ("C:\\",)

    def recovery_set(self) -> tuple[Any, ...]:
        """RecoverSet needs a copy in the recovery set."""
        if self.allows(C.ADD_SNAPSHOT_TO_RECOVERY_SET):
            self.bc.AddSnapshotToRecoverySet(self.hardware_copy)
        return ()

    def own_copy(self) -> uuid.UUID:
        copies = self.system.shadow_copies()
        return copies[0].snapshot_id if copies else GUID_NULL


#: Call -> valid arguments for the object under test. Entries may make a preparatory call that the
#: same phase takes (GatherWriterStatus before GetWriterStatus).
CALL_ARGS: dict[Call, Callable[[Subject], tuple[Any, ...]]] = {
    C.INITIALIZE_FOR_BACKUP: lambda s: (),
    C.INITIALIZE_FOR_RESTORE: lambda s: (s.xml,),
    C.SET_CONTEXT: lambda s: (VSS_CTX_FILE_SHARE_BACKUP if s.writerless else VSS_CTX_BACKUP,),
    C.SET_BACKUP_STATE: lambda s: (not s.writerless, False, VSS_BT_FULL),
    C.SET_RESTORE_STATE: lambda s: (VSS_RTYPE_BY_COPY,),
    C.GATHER_WRITER_METADATA: lambda s: (),
    C.GET_WRITER_METADATA_COUNT: lambda s: (),
    C.GET_WRITER_METADATA: lambda s: (0,),
    C.FREE_WRITER_METADATA: lambda s: (),
    C.ADD_COMPONENT: lambda s: (s.instance_id, *s.files(SPARE)),
    C.SET_BACKUP_OPTIONS: lambda s: (*s.files(), "options"),
    C.SET_PREVIOUS_BACKUP_STAMP: lambda s: (*s.files(), "stamp-1"),
    C.START_SNAPSHOT_SET: lambda s: (),
    C.IS_VOLUME_SUPPORTED: lambda s: (GUID_NULL, "C:\\"),
    C.ADD_TO_SNAPSHOT_SET: lambda s: ("D:\\", GUID_NULL),
    C.PREPARE_FOR_BACKUP: lambda s: (),
    C.DO_SNAPSHOT_SET: lambda s: (),
    C.GET_SNAPSHOT_PROPERTIES: lambda s: (s.own_copy(),),
    C.SET_BACKUP_SUCCEEDED: lambda s: (s.instance_id, *s.files(), True),
    C.BACKUP_COMPLETE: lambda s: (),
    C.ABORT_BACKUP: lambda s: (),
    C.GATHER_WRITER_STATUS: lambda s: (),
    C.GET_WRITER_STATUS_COUNT: lambda s: s.with_status(),
    C.GET_WRITER_STATUS: lambda s: s.with_status(0),
    C.FREE_WRITER_STATUS: lambda s: (),
    C.GET_WRITER_COMPONENTS_COUNT: lambda s: (),
    C.GET_WRITER_COMPONENTS: lambda s: (0,),
    C.SET_SELECTED_FOR_RESTORE: lambda s: (*s.files(), True),
    C.PRE_RESTORE: lambda s: (),
    C.SET_FILE_RESTORE_STATUS: lambda s: (*s.files(), VSS_RS_ALL),
    C.POST_RESTORE: lambda s: (),
    C.SAVE_AS_XML: lambda s: (),
    C.DELETE_SNAPSHOTS: lambda s: (s.spare_copy, VSS_OBJECT_SNAPSHOT, False),
    C.QUERY: lambda s: (),
    C.GET_SESSION_ID: lambda s: (),
    C.RELEASE: lambda s: (),
    C.ENABLE_WRITER_CLASSES: lambda s: ([s.writer_id],),
    C.DISABLE_WRITER_CLASSES: lambda s: ([uuid.UUID(int=7)],),
    C.DISABLE_WRITER_INSTANCES: lambda s: ([uuid.UUID(int=8)],),
    C.GET_WRITER_METADATA_EX: lambda s: (0,),
    C.SET_SELECTED_FOR_RESTORE_EX: lambda s: (*s.files(), True),
    C.ADD_RESTORE_SUBCOMPONENT: lambda s: (*s.files(), FILES, SUB, False),
    C.SET_RESTORE_OPTIONS: lambda s: (*s.files(), "options"),
    C.SET_ADDITIONAL_RESTORES: lambda s: (*s.files(), True),
    C.ADD_NEW_TARGET: lambda s: (*s.files(), "C:\\MyFiles", "*", False, "D:\\New"),
    C.ADD_ALTERNATIVE_LOCATION_MAPPING: lambda s: (
        *s.files(),
        "C:\\MyFiles",
        "*",
        False,
        "D:\\Alternative",
    ),
    C.SET_AUTHORITATIVE_RESTORE: lambda s: (*s.files(), True),
    C.SET_ROLL_FORWARD: lambda s: (*s.files(), VSS_RF_ALL),
    C.SET_RESTORE_NAME: lambda s: (*s.files(), "Renamed"),
    C.EXPOSE_SNAPSHOT: lambda s: (s.spare_copy, None, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, "X:"),
    C.UNEXPOSE_SNAPSHOT: lambda s: s.exposed(),
    C.BREAK_SNAPSHOT_SET: lambda s: (s.hardware_set,),
    C.BREAK_SNAPSHOT_SET_EX: lambda s: (s.hardware_set, 0),
    C.IMPORT_SNAPSHOTS: lambda s: (),
    C.REVERT_TO_SNAPSHOT: lambda s: (s.spare_copy, True),
    C.QUERY_REVERT_STATUS: lambda s: s.reverted(),
    C.GET_ROOT_AND_LOGICAL_PREFIX_PATHS: lambda s: ("C:\\MyFiles\\a.txt",),
    C.PRE_FAST_RECOVERY: lambda s: (GUID_NULL,),
    C.FAST_RECOVERY: lambda s: (GUID_NULL,),
    C.ADD_SNAPSHOT_TO_RECOVERY_SET: lambda s: (s.hardware_copy,),
    C.RECOVER_SET: lambda s: s.recovery_set(),
}

#: Calls whose row is taken but whose body always refuses: "reserved for future use" (§3.6).
ALWAYS_NOT_IMPLEMENTED = frozenset({C.PRE_FAST_RECOVERY, C.FAST_RECOVERY})
#: Calls whose row is taken but that need more than drive_to gives: ImportSnapshots needs the
#: object initialized with a saved BCD (CALL_REQUIREMENTS, §3.6).
NEEDS_MORE = frozenset({C.IMPORT_SNAPSHOTS})
#: Calls that need a persistent copy of C: made before the object.
NEEDS_COPY = frozenset(
    {
        C.DELETE_SNAPSHOTS,
        C.EXPOSE_SNAPSHOT,
        C.UNEXPOSE_SNAPSHOT,
        C.REVERT_TO_SNAPSHOT,
        C.QUERY_REVERT_STATUS,
    }
)
#: Calls that need a hardware provider's copy made before the object.
NEEDS_HARDWARE = frozenset(
    {C.BREAK_SNAPSHOT_SET, C.BREAK_SNAPSHOT_SET_EX, C.ADD_SNAPSHOT_TO_RECOVERY_SET, C.RECOVER_SET}
)

#: In a writerless context AddComponent is refused (docs/reference.md §3.5), so the BCD never holds a
#: component: these calls pass the table, but no component (or BCD index) exists to name, and
#: they end in VSS_E_OBJECT_NOT_FOUND instead.
WRITERLESS_NO_COMPONENT = frozenset(
    {
        C.SET_BACKUP_OPTIONS,
        C.SET_PREVIOUS_BACKUP_STAMP,
        C.SET_BACKUP_SUCCEEDED,
        C.GET_WRITER_COMPONENTS,
    }
)

# BACKUP_ORDER: every phase is reached, so every (Phase, Call) pair is swept.
# WRITERLESS_ORDER: the phases in tests.helpers.WRITERLESS_UNREACHABLE are never reached by a writerless
# object, so their pairs are not swept: CREATED and BACKUP_INITIALIZED come before SetContext (the
# object follows BACKUP_ORDER until SetContext chooses the writerless table: those rows are swept
# there), PREPARED_FOR_BACKUP and BACKUP_COMPLETED need the writer-only calls PrepareForBackup and
# BackupComplete, and a restore takes no SetContext. test_writerless_reachable_phases checks the
# list against the table's own graph.
WRITERLESS_PHASES = [p for p in Phase if p not in WRITERLESS_UNREACHABLE]


def _pairs(phases: list[Phase]) -> list[Any]:
    return [pytest.param(p, c, id=f"{p.name}-{c.value}") for p in phases for c in Call]


def _persistent_copy(system: VssSystem, volume: str = "C:\\") -> uuid.UUID:
    """A persistent copy of ``volume`` (VSS_CTX_NAS_ROLLBACK, writerless) for DeleteSnapshots."""
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(VSS_CTX_NAS_ROLLBACK)
        bc.StartSnapshotSet()
        snapshot_id = bc.AddToSnapshotSet(volume)
        bc.DoSnapshotSet().Wait()
    return snapshot_id


def _sweep(system: VssSystem, phase: Phase, call: Call, writerless: bool) -> None:
    system.add_volume("D:\\")
    s = Subject(system, make_writer(system, "Sweep Writer", cls=SweepWriter), writerless)
    if call in NEEDS_COPY:
        s.spare_copy = _persistent_copy(system)
    if call in NEEDS_HARDWARE:
        system.add_volume("E:\\")
        system.register_provider(SweepHardware())
        s.hardware_copy = _persistent_copy(system, "E:\\")
        s.hardware_set = system.shadow_copies()[-1].snapshot_set_id
    if call is C.INITIALIZE_FOR_RESTORE:
        s.xml = backup_xml(system, exclude=LEAVE_OUT)
    bc = drive_to(s.bc, phase, writerless=writerless, exclude=LEAVE_OUT)
    args = CALL_ARGS[call](s)
    method = getattr(bc, call.value)
    move = s.order.get((phase, call))
    if move is None:
        with pytest.raises(VssBadState) as refused:
            method(*args)
        assert type(refused.value) is VssBadState
        assert refused.value.hresult == VSS_E_BAD_STATE
        assert refused.value.message.startswith(f"{call.value} is not allowed now ({phase.value})")
        assert bc.phase is phase
        return
    if writerless and call in WRITERLESS_NO_COMPONENT:
        with pytest.raises(VssObjectNotFound):
            method(*args)
        assert bc.phase is phase
        return
    if call in ALWAYS_NOT_IMPLEMENTED:
        with pytest.raises(VssNotImplemented):
            method(*args)
        assert bc.phase is phase
        return
    if call in NEEDS_MORE:
        with pytest.raises(VssBadState) as refused:
            method(*args)
        assert refused.value.message.startswith(f"{call.value} needs ")
        assert bc.phase is phase
        return
    result = method(*args)
    if call in ASYNC_CALLS:
        assert isinstance(result, IVssAsync)
        assert bc.phase is phase, "the phase moves when the operation ends"
        result.Wait()
        assert result.QueryStatus() == VSS_S_ASYNC_FINISHED
    assert bc.phase is move.next_phase


@pytest.mark.parametrize(("phase", "call"), _pairs(list(Phase)))
def test_backup_order(vss_system: VssSystem, phase: Phase, call: Call) -> None:
    """BACKUP_ORDER row by row: a row is taken, a missing row is VSS_E_BAD_STATE (docs/reference.md §3.5)."""
    _sweep(vss_system, phase, call, writerless=False)


@pytest.mark.parametrize(("phase", "call"), _pairs(WRITERLESS_PHASES))
def test_writerless_order(vss_system: VssSystem, phase: Phase, call: Call) -> None:
    """WRITERLESS_ORDER (VSS_CTX_FILE_SHARE_BACKUP) row by row (docs/reference.md §3.5, §4.5)."""
    _sweep(vss_system, phase, call, writerless=True)


def _closure(order: Any, start: set[Phase]) -> set[Phase]:
    reached = set(start)
    todo = list(start)
    while todo:
        phase = todo.pop()
        for (p, _), move in order.items():
            if p is phase:
                for nxt in (move.next_phase, move.failed_phase):
                    if nxt is not None and nxt not in reached:
                        reached.add(nxt)
                        todo.append(nxt)
    return reached


def test_backup_order_reaches_every_phase() -> None:
    """From CREATED the table's moves reach every phase, so the sweep leaves none out."""
    assert _closure(BACKUP_ORDER, {P.CREATED}) == set(Phase)


def test_writerless_reachable_phases(vss_system: VssSystem) -> None:
    """A writerless object enters WRITERLESS_ORDER at CONTEXT_SET (SetContext); from there its
    moves reach exactly the swept phases, and drive_to refuses the others."""
    assert _closure(WRITERLESS_ORDER, {P.CONTEXT_SET}) == set(WRITERLESS_PHASES)
    assert set(WRITERLESS_UNREACHABLE) == {
        P.CREATED,
        P.BACKUP_INITIALIZED,
        P.PREPARED_FOR_BACKUP,
        P.BACKUP_COMPLETED,
        P.RESTORE_INITIALIZED,
        P.RESTORE_METADATA_GATHERED,
        P.PRE_RESTORED,
        P.POST_RESTORED,
    }
    for phase in WRITERLESS_UNREACHABLE:
        with pytest.raises(ValueError, match=phase.name):
            drive_to(vss_system.CreateVssBackupComponents(), phase, writerless=True)


def test_call_args_cover_every_call() -> None:
    """The sweep has valid arguments for every IVssBackupComponents call."""
    assert set(CALL_ARGS) == set(Call)


# ---------------------------------------------------------------------------------------------
# While an asynchronous operation runs ([INF] CALLS_WHILE_PENDING)
# ---------------------------------------------------------------------------------------------


def _pending_snapshot(system: VssSystem) -> tuple[IVssBackupComponents, IVssAsync]:
    make_writer(system)
    bc = drive_to(system.CreateVssBackupComponents(), P.PREPARED_FOR_BACKUP)
    op = bc.DoSnapshotSet()
    assert op.QueryStatus() == VSS_S_ASYNC_PENDING
    return bc, op


@pytest.mark.parametrize(
    "call", [pytest.param(c, id=c.value) for c in Call if c not in CALLS_WHILE_PENDING]
)
def test_calls_refused_while_an_operation_runs(vss_system: VssSystem, call: Call) -> None:
    """A call made before the running DoSnapshotSet was waited on is VSS_E_BAD_STATE naming it;
    the operation is undisturbed ([INF] policy, docs/reference.md §3.4)."""
    bc, op = _pending_snapshot(vss_system)
    with pytest.raises(VssBadState) as refused:
        getattr(bc, call.value)(*_PLACEHOLDER_ARGS.get(call, ()))
    assert refused.value.hresult == VSS_E_BAD_STATE
    assert refused.value.message.startswith(
        f"{call.value} is not allowed while DoSnapshotSet is still running"
    )
    assert "Wait on its IVssAsync first" in refused.value.message
    assert bc.phase is P.PREPARED_FOR_BACKUP
    assert op.QueryStatus() == VSS_S_ASYNC_PENDING
    op.Wait()
    assert phase_of(bc) is P.SNAPSHOT_SET_CREATED


#: Arguments of the right shape for the refused calls; the pending check comes before any use.
_PLACEHOLDER_ARGS: dict[Call, tuple[Any, ...]] = {
    C.INITIALIZE_FOR_RESTORE: ("<unused/>",),
    C.SET_CONTEXT: (VSS_CTX_BACKUP,),
    C.SET_BACKUP_STATE: (True, False, VSS_BT_FULL),
    C.SET_RESTORE_STATE: (VSS_RTYPE_BY_COPY,),
    C.GET_WRITER_METADATA: (0,),
    C.ADD_COMPONENT: (GUID_NULL, GUID_NULL, VSS_CT_FILEGROUP, None, FILES),
    C.SET_BACKUP_OPTIONS: (GUID_NULL, VSS_CT_FILEGROUP, None, FILES, ""),
    C.SET_PREVIOUS_BACKUP_STAMP: (GUID_NULL, VSS_CT_FILEGROUP, None, FILES, ""),
    C.IS_VOLUME_SUPPORTED: (GUID_NULL, "C:\\"),
    C.ADD_TO_SNAPSHOT_SET: ("C:\\",),
    C.GET_SNAPSHOT_PROPERTIES: (GUID_NULL,),
    C.SET_BACKUP_SUCCEEDED: (GUID_NULL, GUID_NULL, VSS_CT_FILEGROUP, None, FILES, True),
    C.GET_WRITER_STATUS: (0,),
    C.GET_WRITER_COMPONENTS: (0,),
    C.SET_SELECTED_FOR_RESTORE: (GUID_NULL, VSS_CT_FILEGROUP, None, FILES, True),
    C.SET_FILE_RESTORE_STATUS: (GUID_NULL, VSS_CT_FILEGROUP, None, FILES, VSS_RS_ALL),
    C.DELETE_SNAPSHOTS: (GUID_NULL, VSS_OBJECT_SNAPSHOT, False),
    C.ENABLE_WRITER_CLASSES: ([GUID_NULL],),
    C.DISABLE_WRITER_CLASSES: ([GUID_NULL],),
    C.DISABLE_WRITER_INSTANCES: ([GUID_NULL],),
    C.GET_WRITER_METADATA_EX: (0,),
    C.SET_SELECTED_FOR_RESTORE_EX: (GUID_NULL, VSS_CT_FILEGROUP, None, FILES, True),
    C.ADD_RESTORE_SUBCOMPONENT: (GUID_NULL, VSS_CT_FILEGROUP, None, FILES, FILES, SUB),
    C.SET_RESTORE_OPTIONS: (GUID_NULL, VSS_CT_FILEGROUP, None, FILES, ""),
    C.SET_ADDITIONAL_RESTORES: (GUID_NULL, VSS_CT_FILEGROUP, None, FILES, True),
    C.ADD_NEW_TARGET: (GUID_NULL, VSS_CT_FILEGROUP, None, FILES, "C:\\", "*", False, "D:\\"),
    C.ADD_ALTERNATIVE_LOCATION_MAPPING: (
        GUID_NULL,
        VSS_CT_FILEGROUP,
        None,
        FILES,
        "C:\\",
        "*",
        False,
        "D:\\",
    ),
    C.SET_AUTHORITATIVE_RESTORE: (GUID_NULL, VSS_CT_FILEGROUP, None, FILES, True),
    C.SET_ROLL_FORWARD: (GUID_NULL, VSS_CT_FILEGROUP, None, FILES, VSS_RF_ALL),
    C.SET_RESTORE_NAME: (GUID_NULL, VSS_CT_FILEGROUP, None, FILES, "name"),
    C.EXPOSE_SNAPSHOT: (GUID_NULL, None, VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, "X:"),
    C.UNEXPOSE_SNAPSHOT: (GUID_NULL,),
    C.BREAK_SNAPSHOT_SET: (GUID_NULL,),
    C.BREAK_SNAPSHOT_SET_EX: (GUID_NULL,),
    C.REVERT_TO_SNAPSHOT: (GUID_NULL, True),
    C.QUERY_REVERT_STATUS: ("C:\\",),
    C.GET_ROOT_AND_LOGICAL_PREFIX_PATHS: ("C:\\",),
    C.PRE_FAST_RECOVERY: (GUID_NULL,),
    C.FAST_RECOVERY: (GUID_NULL,),
    C.ADD_SNAPSHOT_TO_RECOVERY_SET: (GUID_NULL,),
}


def test_get_session_id_is_taken_while_an_operation_runs(vss_system: VssSystem) -> None:
    """GetSessionId is in CALLS_WHILE_PENDING: it answers and the operation still runs."""
    bc, op = _pending_snapshot(vss_system)
    session_id = bc.GetSessionId()
    assert isinstance(session_id, uuid.UUID)
    assert session_id != GUID_NULL
    assert op.QueryStatus() == VSS_S_ASYNC_PENDING
    op.Wait()
    assert bc.GetSessionId() == session_id


def test_abort_backup_is_taken_while_an_operation_runs(vss_system: VssSystem) -> None:
    """AbortBackup during DoSnapshotSet cancels it at its next step (docs/reference.md §3.1 early
    termination, §4.2): the IVssAsync ends cancelled and the object is BACKUP_ABORTED."""
    bc, op = _pending_snapshot(vss_system)
    bc.AbortBackup()
    assert op.QueryStatus() == VSS_S_ASYNC_CANCELLED
    assert bc.phase is P.BACKUP_ABORTED
    assert vss_system.shadow_copies() == []
    assert vss_system.events("Quiet Writer")[-1] == "OnAbort"


def test_release_is_taken_while_an_operation_runs(vss_system: VssSystem) -> None:
    """Release waits for the running operation, then ends the object with BackupShutdown."""
    bc, op = _pending_snapshot(vss_system)
    bc.Release()
    assert op.QueryStatus() == VSS_S_ASYNC_FINISHED
    assert bc.phase is P.RELEASED
    assert vss_system.events("Quiet Writer")[-2:] == ["OnPostSnapshot", "OnBackupShutdown"]


# ---------------------------------------------------------------------------------------------
# Refusal messages (explain_refusal, docs/reference.md §3.5)
# ---------------------------------------------------------------------------------------------


def test_refusal_before_initialization_says_not_initialized(vss_system: VssSystem) -> None:
    """Any method on an object not initialized is VSS_E_BAD_STATE (docs/reference.md §3.5)."""
    bc = vss_system.CreateVssBackupComponents()
    with pytest.raises(VssBadState) as refused:
        bc.GatherWriterMetadata()
    message = refused.value.message
    assert "GatherWriterMetadata is not allowed now (created, not initialized)" in message
    assert "not initialized: call InitializeForBackup or InitializeForRestore first" in message
    assert message.endswith("Calls so far: none.")


def test_refusal_after_release_says_released(vss_system: VssSystem) -> None:
    """The object is single-use: after Release nothing is taken (docs/reference.md §3.1)."""
    bc = drive_to(vss_system.CreateVssBackupComponents(), P.RELEASED)
    with pytest.raises(VssBadState) as refused:
        bc.InitializeForBackup()
    assert "the object was released" in refused.value.message
    assert "Calls so far: InitializeForBackup, Release." in refused.value.message


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(c, id=c.value)
        for c in (C.SET_CONTEXT, C.START_SNAPSHOT_SET, C.ADD_TO_SNAPSHOT_SET, C.PREPARE_FOR_BACKUP)
    ],
)
def test_backup_call_during_restore_is_named_so(vss_system: VssSystem, call: Call) -> None:
    """Backup-only methods called during a restore are VSS_E_BAD_STATE (docs/reference.md §3.5)."""
    make_writer(vss_system)
    bc = drive_to(vss_system.CreateVssBackupComponents(), P.RESTORE_METADATA_GATHERED)
    with pytest.raises(VssBadState) as refused:
        getattr(bc, call.value)(*_PLACEHOLDER_ARGS.get(call, ()))
    assert "it is a backup call and this object is doing a restore" in refused.value.message
    assert bc.phase is P.RESTORE_METADATA_GATHERED


@pytest.mark.parametrize(
    "call", [pytest.param(c, id=c.value) for c in Call if c in WRITER_ONLY_CALLS]
)
def test_writer_only_call_in_writerless_context(vss_system: VssSystem, call: Call) -> None:
    """AddComponent, PrepareForBackup and BackupComplete "return an error" in a writerless context
    (docs/reference.md §3.5; [INF] VSS_E_BAD_STATE); the message says why."""
    make_writer(vss_system)
    for phase in (P.METADATA_GATHERED, P.SNAPSHOT_SET_STARTED, P.SNAPSHOT_SET_CREATED):
        bc = drive_to(vss_system.CreateVssBackupComponents(), phase, writerless=True)
        with pytest.raises(VssBadState) as refused:
            getattr(bc, call.value)(*_PLACEHOLDER_ARGS.get(call, ()))
        assert "the snapshot context involves no writers" in refused.value.message
        assert bc.phase is phase
        bc.Release()


def test_refusal_names_the_phases_that_take_the_call(vss_system: VssSystem) -> None:
    """An out-of-sequence call's message says where it is taken (docs/api.md "Names and errors")."""
    bc = drive_to(vss_system.CreateVssBackupComponents(), P.BACKUP_INITIALIZED)
    with pytest.raises(VssBadState) as refused:
        bc.DoSnapshotSet()
    assert "it is taken only after PrepareForBackup" in refused.value.message
    assert "Calls so far: InitializeForBackup." in refused.value.message


# ---------------------------------------------------------------------------------------------
# Documented rows, one example each
# ---------------------------------------------------------------------------------------------


class VetoPrepareSnapshot(QuietWriter):
    def OnPrepareSnapshot(self) -> bool:
        return False


def test_backup_complete_after_failed_do_snapshot_set(vss_system: VssSystem) -> None:
    """BackupComplete after a failed DoSnapshotSet is VSS_E_BAD_STATE: docs/field-failures.md #5 (bareos
    #1923), docs/reference.md §3.2 row 17 "Do not call if DoSnapshotSet failed"."""
    make_writer(vss_system, "Veto", cls=VetoPrepareSnapshot)
    bc = drive_to(vss_system.CreateVssBackupComponents(), P.PREPARED_FOR_BACKUP)
    assert settle(bc.DoSnapshotSet()) == VSS_E_UNEXPECTED_WRITER_ERROR
    assert bc.phase is P.SNAPSHOT_SET_FAILED
    with pytest.raises(VssBadState) as refused:
        bc.BackupComplete()
    assert refused.value.hresult == VSS_E_BAD_STATE
    assert "taken only after a successful DoSnapshotSet" in refused.value.message
    bc.AbortBackup()
    assert phase_of(bc) is P.BACKUP_ABORTED


def test_second_gather_writer_metadata(vss_system: VssSystem) -> None:
    """GatherWriterMetadata only once per object: docs/field-failures.md #6, docs/reference.md §3.2 row 5."""
    bc = drive_to(vss_system.CreateVssBackupComponents(), P.METADATA_GATHERED)
    with pytest.raises(VssBadState):
        bc.GatherWriterMetadata()
    assert bc.phase is P.METADATA_GATHERED


def test_same_volume_twice(vss_system: VssSystem) -> None:
    """The same volume added twice is VSS_E_OBJECT_ALREADY_EXISTS (docs/reference.md §3.5, docs/field-failures.md #14);
    the name forms C:\\ and C: are one volume."""
    bc = drive_to(vss_system.CreateVssBackupComponents(), P.SNAPSHOT_SET_STARTED)
    for name in ("C:\\", "c:\\", "C:"):
        with pytest.raises(VssObjectAlreadyExists) as refused:
            bc.AddToSnapshotSet(name)
        assert refused.value.hresult == VSS_E_OBJECT_ALREADY_EXISTS


def test_sixty_fifth_volume(vss_system: VssSystem) -> None:
    """A set holds at most 64 volumes; the 65th is VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED
    (docs/reference.md §3.2 row 10, §6)."""
    names = [vss_system.add_volume(f"C:\\Mount\\V{i:02}\\").name for i in range(64)]
    bc = drive_to(vss_system.CreateVssBackupComponents(), P.PREPARED_FOR_BACKUP)  # has C:\
    for name in names[:63]:
        bc.AddToSnapshotSet(name)
    with pytest.raises(VssMaximumNumberOfVolumesReached) as refused:
        bc.AddToSnapshotSet(names[63])
    assert refused.value.hresult == VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED
    bc.DoSnapshotSet().Wait()
    assert {c.snapshots_count for c in vss_system.shadow_copies()} == {64}


def test_unknown_volume(vss_system: VssSystem) -> None:
    """AddToSnapshotSet of a volume the machine lacks is VSS_E_OBJECT_NOT_FOUND (§3.2 row 10)."""
    bc = drive_to(vss_system.CreateVssBackupComponents(), P.SNAPSHOT_SET_STARTED)
    with pytest.raises(VssObjectNotFound) as refused:
        bc.AddToSnapshotSet("Q:\\")
    assert refused.value.hresult == VSS_E_OBJECT_NOT_FOUND


@pytest.mark.parametrize(
    "phase",
    [P.BACKUP_INITIALIZED, P.METADATA_GATHERED, P.SNAPSHOT_SET_CREATED, P.BACKUP_COMPLETED],
    ids=["BACKUP_INITIALIZED", "METADATA_GATHERED", "SNAPSHOT_SET_CREATED", "BACKUP_COMPLETED"],
)
def test_abort_backup_with_nothing_under_way_is_ignored(
    vss_system: VssSystem, phase: Phase
) -> None:
    """AbortBackup is "ignored when nothing is under way" (docs/reference.md §3.2 row x): no error, no
    Abort event, the phase stays."""
    writer = make_writer(vss_system)
    bc = drive_to(vss_system.CreateVssBackupComponents(), phase)
    before = vss_system.events(writer)
    bc.AbortBackup()
    assert bc.phase is phase
    assert vss_system.events(writer) == before
    assert "OnAbort" not in before


def test_set_context_twice(vss_system: VssSystem) -> None:
    """SetContext at most once (docs/reference.md §3.2 row 2; [INF] VSS_E_BAD_STATE, §3.5)."""
    bc = drive_to(vss_system.CreateVssBackupComponents(), P.CONTEXT_SET)
    with pytest.raises(VssBadState):
        bc.SetContext(VSS_CTX_BACKUP)
    assert phase_of(bc) is P.CONTEXT_SET


@pytest.mark.parametrize("context", [0x2, 0x1234, 0x10000], ids=hex)
def test_set_context_bad_value(vss_system: VssSystem, context: int) -> None:
    """SetContext with a value that is no VSS_CTX_* is E_INVALIDARG (docs/reference.md §3.2 row 2,
    §7.6); the object stays where it was and takes a valid context afterwards."""
    bc = drive_to(vss_system.CreateVssBackupComponents(), P.BACKUP_INITIALIZED)
    with pytest.raises(VssInvalidArg) as refused:
        bc.SetContext(context)
    assert refused.value.hresult == E_INVALIDARG
    assert bc.phase is P.BACKUP_INITIALIZED
    bc.SetContext(VSS_CTX_BACKUP)
    assert phase_of(bc) is P.CONTEXT_SET


def test_start_snapshot_set_with_ctx_all(vss_system: VssSystem) -> None:
    """VSS_CTX_ALL is not valid for StartSnapshotSet (docs/reference.md §3.2 row 8, §7.6)."""
    bc = vss_system.CreateVssBackupComponents()
    bc.InitializeForBackup()
    bc.SetContext(VSS_CTX_ALL)
    bc.GatherWriterMetadata().Wait()
    with pytest.raises(VssBadState) as refused:
        bc.StartSnapshotSet()
    assert "VSS_CTX_ALL" in refused.value.message
    assert bc.phase is P.METADATA_GATHERED


def test_add_component_the_writer_did_not_report(vss_system: VssSystem) -> None:
    """AddComponent names a component of the writer's metadata, else VSS_E_OBJECT_NOT_FOUND
    (docs/reference.md §3.2 row 7, §7.4)."""
    writer = make_writer(vss_system)
    bc = drive_to(vss_system.CreateVssBackupComponents(), P.METADATA_GATHERED)
    with pytest.raises(VssObjectNotFound) as refused:
        bc.AddComponent(instance_id(writer), writer._vss.writer_id, VSS_CT_FILEGROUP, None, "Nope")
    assert refused.value.hresult == VSS_E_OBJECT_NOT_FOUND
    assert "reported no" in refused.value.message


def test_add_component_of_an_unknown_writer(vss_system: VssSystem) -> None:
    """A writer instance that did not answer GatherWriterMetadata: VSS_E_OBJECT_NOT_FOUND."""
    make_writer(vss_system)
    bc = drive_to(vss_system.CreateVssBackupComponents(), P.METADATA_GATHERED)
    with pytest.raises(VssObjectNotFound):
        bc.AddComponent(vss_system.new_guid(), vss_system.new_guid(), VSS_CT_FILEGROUP, None, FILES)


def test_duplicate_add_component(vss_system: VssSystem) -> None:
    """A duplicate (logical path, name) is VSS_E_OBJECT_ALREADY_EXISTS (docs/reference.md §3.2 row 7)."""
    writer = make_writer(vss_system)
    bc = drive_to(vss_system.CreateVssBackupComponents(), P.METADATA_GATHERED)  # Files included
    with pytest.raises(VssObjectAlreadyExists) as refused:
        bc.AddComponent(instance_id(writer), writer._vss.writer_id, VSS_CT_FILEGROUP, None, FILES)
    assert refused.value.hresult == VSS_E_OBJECT_ALREADY_EXISTS


def test_add_component_without_component_mode(vss_system: VssSystem) -> None:
    """AddComponent is for component mode only (docs/reference.md §3.2 row 7): VSS_E_BAD_STATE."""
    writer = make_writer(vss_system)
    bc = vss_system.CreateVssBackupComponents()
    bc.InitializeForBackup()
    bc.SetBackupState(False, False, VSS_BT_FULL)
    bc.GatherWriterMetadata().Wait()
    with pytest.raises(VssBadState) as refused:
        bc.AddComponent(instance_id(writer), writer._vss.writer_id, VSS_CT_FILEGROUP, None, FILES)
    assert refused.value.hresult == VSS_E_BAD_STATE
    assert "component mode" in refused.value.message


@pytest.mark.parametrize(
    "call", [C.GET_WRITER_STATUS, C.GET_WRITER_STATUS_COUNT], ids=["GetWriterStatus", "Count"]
)
def test_writer_status_before_gather_writer_status(vss_system: VssSystem, call: Call) -> None:
    """GetWriterStatus needs a completed GatherWriterStatus (docs/reference.md §3.2 row 13); so does it
    after FreeWriterStatus."""
    make_writer(vss_system)
    bc = drive_to(vss_system.CreateVssBackupComponents(), P.PREPARED_FOR_BACKUP)
    args = (0,) if call is C.GET_WRITER_STATUS else ()
    with pytest.raises(VssBadState) as refused:
        getattr(bc, call.value)(*args)
    assert "needs a completed GatherWriterStatus" in refused.value.message
    bc.GatherWriterStatus().Wait()
    getattr(bc, call.value)(*args)
    bc.FreeWriterStatus()
    with pytest.raises(VssBadState):
        getattr(bc, call.value)(*args)


def test_moves_are_the_documented_async_outcomes() -> None:
    """Only DoSnapshotSet has a failure phase: its failure leaves only abort and release (§3.2)."""
    with_failed = {key for key, move in BACKUP_ORDER.items() if move.failed_phase is not None}
    assert with_failed == {(P.PREPARED_FOR_BACKUP, C.DO_SNAPSHOT_SET)}
    assert BACKUP_ORDER[(P.PREPARED_FOR_BACKUP, C.DO_SNAPSHOT_SET)] == Move(
        P.SNAPSHOT_SET_CREATED, failed_phase=P.SNAPSHOT_SET_FAILED
    )
    leaving = {
        c for (p, c), m in BACKUP_ORDER.items() if p is P.SNAPSHOT_SET_FAILED and m.next_phase != p
    }
    assert leaving == {C.ABORT_BACKUP, C.RELEASE}
