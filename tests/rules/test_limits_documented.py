"""Limits and timeouts, with the numbers written from the documentation.

docs/reference.md §6 (volumes per set 64, 512 system-provider copies per volume, the 10 s flush-and-hold
window, the Freeze→Thaw window dwTimeoutFreeze with its 60000 ms default, the 60 s application
freeze limit, one set in creation system-wide), §1.2 (Initialize defaults), §2.2 and KB 915331
(FAILED_AT_FREEZE with VSS_E_WRITERERROR_TIMEOUT), §4.1 step 8e (VSS_E_HOLD_WRITES_TIMEOUT),
§5 (HRESULT values). Time is virtual: handlers and providers spend it with ``system.sleep``.
"""

from __future__ import annotations

import inspect
import uuid
from typing import Any

import pytest

from simulator import (
    VSS_BT_FULL,
    VSS_CTX_NAS_ROLLBACK,
    VSS_E_HOLD_WRITES_TIMEOUT,
    VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED,
    VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED,
    VSS_E_SNAPSHOT_SET_IN_PROGRESS,
    VSS_E_WRITERERROR_TIMEOUT,
    VSS_OBJECT_SNAPSHOT,
    VSS_PROV_SOFTWARE,
    CVssWriter,
    IVssBackupComponents,
    SystemProvider,
    VssError,
    VssHoldWritesTimeout,
    VssMaximumNumberOfSnapshotsReached,
    VssMaximumNumberOfVolumesReached,
    VssProvider,
    VssSnapshotSetInProgress,
    VssSystem,
    WriterEvent,
    current_system,
)

# -- private and table names used here -----------------------------------------------------------
from simulator.rules import FLUSH_AND_HOLD_TICKS, MAX_FREEZE_TICKS, MAX_VOLUMES_PER_SET

# -- test helpers used here ---------------------------------------------------------------------
from tests.helpers import QuietWriter, make_writer, writer_status

TICKS_PER_SECOND = 1_000_000  # the model's clock counts microseconds

#: §6 / §3.2 row 10: "Max 64 volumes per set".
VOLUMES_PER_SET = 64
#: §6: "Software (system provider) shadow copies per volume: 512".
COPIES_PER_VOLUME = 512
#: §6: flush-and-hold window 10 s.
HOLD_WINDOW_S = 10
#: §6: "Application freeze, overall: not allowed to take longer than 60 s".
FREEZE_LIMIT_S = 60
#: §1.2: dwTimeoutFreeze default 60000 ms.
DEFAULT_TIMEOUT_FREEZE_MS = 60000


