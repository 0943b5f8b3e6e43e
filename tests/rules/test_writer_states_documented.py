"""Writer states after each event, with expected values written from the documentation.

docs/reference.md §2.1 (VSS_WRITER_STATE), §2.2 (the transition model: "New state on success" and "New
state on failure (handler false or SetWriterFailure)"), §1.4 (what a handler's false means), §4.2
(Abort keeps a failed state). The states are observed through the public API: GatherWriterStatus /
GetWriterStatus between the requester's calls, and ``diskshadow list writers status`` (§10.3),
which prints each writer's latest state, from inside another writer's handler while DoSnapshotSet
runs. Every expected state is a literal name from §2.1.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from simulator import (
    VSS_APP_BACK_END,
    VSS_APP_FRONT_END,
    VSS_BT_FULL,
    VSS_CT_FILEGROUP,
    VSS_E_WRITERERROR_RETRYABLE,
    VSS_RS_ALL,
    VSS_WRITER_STATE,
    IVssBackupComponents,
    VssError,
    VssSystem,
    WriterEvent,
    current_system,
)

# -- private and table names used here -----------------------------------------------------------
from simulator.rules import WRITER_TRANSITIONS, Timeout

# -- test helpers used here ---------------------------------------------------------------------
from tests.helpers import QuietWriter, backup_xml, instance_id, make_writer, settle, writer_status

WRITER = "Observed Writer"
WRITER_ID = uuid.UUID("5d0c1e2f-3a4b-4c5d-8e6f-708192a3b4c5")


class Scripted(QuietWriter):
    """A writer whose handlers succeed, except those named in ``fail``: "false" returns false,
    "SetWriterFailure" reports VSS_E_WRITERERROR_RETRYABLE and returns true (the veto form of
    writer-errors-and-vetoes.md, §1.4)."""

    def __init__(self) -> None:
        self.fail: dict[str, str] = {}

    def on_event(self, event: WriterEvent, arg: Any) -> bool:
        how = self.fail.get(event.value)
        if how == "SetWriterFailure":
            self.SetWriterFailure(VSS_E_WRITERERROR_RETRYABLE)
            return True
        return how != "false"


def diskshadow_status(name: str) -> tuple[str, int]:
    """The state and failure code ``diskshadow list writers status`` prints for writer ``name``
    (§10.3: "- Status: 5 (VSS_WS_WAITING_FOR_BACKUP_COMPLETE)", "- Writer Failure code: 0x...")."""
    out = current_system().diskshadow("list writers status")
    found = re.search(
        rf'\* WRITER "{re.escape(name)}"\n\s+- Status: (\d+) \((\w+)\)\n'
        r"\s+- Writer Failure code: 0x([0-9a-f]{8})",
        out,
    )
    assert found is not None, out
    assert VSS_WRITER_STATE(int(found[1])).name == found[2]
    return found[2], int(found[3], 16)


def diskshadow_state(name: str) -> str:
    return diskshadow_status(name)[0]


class Observer(QuietWriter):
    """Subscribed after the observed writer at the same level, so it gets each event after it;
    in each handler it records the observed writer's state as diskshadow prints it."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def on_event(self, event: WriterEvent, arg: Any) -> bool:
        if event is not WriterEvent.IDENTIFY:
            self.seen.append((event.value, diskshadow_state(WRITER)))
        return True


def _backup_to_prepared(bc: IVssBackupComponents) -> None:
    bc.InitializeForBackup()
    bc.SetBackupState(False, False, VSS_BT_FULL)
    bc.GatherWriterMetadata().Wait()
    bc.StartSnapshotSet()
    bc.AddToSnapshotSet("C:\\")
    settle(bc.PrepareForBackup())


# ---------------------------------------------------------------------------------------------
# §2.2 "New state on success", event by event
# ---------------------------------------------------------------------------------------------

