"""Each preset of ``fakes.faults`` gives the code, writer state and events of its row of
docs/field-failures.md, with the reference requester, on a machine whose only writer is
Microsoft's sample writer (docs/field-failures.md §A.5).

Every test applies its fault inside ``faults.checked()``, so a fault that never fired fails it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

import fakes
from fakes import BackupReport, SampleWriter, faults, install, restic_backup, vshadow_backup
from simulator import (
    E_ACCESSDENIED,
    S_OK,
    VSS_E_BAD_STATE,
    VSS_E_FLUSH_WRITES_TIMEOUT,
    VSS_E_HOLD_WRITES_TIMEOUT,
    VSS_E_INSUFFICIENT_STORAGE,
    VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED,
    VSS_E_OBJECT_ALREADY_EXISTS,
    VSS_E_PROVIDER_VETO,
    VSS_E_SNAPSHOT_SET_IN_PROGRESS,
    VSS_E_UNEXPECTED_WRITER_ERROR,
    VSS_E_VOLUME_NOT_SUPPORTED,
    VSS_E_WRITER_NOT_RESPONDING,
    VSS_E_WRITERERROR_RETRYABLE,
    VSS_E_WRITERERROR_TIMEOUT,
    VSS_WRITER_STATE,
    ViolationRule,
    VssSystem,
    WrongThreadError,
    hresults,
)
from tests.helpers import PROJECT_ROOT

WS = VSS_WRITER_STATE
NAME = "MSDNSampleWriter"
TO_PREPARE = ["OnIdentify", "OnPrepareBackup"]
FULL = [
    *TO_PREPARE,
    "OnPrepareSnapshot",
    "OnFreeze",
    "OnThaw",
    "OnPostSnapshot",
    "OnBackupComplete",
    "OnBackupShutdown",
]


@pytest.fixture
def machine() -> Iterator[tuple[VssSystem, SampleWriter]]:
    with VssSystem(seed=0) as system:
        [writer] = install(system, [SampleWriter()])
        yield system, writer


def run(fault: faults.Fault, system: VssSystem, report: BackupReport) -> None:
    """Check the preset's own fields against what happened: the fields are the documented
    values, so a preset whose fields drift from the model fails here."""
    assert report.error == (hresults.name_of(fault.code) if fault.code is not None else None)
    status = report.status_of(NAME)
    if fault.writer_state is not None and status is not None:
        assert (status.state, status.hr_failure) == (fault.writer_state, fault.writer_failure)
    assert tuple(system.events(NAME, report.session_id)) == fault.events


def test_there_is_a_preset_for_every_row() -> None:
    assert sorted({f.row for f in faults.PRESETS}) == list(range(1, 19))
    assert len(faults.PRESETS) >= 18
    for fault in (*faults.PRESETS, *faults.MACHINE_FAULTS):
        assert fault.name.isupper() and getattr(faults, fault.name) is fault
        assert fault.evidence and fault.mechanism and fault.summary
        assert fault.name in fault.describe() or fault.summary in fault.describe()
    assert faults.by_row(4) == (
        faults.WRITER_VETOES_PREPARE_BACKUP,
        faults.WRITER_VETOES_PREPARE_SNAPSHOT,
    )


def test_another_set_in_creation(machine: tuple[VssSystem, SampleWriter]) -> None:
    """docs/field-failures.md #1 (duplicati#1455, #5570): another requester holds the creation
    lock; StartSnapshotSet gets VSS_E_SNAPSHOT_SET_IN_PROGRESS 0x80042316 until it lets go, which
    restic's retry every 5 s rides out."""
    system, _ = machine
    with faults.checked():
        armed = faults.ANOTHER_SET_IN_CREATION.apply(system, hold=12)
        report = vshadow_backup(system)
        assert report.error == "VSS_E_SNAPSHOT_SET_IN_PROGRESS"
        assert system.creating_session_id == armed.details["requester"].session_id
        run(faults.ANOTHER_SET_IN_CREATION, system, report)
        patient = restic_backup(system)
    assert patient.ok and patient.retries == 3  # 5, 10, 15 s: the lock went at 12 s
    assert armed.fired == 1 + patient.retries and armed.cured
    assert system.creating_session_id is None
    assert faults.ANOTHER_SET_IN_CREATION.code == VSS_E_SNAPSHOT_SET_IN_PROGRESS


