"""The codes VSS itself raises for the kernel's steps of creation (docs/reference.md §4.1 steps
8c–8g, §5, §6): VSS_E_FLUSH_WRITES_TIMEOUT, VSS_E_TRANSACTION_FREEZE_TIMEOUT and
VSS_E_TRANSACTION_THAW_TIMEOUT, with the [INF] windows and places of ``KERNEL_STEPS``.
"""

from __future__ import annotations

import math

import pytest

from simulator import (
    E_INVALIDARG,
    S_OK,
    VSS_CTX_NAS_ROLLBACK,
    VSS_E_FLUSH_WRITES_TIMEOUT,
    VSS_E_TRANSACTION_FREEZE_TIMEOUT,
    VSS_E_TRANSACTION_THAW_TIMEOUT,
    VSS_S_ASYNC_FINISHED,
    VSS_WS_STABLE,
    TraceKind,
    VssError,
    VssFlushWritesTimeout,
    VssInvalidArg,
    VssSystem,
    VssTransactionFreezeTimeout,
    VssTransactionThawTimeout,
)
from simulator.rules import FLUSH_AND_HOLD_TICKS, KERNEL_STEPS, KernelStep
from tests.helpers import QuietWriter, begin_backup, make_writer, settle, writer_status

#: §4.1 steps 8c, 8d, 8e–8f, 8c: the kernel's steps in creation order and their codes (§5).
DOCUMENTED_STEPS = [
    (KernelStep.FREEZE_TRANSACTIONS, VSS_E_TRANSACTION_FREEZE_TIMEOUT, 0x80042328),
    (KernelStep.FLUSH_WRITES, VSS_E_FLUSH_WRITES_TIMEOUT, 0x80042313),
    (KernelStep.HOLD_WRITES, 0x80042314, 0x80042314),
    (KernelStep.THAW_TRANSACTIONS, VSS_E_TRANSACTION_THAW_TIMEOUT, 0x80042329),
]


def test_the_kernel_steps_table() -> None:
    assert [(r.step, r.error.hresult) for r in KERNEL_STEPS] == [
        (step, code) for step, code, _ in DOCUMENTED_STEPS
    ]
    assert all(code == value for _, code, value in DOCUMENTED_STEPS)
    assert {r.window_ticks for r in KERNEL_STEPS} == {FLUSH_AND_HOLD_TICKS}  # 10 s each [INF]


def _backup(system: VssSystem) -> tuple[QuietWriter, int, float, list[str]]:
    """A full backup of C:\\ and D:\\ with one writer: (writer, DoSnapshotSet's status, virtual
    seconds DoSnapshotSet took, the provider calls of the set)."""
    writer = make_writer(system)
    with system.CreateVssBackupComponents() as bc:
        begin_backup(bc)
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.AddToSnapshotSet("D:\\")
        bc.PrepareForBackup().Wait()
        start = system.clock.now
        status = settle(bc.DoSnapshotSet())
        took = system.clock.now - start
        session = bc.GetSessionId()
    calls = [
        r.name for r in system.trace if r.kind is TraceKind.PROVIDER and r.session_id == session
    ]
    return writer, status, took, calls


@pytest.fixture
def two_volumes(system: VssSystem) -> VssSystem:
    system.add_volume("D:\\")
    return system


def test_a_flush_inside_its_window_only_takes_time(two_volumes: VssSystem) -> None:
    """The volumes are flushed together: the flush takes as long as the slowest one [INF]."""
    system = two_volumes
    system.set_flush_time("C:\\", 4)
    system.set_flush_time("D:\\", 9.5)
    writer, status, took, _ = _backup(system)
    assert status == VSS_S_ASYNC_FINISHED
    assert 9.5 <= took < 10
    assert system.events(writer)[-1] == "OnBackupShutdown"


def test_a_flush_past_10_s_is_flush_writes_timeout(two_volumes: VssSystem) -> None:
    """§5 / DoSnapshotSet: "the system was unable to flush I/O writes"; the set is aborted: no
    CommitSnapshots, AbortSnapshots to the provider, OnAbort to the frozen writer, no copy."""
    system = two_volumes
    system.set_flush_time("D:\\", 10.5)
    writer, status, took, calls = _backup(system)
    assert status == VSS_E_FLUSH_WRITES_TIMEOUT == 0x80042313
    assert 10 < took < 10.1  # VSS gives up at the window's end
    assert "CommitSnapshots" not in calls
    assert calls[-1] == "AbortSnapshots"
    assert system.events(writer) == [
        "OnIdentify",
        "OnPrepareBackup",
        "OnPrepareSnapshot",
        "OnFreeze",
        "OnAbort",
        "OnBackupShutdown",
    ]
    assert system.shadow_copies() == []
    [fault] = [r for r in system.trace if r.name == "kernel step timed out"]
    assert "every volume of the set is flushed" in (fault.detail or "")


