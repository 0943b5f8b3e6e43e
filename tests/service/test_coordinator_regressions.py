"""Regression tests for bugs found reviewing ``simulator/`` and ``fakes/`` against docs/reference.md and docs/api.md.

Each test is self-contained (its own writer and helpers) and names the fact or promise it checks.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Iterator

import pytest

import fakes
from simulator import (
    E_FAIL,
    E_INVALIDARG,
    GUID_NULL,
    VSS_BT_FULL,
    VSS_CT_FILEGROUP,
    VSS_CTX_BACKUP,
    VSS_CTX_CLIENT_ACCESSIBLE,
    VSS_CTX_CLIENT_ACCESSIBLE_WRITERS,
    VSS_E_BAD_STATE,
    VSS_E_OBJECT_NOT_FOUND,
    VSS_E_PROVIDER_ALREADY_REGISTERED,
    VSS_E_PROVIDER_VETO,
    VSS_E_UNEXPECTED,
    VSS_E_UNEXPECTED_PROVIDER_ERROR,
    VSS_E_WRITERERROR_TIMEOUT,
    VSS_OBJECT_SNAPSHOT,
    VSS_RME_RESTORE_IF_CAN_REPLACE,
    VSS_RS_ALL,
    VSS_RS_FAILED,
    VSS_S_ASYNC_FINISHED,
    VSS_ST_OTHER,
    VSS_UT_USERDATA,
    VSS_VOLSNAP_ATTR_DIFFERENTIAL,
    VSS_VOLSNAP_ATTR_PLEX,
    VSS_VOLSNAP_ATTR_TRANSPORTABLE,
    VSS_WRE_ALWAYS,
    VSS_WRE_IF_REPLACE_FAILS,
    VSS_WS_FAILED_AT_FREEZE,
    CVssWriterEx2,
    IVssBackupComponents,
    IVssCreateWriterMetadata,
    IVssWriterComponents,
    Phase,
    SystemProvider,
    TraceKind,
    VssBadState,
    VssError,
    VssInvalidArg,
    VssProvider,
    VssProviderAlreadyRegistered,
    VssProviderVeto,
    VssSystem,
    VssUnexpectedWriterError,
    WriterEvent,
    WrongThreadError,
    current_system,
)
from tests.helpers import (
    QuietWriter,
    backup_xml,
    begin_backup,
    complete_backup,
    full_backup,
    make_writer,
)

WRITER_ID = uuid.UUID("6d1e0c34-6f8f-4a57-9c59-2a4f3c1d0b11")
FULL_BACKUP = [
    "OnIdentify",
    "OnPrepareBackup",
    "OnPrepareSnapshot",
    "OnFreeze",
    "OnThaw",
    "OnPostSnapshot",
]


class Stop(BaseException):
    """Not an ``Exception``: what ``pytest.fail`` or ``KeyboardInterrupt`` raise in a handler."""


class SlowWriter(CVssWriterEx2):
    """A writer that keeps every rule; ``slow[handler]`` virtual seconds are spent in a handler."""

    def __init__(self, slow: dict[str, float] | None = None, raise_in: str | None = None) -> None:
        self.slow = slow or {}
        self.raise_in = raise_in

    def _run(self, handler: str) -> bool:
        if handler in self.slow:
            current_system().sleep(self.slow[handler])
        if handler == self.raise_in:
            raise Stop(handler)
        return True

    def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
        metadata.SetRestoreMethod(VSS_RME_RESTORE_IF_CAN_REPLACE, None, None, VSS_WRE_ALWAYS, False)
        metadata.AddComponent(VSS_CT_FILEGROUP, None, "Files", None, None, 0, False, False, True)
        return self._run("OnIdentify")

    def OnPrepareBackup(self, components: IVssWriterComponents | None) -> bool:
        return self._run("OnPrepareBackup")

    def OnPrepareSnapshot(self) -> bool:
        return self._run("OnPrepareSnapshot")

    def OnFreeze(self) -> bool:
        return self._run("OnFreeze")

    def OnThaw(self) -> bool:
        return self._run("OnThaw")

    def OnPostSnapshot(self, components: IVssWriterComponents | None) -> bool:
        return self._run("OnPostSnapshot")

    def OnAbort(self) -> bool:
        return self._run("OnAbort")

    def OnBackupComplete(self, components: IVssWriterComponents | None) -> bool:
        return self._run("OnBackupComplete")


@pytest.fixture
def system() -> Iterator[VssSystem]:
    with VssSystem(seed=0) as machine:
        yield machine


def subscribe(writer: SlowWriter) -> SlowWriter:
    writer.Initialize(WRITER_ID, "Slow Writer", VSS_UT_USERDATA, VSS_ST_OTHER)
    writer.Subscribe()
    return writer


def prepared(system: VssSystem) -> IVssBackupComponents:
    """A non-component backup of C:\\ up to (and including) PrepareForBackup (docs/reference.md §3.2)."""
    bc = system.CreateVssBackupComponents()
    bc.InitializeForBackup()
    bc.SetBackupState(False, False, VSS_BT_FULL)
    bc.GatherWriterMetadata().Wait()
    bc.StartSnapshotSet()
    bc.AddToSnapshotSet("C:\\")
    bc.PrepareForBackup().Wait()
    return bc


# ---------------------------------------------------------------------------------------------
# AbortBackup while an operation runs must not put the object back where it was before it
# ---------------------------------------------------------------------------------------------


def test_abort_backup_during_gather_writer_metadata_keeps_the_gathered_phase(
    system: VssSystem,
) -> None:
    """docs/reference.md §3.2 row x: AbortBackup with nothing under way is ignored. Taken while
    GatherWriterMetadata still runs, it waits for it; the object must then stand after
    GatherWriterMetadata (StartSnapshotSet taken), not before it (a second Gather taken)."""
    subscribe(SlowWriter({"OnIdentify": 5}))
    bc = system.CreateVssBackupComponents()
    bc.InitializeForBackup()
    bc.SetBackupState(False, False, VSS_BT_FULL)
    op = bc.GatherWriterMetadata()
    bc.AbortBackup()
    assert op.QueryStatus() == VSS_S_ASYNC_FINISHED
    assert bc.phase is Phase.METADATA_GATHERED
    with pytest.raises(VssBadState) as refused:
        bc.GatherWriterMetadata()
    assert refused.value.hresult == VSS_E_BAD_STATE
    bc.StartSnapshotSet()
    bc.Release()


def test_abort_backup_during_backup_complete_keeps_backup_completed(system: VssSystem) -> None:
    """docs/reference.md §3.2 rows 17, x: AbortBackup while BackupComplete runs is ignored once it ends;
    the object stays after BackupComplete, so a second BackupComplete is refused."""
    writer = subscribe(SlowWriter({"OnBackupComplete": 5}))
    bc = prepared(system)
    bc.DoSnapshotSet().Wait()
    op = bc.BackupComplete()
    bc.AbortBackup()
    assert op.QueryStatus() == VSS_S_ASYNC_FINISHED
    assert bc.phase is Phase.BACKUP_COMPLETED
    with pytest.raises(VssBadState):
        bc.BackupComplete()
    bc.Release()
    assert system.events(writer) == [*FULL_BACKUP, "OnBackupComplete", "OnBackupShutdown"]


# ---------------------------------------------------------------------------------------------
# IVssAsync.Cancel on an operation that finishes anyway must not cancel the next one
# ---------------------------------------------------------------------------------------------


def test_cancel_that_did_not_stop_prepare_for_backup_does_not_cancel_do_snapshot_set(
    system: VssSystem,
) -> None:
    """docs/reference.md §3.4: a Cancel that comes while the last writer's PrepareForBackup runs
    stops nothing (no writer is left to skip): the operation ends VSS_S_ASYNC_FINISHED, and the
    DoSnapshotSet that follows is a new operation that runs to the end (no OnAbort)."""
    writer = subscribe(SlowWriter({"OnPrepareBackup": 5}))
    bc = system.CreateVssBackupComponents()
    bc.InitializeForBackup()
    bc.SetBackupState(False, False, VSS_BT_FULL)
    bc.GatherWriterMetadata().Wait()
    bc.StartSnapshotSet()
    bc.AddToSnapshotSet("C:\\")
    prepare = bc.PrepareForBackup()
    prepare.Wait(1000)  # the writer's handler runs
    prepare.Cancel()
    prepare.Wait()
    assert prepare.QueryStatus() == VSS_S_ASYNC_FINISHED
    snapshot = bc.DoSnapshotSet()
    snapshot.Wait()
    assert snapshot.QueryStatus() == VSS_S_ASYNC_FINISHED
    assert bc.phase is Phase.SNAPSHOT_SET_CREATED
    assert system.events(writer) == FULL_BACKUP
    assert len(system.shadow_copies()) == 1
    bc.Release()


# ---------------------------------------------------------------------------------------------
# One VssError subclass per HRESULT (docs/api.md "Names and errors")
# ---------------------------------------------------------------------------------------------


def test_registering_a_provider_twice_raises_its_subclass(system: VssSystem) -> None:
    """docs/api.md: one subclass per HRESULT, so ``except VssProviderAlreadyRegistered`` catches it."""
    with pytest.raises(VssProviderAlreadyRegistered) as refused:
        system.register_provider(SystemProvider())
    assert refused.value.hresult == VSS_E_PROVIDER_ALREADY_REGISTERED
    assert "registered already" in refused.value.message


@pytest.mark.parametrize(
    ("pre_restore", "call", "needle"),
    [
        (False, lambda bc: bc.SetRestoreState(99), "VSS_RESTORE_TYPE"),
        (False, lambda bc: bc.DeleteSnapshots(GUID_NULL, 99, True), "VSS_OBJECT_TYPE"),
        (
            True,
            lambda bc: bc.SetFileRestoreStatus(WRITER_ID, 99, None, "Files", 2),
            "VSS_COMPONENT_TYPE",
        ),
        (
            True,
            lambda bc: bc.SetFileRestoreStatus(WRITER_ID, 2, None, "Files", 99),
            "VSS_FILE_RESTORE_STATUS",
        ),
    ],
    ids=["SetRestoreState", "DeleteSnapshots", "component-type", "file-restore-status"],
)
def test_an_enum_argument_out_of_range_raises_invalid_arg(
    system: VssSystem, pre_restore: bool, call: object, needle: str
) -> None:
    """docs/api.md: a failing HRESULT raises VssError; a value outside its enum is E_INVALIDARG, and the
    trace records the call's result."""
    xml = (
        '<BACKUP_COMPONENTS xmlns="x-schema:#VssComponentMetadata" selectComponents="yes" '
        'bootableSystemStateBackup="no" backupType="full"/>'
    )
    bc = system.CreateVssBackupComponents()
    bc.InitializeForRestore(xml)
    bc.GatherWriterMetadata().Wait()
    if pre_restore:
        bc.PreRestore().Wait()
    assert callable(call)
    with pytest.raises(VssInvalidArg) as refused:
        call(bc)
    assert refused.value.hresult == E_INVALIDARG
    assert needle in refused.value.message
    last_call = [r for r in system.trace if r.kind is TraceKind.CALL][-1]
    assert last_call.result == "E_INVALIDARG"
    bc.Release()


