"""The ready-made participants of ``fakes``: scripted writers, the in-box writer set, the VShadow
and restic requesters (docs/field-failures.md §A.6, §A.7), the failure presets (docs/field-failures.md) and the strategies.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import fakes
from fakes import (
    Fail,
    Raise,
    ReportFailure,
    SampleWriter,
    ScriptedWriter,
    Sleep,
    SqlServerWriter,
    Succeed,
    Veto,
    WrongThread,
    inbox_writers,
    install,
    restic_backup,
    vshadow_backup,
)
from fakes import strategies as fst
from simulator import (
    S_OK,
    VSS_APP_BACK_END,
    VSS_APP_FRONT_END,
    VSS_APP_SYSTEM,
    VSS_CT_DATABASE,
    VSS_CT_FILEGROUP,
    VSS_E_BAD_STATE,
    VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT,
    VSS_E_WRITERERROR_NONRETRYABLE,
    VSS_E_WRITERERROR_RETRYABLE,
    VSS_E_WRITERERROR_TIMEOUT,
    VSS_RME_RESTORE_AT_REBOOT_IF_CANNOT_REPLACE,
    VSS_ST_OTHER,
    VSS_ST_TRANSACTEDDB,
    VSS_UT_BOOTABLESYSTEMSTATE,
    VSS_UT_SYSTEMSERVICE,
    VSS_UT_USERDATA,
    VSS_WRE_NEVER,
    VSS_WRITER_STATE,
    TraceKind,
    ViolationRule,
    VssSystem,
    WriterEvent,
    WrongThreadError,
    hresults,
)
from simulator.testing import check_event_order
from tests.helpers import FULL_BACKUP as FULL

WS = VSS_WRITER_STATE
E = WriterEvent
#: docs/reference.md §11, typed from the table.
DOCUMENTED_IDS = {
    "System Writer": "e8132975-6f93-4464-a53e-1050253ae220",
    "Registry Writer": "afbab4a2-367d-4d15-a586-71dbb18f8485",
    "COM+ REGDB Writer": "542da469-d3e1-473c-9f4f-7847f01fc64f",
    "WMI Writer": "a6ad56c2-b509-4e6c-bb19-49d8f43532f0",
    "ASR Writer": "be000cbe-11fe-4426-9c58-531aa6355fc4",
    "BITS Writer": "4969d978-be47-48b0-b100-f328f07ac1e0",
    "Shadow Copy Optimization Writer": "4dc3bdd4-ab48-4d07-adb0-3bee2926fd7f",
    "Task Scheduler Writer": "d61d61c8-d73a-4eee-8cdd-f6f9786b7124",
    "VSS Metadata Store Writer": "75dfb225-e2e4-4d39-9ac9-ffaff65ddf06",
    "Performance Counters Writer": "0bada1de-01a9-4625-8278-69e735f39dd2",
}


@pytest.fixture
def machine() -> Iterator[VssSystem]:
    with VssSystem(seed=0) as system:
        yield system


def sample(
    system: VssSystem, script: dict[WriterEvent, fakes.Action] | None = None
) -> ScriptedWriter:
    return install(system, [SampleWriter(script=script)])[0]


def calls(system: VssSystem, session_id: uuid.UUID) -> list[str]:
    """The session's requester calls, consecutive repeats folded (completions left out)."""
    names: list[str] = []
    for record in system.trace:
        if record.kind is not TraceKind.CALL or record.session_id != session_id:
            continue
        if record.name.endswith(" completed") or (names and names[-1] == record.name):
            continue
        names.append(record.name)
    return names


# ---------------------------------------------------------------------------------------------
# ScriptedWriter actions
# ---------------------------------------------------------------------------------------------


def test_unscripted_writer_logs_every_event_with_its_session(machine: VssSystem) -> None:
    """docs/reference.md §4.1: a full backup is Identify and the seven backup events; each handler logs
    (event, GetSessionId()) with the delivering session's id (§8)."""
    writer = sample(machine)
    report = restic_backup(machine)
    assert report.ok
    assert machine.events(writer) == FULL
    assert [event.value for event, _ in writer.log] == FULL
    assert {session for _, session in writer.log} == {report.session_id}
    assert report.status_of("MSDNSampleWriter") == report.writer_statuses[0]
    assert report.writer_statuses[0].state is WS.VSS_WS_STABLE