def _start(bc: IVssBackupComponents, context: int | None = None) -> uuid.UUID:
    bc.InitializeForBackup()
    if context is not None:
        bc.SetContext(context)
    else:
        bc.SetBackupState(False, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
    return bc.StartSnapshotSet()


# ---------------------------------------------------------------------------------------------
# Volumes per set (§6, §3.2 row 10)
# ---------------------------------------------------------------------------------------------


def test_a_set_holds_64_volumes_and_the_65th_is_refused(system: VssSystem) -> None:
    mounts = [f"C:\\Mount\\V{i:02d}\\" for i in range(VOLUMES_PER_SET)]
    for name in mounts:
        system.add_volume(name)
    with system.CreateVssBackupComponents() as bc:
        _start(bc, VSS_CTX_NAS_ROLLBACK)
        ids = [bc.AddToSnapshotSet(name) for name in mounts[:-1]]
        ids.append(bc.AddToSnapshotSet("C:\\"))  # the 64th
        assert len(ids) == VOLUMES_PER_SET
        with pytest.raises(VssMaximumNumberOfVolumesReached) as refused:
            bc.AddToSnapshotSet(mounts[-1])  # the 65th
        assert refused.value.hresult == VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED == 0x80042312
        bc.DoSnapshotSet().Wait()
        # §7.6 m_lSnapshotsCount: volumes in the set at creation; max 64.
        assert bc.GetSnapshotProperties(ids[0]).m_lSnapshotsCount == VOLUMES_PER_SET
    assert len(system.shadow_copies()) == VOLUMES_PER_SET


def test_volumes_per_set_constant() -> None:
    assert MAX_VOLUMES_PER_SET == VOLUMES_PER_SET


# ---------------------------------------------------------------------------------------------
# Shadow copies per volume (§6)
# ---------------------------------------------------------------------------------------------


def _persistent_copy(system: VssSystem, volume: str) -> uuid.UUID:
    """One persistent copy (VSS_CTX_NAS_ROLLBACK: survives Release, §7.6), writerless."""
    with system.CreateVssBackupComponents() as bc:
        _start(bc, VSS_CTX_NAS_ROLLBACK)
        snapshot_id = bc.AddToSnapshotSet(volume)
        bc.DoSnapshotSet().Wait()
    return snapshot_id


def test_the_513th_copy_of_a_volume_is_refused(system: VssSystem) -> None:
    system.add_volume("D:\\")
    first = [_persistent_copy(system, "C:\\") for _ in range(COPIES_PER_VOLUME)]
    assert len(system.shadow_copies()) == COPIES_PER_VOLUME
    with system.CreateVssBackupComponents() as bc:
        _start(bc, VSS_CTX_NAS_ROLLBACK)
        with pytest.raises(VssMaximumNumberOfSnapshotsReached) as refused:
            bc.AddToSnapshotSet("C:\\")
        assert refused.value.hresult == VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED == 0x80042317
        # The limit is per volume: D:\ still takes a copy in the same set.
        bc.AddToSnapshotSet("D:\\")
        bc.DoSnapshotSet().Wait()
    # Deleting one copy of C:\ makes room for one more.
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        assert bc.DeleteSnapshots(first[0], VSS_OBJECT_SNAPSHOT, True)[0] == 1
    _persistent_copy(system, "C:\\")
    on_c = [s for s in system.shadow_copies() if s.original_volume == "C:\\"]
    assert len(on_c) == COPIES_PER_VOLUME


def test_copies_per_volume_constant() -> None:
    assert SystemProvider.max_snapshots_per_volume == COPIES_PER_VOLUME


# ---------------------------------------------------------------------------------------------
# One set in creation system-wide (§6, §8)
# ---------------------------------------------------------------------------------------------


def test_one_set_in_creation_at_a_time(system: VssSystem) -> None:
    with system.CreateVssBackupComponents() as first, system.CreateVssBackupComponents() as second:
        _start(first, VSS_CTX_NAS_ROLLBACK)
        second.InitializeForBackup()
        second.SetContext(VSS_CTX_NAS_ROLLBACK)
        with pytest.raises(VssSnapshotSetInProgress) as refused:
            second.StartSnapshotSet()
        assert refused.value.hresult == VSS_E_SNAPSHOT_SET_IN_PROGRESS == 0x80042316
        first.AddToSnapshotSet("C:\\")
        first.DoSnapshotSet().Wait()  # the lock lasts until DoSnapshotSet returns
        second.StartSnapshotSet()


# ---------------------------------------------------------------------------------------------
# The flush-and-hold window (§6, §4.1 step 8e)
# ---------------------------------------------------------------------------------------------


class SlowCommit(VssProvider):
    """A software provider whose CommitSnapshots takes ``seconds`` of virtual time."""

    provider_id = uuid.UUID("44444444-4444-4444-8444-444444444444")
    provider_name = "Slow commit provider"
    provider_type = VSS_PROV_SOFTWARE

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def CommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        current_system().sleep(self.seconds)


@pytest.mark.parametrize(
    ("seconds", "overrun"),
    [
        pytest.param(HOLD_WINDOW_S - 0.5, False, id="9.5s-within"),
        pytest.param(HOLD_WINDOW_S + 0.5, True, id="10.5s-overrun"),
    ],
)
def test_flush_and_hold_window(system: VssSystem, seconds: float, overrun: bool) -> None:
    system.register_provider(SlowCommit(seconds))
    writer = make_writer(system, "Writer")
    with system.CreateVssBackupComponents() as bc:
        _start(bc)
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        op = bc.DoSnapshotSet()
        if overrun:
            with pytest.raises(VssHoldWritesTimeout) as failed:
                op.Wait()
            assert failed.value.hresult == VSS_E_HOLD_WRITES_TIMEOUT == 0x80042314
            assert op.QueryStatus() == VSS_E_HOLD_WRITES_TIMEOUT
        else:
            op.Wait()
    events = system.events(writer)
    # §4.2 trigger 4 and the OnFreeze guarantee: after OnFreeze, OnThaw or OnAbort.
    assert events[events.index("OnFreeze") + 1] == ("OnAbort" if overrun else "OnThaw")


def test_flush_and_hold_constant() -> None:
    assert FLUSH_AND_HOLD_TICKS == HOLD_WINDOW_S * TICKS_PER_SECOND


# ---------------------------------------------------------------------------------------------
# The Freeze→Thaw window (§1.2 dwTimeoutFreeze, §2.2, §6, KB 915331)
# ---------------------------------------------------------------------------------------------


class SlowFreeze(QuietWriter):
    """Spends ``freeze_seconds`` of virtual time in OnFreeze."""

    def __init__(self) -> None:
        self.freeze_seconds = 0.0

    def on_event(self, event: WriterEvent, arg: Any) -> bool:
        if event is WriterEvent.FREEZE:
            current_system().sleep(self.freeze_seconds)
        return True


def _freeze_run(
    system: VssSystem, freeze_seconds: float, **initialize: Any
) -> tuple[bool, str, int, list[str]]:
    writer = make_writer(system, "Frozen Writer", cls=SlowFreeze, **initialize)
    writer.freeze_seconds = freeze_seconds
    with system.CreateVssBackupComponents() as bc:
        _start(bc)
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        try:
            bc.DoSnapshotSet().Wait()
            ok = True
        except VssError:
            ok = False
            bc.AbortBackup()
        status = writer_status(bc, writer)
    assert status is not None
    return ok, status.state.name, status.hr_failure, system.events(writer)


#: (timeout_freeze ms or None for the default, seconds spent in OnFreeze, creation succeeds)
FREEZE_WINDOWS = [
    pytest.param(2000, 1.0, True, id="2000ms-1s"),
    pytest.param(2000, 3.0, False, id="2000ms-3s"),  # the brief's KB 915331 case
    pytest.param(None, FREEZE_LIMIT_S - 1, True, id="default-59s"),  # §1.2 default 60000 ms
    pytest.param(None, FREEZE_LIMIT_S + 1, False, id="default-61s"),
    # §6: no application stays frozen longer than 60 s, whatever it asked for.
    pytest.param(120000, FREEZE_LIMIT_S + 1, False, id="120000ms-61s"),
]


@pytest.mark.parametrize(("timeout_freeze", "seconds", "succeeds"), FREEZE_WINDOWS)
def test_freeze_window(
    system: VssSystem, timeout_freeze: int | None, seconds: float, succeeds: bool
) -> None:
    initialize = {} if timeout_freeze is None else {"timeout_freeze": timeout_freeze}
    ok, state, code, events = _freeze_run(system, seconds, **initialize)
    assert ok is succeeds
    if succeeds:
        assert state == "VSS_WS_WAITING_FOR_BACKUP_COMPLETE"
        assert events[events.index("OnFreeze") + 1] == "OnThaw"
    else:
        # §2.2 / KB 915331: FAILED_AT_FREEZE (0x800423f2 - VSS_E_WRITERERROR_TIMEOUT).
        assert state == "VSS_WS_FAILED_AT_FREEZE"
        assert code == VSS_E_WRITERERROR_TIMEOUT == 0x800423F2
        # §1.2: when it expires, OnAbort is called automatically; no Thaw follows.
        assert events[events.index("OnFreeze") + 1] == "OnAbort"
        assert "OnThaw" not in events


def test_freeze_window_runs_until_thaw_not_until_freeze_returns(system: VssSystem) -> None:
    """§1.2: dwTimeoutFreeze bounds the time "between receiving Freeze and receiving the matching
    Thaw": a 3 s commit (inside the 10 s hold window) overruns a 2000 ms writer."""
    system.register_provider(SlowCommit(3.0))
    ok, state, code, events = _freeze_run(system, 0.0, timeout_freeze=2000)
    assert not ok
    assert state == "VSS_WS_FAILED_AT_FREEZE"
    assert code == VSS_E_WRITERERROR_TIMEOUT
    assert "OnAbort" in events and "OnThaw" not in events


def test_default_timeout_freeze_is_60000_ms() -> None:
    """§1.2: Initialize(..., dwTimeoutFreeze = 60000, ...)."""
    default = inspect.signature(CVssWriter.Initialize).parameters["timeout_freeze"].default
    assert default == DEFAULT_TIMEOUT_FREEZE_MS


def test_freeze_limit_constant() -> None:
    assert MAX_FREEZE_TICKS == FREEZE_LIMIT_S * TICKS_PER_SECOND