#: (event, the writer's state right after it succeeded) — docs/reference.md §2.2, backup rows.
STATE_AFTER_SUCCESS = [
    ("OnPrepareBackup", "VSS_WS_STABLE"),  # §2.2 PrepareForBackup: STABLE [INF]
    ("OnPrepareSnapshot", "VSS_WS_WAITING_FOR_FREEZE"),  # §2.2 / §2.1 value 2
    ("OnFreeze", "VSS_WS_WAITING_FOR_THAW"),  # §2.2 / §2.1 value 3
    ("OnThaw", "VSS_WS_WAITING_FOR_POST_SNAPSHOT"),  # §2.2 / §2.1 value 4
    ("OnPostSnapshot", "VSS_WS_WAITING_FOR_BACKUP_COMPLETE"),  # §2.2 (observed "[5]")
    ("OnBackupComplete", "VSS_WS_STABLE"),  # §2.2 BackupComplete: STABLE
    ("OnBackupShutdown", "VSS_WS_STABLE"),  # §2.2 BackupShutdown: STABLE
]


def test_state_after_each_event_of_a_full_backup(system: VssSystem) -> None:
    make_writer(system, WRITER, level=VSS_APP_FRONT_END)
    observer = make_writer(system, "Observer", cls=Observer, level=VSS_APP_FRONT_END)
    with system.CreateVssBackupComponents() as bc:
        _backup_to_prepared(bc)
        bc.DoSnapshotSet().Wait()
        bc.BackupComplete().Wait()
    assert observer.seen == STATE_AFTER_SUCCESS


#: (requester call whose operation just ended, the writer's state in GetWriterStatus) — §2.2.
STATUS_BETWEEN_CALLS = [
    ("GatherWriterMetadata", "VSS_WS_STABLE"),  # §2.2 Subscribe/idle and Identify: STABLE
    ("PrepareForBackup", "VSS_WS_STABLE"),  # §2.2 [INF]
    ("DoSnapshotSet", "VSS_WS_WAITING_FOR_BACKUP_COMPLETE"),  # §2.2, §4.1 step 9
    ("BackupComplete", "VSS_WS_STABLE"),  # §2.2
]


def test_status_between_the_requesters_calls(system: VssSystem) -> None:
    writer = make_writer(system, WRITER)
    seen = []
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(False, False, VSS_BT_FULL)
        for call in ("GatherWriterMetadata", "PrepareForBackup", "DoSnapshotSet", "BackupComplete"):
            getattr(bc, call)().Wait()
            status = writer_status(bc, writer)
            assert status is not None
            seen.append((call, status.state.name))
            if call == "GatherWriterMetadata":
                bc.StartSnapshotSet()
                bc.AddToSnapshotSet("C:\\")
    assert seen == STATUS_BETWEEN_CALLS


# ---------------------------------------------------------------------------------------------
# §2.2 "New state on failure", event by event
# ---------------------------------------------------------------------------------------------

#: (failing handler, the writer's state afterwards) — docs/reference.md §2.2 failure column.
STATE_AFTER_FAILURE = [
    ("OnPrepareBackup", "VSS_WS_FAILED_AT_PREPARE_BACKUP"),
    ("OnPrepareSnapshot", "VSS_WS_FAILED_AT_PREPARE_SNAPSHOT"),
    ("OnFreeze", "VSS_WS_FAILED_AT_FREEZE"),
    ("OnThaw", "VSS_WS_FAILED_AT_THAW"),
    ("OnPostSnapshot", "VSS_WS_FAILED_AT_POST_SNAPSHOT"),
    ("OnBackupComplete", "VSS_WS_FAILED_AT_BACKUP_COMPLETE"),
    ("OnBackupShutdown", "VSS_WS_FAILED_AT_BACKUPSHUTDOWN"),
    ("OnPreRestore", "VSS_WS_FAILED_AT_PRE_RESTORE"),
    ("OnPostRestore", "VSS_WS_FAILED_AT_POST_RESTORE"),
]
#: §2.2 "handler false or SetWriterFailure"; §1.4 a veto may be SetWriterFailure plus true.
HOW = ["false", "SetWriterFailure"]