def test_leaked_snapshot_set(machine: tuple[VssSystem, SampleWriter]) -> None:
    """docs/field-failures.md #2 (duplicati#7005): the leaked set blocks every later session,
    whatever the wait, until the object is released."""
    system, _ = machine
    with faults.checked():
        armed = faults.LEAKED_SNAPSHOT_SET.apply(system)
        first = vshadow_backup(system)
        system.sleep(24 * 3600)
        again = restic_backup(system, timeout=60)
    run(faults.LEAKED_SNAPSHOT_SET, system, first)
    assert again.error == "VSS_E_SNAPSHOT_SET_IN_PROGRESS" and again.retries == 13
    assert armed.fired == 2 + again.retries
    armed.cure()
    assert system.creating_session_id is None
    assert vshadow_backup(system).ok


def test_async_deadline_exceeded(machine: tuple[VssSystem, SampleWriter]) -> None:
    """docs/field-failures.md #3 (restic#3142, #3269, #3390): OnPrepareBackup outlasts restic's
    120 s; QueryStatus still says VSS_S_ASYNC_PENDING 0x00042309; restic cancels and aborts."""
    system, writer = machine
    with faults.checked():
        faults.ASYNC_DEADLINE_EXCEEDED.apply(writer)
        report = restic_backup(system)
    assert report.error == "VSS_S_ASYNC_PENDING"
    assert report.ended - report.started == pytest.approx(150)
    assert system.events(writer, report.session_id) == [
        *TO_PREPARE,
        "OnAbort",
        "OnBackupShutdown",
    ]
    run(faults.ASYNC_DEADLINE_EXCEEDED, system, report)


def test_writer_vetoes_prepare_backup(machine: tuple[VssSystem, SampleWriter]) -> None:
    """docs/field-failures.md #4 (bareos#1923): FAILED_AT_PREPARE_BACKUP (7) with
    VSS_E_WRITERERROR_RETRYABLE; VShadow's writer check throws E_UNEXPECTED."""
    system, writer = machine
    with faults.checked():
        faults.WRITER_VETOES_PREPARE_BACKUP.apply(writer)
        report = vshadow_backup(system)
    status = report.status_of(NAME)
    assert status is not None
    assert (status.state, status.hr_failure) == (
        WS.VSS_WS_FAILED_AT_PREPARE_BACKUP,
        VSS_E_WRITERERROR_RETRYABLE,
    )
    assert int(status.state) == 7 and report.error == "E_UNEXPECTED"
    assert system.events(writer, report.session_id) == [*TO_PREPARE, "OnAbort", "OnBackupShutdown"]
    run(faults.WRITER_VETOES_PREPARE_BACKUP, system, report)


def test_writer_vetoes_prepare_snapshot(machine: tuple[VssSystem, SampleWriter]) -> None:
    """docs/field-failures.md #4: FAILED_AT_PREPARE_SNAPSHOT (8); DoSnapshotSet fails with
    VSS_E_UNEXPECTED_WRITER_ERROR and no Freeze follows."""
    system, writer = machine
    with faults.checked():
        faults.WRITER_VETOES_PREPARE_SNAPSHOT.apply(writer)
        report = vshadow_backup(system)
    status = report.status_of(NAME)
    assert status is not None and int(status.state) == 8
    assert status.hr_failure == VSS_E_WRITERERROR_RETRYABLE
    assert report.error == "VSS_E_UNEXPECTED_WRITER_ERROR"
    assert "OnFreeze" not in system.events(writer, report.session_id)
    run(faults.WRITER_VETOES_PREPARE_SNAPSHOT, system, report)


def misuse(fault: faults.Fault, system: VssSystem, writer: SampleWriter) -> faults.Armed:
    with faults.checked():
        armed = fault.apply(system)
    session = armed.details["requester"].session_id
    assert tuple(system.events(writer, session)) == fault.events
    assert armed.details["error"] == hresults.name_of(fault.code or 0)
    assert system.creating_session_id is None and system.shadow_copies() == []
    return armed


def test_carries_on_after_failure(machine: tuple[VssSystem, SampleWriter]) -> None:
    """docs/field-failures.md #5 (bareos#1923, AlphaVSS #30, #36): BackupComplete after a failed
    DoSnapshotSet is VSS_E_BAD_STATE 0x80042301, and the message says what was expected."""
    system, writer = machine
    armed = misuse(faults.CARRIES_ON_AFTER_FAILURE, system, writer)
    assert armed.details["error"] == "VSS_E_BAD_STATE"
    assert "BackupComplete" in armed.details["message"]
    assert system.events(writer, armed.details["requester"].session_id) == [
        *TO_PREPARE,
        "OnAbort",
        "OnBackupShutdown",
    ]


