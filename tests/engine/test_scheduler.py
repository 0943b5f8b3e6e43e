"""Sessions side by side (docs/reference.md §8, §6; docs/field-failures.md #1, #2).

One set may be in creation system-wide, from StartSnapshotSet until DoSnapshotSet returns; a second
requester gets VSS_E_SNAPSHOT_SET_IN_PROGRESS and retries. Up to 64 backup sessions run at once,
each writer's state is kept per session, and a task's exception comes out of ``system.run()``.
"""

from __future__ import annotations

import itertools
import uuid

import pytest

from simulator import (
    VSS_E_SNAPSHOT_SET_IN_PROGRESS,
    VSS_E_WRITERERROR_RETRYABLE,
    VSS_WRITER_STATE,
    VSS_WS_FAILED_AT_PREPARE_BACKUP,
    VSS_WS_STABLE,
    IVssBackupComponents,
    IVssCreateWriterMetadata,
    IVssWriterComponents,
    TraceKind,
    VssSnapshotSetInProgress,
    VssSystem,
    system_of,
)
from tests.helpers import FULL_BACKUP as FULL
from tests.helpers import QuietWriter, begin_backup, complete_backup, make_writer


def gathered(system: VssSystem) -> IVssBackupComponents:
    """A requester after GatherWriterMetadata, not in component mode (docs/reference.md §4.1 steps 1–2)."""
    return begin_backup(system.CreateVssBackupComponents())


def refused_start(bc: IVssBackupComponents) -> str:
    """StartSnapshotSet is refused because another set is in creation; the error's message."""
    with pytest.raises(VssSnapshotSetInProgress) as caught:
        bc.StartSnapshotSet()
    assert caught.value.hresult == VSS_E_SNAPSHOT_SET_IN_PROGRESS
    return caught.value.message


def states(bc: IVssBackupComponents) -> dict[str, tuple[VSS_WRITER_STATE, int]]:
    """GatherWriterStatus: (state, failure code) by writer name, in this object's session."""
    bc.GatherWriterStatus().Wait()
    found = {}
    for index in range(bc.GetWriterStatusCount()):
        status = bc.GetWriterStatus(index)
        found[status.writer_name] = (status.state, status.hr_failure)
    return found


# ---------------------------------------------------------------------------------------------
# the creation lock (docs/reference.md §8, docs/field-failures.md #1, #2)
# ---------------------------------------------------------------------------------------------


def test_second_start_snapshot_set_waits_for_do_snapshot_set(system: VssSystem) -> None:
    """docs/reference.md §8: the lock is held from StartSnapshotSet until DoSnapshotSet returns, also while
    DoSnapshotSet runs; then the second requester's StartSnapshotSet succeeds."""

    class SlowFreeze(QuietWriter):
        def OnFreeze(self) -> bool:
            system.sleep(5)
            return True

    make_writer(system, "Slow", cls=SlowFreeze)
    first = gathered(system)
    second = gathered(system)
    set_id = first.StartSnapshotSet()
    message = refused_start(second)
    assert str(set_id) in message
    assert str(first.GetSessionId()) in message
    first.AddToSnapshotSet("C:\\")
    first.PrepareForBackup().Wait()
    refused_start(second)
    op = first.DoSnapshotSet()
    op.Wait(2000)
    assert not op.done
    refused_start(second)
    op.Wait()
    assert isinstance(second.StartSnapshotSet(), uuid.UUID)
    first.BackupComplete().Wait()
    first.Release()
    second.AbortBackup()
    second.Release()


def test_abort_backup_frees_the_lock(system: VssSystem) -> None:
    """docs/reference.md §3.1, §8: AbortBackup ends the creation; another StartSnapshotSet succeeds."""
    make_writer(system, "Writer")
    first = gathered(system)
    second = gathered(system)
    first.StartSnapshotSet()
    first.AddToSnapshotSet("C:\\")
    first.PrepareForBackup().Wait()
    refused_start(second)
    first.AbortBackup()
    assert isinstance(second.StartSnapshotSet(), uuid.UUID)
    first.Release()
    second.AbortBackup()
    second.Release()


def test_release_frees_the_lock(system: VssSystem) -> None:
    """docs/reference.md §3.1: Release of an object with a set in creation aborts it and frees the lock."""
    make_writer(system, "Writer")
    first = gathered(system)
    second = gathered(system)
    first.StartSnapshotSet()
    refused_start(second)
    first.Release()
    assert isinstance(second.StartSnapshotSet(), uuid.UUID)
    second.Release()


def test_leaked_set_blocks_everyone_until_released(system: VssSystem) -> None:
    """docs/field-failures.md #2: a requester that neither aborts nor releases keeps the lock; 10 minutes
    later others are still refused; Release of the leaked object frees it."""
    make_writer(system, "Writer")
    leaked = gathered(system)
    leaked.StartSnapshotSet()
    leaked.AddToSnapshotSet("C:\\")
    leaked.PrepareForBackup().Wait()
    other = gathered(system)
    refused_start(other)
    system.sleep(600)
    refused_start(other)
    leaked.Release()
    assert isinstance(other.StartSnapshotSet(), uuid.UUID)
    other.Release()


# ---------------------------------------------------------------------------------------------
# 64 concurrent sessions (docs/reference.md §6, §8)
# ---------------------------------------------------------------------------------------------


class Busy(QuietWriter):
    """A writer whose Identify and PrepareForBackup take a little virtual time, so sessions
    overlap in them, and whose Freeze is quick."""

    def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
        super().OnIdentify(metadata)
        system_of(self).sleep(0.5)
        return True

    def OnPrepareBackup(self, components: IVssWriterComponents | None) -> bool:
        system_of(self).sleep(0.25)
        return True