# ---------------------------------------------------------------------------------------------
# Providers: a failing DeleteSnapshot, and fakes.FaultyProvider's code
# ---------------------------------------------------------------------------------------------


class DeleteRefused(VssProvider):
    """A software provider that refuses to delete its copies."""

    provider_id = uuid.UUID("1b9d1e2c-3f4a-4b5c-8d6e-7f8091a2b3c4")
    provider_name = "Delete refused"

    def __init__(self, error: Exception) -> None:
        self.error = error

    def DeleteSnapshot(self, snapshot_id: uuid.UUID) -> None:
        raise self.error


def test_release_with_a_provider_refusing_delete_ends_the_object_once(system: VssSystem) -> None:
    """docs/reference.md §3.1, §3.2 row 20, §4.3: Release has no failure code; it sends BackupShutdown once
    and the object is released even when the provider fails to delete an auto-release copy (the
    copy stays). Leaving ``with`` must not Release (and send BackupShutdown) a second time."""
    writer = subscribe(SlowWriter())
    system.register_provider(DeleteRefused(VssProviderVeto("diff area locked")))
    with prepared(system) as bc:
        bc.DoSnapshotSet().Wait()
        bc.BackupComplete().Wait()
        bc.Release()
        assert bc.phase is Phase.RELEASED
    assert system.events(writer).count("OnBackupShutdown") == 1
    deletes = [
        r for r in system.trace if r.kind is TraceKind.PROVIDER and r.name == "DeleteSnapshot"
    ]
    assert [r.result for r in deletes] == ["VSS_E_PROVIDER_VETO"]
    assert len(system.shadow_copies()) == 1