def test_components_object_reused(machine: tuple[VssSystem, SampleWriter]) -> None:
    """docs/field-failures.md #6 (VShadow's "only once per instance"): a second
    GatherWriterMetadata is VSS_E_BAD_STATE."""
    system, writer = machine
    armed = misuse(faults.COMPONENTS_OBJECT_REUSED, system, writer)
    assert armed.details["error"] == "VSS_E_BAD_STATE"
    assert system.events(writer, armed.details["requester"].session_id) == [
        "OnIdentify",
        "OnBackupShutdown",
    ]


def test_freeze_window_exceeded(machine: tuple[VssSystem, SampleWriter]) -> None:
    """docs/field-failures.md #7 (CVssWriter::OnFreeze, 60000 ms): FAILED_AT_FREEZE (9) with
    VSS_E_WRITERERROR_TIMEOUT 0x800423F2, and OnAbort."""
    system, writer = machine
    with faults.checked():
        faults.FREEZE_WINDOW_EXCEEDED.apply(writer)
        report = vshadow_backup(system)
    status = report.status_of(NAME)
    assert status is not None
    assert (int(status.state), status.hr_failure) == (9, VSS_E_WRITERERROR_TIMEOUT)
    assert system.events(writer, report.session_id)[-2:] == ["OnAbort", "OnBackupShutdown"]
    run(faults.FREEZE_WINDOW_EXCEEDED, system, report)


def test_hold_writes_timeout(machine: tuple[VssSystem, SampleWriter]) -> None:
    """docs/field-failures.md #8 (IVssProviderCreateSnapshotSet::CommitSnapshots): a commit of
    11 s overruns the 10 s flush-and-hold window: VSS_E_HOLD_WRITES_TIMEOUT 0x80042314; the frozen
    writer gets OnAbort."""
    system, writer = machine
    with faults.checked():
        faults.HOLD_WRITES_TIMEOUT.apply(system)
        report = vshadow_backup(system)
    assert report.error == hresults.name_of(VSS_E_HOLD_WRITES_TIMEOUT)
    assert system.events(writer, report.session_id) == [
        *TO_PREPARE,
        "OnPrepareSnapshot",
        "OnFreeze",
        "OnAbort",
        "OnBackupShutdown",
    ]
    run(faults.HOLD_WRITES_TIMEOUT, system, report)


def test_flush_writes_timeout(machine: tuple[VssSystem, SampleWriter]) -> None:
    """docs/field-failures.md #8 (IVssBackupComponents::DoSnapshotSet): the kernel cannot flush
    the volume's writes within 10 s: VSS_E_FLUSH_WRITES_TIMEOUT 0x80042313; the frozen writer
    gets OnAbort; once cured the backup succeeds."""
    system, _ = machine
    with faults.checked():
        armed = faults.FLUSH_WRITES_TIMEOUT.apply(system)
        report = vshadow_backup(system)
    assert report.error == hresults.name_of(VSS_E_FLUSH_WRITES_TIMEOUT)
    assert hresults.VSS_E_FLUSH_WRITES_TIMEOUT == 0x80042313
    assert armed.fired == 1 and armed.details["volume"] == "C:\\"
    run(faults.FLUSH_WRITES_TIMEOUT, system, report)
    armed.cure()
    assert vshadow_backup(system).ok


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        (faults.TRANSACTION_FREEZE_TIMEOUT, 0x80042328),
        (faults.TRANSACTION_THAW_TIMEOUT, 0x80042329),
        (faults.REBOOT_REQUIRED, 0x80042327),
    ],
    ids=lambda value: getattr(value, "name", hex(value) if isinstance(value, int) else value),
)
def test_the_codes_vss_itself_raises(
    machine: tuple[VssSystem, SampleWriter], fault: faults.Fault, code: int
) -> None:
    """docs/reference.md §5: the transaction managers timing out and a provider that needs a
    restart each fail DoSnapshotSet with their own code; the cure ends it."""
    system, _ = machine
    with faults.checked():
        armed = fault.apply(system)
        report = vshadow_backup(system)
    assert fault.code == code
    assert armed.fired == 1
    run(fault, system, report)
    armed.cure()
    assert vshadow_backup(system).ok