def _restore_status(system: VssSystem, writer: Scripted, xml: str) -> tuple[str, int]:
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForRestore(xml)
        bc.GatherWriterMetadata().Wait()
        bc.SetSelectedForRestore(WRITER_ID, VSS_CT_FILEGROUP, None, "Files", True)
        settle(bc.PreRestore())
        if "OnPostRestore" in writer.fail:
            bc.SetFileRestoreStatus(WRITER_ID, VSS_CT_FILEGROUP, None, "Files", VSS_RS_ALL)
            settle(bc.PostRestore())
        status = writer_status(bc, writer)
        assert status is not None
        return status.state.name, status.hr_failure


def _backup_status(system: VssSystem, writer: Scripted) -> tuple[str, int]:
    with system.CreateVssBackupComponents() as bc:
        _backup_to_prepared(bc)
        op = bc.DoSnapshotSet()
        settle(op)
        if op.error is None:
            settle(bc.BackupComplete())
        else:
            bc.AbortBackup()  # §4.2: call AbortBackup anyway; a failed state is kept
        status = writer_status(bc, writer)
        assert status is not None
        return status.state.name, status.hr_failure


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize(
    ("handler", "state"), [pytest.param(h, s, id=h) for h, s in STATE_AFTER_FAILURE]
)
def test_state_after_a_failed_event(system: VssSystem, handler: str, state: str, how: str) -> None:
    writer = make_writer(system, WRITER, cls=Scripted, writer_id=WRITER_ID)
    if handler in ("OnPreRestore", "OnPostRestore"):
        xml = backup_xml(system)
        writer.fail[handler] = how
        seen, code = _restore_status(system, writer, xml)
    elif handler == "OnBackupShutdown":
        writer.fail[handler] = how
        with system.CreateVssBackupComponents() as bc:
            _backup_to_prepared(bc)
            bc.DoSnapshotSet().Wait()
            bc.BackupComplete().Wait()
        # No session is left to ask: the latest state, as diskshadow prints it (§10.3).
        seen, code = diskshadow_status(WRITER)
    else:
        writer.fail[handler] = how
        seen, code = _backup_status(system, writer)
    assert seen == state
    if how == "SetWriterFailure":
        assert code == VSS_E_WRITERERROR_RETRYABLE == 0x800423F3