def test_delete_snapshots_converts_a_provider_exception(system: VssSystem) -> None:
    """docs/reference.md §3.2 row 19, §9: deletion stops at the first failure and reports the copy not
    deleted; a provider that raises a plain exception is VSS_E_UNEXPECTED_PROVIDER_ERROR, it does
    not escape DeleteSnapshots."""
    subscribe(SlowWriter())
    system.register_provider(DeleteRefused(OSError("disk gone")))
    bc = prepared(system)
    bc.DoSnapshotSet().Wait()
    (copy,) = system.shadow_copies()
    assert bc.DeleteSnapshots(copy.snapshot_id, VSS_OBJECT_SNAPSHOT, True) == (
        0,
        copy.snapshot_id,
    )
    deletes = [
        r for r in system.trace if r.kind is TraceKind.PROVIDER and r.name == "DeleteSnapshot"
    ]
    assert deletes[-1].result == "raised OSError"
    bc.BackupComplete().Wait()
    bc.Release()


@pytest.mark.parametrize(
    ("code", "reported"),
    [
        (VSS_E_OBJECT_NOT_FOUND, VSS_E_OBJECT_NOT_FOUND),
        (VSS_E_PROVIDER_VETO, VSS_E_PROVIDER_VETO),
        (E_FAIL, VSS_E_UNEXPECTED_PROVIDER_ERROR),
    ],
    ids=["listed-code-kept", "veto", "E_FAIL-converted"],
)
def test_faulty_provider_fails_with_the_code_it_was_given(
    system: VssSystem, code: int, reported: int
) -> None:
    """fakes.FaultyProvider(hresult, at): the step fails with ``hresult``; a provider code is kept,
    any other is converted to VSS_E_UNEXPECTED_PROVIDER_ERROR (docs/reference.md §9)."""
    subscribe(SlowWriter())
    system.register_provider(fakes.FaultyProvider(code, "CommitSnapshots"))
    bc = prepared(system)
    op = bc.DoSnapshotSet()
    with pytest.raises(VssError):
        op.Wait()
    assert op.QueryStatus() == reported
    bc.AbortBackup()
    bc.Release()