def test_writer_not_responding_until_its_host_restarts(
    machine: tuple[VssSystem, SampleWriter],
) -> None:
    """docs/field-failures.md #9 (CSS-Exchange#2093): every session fails, vssadmin says
    "State: [8] Failed" and "Last error: Not responding" (VSS_E_WRITER_NOT_RESPONDING
    0x80042319) between sessions; only restarting the writer's host helps."""
    system, writer = machine
    with faults.checked():
        armed = faults.WRITER_NOT_RESPONDING.apply(writer)
        reports = [vshadow_backup(system) for _ in range(3)]
        system.sleep(3600)
        listing = system.vssadmin("list writers")
        system.restart_writer_host(writer)
        assert "State: [1] Stable" in system.vssadmin("list writers")
        cured = vshadow_backup(system)
    assert [r.error for r in reports] == ["VSS_E_UNEXPECTED_WRITER_ERROR"] * 3
    status = reports[-1].status_of(NAME)
    assert status is not None
    assert (status.state, status.hr_failure) == (
        WS.VSS_WS_FAILED_AT_PREPARE_SNAPSHOT,
        VSS_E_WRITER_NOT_RESPONDING,
    )
    assert "   State: [8] Failed\n   Last error: Not responding\n" in listing
    assert cured.ok and armed.fired == 3
    run(faults.WRITER_NOT_RESPONDING, system, reports[0])


def test_writer_fails_identify(machine: tuple[VssSystem, SampleWriter]) -> None:
    """docs/field-failures.md #10 (duplicati#260, #3236): a broken writer drops out at Identify
    (FAILED_AT_IDENTIFY); the backup goes on without it."""
    system, writer = machine
    healthy = install(system, [fakes.SqlServerWriter()])[0]
    with faults.checked():
        faults.WRITER_FAILS_IDENTIFY.apply(writer)
        report = vshadow_backup(system)
    assert report.ok and report.writers == (healthy.name,)
    assert report.status_of(NAME) is None
    [identify] = [
        r for r in system.trace if r.session_id == report.session_id and r.writer == NAME
    ][:1]
    assert (identify.name, identify.result) == ("OnIdentify", "false")
    assert f"Writer name: '{NAME}'" not in system.vssadmin("list writers")
    run(faults.WRITER_FAILS_IDENTIFY, system, report)


def test_diff_area_full(machine: tuple[VssSystem, SampleWriter]) -> None:
    """docs/field-failures.md #11 (restic#4875, duplicati#5569): VSS_E_INSUFFICIENT_STORAGE
    0x8004231F from DoSnapshotSet; the writer that prepared gets OnAbort."""
    system, writer = machine
    with faults.checked():
        armed = faults.DIFF_AREA_FULL.apply(system)
        report = vshadow_backup(system)
    assert report.error == hresults.name_of(VSS_E_INSUFFICIENT_STORAGE)
    assert armed.details["provider"] in system.providers
    assert system.events(writer, report.session_id)[-2:] == ["OnAbort", "OnBackupShutdown"]
    run(faults.DIFF_AREA_FULL, system, report)


def test_too_many_shadow_copies(machine: tuple[VssSystem, SampleWriter]) -> None:
    """docs/field-failures.md #12 (AlphaVSS, the 512 limit): AddToSnapshotSet gets
    VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED 0x80042317."""
    system, writer = machine
    with faults.checked():
        faults.TOO_MANY_SHADOW_COPIES.apply(system)
        report = vshadow_backup(system)
    assert report.error == hresults.name_of(VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED)
    assert system.events(writer, report.session_id) == ["OnIdentify", "OnBackupShutdown"]
    run(faults.TOO_MANY_SHADOW_COPIES, system, report)


def test_volume_not_supported(machine: tuple[VssSystem, SampleWriter]) -> None:
    """docs/field-failures.md #13 (duplicati#2655): no provider takes the volume:
    VSS_E_VOLUME_NOT_SUPPORTED 0x8004230C at AddToSnapshotSet, and restic's IsVolumeSupported
    check says the same before it starts a set."""
    system, _ = machine
    system.add_volume("D:\\")
    with faults.checked():
        faults.VOLUME_NOT_SUPPORTED.apply(system)
        report = vshadow_backup(system)
        checked_first = restic_backup(system)
        other = vshadow_backup(system, ["D:\\"])
    assert report.error == checked_first.error == hresults.name_of(VSS_E_VOLUME_NOT_SUPPORTED)
    assert checked_first.snapshot_set_id is None and other.ok
    run(faults.VOLUME_NOT_SUPPORTED, system, report)


def test_volume_added_twice(machine: tuple[VssSystem, SampleWriter]) -> None:
    """docs/field-failures.md #14 (hypervbackup#12, Samba's torture test): the second
    AddToSnapshotSet of one volume is VSS_E_OBJECT_ALREADY_EXISTS 0x8004230D."""
    system, writer = machine
    armed = misuse(faults.VOLUME_ADDED_TWICE, system, writer)
    assert armed.details["error"] == hresults.name_of(VSS_E_OBJECT_ALREADY_EXISTS)