def test_veto_reports_its_code_and_fails_the_event(machine: VssSystem) -> None:
    """Veto at Freeze: FAILED_AT_FREEZE with the code; VSS aborts the set (§4.2 trigger 2)."""
    writer = sample(machine, {E.FREEZE: Veto(hr=VSS_E_WRITERERROR_RETRYABLE)})
    report = vshadow_backup(machine)
    assert report.error == "VSS_E_UNEXPECTED_WRITER_ERROR"
    status = report.status_of("MSDNSampleWriter")
    assert status is not None
    assert (status.state, status.hr_failure) == (
        WS.VSS_WS_FAILED_AT_FREEZE,
        VSS_E_WRITERERROR_RETRYABLE,
    )
    assert machine.events(writer) == [*FULL[:4], "OnAbort", "OnBackupShutdown"]


def test_veto_without_a_code_reports_nonretryable(machine: VssSystem) -> None:
    """A PrepareForSnapshot veto stops creation with no Abort (docs/reference.md §4.2)."""
    writer = sample(machine, {E.PREPARE_SNAPSHOT: Veto()})
    report = vshadow_backup(machine)
    status = report.status_of("MSDNSampleWriter")
    assert status is not None
    assert status.state is WS.VSS_WS_FAILED_AT_PREPARE_SNAPSHOT
    assert status.hr_failure == VSS_E_WRITERERROR_NONRETRYABLE
    assert machine.events(writer) == [*FULL[:3], "OnBackupShutdown"]


def test_fail_returns_false_without_a_code(machine: VssSystem) -> None:
    """Fail at PrepareForBackup: FAILED_AT_PREPARE_BACKUP, failure code S_OK; VShadow's
    CheckSelectedWriterStatus throws E_UNEXPECTED (docs/field-failures.md §A.6)."""
    writer = sample(machine, {E.PREPARE_BACKUP: Fail()})
    report = vshadow_backup(machine)
    assert report.error == "E_UNEXPECTED"
    status = report.status_of("MSDNSampleWriter")
    assert status is not None
    assert (status.state, status.hr_failure) == (WS.VSS_WS_FAILED_AT_PREPARE_BACKUP, S_OK)
    assert "OnPrepareSnapshot" not in machine.events(writer)


def test_raise_is_a_violation_and_a_nonretryable_failure(machine: VssSystem) -> None:
    """Handlers must never throw (docs/reference.md §1.1); a PostSnapshot failure does not abort (§4.2)."""
    writer = sample(machine, {E.POST_SNAPSHOT: Raise(RuntimeError("boom"))})
    report = restic_backup(machine)
    assert report.ok
    status = report.status_of("MSDNSampleWriter")
    assert status is not None
    assert (status.state, status.hr_failure) == (
        WS.VSS_WS_FAILED_AT_POST_SNAPSHOT,
        VSS_E_WRITERERROR_NONRETRYABLE,
    )
    [violation] = machine.violations
    assert violation.rule is ViolationRule.HANDLER_RAISED
    assert violation.handler == "OnPostSnapshot"
    assert "boom" in violation.message
    assert machine.events(writer)[-2:] == ["OnPostSnapshot", "OnBackupShutdown"]


def test_sleep_spends_virtual_time_then_acts(machine: VssSystem) -> None:
    writer = sample(machine, {E.THAW: Sleep(5)})
    report = restic_backup(machine)
    assert report.ok and report.ended == 5.0
    assert machine.events(writer) == FULL

    with VssSystem(seed=0) as other:
        writer = sample(other, {E.THAW: Sleep(1, then=Fail())})
        report = vshadow_backup(other)
        status = report.status_of("MSDNSampleWriter")
        assert status is not None and status.state is WS.VSS_WS_FAILED_AT_THAW
        assert report.ended == 1.0
        assert other.events(writer) == [*FULL[:5], "OnAbort", "OnBackupShutdown"]