def test_64_concurrent_sessions_with_10_writers_all_complete(system: VssSystem) -> None:
    """docs/reference.md §6, §8: 64 concurrent backups, 10 writers; each requester retries StartSnapshotSet
    every 5 virtual seconds on VSS_E_SNAPSHOT_SET_IN_PROGRESS (restic style) and completes."""
    writers = [make_writer(system, f"Writer {i:02}", cls=Busy) for i in range(10)]
    results: dict[uuid.UUID, uuid.UUID] = {}
    retries: list[int] = []
    final_states: list[dict[str, tuple[VSS_WRITER_STATE, int]]] = []

    def requester() -> None:
        with system.CreateVssBackupComponents() as bc:
            bc.InitializeForBackup()
            set_id, tries = complete_backup(bc)
            retries.append(tries)
            final_states.append(states(bc))
            results[bc.GetSessionId()] = set_id

    for index in range(64):
        system.spawn(requester, name=f"requester-{index:02}")
    system.run()

    assert len(results) == 64
    assert len(set(results.values())) == 64
    assert system.violations == []
    assert sum(retries) > 0 and max(retries) >= 1
    expected = {w._vss.name: (VSS_WS_STABLE, 0) for w in writers}
    assert final_states == [expected] * 64
    completed = [
        r for r in system.trace if r.kind is TraceKind.CALL and r.name == "DoSnapshotSet completed"
    ]
    assert [r.result for r in completed] == ["VSS_S_ASYNC_FINISHED"] * 64
    refused = [
        r
        for r in system.trace
        if r.name == "StartSnapshotSet" and r.result == "VSS_E_SNAPSHOT_SET_IN_PROGRESS"
    ]
    assert len(refused) == sum(retries)
    for writer in writers:
        for session in results:
            assert system.events(writer, session_id=session) == FULL
        assert len(system.events(writer)) == 64 * len(FULL)
    assert system.shadow_copies() == []

    # A writer is in several sessions at once: a session's events start before another's end.
    spans: dict[uuid.UUID | None, tuple[int, int]] = {}
    for index, record in enumerate(system.trace):
        if record.kind is TraceKind.EVENT and record.writer == "Writer 00":
            start, _ = spans.get(record.session_id, (index, index))
            spans[record.session_id] = (start, index)
    ordered = sorted(spans.values())
    overlapping = sum(1 for a, b in itertools.pairwise(ordered) if b[0] < a[1])
    assert overlapping > 0


# ---------------------------------------------------------------------------------------------
# per-session status (docs/reference.md §2.2 notes, §8 status isolation)
# ---------------------------------------------------------------------------------------------


def test_writer_failing_in_one_session_is_stable_in_another(system: VssSystem) -> None:
    """docs/reference.md §2.2, §8: state and failure code are per session. The writer vetoes
    PrepareForBackup only in session A; session B sees it STABLE and completes a full backup."""
    doomed: set[uuid.UUID] = set()

    class Picky(QuietWriter):
        def OnPrepareBackup(self, components: IVssWriterComponents | None) -> bool:
            if self.GetSessionId() in doomed:
                self.SetWriterFailure(VSS_E_WRITERERROR_RETRYABLE)
                return False
            return True

    writer = make_writer(system, "Picky", cls=Picky)
    a = gathered(system)
    b = gathered(system)
    doomed.add(a.GetSessionId())
    a.StartSnapshotSet()
    a.AddToSnapshotSet("C:\\")
    a.PrepareForBackup().Wait()
    assert states(a) == {"Picky": (VSS_WS_FAILED_AT_PREPARE_BACKUP, VSS_E_WRITERERROR_RETRYABLE)}
    assert states(b) == {"Picky": (VSS_WS_STABLE, 0)}
    a.AbortBackup()
    b.StartSnapshotSet()
    b.AddToSnapshotSet("C:\\")
    b.PrepareForBackup().Wait()
    b.DoSnapshotSet().Wait()
    b.BackupComplete().Wait()
    assert states(b) == {"Picky": (VSS_WS_STABLE, 0)}
    assert states(a) == {"Picky": (VSS_WS_FAILED_AT_PREPARE_BACKUP, VSS_E_WRITERERROR_RETRYABLE)}
    assert system.events(writer, session_id=b.GetSessionId()) == FULL[:-1]
    # A's AbortBackup reached the writer, which had joined A (docs/reference.md §4.2 [INF]).
    assert system.events(writer, session_id=a.GetSessionId()) == [
        "OnIdentify",
        "OnPrepareBackup",
        "OnAbort",
    ]
    a.Release()
    b.Release()
    assert system.violations == []


def test_a_task_that_raises_makes_run_reraise_it(system: VssSystem) -> None:
    """A task's exception is not lost: ``run()`` finishes the other tasks, then re-raises it;
    the failing requester's ``with`` block still released its object (BackupShutdown)."""
    writer = make_writer(system, "Writer")
    finished: list[uuid.UUID] = []

    def crashing() -> None:
        with gathered(system):
            system.sleep(1)
            raise LookupError("requester bug")

    def fine() -> None:
        with gathered(system) as bc:
            bc.StartSnapshotSet()
            bc.AddToSnapshotSet("C:\\")
            bc.PrepareForBackup().Wait()
            bc.DoSnapshotSet().Wait()
            bc.BackupComplete().Wait()
            system.sleep(3)
            finished.append(bc.GetSessionId())

    system.spawn(crashing, name="crashing")
    system.spawn(fine, name="fine")
    with pytest.raises(LookupError, match="requester bug"):
        system.run()
    assert len(finished) == 1
    assert system.events(writer, session_id=finished[0]) == FULL
    assert system.events(writer).count("OnBackupShutdown") == 2