# ---------------------------------------------------------------------------------------------
# A handler that raises something that is not an Exception
# ---------------------------------------------------------------------------------------------


def test_a_base_exception_from_a_handler_leaves_no_running_handler(system: VssSystem) -> None:
    """docs/reference.md §1.1 (handlers never throw) and the thread rule: when a handler escapes with a
    BaseException, the writer must not keep a running handler (a later call from a worker would be
    taken as that stale handler's), and the operation must not report VSS_S_ASYNC_FINISHED."""
    writer = subscribe(SlowWriter(raise_in="OnIdentify"))
    bc = system.CreateVssBackupComponents()
    bc.InitializeForBackup()
    op = bc.GatherWriterMetadata()
    with pytest.raises(Stop):
        op.Wait()
    assert writer._vss.active == {}
    assert op.QueryStatus() == VSS_E_UNEXPECTED
    assert bc.phase is Phase.BACKUP_INITIALIZED
    with pytest.raises(Stop):
        system.run()
    bc.Release()


# ---------------------------------------------------------------------------------------------
# SetContext modifiers (docs/reference.md §3.2 row 2, §7.6)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "context",
    [
        VSS_CTX_CLIENT_ACCESSIBLE | VSS_VOLSNAP_ATTR_TRANSPORTABLE,
        VSS_CTX_CLIENT_ACCESSIBLE_WRITERS | VSS_VOLSNAP_ATTR_DIFFERENTIAL,
        VSS_CTX_BACKUP
        | VSS_VOLSNAP_ATTR_TRANSPORTABLE
        | VSS_VOLSNAP_ATTR_DIFFERENTIAL
        | VSS_VOLSNAP_ATTR_PLEX,
    ],
    ids=["client-accessible+transportable", "client-accessible-writers+differential", "both"],
)
def test_set_context_refuses_modifiers_the_docs_exclude(system: VssSystem, context: int) -> None:
    """docs/reference.md §7.6: the only modifiers are TRANSPORTABLE plus DIFFERENTIAL or PLEX, and they are
    not allowed with CLIENT_ACCESSIBLE: E_INVALIDARG, the object stays initialized."""
    bc = system.CreateVssBackupComponents()
    bc.InitializeForBackup()
    with pytest.raises(VssInvalidArg) as refused:
        bc.SetContext(context)
    assert refused.value.hresult == E_INVALIDARG
    assert bc.phase is Phase.BACKUP_INITIALIZED
    bc.SetContext(VSS_CTX_BACKUP | VSS_VOLSNAP_ATTR_TRANSPORTABLE | VSS_VOLSNAP_ATTR_DIFFERENTIAL)
    assert bc.phase is Phase.CONTEXT_SET
    bc.Release()