def test_report_failure_returns_true_but_the_event_fails(machine: VssSystem) -> None:
    """SetWriterFailure then true still fails the event (docs/reference.md §2.2)."""
    sample(machine, {E.POST_SNAPSHOT: ReportFailure(VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT)})
    report = restic_backup(machine)
    status = report.status_of("MSDNSampleWriter")
    assert status is not None
    assert status.state is WS.VSS_WS_FAILED_AT_POST_SNAPSHOT
    assert status.hr_failure == VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT


def test_wrong_thread_calls_from_a_worker(machine: VssSystem) -> None:
    """The thread rule (docs/reference.md §1.5): refused with WrongThreadError, recorded, named."""
    writer = sample(machine, {E.FREEZE: WrongThread("SetWriterFailure")})
    report = restic_backup(machine)
    assert report.ok  # the refused call changed nothing
    [error] = writer.errors
    assert isinstance(error, WrongThreadError) and error.hresult == VSS_E_BAD_STATE
    [violation] = machine.violations
    assert violation.rule is ViolationRule.WRONG_THREAD
    assert violation.thread == "MSDNSampleWriter worker"
    assert "OnFreeze" in violation.message


def test_veto_in_identify_is_refused_and_leaves_the_writer_out(machine: VssSystem) -> None:
    """SetWriterFailure in OnIdentify is refused (docs/reference.md §1.5); a failed Identify leaves the
    writer out of the metadata and the status list (§4.5)."""
    writer = sample(machine, {E.IDENTIFY: Veto(hr=VSS_E_WRITERERROR_RETRYABLE)})
    report = restic_backup(machine)
    assert report.ok and report.writer_statuses == ()
    assert [v.rule for v in machine.violations] == [ViolationRule.FORBIDDEN_IN_HANDLER]
    assert isinstance(writer.errors[0], WrongThreadError)
    assert machine.events(writer) == ["OnIdentify", "OnBackupShutdown"]


def test_times_limits_an_action_to_the_first_deliveries(machine: VssSystem) -> None:
    writer = sample(machine, {E.PREPARE_SNAPSHOT: Veto(hr=VSS_E_WRITERERROR_RETRYABLE, times=1)})
    first = restic_backup(machine)
    second = restic_backup(machine)
    assert first.error == "VSS_E_UNEXPECTED_WRITER_ERROR" and second.ok
    assert writer.deliveries[E.PREPARE_SNAPSHOT] == 2
    writer.on(E.PREPARE_SNAPSHOT, Fail(times=1))  # a new action counts from zero
    assert restic_backup(machine).error == "VSS_E_UNEXPECTED_WRITER_ERROR"


def test_actions_validate_and_print_as_python() -> None:
    with pytest.raises(ValueError, match="VSS_E_WRITERERROR"):
        Veto(hr=S_OK)
    with pytest.raises(ValueError, match="times"):
        Fail(times=0)
    with pytest.raises(ValueError, match="seconds"):
        Sleep(-1)
    with pytest.raises(TypeError):
        Raise(KeyboardInterrupt)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="WriterEvent"):
        ScriptedWriter(name="W", writer_id=uuid.UUID(int=1), script={"OnFreeze": Fail()})  # type: ignore[dict-item]
    namespace = {**vars(fakes), "VSS_E_WRITERERROR_RETRYABLE": VSS_E_WRITERERROR_RETRYABLE}
    for action in [
        Succeed(),
        Veto(hr=VSS_E_WRITERERROR_RETRYABLE, times=2),
        Fail(),
        Sleep(90.0, then=Fail()),
        Raise(RuntimeError),
        WrongThread(),
    ]:
        assert eval(repr(action), namespace) == action


# ---------------------------------------------------------------------------------------------
# Ready-made writers
# ---------------------------------------------------------------------------------------------


