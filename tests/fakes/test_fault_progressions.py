"""When faults fire (``fakes.faults`` progressions, as moto's state manager has them), that a
fault that never fired fails its test, the leaked creation lock of docs/field-failures.md #2 and
its cures, the machine faults, and that nothing leaks after any sequence of faults once cured.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakes import (
    SampleWriter,
    ScriptedWriter,
    Veto,
    faults,
    install,
    restic_backup,
    vshadow_backup,
)
from simulator import (
    GUID_NULL,
    VSS_BT_COPY,
    VSS_BT_FULL,
    VSS_CTX_APP_ROLLBACK,
    VSS_E_WRITERERROR_RETRYABLE,
    VSS_WRITER_STATE,
    Phase,
    VssBadState,
    VssSnapshotSetInProgress,
    VssSystem,
    WriterEvent,
)

WS = VSS_WRITER_STATE


@pytest.fixture
def machine() -> Iterator[tuple[VssSystem, SampleWriter]]:
    with VssSystem(seed=0) as system:
        [writer] = install(system, [SampleWriter()])
        yield system, writer


# -- progressions ---------------------------------------------------------------------------


def test_after_n_virtual_seconds(machine: tuple[VssSystem, SampleWriter]) -> None:
    system, writer = machine
    armed = faults.WRITER_VETOES_PREPARE_SNAPSHOT.apply(writer, when=faults.after(3600))
    early = vshadow_backup(system)
    system.sleep(3600)
    late = vshadow_backup(system)
    assert (early.error, late.error) == (None, "VSS_E_UNEXPECTED_WRITER_ERROR")
    assert armed.fired == 1


def test_on_the_kth_session(machine: tuple[VssSystem, SampleWriter]) -> None:
    system, writer = machine
    armed = faults.FREEZE_WINDOW_EXCEEDED.apply(writer, when=faults.on_session(2))
    errors = [vshadow_backup(system).error for _ in range(3)]
    assert errors == [None, "VSS_E_UNEXPECTED_WRITER_ERROR", None]
    assert armed.fired == 1


def test_times_and_until_restart(machine: tuple[VssSystem, SampleWriter]) -> None:
    system, writer = machine
    twice = faults.DIFF_AREA_FULL.apply(system, when=faults.Progression(times=2))
    errors = [vshadow_backup(system).error for _ in range(3)]
    assert errors == ["VSS_E_INSUFFICIENT_STORAGE"] * 2 + [None]
    assert twice.fired == 2
    stuck = faults.WRITER_VETOES_PREPARE_BACKUP.apply(writer, when=faults.UNTIL_RESTART)
    assert vshadow_backup(system).error == "E_UNEXPECTED"
    faults.WRITER_HOST_RESTARTED.apply(writer)
    assert vshadow_backup(system).ok and stuck.fired == 1


def test_a_provider_fault_on_the_kth_session_counts_sets(
    machine: tuple[VssSystem, SampleWriter],
) -> None:
    system, _ = machine
    faults.PROVIDER_VETO.apply(system, when=faults.on_session(2))
    errors = [restic_backup(system).error for _ in range(3)]
    assert errors == [None, "VSS_E_PROVIDER_VETO", None]


def test_progressions_are_checked() -> None:
    with pytest.raises(ValueError, match="delay"):
        faults.Progression(delay=-1)
    with pytest.raises(ValueError, match="session"):
        faults.on_session(0)


# -- a scripted fault that never fired fails the test -----------------------------------------


def test_a_fault_that_never_fired_fails(machine: tuple[VssSystem, SampleWriter]) -> None:
    system, writer = machine
    never = pytest.raises(faults.FaultNeverFired, match=r"FREEZE_WINDOW_EXCEEDED \(docs/")
    with never, faults.checked():
        faults.FREEZE_WINDOW_EXCEEDED.apply(writer)
        restic_backup(system, ["C:\\"], timeout=0.0)  # gives up before any Freeze
    with faults.checked() as plan:
        optional = faults.FREEZE_WINDOW_EXCEEDED.apply(writer, optional=True)
    assert plan.never_fired() == [] and optional.fired == 0


def test_the_plan_fixture_collects_faults(
    vss_faults: faults.FaultPlan, machine: tuple[VssSystem, SampleWriter]
) -> None:
    system, writer = machine
    armed = faults.WRITER_VETOES_PREPARE_SNAPSHOT.apply(writer)
    assert vss_faults.armed == [armed]
    assert vss_faults.never_fired() == [armed]
    vshadow_backup(system)
    assert vss_faults.never_fired() == []


# -- the leaked creation lock (docs/field-failures.md #2) -----------------------------------------


def careless_backup(system: VssSystem) -> object:
    """A requester that stops after a failed PrepareForBackup without AbortBackup or Release
    (the object stays alive, as in a process that is still running)."""
    bc = system.CreateVssBackupComponents()
    bc.InitializeForBackup()
    bc.SetBackupState(False, False, VSS_BT_COPY, False)
    bc.GatherWriterMetadata().Wait()
    bc.StartSnapshotSet()
    bc.AddToSnapshotSet("C:\\", GUID_NULL)
    bc.PrepareForBackup().Wait()
    statuses = bc.GatherWriterStatus()
    statuses.Wait()
    assert bc.GetWriterStatus(0).state is WS.VSS_WS_FAILED_AT_PREPARE_BACKUP
    return bc  # gives up here: no AbortBackup


def test_no_abort_after_a_failed_prepare_leaves_the_lock_held(
    machine: tuple[VssSystem, SampleWriter],
) -> None:
    """docs/field-failures.md #2 (duplicati#7005): the next session's StartSnapshotSet gets
    VSS_E_SNAPSHOT_SET_IN_PROGRESS, a day later still; Release frees it; a clean backup follows."""
    system, writer = machine
    faults.WRITER_VETOES_PREPARE_BACKUP.apply(writer, when=faults.Progression(times=1))
    leaked = careless_backup(system)
    system.sleep(24 * 3600)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(True, True, VSS_BT_FULL, False)
        bc.GatherWriterMetadata().Wait()
        with pytest.raises(VssSnapshotSetInProgress, match="only one set may be in creation"):
            bc.StartSnapshotSet()
    assert vshadow_backup(system).error == "VSS_E_SNAPSHOT_SET_IN_PROGRESS"
    leaked.Release()  # type: ignore[attr-defined]
    assert system.creating_session_id is None
    report = vshadow_backup(system)
    assert report.ok and system.shadow_copies() == []


def test_the_leaked_lock_goes_when_the_requester_process_ends(
    machine: tuple[VssSystem, SampleWriter],
) -> None:
    """docs/field-failures.md #2: the other cure, the requester's process ending."""
    system, _ = machine
    armed = faults.LEAKED_SNAPSHOT_SET.apply(system)
    faults.end_requester_process(armed)
    assert system.creating_session_id is None
    assert vshadow_backup(system).ok


