"""Determinism and virtual time (docs/api.md "The machine"; docs/reference.md §2.3, §6).

A seed fixes every choice: the interleaving of concurrent sessions, every GUID, and so the whole
trace. Different seeds give different interleavings. Time is virtual: ten minutes of waiting cost
no wall time.
"""

from __future__ import annotations

import random
import time
import uuid

from simulator import (
    VSS_E_UNEXPECTED_WRITER_ERROR,
    VSS_E_WRITERERROR_RETRYABLE,
    VSS_WS_FAILED_AT_PREPARE_SNAPSHOT,
    IVssWriterComponents,
    TraceKind,
    TraceRecord,
    VssError,
    VssSystem,
    system_of,
)
from tests.helpers import QuietWriter, begin_backup, complete_backup, make_writer


class Jittery(QuietWriter):
    """A writer whose handlers work a seeded, random-looking amount of virtual time, drawn from the
    machine's own generator (``system.rng``)."""

    def _work(self) -> bool:
        system = system_of(self)
        system.sleep(round(system.rng.uniform(0.01, 2.0), 3))
        return True

    def OnPrepareBackup(self, components: IVssWriterComponents | None) -> bool:
        return self._work()

    def OnPrepareSnapshot(self) -> bool:
        return self._work()

    def OnFreeze(self) -> bool:
        return self._work()

    def OnBackupComplete(self, components: IVssWriterComponents | None) -> bool:
        return self._work()


def scenario(system: VssSystem) -> tuple[list[TraceRecord], list[int]]:
    """8 concurrent sessions, 3 jittery writers. Returns the trace and the interleaving: for each
    EVENT record, the index of the requester whose session it belongs to."""
    with system:
        for index in range(3):
            make_writer(system, f"Jittery {index}", cls=Jittery)
        owner: dict[uuid.UUID, int] = {}

        def requester(index: int) -> None:
            with system.CreateVssBackupComponents() as bc:
                bc.InitializeForBackup()
                owner[bc.GetSessionId()] = index
                complete_backup(bc)

        for index in range(8):
            system.spawn(requester, index, name=f"requester-{index}")
        system.run()
        trace = system.trace
        interleaving = [
            owner[r.session_id]
            for r in trace
            if r.kind is TraceKind.EVENT and r.session_id is not None
        ]
        assert system.violations == []
        return trace, interleaving


def test_same_seed_same_trace() -> None:
    """Two fresh machines with seed 11 produce identical traces, record for record."""
    first, first_order = scenario(VssSystem(seed=11))
    second, second_order = scenario(VssSystem(seed=11))
    assert [str(r) for r in first] == [str(r) for r in second]
    assert first == second
    assert first_order == second_order
    events = [r for r in first if r.kind is TraceKind.EVENT]
    assert len(events) == 8 * 3 * 8  # 8 sessions × 3 writers × the full sequence (§4.1)
    assert first[-1].time > 0.0


def test_different_seeds_give_different_interleavings_and_guids() -> None:
    """Five seeds: at least two different orders of EVENT records across sessions, and no
    session id shared between any two runs."""
    orders = []
    session_ids: list[set[uuid.UUID]] = []
    for seed in range(5):
        trace, order = scenario(VssSystem(seed=seed))
        orders.append(tuple(order))
        session_ids.append({r.session_id for r in trace if r.session_id is not None})
    assert len(set(orders)) >= 2
    assert all(len(ids) == 8 for ids in session_ids)
    assert len(set().union(*session_ids)) == 5 * 8


def test_guids_come_from_the_seed() -> None:
    """``new_guid`` draws from the seeded generator: the same seed repeats the same GUIDs."""
    first = VssSystem(seed=3)
    second = VssSystem(seed=3)
    drawn = [first.new_guid() for _ in range(3)]
    assert drawn == [second.new_guid() for _ in range(3)]
    assert len(set(drawn)) == 3
    assert all(g.version == 4 for g in drawn)
    assert VssSystem(seed=4).new_guid() not in drawn


def test_injected_generator_works_like_the_seed() -> None:
    """``VssSystem(rng=random.Random(5))`` behaves exactly like ``VssSystem(seed=5)``."""
    by_seed, order_by_seed = scenario(VssSystem(seed=5))
    by_rng, order_by_rng = scenario(VssSystem(rng=random.Random(5)))
    assert by_seed == by_rng
    assert order_by_seed == order_by_rng
    assert VssSystem(seed=5).new_guid() == VssSystem(rng=random.Random(5)).new_guid()


def test_ten_minutes_cost_no_wall_time() -> None:
    """docs/reference.md §6: virtual time; a 10-minute sleep moves the clock 600 s in well under 2 s."""
    with VssSystem(seed=0) as system:
        started = time.perf_counter()
        system.sleep(600)
        elapsed = time.perf_counter() - started
        assert system.clock.now == 600.0
        assert elapsed < 2.0


class Retryable(QuietWriter):
    """Vetoes PrepareForSnapshot with VSS_E_WRITERERROR_RETRYABLE the first ``failures`` times."""

    def __init__(self) -> None:
        self.failures = 0

    def OnPrepareSnapshot(self) -> bool:
        if self.failures > 0:
            self.failures -= 1
            self.SetWriterFailure(VSS_E_WRITERERROR_RETRYABLE)
            return False
        return True


def retry_policy(system: VssSystem, writer: Retryable) -> tuple[bool, list[float]]:
    """docs/reference.md §2.3: on a retryable writer error wait 10 minutes and retry, at most 3 times.
    Returns whether a backup succeeded and the virtual time of every attempt."""
    attempts: list[float] = []
    for attempt in range(4):
        if attempt:
            system.sleep(600)
        attempts.append(system.clock.now)
        with system.CreateVssBackupComponents() as bc:
            begin_backup(bc)
            bc.StartSnapshotSet()
            bc.AddToSnapshotSet("C:\\")
            bc.PrepareForBackup().Wait()
            try:
                bc.DoSnapshotSet().Wait()
            except VssError as exc:
                assert exc.hresult == VSS_E_UNEXPECTED_WRITER_ERROR
                bc.GatherWriterStatus().Wait()
                status = bc.GetWriterStatus(0)
                assert status.state is VSS_WS_FAILED_AT_PREPARE_SNAPSHOT
                bc.AbortBackup()
                if status.hr_failure != VSS_E_WRITERERROR_RETRYABLE:
                    return False, attempts
                continue
            bc.BackupComplete().Wait()
            return True, attempts
    return False, attempts


def test_retry_after_ten_minutes_three_times_runs_in_no_wall_time() -> None:
    """docs/reference.md §2.3: two retryable failures, success on the third attempt at 20 min; a writer
    that always fails gets the first try and 3 retries (30 min) and the requester gives up."""
    started = time.perf_counter()
    with VssSystem(seed=0) as system:
        writer = make_writer(system, "Flaky", cls=Retryable)
        writer.failures = 2
        assert retry_policy(system, writer) == (True, [0.0, 600.0, 1200.0])
        assert system.events(writer).count("OnPrepareSnapshot") == 3
    with VssSystem(seed=0) as system:
        writer = make_writer(system, "Broken", cls=Retryable)
        writer.failures = 1000
        assert retry_policy(system, writer) == (False, [0.0, 600.0, 1200.0, 1800.0])
        assert system.clock.now == 1800.0
        assert system.events(writer).count("OnPrepareSnapshot") == 4
    assert time.perf_counter() - started < 2.0