def test_inbox_writers_have_the_documented_names_and_ids() -> None:
    writers = inbox_writers()
    assert {w.name: str(w.writer_id) for w in writers} == DOCUMENTED_IDS
    assert all("_vss" not in w.__dict__ for w in writers)  # not initialized
    by_name = {w.name: w for w in writers}
    # Usage types from the captured WMDs; levels [INF].
    assert by_name["System Writer"].usage is VSS_UT_BOOTABLESYSTEMSTATE
    assert by_name["WMI Writer"].usage is VSS_UT_SYSTEMSERVICE
    assert by_name["BITS Writer"].usage is VSS_UT_SYSTEMSERVICE
    assert by_name["Shadow Copy Optimization Writer"].usage is VSS_UT_USERDATA
    assert all(w.source is VSS_ST_OTHER for w in writers)
    assert by_name["Registry Writer"].level is VSS_APP_SYSTEM
    assert by_name["Shadow Copy Optimization Writer"].level is VSS_APP_FRONT_END
    assert inbox_writers()[0] is not writers[0]  # a fresh set each call


def test_inbox_writers_report_the_captured_metadata(machine: VssSystem) -> None:
    install(machine, inbox_writers())
    assert machine.vssadmin("list writers").count("State: [1] Stable") == 10
    assert "Writer Id: {75dfb225-e2e4-4d39-9ac9-ffaff65ddf06}" in machine.vssadmin("list writers")
    with machine.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.GatherWriterMetadata().Wait()
        metadata = {}
        for index in range(bc.GetWriterMetadataCount()):
            _, examine = bc.GetWriterMetadata(index)
            metadata[examine.GetIdentity()[2]] = examine
    assert list(metadata) == list(DOCUMENTED_IDS)
    tasks = metadata["Task Scheduler Writer"].GetComponent(0).GetComponentInfo()
    assert (tasks.component_name, tasks.selectable, tasks.file_count) == ("TasksStore", False, 2)
    assert metadata["Task Scheduler Writer"].GetRestoreMethod()[0] == (
        VSS_RME_RESTORE_AT_REBOOT_IF_CANNOT_REPLACE
    )
    assert metadata["Registry Writer"].GetFileCounts() == (0, 4, 1)
    assert metadata["BITS Writer"].GetFileCounts() == (0, 3, 0)
    assert metadata["Shadow Copy Optimization Writer"].GetExcludeFromSnapshotCount() == 4
    asr = [metadata["ASR Writer"].GetComponent(i).GetComponentInfo().logical_path for i in range(5)]
    assert asr == ["ASR", "Volumes", "Volumes", "Disks", "BCD"]
    assert metadata["WMI Writer"].GetRestoreMethod()[3] == VSS_WRE_NEVER


def test_sql_server_writer() -> None:
    """SqlServerWriter (docs/reference.md §11): one component per database at the server's path."""
    writer = SqlServerWriter(["master", "Sales"], server="DB01")
    assert (writer.name, str(writer.writer_id)) == (
        "SqlServerWriter",
        "a65faa63-5ea8-4ebc-9dbd-a0c4db26912a",
    )
    assert (writer.level, writer.source) == (VSS_APP_BACK_END, VSS_ST_TRANSACTEDDB)
    master, sales = writer.components
    assert (master.type, master.logical_path, master.component_name) == (
        VSS_CT_DATABASE,
        "DB01",
        "master",
    )
    assert [f.filespec for f in master.database_files + master.database_log_files] == [
        "master.mdf",
        "mastlog.ldf",
    ]
    assert [f.filespec for f in sales.database_files + sales.database_log_files] == [
        "Sales.mdf",
        "Sales_log.ldf",
    ]
    assert master.selectable and master.notify_on_backup_complete
    groups = SqlServerWriter(["model"], component_type=VSS_CT_FILEGROUP).components
    assert [c.type for c in groups] == [VSS_CT_FILEGROUP]
    assert [f.filespec for f in groups[0].files] == ["model.mdf", "modellog.ldf"]


def test_sample_writer_is_microsofts(machine: VssSystem) -> None:
    """docs/field-failures.md §A.5: MSDNSampleWriter, DepWriterId, one file group C:\\MyFiles\\*.dat."""
    writer = sample(machine)
    assert writer.writer_id == uuid.UUID("079462f1-1079-48dd-b3fb-ccb2f2934ecf")
    assert (writer.usage, writer.source) == (VSS_UT_USERDATA, VSS_ST_OTHER)
    [component] = writer.components
    assert (component.component_name, component.caption) == ("FilesComponent", "My FileGroup")
    assert [(f.path, f.filespec) for f in component.files] == [("C:\\MyFiles", "*.dat")]
    assert repr(writer) == "SampleWriter()"