# ---------------------------------------------------------------------------------------------
# Same seed, same code, same trace (docs/api.md "The machine"), even with unnamed worker threads
# ---------------------------------------------------------------------------------------------


class UnnamedWorkerWriter(SlowWriter):
    """Breaks the thread rule from a worker thread it does not name (so threading numbers it)."""

    def OnFreeze(self) -> bool:
        worker = threading.Thread(target=self._ask)
        worker.start()
        worker.join()
        return True

    def _ask(self) -> None:
        with contextlib.suppress(WrongThreadError):
            self.GetSessionId()


def _run_with_unnamed_worker() -> tuple[str, list[str | None]]:
    with VssSystem(seed=3) as machine:
        subscribe(UnnamedWorkerWriter())
        with prepared(machine) as bc:
            bc.DoSnapshotSet().Wait()
            bc.BackupComplete().Wait()
        return machine.format_trace(), [v.thread for v in machine.violations]


def test_unnamed_worker_threads_do_not_make_the_trace_depend_on_earlier_runs() -> None:
    """docs/api.md: same seed and same code give the same trace. ``threading`` numbers unnamed threads
    process-wide ("Thread-7"), so the label of such a caller must not carry that number."""
    first = _run_with_unnamed_worker()
    second = _run_with_unnamed_worker()
    assert first[1] == second[1] == ["Thread-1 (_ask)"]
    assert first[0] == second[0]


# ---------------------------------------------------------------------------------------------
# The overall 60 s application freeze limit (docs/reference.md §4.2, §6)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("frozen_for", "created"), [(50.0, True), (90.0, False)])
def test_a_long_timeout_freeze_does_not_lift_the_60_second_freeze_limit(
    system: VssSystem, frozen_for: float, created: bool
) -> None:
    """docs/reference.md §6 "Application freeze, overall: not allowed to take longer than 60 s", §4.2
    "aborted when writers stay frozen over 60 s": a writer initialized with timeout_freeze=120000
    that stays frozen 90 s is aborted as at its own window ([INF]: FAILED_AT_FREEZE with
    VSS_E_WRITERERROR_TIMEOUT, KB 915331); 50 s is fine."""
    writer = SlowWriter({"OnFreeze": frozen_for})
    writer.Initialize(
        WRITER_ID, "Slow Writer", VSS_UT_USERDATA, VSS_ST_OTHER, timeout_freeze=120000
    )
    writer.Subscribe()
    bc = prepared(system)
    op = bc.DoSnapshotSet()
    if created:
        op.Wait()
        assert system.events(writer) == FULL_BACKUP
    else:
        with pytest.raises(VssUnexpectedWriterError):
            op.Wait()
        bc.GatherWriterStatus().Wait()
        status = bc.GetWriterStatus(0)
        assert (status.state, status.hr_failure) == (
            VSS_WS_FAILED_AT_FREEZE,
            VSS_E_WRITERERROR_TIMEOUT,
        )
        assert system.events(writer) == [*FULL_BACKUP[:4], "OnAbort"]
        bc.AbortBackup()
    bc.Release()


# ---------------------------------------------------------------------------------------------
# IsPathAffected with a volume GUID path (docs/reference.md §1.5)
# ---------------------------------------------------------------------------------------------


class PathProbe(SlowWriter):
    """Asks IsPathAffected in OnPrepareSnapshot about paths given as volume GUID paths."""

    def __init__(self, paths: list[str]) -> None:
        super().__init__()
        self.paths = paths
        self.answers: list[bool] = []

    def OnPrepareSnapshot(self) -> bool:
        self.answers = [self.IsPathAffected(path) for path in self.paths]
        return True