# -- machine faults -------------------------------------------------------------------------


def test_vss_service_restart_aborts_sessions_under_way(
    machine: tuple[VssSystem, SampleWriter],
) -> None:
    system, writer = machine
    leaked = faults.LEAKED_SNAPSHOT_SET.apply(system)
    writer.on(WriterEvent.PREPARE_SNAPSHOT, Veto(VSS_E_WRITERERROR_RETRYABLE))
    assert vshadow_backup(system).error == "VSS_E_SNAPSHOT_SET_IN_PROGRESS"
    writer.clear(WriterEvent.PREPARE_SNAPSHOT)
    system.restart_vss_service()
    bc = leaked.details["requester"]
    assert bc.phase is Phase.RELEASED and system.creating_session_id is None
    with pytest.raises(VssBadState):
        bc.DoSnapshotSet()
    assert system.events(writer, bc.session_id)[-1] == "OnAbort"
    assert "State: [1] Stable" in system.vssadmin("list writers")
    assert vshadow_backup(system).ok and system.service_restarts == 1


def test_vss_service_restart_in_the_middle_of_a_backup(
    machine: tuple[VssSystem, SampleWriter],
) -> None:
    system, writer = machine
    with faults.checked():
        faults.VSS_SERVICE_RESTARTED.apply(system, when=faults.after(5))
        report = vshadow_backup(system, hold=10)
    assert report.error == "VSS_E_BAD_STATE"
    assert system.shadow_copies() == [] and system.creating_session_id is None
    assert tuple(system.events(writer, report.session_id)) == faults.VSS_SERVICE_RESTARTED.events
    assert vshadow_backup(system).ok