def test_failed_identify_leaves_the_writer_out(system: VssSystem) -> None:
    """§1.4 / §4.5: OnIdentify false: left out of the metadata list, and no status for it."""

    class NoIdentify(QuietWriter):
        def on_event(self, event: WriterEvent, arg: Any) -> bool:
            return event is not WriterEvent.IDENTIFY

    good = make_writer(system, "Good Writer")
    bad = make_writer(system, "Bad Writer", cls=NoIdentify)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(False, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        listed = {bc.GetWriterMetadata(i)[0] for i in range(bc.GetWriterMetadataCount())}
        assert listed == {instance_id(good)}
        assert writer_status(bc, bad) is None
        assert writer_status(bc, good) is not None


def test_identify_leaves_the_state_unchanged(system: VssSystem) -> None:
    """§2.2: Identify leaves the state unchanged (it is not part of the backup life cycle): a
    writer that failed PrepareForSnapshot still shows it after later Identify events."""
    writer = make_writer(system, WRITER, cls=Scripted, writer_id=WRITER_ID)
    writer.fail["OnPrepareSnapshot"] = "false"
    assert _backup_status(system, writer)[0] == "VSS_WS_FAILED_AT_PREPARE_SNAPSHOT"
    assert diskshadow_state(WRITER) == "VSS_WS_FAILED_AT_PREPARE_SNAPSHOT"
    assert "[8] Failed" in system.vssadmin("list writers")  # §10.1: state number and label
    assert diskshadow_state(WRITER) == "VSS_WS_FAILED_AT_PREPARE_SNAPSHOT"


# ---------------------------------------------------------------------------------------------
# Abort (§2.2 "STABLE if OnAbort succeeds; a FAILED_AT_x state already set is kept")
# ---------------------------------------------------------------------------------------------


def test_abort_after_prepare_for_backup_leaves_stable(system: VssSystem) -> None:
    writer = make_writer(system, WRITER)
    with system.CreateVssBackupComponents() as bc:
        _backup_to_prepared(bc)
        bc.AbortBackup()
        status = writer_status(bc, writer)
    assert system.events(writer)[-2:] == ["OnAbort", "OnBackupShutdown"]
    assert status is not None
    assert status.state.name == "VSS_WS_STABLE"


@pytest.mark.parametrize(
    ("vetoing_level", "other_level", "other_state_before_abort"),
    [
        # The other writer froze first (FRONT_END before BACK_END, §4.1): WAITING_FOR_THAW.
        pytest.param(VSS_APP_BACK_END, VSS_APP_FRONT_END, "frozen", id="other-frozen"),
        # The other writer is not frozen yet: WAITING_FOR_FREEZE.
        pytest.param(VSS_APP_FRONT_END, VSS_APP_BACK_END, "prepared", id="other-prepared"),
    ],
)
def test_abort_after_a_freeze_veto(
    system: VssSystem, vetoing_level: int, other_level: int, other_state_before_abort: str
) -> None:
    vetoing = make_writer(system, "Vetoing Writer", cls=Scripted, level=vetoing_level)
    vetoing.fail["OnFreeze"] = "false"
    other = make_writer(system, "Other Writer", level=other_level)
    with system.CreateVssBackupComponents() as bc:
        _backup_to_prepared(bc)
        with pytest.raises(VssError):
            bc.DoSnapshotSet().Wait()
        bc.AbortBackup()
        vetoed = writer_status(bc, vetoing)
        cleaned = writer_status(bc, other)
    assert vetoed is not None
    assert cleaned is not None
    assert vetoed.state.name == "VSS_WS_FAILED_AT_FREEZE"  # kept through OnAbort
    assert cleaned.state.name == "VSS_WS_STABLE"  # OnAbort succeeded
    assert "OnAbort" in system.events(vetoing)
    assert "OnAbort" in system.events(other)
    assert ("OnFreeze" in system.events(other)) == (other_state_before_abort == "frozen")


# ---------------------------------------------------------------------------------------------
# The table holds the documented rows
# ---------------------------------------------------------------------------------------------

#: (state before, trigger, state on success, state on failure) — docs/reference.md §2.2. ``None`` for
#: the success column of the Freeze→Thaw timer row ("—"): a lapse is always a failure.
DOCUMENTED_TRANSITIONS: list[tuple[str, str, str | None, str]] = [
    ("VSS_WS_STABLE", "OnIdentify", "VSS_WS_STABLE", "VSS_WS_FAILED_AT_IDENTIFY"),
    ("VSS_WS_STABLE", "OnPrepareBackup", "VSS_WS_STABLE", "VSS_WS_FAILED_AT_PREPARE_BACKUP"),
    (
        "VSS_WS_STABLE",
        "OnPrepareSnapshot",
        "VSS_WS_WAITING_FOR_FREEZE",
        "VSS_WS_FAILED_AT_PREPARE_SNAPSHOT",
    ),
    ("VSS_WS_WAITING_FOR_FREEZE", "OnFreeze", "VSS_WS_WAITING_FOR_THAW", "VSS_WS_FAILED_AT_FREEZE"),
    (
        "VSS_WS_WAITING_FOR_THAW",
        "OnThaw",
        "VSS_WS_WAITING_FOR_POST_SNAPSHOT",
        "VSS_WS_FAILED_AT_THAW",
    ),
    # KB 915331: FAILED_AT_FREEZE with VSS_E_WRITERERROR_TIMEOUT.
    ("VSS_WS_WAITING_FOR_THAW", "FREEZE_WINDOW", None, "VSS_WS_FAILED_AT_FREEZE"),
    (
        "VSS_WS_WAITING_FOR_POST_SNAPSHOT",
        "OnPostSnapshot",
        "VSS_WS_WAITING_FOR_BACKUP_COMPLETE",
        "VSS_WS_FAILED_AT_POST_SNAPSHOT",
    ),
    (
        "VSS_WS_WAITING_FOR_BACKUP_COMPLETE",
        "OnBackupComplete",
        "VSS_WS_STABLE",
        "VSS_WS_FAILED_AT_BACKUP_COMPLETE",
    ),
    ("VSS_WS_STABLE", "OnBackupShutdown", "VSS_WS_STABLE", "VSS_WS_FAILED_AT_BACKUPSHUTDOWN"),
    ("VSS_WS_STABLE", "OnPreRestore", "VSS_WS_STABLE", "VSS_WS_FAILED_AT_PRE_RESTORE"),
    ("VSS_WS_STABLE", "OnPostRestore", "VSS_WS_STABLE", "VSS_WS_FAILED_AT_POST_RESTORE"),
]

#: (state before, OnAbort, state after a successful OnAbort or None for "kept") — §2.2 Abort row.
DOCUMENTED_ABORTS: list[tuple[str, str | None]] = [
    ("VSS_WS_STABLE", "VSS_WS_STABLE"),
    ("VSS_WS_WAITING_FOR_FREEZE", "VSS_WS_STABLE"),
    ("VSS_WS_WAITING_FOR_THAW", "VSS_WS_STABLE"),
    ("VSS_WS_WAITING_FOR_POST_SNAPSHOT", "VSS_WS_STABLE"),
    ("VSS_WS_FAILED_AT_PREPARE_BACKUP", None),
    ("VSS_WS_FAILED_AT_PREPARE_SNAPSHOT", None),
    ("VSS_WS_FAILED_AT_FREEZE", None),
    ("VSS_WS_FAILED_AT_THAW", None),
]


def _trigger(name: str) -> Any:
    return Timeout[name] if name == "FREEZE_WINDOW" else WriterEvent(name)


@pytest.mark.parametrize(
    ("before", "trigger", "ok", "failed"),
    [pytest.param(*row, id=f"{row[0]}-{row[1]}") for row in DOCUMENTED_TRANSITIONS],
)
def test_transition_table_has_the_documented_row(
    before: str, trigger: str, ok: str | None, failed: str
) -> None:
    outcome = WRITER_TRANSITIONS.get((VSS_WRITER_STATE[before], _trigger(trigger)))
    assert outcome is not None, f"no row for {before} × {trigger}"
    if ok is not None:
        assert outcome.ok is VSS_WRITER_STATE[ok]
    assert outcome.failed is VSS_WRITER_STATE[failed]


@pytest.mark.parametrize(
    ("before", "after"), [pytest.param(*row, id=row[0]) for row in DOCUMENTED_ABORTS]
)
def test_transition_table_has_the_documented_abort_row(before: str, after: str | None) -> None:
    outcome = WRITER_TRANSITIONS.get((VSS_WRITER_STATE[before], WriterEvent("OnAbort")))
    assert outcome is not None
    assert outcome.ok is (VSS_WRITER_STATE[after] if after is not None else None)


def test_state_values_are_the_documented_numbers() -> None:
    """§2.1: the numeric VSS_WRITER_STATE values (vssadmin prints them, §10.1)."""
    documented = {
        "VSS_WS_UNKNOWN": 0,
        "VSS_WS_STABLE": 1,
        "VSS_WS_WAITING_FOR_FREEZE": 2,
        "VSS_WS_WAITING_FOR_THAW": 3,
        "VSS_WS_WAITING_FOR_POST_SNAPSHOT": 4,
        "VSS_WS_WAITING_FOR_BACKUP_COMPLETE": 5,
        "VSS_WS_FAILED_AT_IDENTIFY": 6,
        "VSS_WS_FAILED_AT_PREPARE_BACKUP": 7,
        "VSS_WS_FAILED_AT_PREPARE_SNAPSHOT": 8,
        "VSS_WS_FAILED_AT_FREEZE": 9,
        "VSS_WS_FAILED_AT_THAW": 10,
        "VSS_WS_FAILED_AT_POST_SNAPSHOT": 11,
        "VSS_WS_FAILED_AT_BACKUP_COMPLETE": 12,
        "VSS_WS_FAILED_AT_PRE_RESTORE": 13,
        "VSS_WS_FAILED_AT_POST_RESTORE": 14,
        "VSS_WS_FAILED_AT_BACKUPSHUTDOWN": 15,
    }
    for name, value in documented.items():
        assert int(VSS_WRITER_STATE[name]) == value