def test_not_admin(machine: tuple[VssSystem, SampleWriter]) -> None:
    """docs/field-failures.md #15 (restic#4986, Samba's fss_permitted): InitializeForBackup is
    E_ACCESSDENIED 0x80070005; no writer hears of the backup."""
    system, writer = machine
    with faults.checked():
        armed = faults.NOT_ADMIN.apply(system)
        report = vshadow_backup(system)
        also = restic_backup(system)
    assert report.error == also.error == hresults.name_of(E_ACCESSDENIED)
    assert system.events(writer) == []
    run(faults.NOT_ADMIN, system, report)
    armed.cure()
    assert vshadow_backup(system).ok


def test_provider_veto(machine: tuple[VssSystem, SampleWriter]) -> None:
    """docs/field-failures.md #16 (duplicati#1248, restic#3067): VSS_E_PROVIDER_VETO 0x80042306;
    the frozen writer gets OnAbort."""
    system, writer = machine
    with faults.checked():
        faults.PROVIDER_VETO.apply(system)
        report = vshadow_backup(system)
    assert report.error == hresults.name_of(VSS_E_PROVIDER_VETO)
    assert "OnFreeze" in system.events(writer, report.session_id)
    run(faults.PROVIDER_VETO, system, report)


def test_transient_writer_error_then_retry(machine: tuple[VssSystem, SampleWriter]) -> None:
    """docs/field-failures.md #17 (CVssWriterEx2::SetWriterFailureEx: wait 10 minutes, retry):
    the first attempt fails RETRYABLE, the retry 600 virtual seconds later succeeds."""
    system, writer = machine
    with faults.checked():
        faults.TRANSIENT_WRITER_ERROR.apply(writer)
        reports = fakes.retry_backup(vshadow_backup, system)
    assert [r.error for r in reports] == ["VSS_E_UNEXPECTED_WRITER_ERROR", None]
    assert reports[1].started - reports[0].ended == pytest.approx(600)
    run(faults.TRANSIENT_WRITER_ERROR, system, reports[0])


def test_writer_call_off_thread(machine: tuple[VssSystem, SampleWriter]) -> None:
    """docs/field-failures.md #18 (CVssWriterEx2::GetSessionId): GetSessionId from a worker is
    refused with WrongThreadError (VSS_E_BAD_STATE) and recorded; the backup goes on."""
    system, writer = machine
    with faults.checked():
        faults.WRITER_CALL_OFF_THREAD.apply(writer)
        report = vshadow_backup(system)
    assert report.ok
    [error] = writer.errors
    assert isinstance(error, WrongThreadError) and error.hresult == VSS_E_BAD_STATE
    assert [v.rule for v in system.violations] == [ViolationRule.WRONG_THREAD]
    assert system.events(writer, report.session_id) == FULL


def test_machine_faults_codes(machine: tuple[VssSystem, SampleWriter]) -> None:
    """The machine faults: a removed volume is VSS_E_OBJECT_NOT_FOUND at AddToSnapshotSet; the
    cure brings it back."""
    system, _ = machine
    with faults.checked():
        armed = faults.VOLUME_REMOVED.apply(system)
        report = vshadow_backup(system)
    run(faults.VOLUME_REMOVED, system, report)
    armed.cure()
    assert vshadow_backup(system).ok
    status = report.status_of(NAME)
    assert status is not None and status.hr_failure == S_OK


def test_a_writer_fault_needs_a_scripted_writer(machine: tuple[VssSystem, SampleWriter]) -> None:
    system, _ = machine
    with pytest.raises(TypeError, match="applies to a writer"):
        faults.WRITER_VETOES_PREPARE_SNAPSHOT.apply(system)
    with pytest.raises(TypeError, match="DIFF_AREA_FULL takes no option colour"):
        faults.DIFF_AREA_FULL.apply(system, colour="red")
    assert vshadow_backup(system).ok  # the refused fault was cured
    assert faults.WRITER_VETOES_PREPARE_SNAPSHOT.code == VSS_E_UNEXPECTED_WRITER_ERROR


def test_the_catalogue_names_each_rows_preset() -> None:
    """docs/field-failures.md has a "Preset" line in every row, naming presets that exist."""
    text = (PROJECT_ROOT / "docs" / "field-failures.md").read_text(encoding="utf-8")
    rows = re.split(r"(?m)^## #(\d+) ", text)[1:]
    named = {}
    for number, body in zip(rows[::2], rows[1::2], strict=True):
        [line] = [line for line in body.splitlines() if line.startswith("- **Preset:**")]
        named[int(number)] = re.findall(r"`fakes\.faults\.([A-Z_]+)`", line)
    assert sorted(named) == list(range(1, 19))
    for row, names in named.items():
        assert {getattr(faults, name).row for name in names} - {None} == {row}