# ---------------------------------------------------------------------------------------------
# VShadow (docs/field-failures.md §A.6 V-1)
# ---------------------------------------------------------------------------------------------

V1_CALLS = [
    "InitializeForBackup",
    "SetBackupState",
    "GatherWriterMetadata",
    "GetWriterMetadataCount",
    "GetWriterMetadata",
    "AddComponent",
    "StartSnapshotSet",
    "AddToSnapshotSet",
    "PrepareForBackup",
    "GatherWriterStatus",
    "GetWriterStatusCount",
    "GetWriterStatus",
    "DoSnapshotSet",
    "GatherWriterStatus",
    "GetWriterStatusCount",
    "GetWriterStatus",
    "Query",
    "GetWriterComponentsCount",
    "SetBackupSucceeded",
    "BackupComplete",
    "GatherWriterStatus",
    "GetWriterStatusCount",
    "GetWriterStatus",
    "Release",
]


def test_vshadow_backs_up_the_inbox_writers(machine: VssSystem) -> None:
    writers = install(machine, [*inbox_writers(), SampleWriter()])
    report = vshadow_backup(machine)
    assert report.ok and report.retries == 0
    assert calls(machine, report.session_id) == V1_CALLS
    added = [r for r in machine.trace if r.name == "AddComponent"]
    assert len(added) == 9  # System Writer's two, one each for seven others
    # Left out: ASR (its BCD volume is not in the set), BITS and Shadow Copy Optimization (no
    # components) (docs/field-failures.md §A.6 V-1 step 4 b, d).
    left_out = {"ASR Writer", "BITS Writer", "Shadow Copy Optimization Writer"}
    assert set(report.writers) == {w.name for w in writers} - left_out
    for writer in writers:
        expected = ["OnIdentify", "OnBackupShutdown"] if writer.name in left_out else FULL
        assert machine.events(writer, report.session_id) == expected, writer.name
    assert len(report.snapshot_ids) == 1
    assert report.devices == ("\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1",)
    assert all(s.state is WS.VSS_WS_STABLE for s in report.writer_statuses)
    assert machine.shadow_copies() == []  # VSS_CTX_BACKUP copies go with Release (§3.1)


def test_vshadow_persistent_and_writerless(machine: VssSystem) -> None:
    writer = sample(machine)
    persistent = vshadow_backup(machine, persistent=True)
    assert "SetContext" in calls(machine, persistent.session_id)
    assert "Type: ApplicationRollback" in machine.vssadmin("list shadows")
    assert [s.snapshot_id for s in machine.shadow_copies()] == list(persistent.snapshot_ids)

    writerless = vshadow_backup(machine, writers=False)
    assert writerless.ok
    assert calls(machine, writerless.session_id) == [
        "InitializeForBackup",
        "SetContext",
        "SetBackupState",
        "StartSnapshotSet",
        "AddToSnapshotSet",
        "DoSnapshotSet",
        "Query",
        "Release",
    ]
    assert machine.events(writer, writerless.session_id) == []
    assert writerless.writer_statuses == ()


def test_vshadow_excludes_writers_by_name_or_id(machine: VssSystem) -> None:
    sql = SqlServerWriter()
    writer = install(machine, [SampleWriter(), sql])[0]
    by_name = vshadow_backup(machine, exclude=["SqlServerWriter"])
    assert by_name.writers == ("MSDNSampleWriter",)
    assert machine.events(sql, by_name.session_id) == ["OnIdentify", "OnBackupShutdown"]
    by_id = vshadow_backup(machine, exclude=[f"{{{writer.writer_id}}}"])
    assert by_id.writers == ("SqlServerWriter",)