def test_removed_volume_takes_its_copies(machine: tuple[VssSystem, SampleWriter]) -> None:
    system, _ = machine
    system.add_volume("D:\\")
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(VSS_CTX_APP_ROLLBACK)  # persistent: the copy outlives the object
        bc.SetBackupState(False, False, VSS_BT_FULL, False)
        bc.GatherWriterMetadata().Wait()
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("D:\\")
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
    assert [s.original_volume for s in system.shadow_copies()] == ["D:\\"]
    faults.VOLUME_REMOVED.apply(system, volume="D:")
    assert system.shadow_copies() == [] and "D:\\" not in system.volume_names
    assert restic_backup(system, ["D:\\"]).error == "VSS_E_VOLUME_NOT_SUPPORTED"


def test_writer_host_restart_is_refused_inside_a_handler(
    machine: tuple[VssSystem, SampleWriter],
) -> None:
    system, _ = machine
    seen: list[str] = []

    class Restarting(ScriptedWriter):
        def OnFreeze(self) -> bool:
            try:
                system.restart_writer_host(self)
            except VssBadState as exc:
                seen.append(str(exc))
            return True

    install(
        system, [Restarting(name="Restarting", writer_id="5e1f0c0a-0000-4000-8000-000000000002")]
    )
    assert restic_backup(system).ok
    assert seen and "running OnFreeze" in seen[0]


# -- nothing leaks after a fault ------------------------------------------------------------

_EVERY = [*faults.PRESETS, *faults.MACHINE_FAULTS]


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    seed=st.integers(0, 2**16),
    steps=st.lists(
        st.tuples(st.sampled_from(_EVERY), st.sampled_from(["vshadow", "restic"])),
        min_size=1,
        max_size=3,
    ),
)
def test_nothing_leaks_after_any_faults_once_cured(
    seed: int, steps: list[tuple[faults.Fault, str]]
) -> None:
    with VssSystem(seed=seed) as system:
        [writer, _other] = install(
            system,
            [
                SampleWriter(),
                ScriptedWriter(name="Other", writer_id="5e1f0c0a-0000-4000-8000-000000000001"),
            ],
        )
        armed = []
        for fault, requester in steps:
            target = writer if fault.target == "writer" else system
            armed.append(fault.apply(target, optional=True))
            backup = vshadow_backup if requester == "vshadow" else restic_backup
            backup(system, timeout=30) if requester == "restic" else backup(system)
        for a in armed:
            a.cure()
        system.sleep(60)
        system.run()
        report = vshadow_backup(system)
        assert report.ok, report
        assert system.creating_session_id is None
        assert system.shadow_copies() == []
        statuses = {s.writer_name: s.state for s in report.writer_statuses}
        assert statuses == {"MSDNSampleWriter": WS.VSS_WS_STABLE, "Other": WS.VSS_WS_STABLE}


def test_faults_replay_by_seed() -> None:
    """The same seed and the same faults give the same trace (docs/design.md)."""

    def trace(seed: int) -> str:
        with VssSystem(seed=seed) as system:
            [writer] = install(system, [SampleWriter()])
            faults.ANOTHER_SET_IN_CREATION.apply(system, hold=7)
            faults.TRANSIENT_WRITER_ERROR.apply(writer)
            faults.VSS_SERVICE_RESTARTED.apply(system, when=faults.after(400))
            restic_backup(system)
            vshadow_backup(system, hold=900)
            system.run()
            return system.format_trace()

    assert trace(3) == trace(3)
    assert trace(3) != trace(4)
