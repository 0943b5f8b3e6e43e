"""Writer event sequences, with expected sequences written from the documentation.

docs/reference.md §4.1 (backup timeline, Freeze by application level), §4.2 (Abort triggers and
guarantees), §4.3 (BackupShutdown), §4.5 (who participates), §1.4 (handler table). Event order is
read from ``system.events(writer)`` and ``system.trace``; every expected sequence is a literal list.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from simulator import (
    GUID_NULL,
    VSS_APP_BACK_END,
    VSS_APP_FRONT_END,
    VSS_APP_SYSTEM,
    VSS_APPLICATION_LEVEL,
    VSS_BT_FULL,
    VSS_CT_FILEGROUP,
    IVssBackupComponents,
    TraceKind,
    VssError,
    VssProvider,
    VssProviderVeto,
    VssSystem,
    WriterEvent,
)

# -- private and table names used here -----------------------------------------------------------
from simulator.rules import FREEZE_ORDER

# -- test helpers used here ---------------------------------------------------------------------
from tests.helpers import QuietWriter, instance_id, make_writer, settle

#: §4.1 / writers.md: a full backup is PrepareForBackup, PrepareForSnapshot, Freeze, Thaw,
#: PostSnapshot, BackupComplete, BackupShutdown, plus Identify first.
FULL_BACKUP_EVENTS = [
    "OnIdentify",
    "OnPrepareBackup",
    "OnPrepareSnapshot",
    "OnFreeze",
    "OnThaw",
    "OnPostSnapshot",
    "OnBackupComplete",
    "OnBackupShutdown",
]


class Recorder(QuietWriter):
    """Keeps (handler, argument) of every event; fails the handlers named in ``fail``."""

    def __init__(self) -> None:
        self.fail: set[str] = set()
        self.args: list[tuple[str, Any]] = []

    def on_event(self, event: WriterEvent, arg: Any) -> bool:
        self.args.append((event.value, arg))
        return event.value not in self.fail


def _prepared(bc: IVssBackupComponents, *, components: bool = False) -> uuid.UUID:
    bc.InitializeForBackup()
    bc.SetBackupState(components, False, VSS_BT_FULL)
    bc.GatherWriterMetadata().Wait()
    set_id = bc.StartSnapshotSet()
    bc.AddToSnapshotSet("C:\\")
    settle(bc.PrepareForBackup())
    return set_id


def _full_backup(system: VssSystem) -> uuid.UUID:
    with system.CreateVssBackupComponents() as bc:
        set_id = _prepared(bc)
        bc.DoSnapshotSet().Wait()
        bc.BackupComplete().Wait()
    return set_id


def test_full_backup_sequence(system: VssSystem) -> None:
    writer = make_writer(system, "Writer")
    _full_backup(system)
    assert system.events(writer) == FULL_BACKUP_EVENTS


# ---------------------------------------------------------------------------------------------
# Freeze by application level (§1.2 nLevel, §1.4 OnFreeze, §4.1 step 8b); Thaw reversed ([INF],
# §4.1 step 8h: "level order for Thaw is not documented; [INF] reverse of Freeze")
# ---------------------------------------------------------------------------------------------

#: §1.2 / §4.1: "FRONT_END writers first, then BACK_END, then SYSTEM".
FREEZE_LEVELS = ["VSS_APP_FRONT_END", "VSS_APP_BACK_END", "VSS_APP_SYSTEM"]
#: §4.1 step 8h [INF]: the reverse.
THAW_LEVELS = ["VSS_APP_SYSTEM", "VSS_APP_BACK_END", "VSS_APP_FRONT_END"]


def _handler_order(system: VssSystem, handler: str) -> list[str]:
    return [r.writer or "" for r in system.trace if r.kind is TraceKind.EVENT and r.name == handler]


def test_freeze_goes_out_by_level_and_thaw_in_reverse(system: VssSystem) -> None:
    # Subscribed in the opposite order, so subscription order cannot pass for level order.
    for level in (VSS_APP_SYSTEM, VSS_APP_BACK_END, VSS_APP_FRONT_END):
        make_writer(system, VSS_APPLICATION_LEVEL(level).name, level=level)
    _full_backup(system)
    assert _handler_order(system, "OnFreeze") == FREEZE_LEVELS
    assert _handler_order(system, "OnThaw") == THAW_LEVELS


def test_freeze_of_every_level_precedes_every_thaw(system: VssSystem) -> None:
    """§4.1: all Freezes (8b), then the commit (8c-8g), then the Thaws (8h)."""
    for level in (VSS_APP_BACK_END, VSS_APP_SYSTEM, VSS_APP_FRONT_END):
        make_writer(system, VSS_APPLICATION_LEVEL(level).name, level=level)
    _full_backup(system)
    names = [r.name for r in system.trace if r.kind in (TraceKind.EVENT, TraceKind.PROVIDER)]
    last_freeze = max(i for i, n in enumerate(names) if n == "OnFreeze")
    first_thaw = min(i for i, n in enumerate(names) if n == "OnThaw")
    commit = names.index("CommitSnapshots")
    assert last_freeze < commit < first_thaw


def test_freeze_order_table() -> None:
    # §1.2 nLevel: "Order is FRONT_END, then BACK_END, then SYSTEM".
    assert [level.name for level in FREEZE_ORDER] == FREEZE_LEVELS


def test_get_current_level_during_freeze_and_thaw(system: VssSystem) -> None:
    """§1.5 GetCurrentLevel in OnFreeze / OnThaw: the level being frozen or thawed."""

    class LevelProbe(QuietWriter):
        def __init__(self) -> None:
            self.levels: list[tuple[str, str]] = []

        def on_event(self, event: WriterEvent, arg: Any) -> bool:
            if event in (WriterEvent.FREEZE, WriterEvent.THAW):
                self.levels.append((event.value, self.GetCurrentLevel().name))
            return True

    probe = make_writer(system, "Back End", cls=LevelProbe, level=VSS_APP_BACK_END)
    _full_backup(system)
    assert probe.levels == [("OnFreeze", "VSS_APP_BACK_END"), ("OnThaw", "VSS_APP_BACK_END")]


# ---------------------------------------------------------------------------------------------
# Abort (§4.2)
# ---------------------------------------------------------------------------------------------

#: (failing handler, the failing writer's events) — §4.2: OnFreeze / OnThaw false generate an
#: Abort; OnPrepareSnapshot / OnPostSnapshot failures do not; never OnAbort after OnPostSnapshot.
ABORT_TRIGGERS: list[tuple[str, list[str]]] = [
    (
        "OnPrepareSnapshot",
        ["OnIdentify", "OnPrepareBackup", "OnPrepareSnapshot", "OnBackupShutdown"],
    ),
    (
        "OnFreeze",
        [
            "OnIdentify",
            "OnPrepareBackup",
            "OnPrepareSnapshot",
            "OnFreeze",
            "OnAbort",
            "OnBackupShutdown",
        ],
    ),
    (
        "OnThaw",
        [
            "OnIdentify",
            "OnPrepareBackup",
            "OnPrepareSnapshot",
            "OnFreeze",
            "OnThaw",
            "OnAbort",
            "OnBackupShutdown",
        ],
    ),
]


@pytest.mark.parametrize(
    ("handler", "events"), [pytest.param(*row, id=row[0]) for row in ABORT_TRIGGERS]
)
def test_abort_triggers(system: VssSystem, handler: str, events: list[str]) -> None:
    writer = make_writer(system, "Failing", cls=Recorder)
    writer.fail.add(handler)
    with system.CreateVssBackupComponents() as bc:
        _prepared(bc)
        with pytest.raises(VssError):
            bc.DoSnapshotSet().Wait()
    assert system.events(writer) == events


def test_post_snapshot_failure_is_no_abort(system: VssSystem) -> None:
    """§4.2: a failure in OnPostSnapshot generates no Abort; OnAbort never after OnPostSnapshot."""
    writer = make_writer(system, "Failing", cls=Recorder)
    writer.fail.add("OnPostSnapshot")
    with system.CreateVssBackupComponents() as bc:
        _prepared(bc)
        settle(bc.DoSnapshotSet())
        bc.AbortBackup()  # the requester may abort anyway; still no OnAbort (§4.2)
    assert "OnAbort" not in system.events(writer)
    assert system.events(writer)[-2:] == ["OnPostSnapshot", "OnBackupShutdown"]


def test_abort_backup_after_do_snapshot_set_sends_no_abort(system: VssSystem) -> None:
    """§4.2: OnAbort is never called after OnPostSnapshot was called."""
    writer = make_writer(system, "Writer")
    with system.CreateVssBackupComponents() as bc:
        _prepared(bc)
        bc.DoSnapshotSet().Wait()
        bc.AbortBackup()
    assert "OnAbort" not in system.events(writer)


def test_abort_backup_sends_abort_to_the_writers_that_joined(system: VssSystem) -> None:
    """§4.2 trigger 1: the requester calls AbortBackup (here after PrepareForBackup)."""
    writer = make_writer(system, "Writer")
    with system.CreateVssBackupComponents() as bc:
        _prepared(bc)
        bc.AbortBackup()
    assert system.events(writer) == ["OnIdentify", "OnPrepareBackup", "OnAbort", "OnBackupShutdown"]


class FailingCommit(VssProvider):
    provider_id = uuid.UUID("6a1f0d0e-51c4-4b8e-9d61-0c7e2b9f3a10")
    provider_name = "Failing commit provider"

    def CommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        raise VssProviderVeto("the array refused the commit")


def test_provider_failure_after_freeze_aborts_the_frozen_writer(system: VssSystem) -> None:
    """§4.2 trigger 4 (any provider failure after PrepareForSnapshot) and the OnFreeze
    guarantee (after OnFreeze always OnThaw or OnAbort)."""
    system.register_provider(FailingCommit())
    writer = make_writer(system, "Writer")
    with system.CreateVssBackupComponents() as bc:
        _prepared(bc)
        with pytest.raises(VssError):
            bc.DoSnapshotSet().Wait()
    events = system.events(writer)
    assert events[events.index("OnFreeze") + 1] == "OnAbort"
    assert "OnThaw" not in events and "OnPostSnapshot" not in events


# ---------------------------------------------------------------------------------------------
# BackupShutdown (§4.3)
# ---------------------------------------------------------------------------------------------


def test_backup_shutdown_carries_the_set_id(system: VssSystem) -> None:
    """§1.4 / §4.3: OnBackupShutdown gets the snapshot set id; normal order BackupComplete then
    BackupShutdown."""
    writer = make_writer(system, "Writer", cls=Recorder)
    set_id = _full_backup(system)
    assert writer.args[-2][0] == "OnBackupComplete"
    assert writer.args[-1] == ("OnBackupShutdown", set_id)


def test_backup_shutdown_without_a_shadow_copy_carries_guid_null(system: VssSystem) -> None:
    """§4.3: the SnapshotSetId argument is GUID_NULL if no shadow copy was created; after an abort
    a writer may get only BackupShutdown."""
    writer = make_writer(system, "Writer", cls=Recorder)
    with system.CreateVssBackupComponents() as bc:
        _prepared(bc)
        bc.AbortBackup()
    assert writer.args[-1] == ("OnBackupShutdown", GUID_NULL)
    assert uuid.UUID(int=0) == GUID_NULL


def test_release_generates_backup_shutdown(system: VssSystem) -> None:
    """§3.1 / §3.2 row 20: releasing a backup object causes BackupShutdown (here right after
    GatherWriterMetadata)."""
    writer = make_writer(system, "Writer")
    bc = system.CreateVssBackupComponents()
    bc.InitializeForBackup()
    bc.SetBackupState(False, False, VSS_BT_FULL)
    bc.GatherWriterMetadata().Wait()
    assert system.events(writer) == ["OnIdentify"]
    bc.Release()
    assert system.events(writer) == ["OnIdentify", "OnBackupShutdown"]


# ---------------------------------------------------------------------------------------------
# Who participates (§4.5)
# ---------------------------------------------------------------------------------------------


def test_component_mode_writer_without_components_gets_no_backup_events(
    system: VssSystem,
) -> None:
    """§4.1 / §4.5: in component mode a writer with no explicitly added component gets no
    further events for the operation (the set's events go to the writer that was chosen)."""
    chosen = make_writer(system, "Chosen", writer_id=uuid.UUID(int=0xC0FFEE))
    left_out = make_writer(system, "Left Out")
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(True, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        bc.AddComponent(
            instance_id(chosen), uuid.UUID(int=0xC0FFEE), VSS_CT_FILEGROUP, None, "Files"
        )
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
        bc.BackupComplete().Wait()
    assert system.events(chosen) == FULL_BACKUP_EVENTS
    for handler in FULL_BACKUP_EVENTS[1:-1]:
        assert handler not in system.events(left_out)


def test_without_component_mode_writers_get_null_components(system: VssSystem) -> None:
    """§4.5: not in component mode, writers get the events with pComponents == NULL."""
    writer = make_writer(system, "Writer", cls=Recorder)
    _full_backup(system)
    with_components = {"OnPrepareBackup", "OnPostSnapshot", "OnBackupComplete"}
    seen = {name: arg for name, arg in writer.args if name in with_components}
    assert seen == dict.fromkeys(with_components)