def test_vshadow_leaves_out_components_on_other_volumes(machine: VssSystem) -> None:
    machine.add_volume("D:\\")
    writer = install(
        machine,
        [
            ScriptedWriter(
                name="Data Writer",
                writer_id=uuid.UUID(int=7),
                components=[fakes.file_group("Data", [("D:\\Data", "*", True)], selectable=True)],
            ),
            SampleWriter(),
        ],
    )[0]
    report = vshadow_backup(machine, ("D:\\",))
    assert report.writers == ("Data Writer",)
    assert machine.events(writer, report.session_id) == FULL


# ---------------------------------------------------------------------------------------------
# restic (docs/field-failures.md §A.7 R-1)
# ---------------------------------------------------------------------------------------------


def test_restic_backs_up_without_components(machine: VssSystem) -> None:
    writers = install(machine, [*inbox_writers(), SampleWriter()])
    report = restic_backup(machine)
    assert report.ok
    assert calls(machine, report.session_id) == [
        "InitializeForBackup",
        "SetContext",
        "SetBackupState",
        "GatherWriterMetadata",
        "IsVolumeSupported",
        "StartSnapshotSet",
        "AddToSnapshotSet",
        "PrepareForBackup",
        "DoSnapshotSet",
        "GetSnapshotProperties",
        "BackupComplete",
        "DeleteSnapshots",
        "GatherWriterStatus",  # the report's own
        "GetWriterStatusCount",
        "GetWriterStatus",
        "Release",
    ]
    for writer in writers:  # component-less: every writer takes part (docs/reference.md §4.5)
        assert machine.events(writer, report.session_id) == FULL
    names = [r.name for r in machine.trace if r.session_id == report.session_id]
    assert names.index("DeleteSnapshot") < names.index("Release")
    assert report.writers == tuple(w.name for w in writers)
    assert machine.shadow_copies() == []


def test_restic_retries_start_snapshot_set_while_another_set_is_in_creation(
    machine: VssSystem,
) -> None:
    """docs/field-failures.md #1 and §A.7: StartSnapshotSet retried every 5 s until the other set is done."""
    sample(machine, {E.PREPARE_SNAPSHOT: Sleep(12, times=1)})
    tasks = [machine.spawn(restic_backup, machine, name=f"restic-{i}") for i in (1, 2)]
    machine.run()
    reports = sorted((t.result for t in tasks), key=lambda r: r.retries)
    assert all(r.ok for r in reports)
    assert [r.retries for r in reports] == [0, 3]
    assert [r.ended for r in reports] == [12.0, 15.0]  # tried at 0, 5, 10, then 15
    busy = [
        r.time
        for r in machine.trace
        if r.name == "StartSnapshotSet" and r.result == "VSS_E_SNAPSHOT_SET_IN_PROGRESS"
    ]
    assert busy == [0.0, 5.0, 10.0]


def test_restic_gives_up_retrying_at_its_deadline(machine: VssSystem) -> None:
    """Retry while now - 5 s is before the deadline (vss_windows.go)."""
    sample(machine, {E.PREPARE_SNAPSHOT: Sleep(30, times=1)})
    holder = machine.spawn(restic_backup, machine)

    def late_restic() -> fakes.BackupReport:
        machine.sleep(0.5)
        return restic_backup(machine, timeout=4)

    waiter = machine.spawn(late_restic)
    machine.run()
    assert holder.result.ok
    report = waiter.result
    assert report.error == "VSS_E_SNAPSHOT_SET_IN_PROGRESS"
    assert (report.retries, report.started, report.ended) == (2, 0.5, 10.5)


def test_restic_cancels_an_operation_still_pending_at_its_deadline(machine: VssSystem) -> None:
    """docs/field-failures.md #3: QueryStatus says VSS_S_ASYNC_PENDING at the deadline; restic cancels,
    calls AbortBackup (the joined writer gets OnAbort, docs/reference.md §4.2) and releases."""
    writer = sample(machine, {E.PREPARE_BACKUP: Sleep(200)})
    report = restic_backup(machine, timeout=120)
    assert report.error == "VSS_S_ASYNC_PENDING"
    abort = next(r for r in machine.trace if r.name == "AbortBackup")
    assert abort.time == 120.0
    assert machine.events(writer) == [
        "OnIdentify",
        "OnPrepareBackup",
        "OnAbort",
        "OnBackupShutdown",
    ]
    assert report.ended == 200.0  # Release waits for the operation to end


