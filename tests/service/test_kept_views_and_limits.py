"""A component view kept past its handler takes no more writes ([INF], docs/design.md); machine
limits refuse impossible values; BreakSnapshotSetEx is asynchronous (docs/reference.md §3.6)."""

from __future__ import annotations

from typing import Any

import pytest

from simulator import (
    VSS_BT_FULL,
    IVssAsync,
    MachineLimits,
    VssBadState,
    VssSystem,
    WriterEvent,
)
from simulator.rules import ASYNC_CALLS, Call
from tests.helpers import QuietWriter, begin_backup, make_writer


class KeepsItsView(QuietWriter):
    """Keeps the component view OnPrepareBackup was handed."""

    kept: Any = None

    def on_event(self, event: WriterEvent, arg: Any) -> bool:
        if event is WriterEvent.PREPARE_BACKUP:
            self.kept = arg
        return True


def test_a_component_view_kept_past_its_handler_refuses_writes(system: VssSystem) -> None:
    writer = make_writer(system, "Keeper", cls=KeepsItsView)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(True, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        instance_id, examine = bc.GetWriterMetadata(0)
        info = examine.GetComponent(0).GetComponentInfo()
        bc.AddComponent(
            instance_id, examine.GetIdentity()[1], info.type, info.logical_path, info.component_name
        )
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        component = writer.kept.GetComponent(0)
        with pytest.raises(VssBadState):
            component.SetBackupStamp("late")
        assert component.GetBackupStamp() is None


@pytest.mark.parametrize(
    "kwargs",
    [{"writer_session_slots": 0}, {"concurrent_restores": 0}, {"default_volume_bytes": -1}],
    ids=lambda k: next(iter(k)),
)
def test_machine_limits_refuse_impossible_values(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="MachineLimits"):
        MachineLimits(**kwargs)


def test_break_snapshot_set_ex_is_an_asynchronous_call(system: VssSystem) -> None:
    assert Call.BREAK_SNAPSHOT_SET_EX in ASYNC_CALLS
    make_writer(system)
    with system.CreateVssBackupComponents() as bc:
        begin_backup(bc)
        set_id = bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
        bc.BackupComplete().Wait()
        result = bc.BreakSnapshotSetEx(set_id)
        assert isinstance(result, IVssAsync)