def test_is_path_affected_takes_volume_guid_paths(system: VssSystem) -> None:
    """docs/reference.md §1.5: IsPathAffected takes a local path without wildcards; the ``?`` of the
    ``\\\\?\\Volume{GUID}\\`` prefix is not a wildcard. C:\\ is in the set, D:\\ is not."""
    d_drive = system.add_volume("D:\\")
    c_drive = system.volumes[0]
    probe = PathProbe([c_drive.guid_path + "Data\\db.mdf", d_drive.guid_path + "Logs"])
    subscribe(probe)
    bc = prepared(system)
    bc.DoSnapshotSet().Wait()
    assert probe.answers == [True, False]
    assert system.violations == []
    bc.BackupComplete().Wait()
    bc.Release()


# -- follow-ups of the review -------------------------------------------------------------------


class PrepareSnapshotVeto(QuietWriter):
    def on_event(self, event: WriterEvent, arg: object) -> bool:
        return event is not WriterEvent.PREPARE_SNAPSHOT


def test_prepare_for_backup_needs_set_backup_state(system: VssSystem) -> None:
    """docs/reference.md §3.2 row 12: PrepareForBackup requires SetBackupState first."""
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.GatherWriterMetadata().Wait()
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        with pytest.raises(
            VssBadState, match="PrepareForBackup needs SetBackupState first"
        ) as info:
            bc.PrepareForBackup()
        assert info.value.hresult == VSS_E_BAD_STATE
        assert bc.phase is Phase.SNAPSHOT_SET_STARTED


def test_providers_hear_no_abort_before_end_prepare_snapshots(system: VssSystem) -> None:
    """docs/reference.md §4.2: AbortSnapshots only after EndPrepareSnapshots; a PrepareForSnapshot veto
    comes before it, so the provider is not told."""
    make_writer(system, "Veto Writer", cls=PrepareSnapshotVeto)
    with system.CreateVssBackupComponents() as bc:
        begin_backup(bc)
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        with pytest.raises(VssUnexpectedWriterError):
            bc.DoSnapshotSet().Wait()
        bc.AbortBackup()
    provider_calls = [r.name for r in system.trace if r.kind is TraceKind.PROVIDER]
    assert "AbortSnapshots" not in provider_calls
    assert "BeginPrepareSnapshot" not in provider_calls


def test_a_second_cancel_says_cancelled(system: VssSystem) -> None:
    """docs/reference.md §3.4: Cancel returns VSS_S_ASYNC_CANCELLED when already cancelled."""
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(False, False, VSS_BT_FULL)
        gather = bc.GatherWriterMetadata()
        assert gather.Cancel() == 0
        assert gather.Cancel() == 0x0004230B  # VSS_S_ASYNC_CANCELLED


def test_wait_refuses_a_negative_timeout(system: VssSystem) -> None:
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        gather = bc.GatherWriterMetadata()
        with pytest.raises(VssInvalidArg, match="timeout_ms"):
            gather.Wait(-5)
        gather.Wait()


def test_set_context_takes_the_c_value_of_ctx_all(system: VssSystem) -> None:
    """VSS_CTX_ALL is 0xFFFFFFFF, which C code passes as -1 (docs/reference.md §7.6)."""
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(-1)
        assert bc._session.context == 0xFFFFFFFF
        bc.GatherWriterMetadata().Wait()
        with pytest.raises(VssBadState, match="VSS_CTX_ALL"):
            bc.StartSnapshotSet()


class PollingWriter(QuietWriter):
    """Polls IsWriterShuttingDown in a long Freeze and gives up as §1.5 advises."""

    def on_event(self, event: WriterEvent, arg: object) -> bool:
        if event is not WriterEvent.FREEZE:
            return True
        for _ in range(10):
            current_system().sleep(1)
            if self.IsWriterShuttingDown():
                self.SetWriterFailure(0x800423F4)  # VSS_E_WRITERERROR_NONRETRYABLE
                return False
        return True