def test_retry_backup_waits_ten_minutes_after_a_transient_writer_error(
    machine: VssSystem,
) -> None:
    """docs/reference.md §6 / docs/field-failures.md #17: wait 10 minutes and retry, at most 3 times."""
    sample(machine, {E.PREPARE_SNAPSHOT: Veto(hr=VSS_E_WRITERERROR_RETRYABLE, times=1)})
    reports = fakes.retry_backup(restic_backup, machine)
    assert [r.error for r in reports] == ["VSS_E_UNEXPECTED_WRITER_ERROR", None]
    assert reports[1].started == 600.0

    with VssSystem(seed=0) as other:
        sample(other, {E.PREPARE_SNAPSHOT: Veto()})  # NONRETRYABLE: no retry
        assert len(fakes.retry_backup(restic_backup, other)) == 1
        assert len(fakes.retry_backup(vshadow_backup, other, attempts=2)) == 1


def test_run_scenario_runs_sessions_concurrently(machine: VssSystem) -> None:
    install(machine, [*inbox_writers(), SqlServerWriter()])
    plans = [
        fakes.SessionPlan("vshadow", writers=["SqlServerWriter"], hold=10),
        fakes.SessionPlan("restic", attempts=3, hold=10),
        fakes.SessionPlan("vshadow", attempts=3, start=1),
    ]
    finished: list[int] = []
    outcomes = fakes.run_scenario(machine, plans, on_finish=lambda o: finished.append(o.index))
    assert [o.index for o in outcomes] == [0, 1, 2]
    assert sorted(finished) == [0, 1, 2]
    assert outcomes[0].final.writers == ("SqlServerWriter",)
    assert all(o.ok for o in outcomes[1:])
    session_tasks = {r.thread for r in machine.trace if r.kind is TraceKind.CALL}
    assert {"session-1", "session-2", "session-3"} <= session_tasks
    assert not machine.violations
    with pytest.raises(ValueError, match="restic"):
        fakes.SessionPlan("restic", writers=["System Writer"])


# ---------------------------------------------------------------------------------------------
# Presets (docs/field-failures.md)
# ---------------------------------------------------------------------------------------------


def test_preset_veto_at_prepare_snapshot(machine: VssSystem) -> None:
    """§B #4: VSS_E_UNEXPECTED_WRITER_ERROR; FAILED_AT_PREPARE_SNAPSHOT (8), RETRYABLE."""
    fakes.veto_at_prepare_snapshot(sample(machine))
    report = restic_backup(machine)
    assert report.error == "VSS_E_UNEXPECTED_WRITER_ERROR"
    [status] = report.failures
    assert (int(status.state), status.hr_failure) == (8, 0x800423F3)


def test_preset_slow_freeze(machine: VssSystem) -> None:
    """§B #7: the Freeze→Thaw window (60 s) runs out: FAILED_AT_FREEZE (9), TIMEOUT."""
    writer = fakes.slow_freeze(sample(machine), 90)
    report = vshadow_backup(machine)
    assert report.error == "VSS_E_UNEXPECTED_WRITER_ERROR"
    [status] = report.failures
    assert (int(status.state), status.hr_failure) == (9, VSS_E_WRITERERROR_TIMEOUT)
    assert machine.events(writer)[3:] == ["OnFreeze", "OnAbort", "OnBackupShutdown"]


def test_preset_slow_commit_provider(machine: VssSystem) -> None:
    """§B #8: CommitSnapshots past the 10 s flush-and-hold window."""
    writer = sample(machine)
    machine.register_provider(fakes.slow_commit_provider(11))
    report = vshadow_backup(machine)
    assert report.error == "VSS_E_HOLD_WRITES_TIMEOUT"
    assert hresults.VSS_E_HOLD_WRITES_TIMEOUT == 0x80042314
    assert "OnAbort" in machine.events(writer)
    assert [r.name for r in machine.trace if r.kind is TraceKind.PROVIDER][-1] == "AbortSnapshots"

    with VssSystem(seed=0) as quick:
        sample(quick)
        quick.register_provider(fakes.slow_commit_provider(9))
        assert vshadow_backup(quick).ok