def test_the_flush_error_teaches(system: VssSystem) -> None:
    system.set_flush_time("C:\\", 30)
    make_writer(system)
    with system.CreateVssBackupComponents() as bc:
        begin_backup(bc)
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        with pytest.raises(VssFlushWritesTimeout) as failed:
            bc.DoSnapshotSet().Wait()
    message = str(failed.value)
    assert "30 s" in message and "10 s window" in message and "retry" in message


@pytest.mark.parametrize(
    ("freeze", "thaw", "code", "error"),
    [
        (10.5, 0, VSS_E_TRANSACTION_FREEZE_TIMEOUT, VssTransactionFreezeTimeout),
        (0, 12, VSS_E_TRANSACTION_THAW_TIMEOUT, VssTransactionThawTimeout),
    ],
)
def test_transaction_managers_past_10_s(
    system: VssSystem, freeze: float, thaw: float, code: int, error: type[VssError]
) -> None:
    """§5: KTM/DTC freeze or thaw timing out fails DoSnapshotSet with its own code; the freeze
    comes before PreCommitSnapshots, the thaw after PostCommitSnapshots [INF]."""
    system.set_transaction_manager_times(freeze=freeze, thaw=thaw)
    writer = make_writer(system)
    with system.CreateVssBackupComponents() as bc:
        begin_backup(bc)
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        op = bc.DoSnapshotSet()
        with pytest.raises(error):
            op.Wait()
        assert op.QueryStatus() == code
        session = bc.GetSessionId()
        status = writer_status(bc, writer)
    calls = [
        r.name for r in system.trace if r.kind is TraceKind.PROVIDER and r.session_id == session
    ]
    if freeze:
        assert calls == ["BeginPrepareSnapshot", "EndPrepareSnapshots", "AbortSnapshots"]
    else:
        assert calls[-3:] == ["CommitSnapshots", "PostCommitSnapshots", "AbortSnapshots"]
    events = system.events(writer, session)
    assert "OnThaw" not in events and "OnAbort" in events
    # As after any failure that is not the writer's (docs/field-failures.md #8): Stable, S_OK.
    assert status is not None and (status.state, status.hr_failure) == (VSS_WS_STABLE, S_OK)
    assert system.shadow_copies() == []


def test_transaction_managers_inside_their_window_take_time(system: VssSystem) -> None:
    system.set_transaction_manager_times(freeze=3, thaw=4)
    make_writer(system)
    with system.CreateVssBackupComponents() as bc:
        begin_backup(bc)
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        start = system.clock.now
        bc.DoSnapshotSet().Wait()
        assert math.isclose(system.clock.now - start, 7)


def test_server_2003_has_no_transaction_managers_to_freeze() -> None:
    """§5: the transaction codes are "not supported" on Server 2003: no KTM to freeze [INF]."""
    with VssSystem(windows="2003") as system:
        system.set_transaction_manager_times(freeze=30, thaw=30)
        make_writer(system)
        with system.CreateVssBackupComponents() as bc:
            begin_backup(bc)
            bc.StartSnapshotSet()
            bc.AddToSnapshotSet("C:\\")
            bc.PrepareForBackup().Wait()
            start = system.clock.now
            bc.DoSnapshotSet().Wait()
            assert system.clock.now == start
        system.set_flush_time("C:\\", 11)  # the flush is the kernel's on every version
        with system.CreateVssBackupComponents() as bc:
            bc.InitializeForBackup()
            bc.SetContext(VSS_CTX_NAS_ROLLBACK)
            bc.StartSnapshotSet()
            bc.AddToSnapshotSet("C:\\")
            assert settle(bc.DoSnapshotSet()) == VSS_E_FLUSH_WRITES_TIMEOUT


def test_resetting_the_kernel_times_cures(system: VssSystem) -> None:
    system.set_flush_time("C:\\", 11)
    system.set_transaction_manager_times(freeze=11)
    system.reset_kernel_times()
    _, status, took, _ = _backup_c(system)
    assert (status, took) == (VSS_S_ASYNC_FINISHED, 0)


def _backup_c(system: VssSystem) -> tuple[None, int, float, None]:
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(VSS_CTX_NAS_ROLLBACK)
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        start = system.clock.now
        status = settle(bc.DoSnapshotSet())
        return None, status, system.clock.now - start, None


@pytest.mark.parametrize("seconds", [-1, math.inf, math.nan, True, "5"])
def test_kernel_times_are_finite_seconds(system: VssSystem, seconds: object) -> None:
    with pytest.raises(VssInvalidArg) as refused:
        system.set_flush_time("C:\\", seconds)  # type: ignore[arg-type]
    assert refused.value.hresult == E_INVALIDARG
    with pytest.raises(VssInvalidArg):
        system.set_transaction_manager_times(thaw=seconds)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no volume"):
        system.set_flush_time("Q:\\", 1)