def test_a_writer_polling_is_writer_shutting_down_sees_the_shutdown(system: VssSystem) -> None:
    """docs/reference.md §1.5: IsWriterShuttingDown turns true when the host shuts down."""
    writer = make_writer(system, "Polling Writer", cls=PollingWriter)
    assert writer.IsWriterShuttingDown() is False

    def shut_down_later() -> None:
        system.sleep(3.5)
        system.shut_down_writer(writer)

    def backup() -> None:
        with system.CreateVssBackupComponents() as bc:
            begin_backup(bc)
            bc.StartSnapshotSet()
            bc.AddToSnapshotSet("C:\\")
            bc.PrepareForBackup().Wait()
            with pytest.raises(VssUnexpectedWriterError):
                bc.DoSnapshotSet().Wait()
            bc.GatherWriterStatus().Wait()
            status = bc.GetWriterStatus(0)
            assert (status.state, status.hr_failure) == (VSS_WS_FAILED_AT_FREEZE, 0x800423F4)

    system.spawn(backup)
    system.spawn(shut_down_later)
    system.run()
    assert system.clock.now == 4.0


class IfReplaceFailsWriter(QuietWriter):
    """Asks for restore events only if replacing its files fails (VSS_WRE_IF_REPLACE_FAILS)."""

    def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
        metadata.SetRestoreMethod(
            VSS_RME_RESTORE_IF_CAN_REPLACE, None, None, VSS_WRE_IF_REPLACE_FAILS, False
        )
        metadata.AddComponent(VSS_CT_FILEGROUP, None, "Files", "Files", None, 0, False, False, True)
        metadata.AddFilesToFileGroup(None, "Files", "C:\\MyFiles", "*", False, None)
        return True


@pytest.mark.parametrize(("status", "post_restore"), [(VSS_RS_ALL, False), (VSS_RS_FAILED, True)])
def test_if_replace_fails_writers_get_post_restore_only_after_a_failed_restore(
    system: VssSystem, status: int, post_restore: bool
) -> None:
    """docs/reference.md §4.4: with VSS_WRE_IF_REPLACE_FAILS PreRestore always goes out, PostRestore only
    when the restore failed."""
    writer = make_writer(system, "Replace Writer", cls=IfReplaceFailsWriter)
    xml = backup_xml(system)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForRestore(xml)
        bc.GatherWriterMetadata().Wait()
        writer_id = writer._vss.writer_id
        bc.SetSelectedForRestore(writer_id, VSS_CT_FILEGROUP, None, "Files", True)
        bc.PreRestore().Wait()
        bc.SetFileRestoreStatus(writer_id, VSS_CT_FILEGROUP, None, "Files", status)
        bc.PostRestore().Wait()
        session_id = bc.GetSessionId()
    expected = ["OnIdentify", "OnPreRestore"] + (["OnPostRestore"] if post_restore else [])
    assert system.events(writer, session_id=session_id) == expected


def test_set_selected_for_restore_needs_a_component_mode_backup(system: VssSystem) -> None:
    """docs/reference.md §3.3 row 6: SetSelectedForRestore applies only in component mode."""
    writer = make_writer(system)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        complete_backup(bc)  # not component mode
        xml = bc.SaveAsXML()
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForRestore(xml)
        bc.GatherWriterMetadata().Wait()
        with pytest.raises(VssBadState, match="component mode"):
            bc.SetSelectedForRestore(writer._vss.writer_id, VSS_CT_FILEGROUP, None, "Files", True)


class AskingFromAWorker(QuietWriter):
    """In OnIdentify, sleeps (so two sessions' Identify events overlap), then asks from a worker."""

    answers: list[BaseException | None]

    def on_event(self, event: object, arg: object) -> bool:
        if event is WriterEvent.IDENTIFY:
            current_system().sleep(1)
            box: list[BaseException | None] = []

            def ask() -> None:
                try:
                    self.GetContext()
                    box.append(None)
                except VssError as exc:
                    box.append(exc)

            worker = threading.Thread(target=ask, name="asker")
            worker.start()
            worker.join()
            self.answers.append(box[0])
        return True


def test_a_worker_asking_while_two_handlers_run_is_told_why(system: VssSystem) -> None:
    """docs/reference.md §1.5: a call not bound to the handler's thread may come from a worker only while
    one handler of the writer runs; with two the message says the session is ambiguous."""
    writer = make_writer(system, "Asking Writer", cls=AskingFromAWorker)
    writer.answers = []
    for _ in range(2):
        system.spawn(full_backup, system)
    system.run()
    refused = [a for a in writer.answers if a is not None]
    assert refused, "the two Identify events never overlapped"
    assert isinstance(refused[0], VssBadState)
    assert "ambiguous" in str(refused[0]) and "'asker'" in str(refused[0])