def test_preset_insufficient_storage_and_provider_veto(machine: VssSystem) -> None:
    """§B #11 and #16: the provider's own codes reach DoSnapshotSet's result (docs/reference.md §9)."""
    sample(machine)
    machine.register_provider(fakes.insufficient_storage_provider())
    assert restic_backup(machine).error == "VSS_E_INSUFFICIENT_STORAGE"
    with VssSystem(seed=0) as other:
        writer = sample(other)
        other.register_provider(fakes.provider_veto())
        assert vshadow_backup(other).error == "VSS_E_PROVIDER_VETO"
        assert other.events(writer)[3:] == ["OnFreeze", "OnAbort", "OnBackupShutdown"]
    with pytest.raises(ValueError, match="CommitSnapshots"):
        fakes.provider_veto(at="Commit")


def test_preset_wrong_thread(machine: VssSystem) -> None:
    """§B #18: WrongThreadError (VSS_E_BAD_STATE) and a wrong-thread violation."""
    writer = fakes.wrong_thread(sample(machine), E.PREPARE_SNAPSHOT)
    assert vshadow_backup(machine).ok
    assert [v.rule for v in machine.violations] == [ViolationRule.WRONG_THREAD]
    assert machine.violations[0].handler == "OnPrepareSnapshot"
    assert writer.errors[0].hresult == 0x80042301


def test_preset_stuck_writer_until_restarted(machine: VssSystem) -> None:
    """§B #9 as far as the model goes: failed in every session, shown by vssadmin, until restart."""
    writer = fakes.stuck_writer(sample(machine))
    assert restic_backup(machine).error == "VSS_E_UNEXPECTED_WRITER_ERROR"
    assert vshadow_backup(machine).error == "VSS_E_UNEXPECTED_WRITER_ERROR"
    listing = machine.vssadmin("list writers")
    assert "State: [8] Failed" in listing and "Last error: Non-retryable error" in listing
    fakes.restart_writer(writer)
    assert restic_backup(machine).ok


# ---------------------------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------------------------


def test_strategies_validate_their_options() -> None:
    with pytest.raises(InvalidArgument):
        fst.scripts(events=[])
    with pytest.raises(InvalidArgument):
        fst.fault_scripts(min_faults=3, max_faults=1)
    with pytest.raises(InvalidArgument):
        fst.scenarios(kinds=["robocopy"])
    with pytest.raises(InvalidArgument):
        fst.writers(scripts={E.FREEZE: Fail()})  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        fst.actions(violations="yes")  # type: ignore[arg-type]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(script=fst.fault_scripts(min_faults=1, max_faults=3))
def test_fault_scripts_hold_at_least_one_fault(script: dict[WriterEvent, fakes.Action]) -> None:
    faults = [a for a in script.values() if not isinstance(a, Succeed)]
    assert any(
        isinstance(a, (Veto, Fail, ReportFailure)) or (isinstance(a, Sleep) and a.seconds > 60)
        for a in faults
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    writers=st.lists(
        fst.writers(scripts=fst.fault_scripts()), max_size=3, unique_by=lambda w: w.name
    ),
    plans=fst.scenarios(max_sessions=3, max_attempts=2),
    seed=st.integers(0, 2**16),
)
def test_scripted_faults_in_any_scenario_break_no_rule(
    writers: list[ScriptedWriter], plans: list[fakes.SessionPlan], seed: int
) -> None:
    """Rule-abiding faults never make the model report a violation or break §4.2's guarantees."""
    with VssSystem(seed=seed) as system:
        install(system, [*inbox_writers(), *writers])
        outcomes = fakes.run_scenario(system, plans)
        assert len(outcomes) == len(plans)
        assert all(1 <= len(o.reports) <= o.plan.attempts for o in outcomes)
        assert system.violations == []
        assert check_event_order(system) == []
        assert system._machine.creation_lock.holder is None
