"""Seed sweeps and exhaustive exploration: a bug that shows in one interleaving out of many.

``JournalWriter`` flushes a journal in OnFreeze on a worker thread and labels the flush with the
session id. It keeps "the current session's id" on the writer object: set in OnPrepareBackup,
forgotten in OnBackupComplete. The worker uses the cached id, and falls back to ``GetSessionId``
when the cache is empty, which "never happens". It does when two backups overlap in one order:
session B's OnBackupComplete runs after session A's OnPrepareBackup and before A's OnFreeze. The
cache is then empty, the worker thread calls ``GetSessionId`` and breaks the thread rule
(docs/reference.md §1.5). One backup at a time, or most interleavings of two, never show it.

The lesson, in four steps:

1. A sweep runs the two-session scenario once per seed (``vss-sim sweep``); a few seeds fail, all
   with the same kind of failure, each with its replay command.
2. A replay of one failing seed shows the trace around the violation (``vss-sim replay``).
3. ``explore`` runs the scenario under every distinct interleaving: it finds the bug without
   luck, and proves the corrected writer (which reads the id on the handler's thread and hands it
   to the worker) clean over every interleaving of two sessions and two writers.
4. Partial-order reduction skips the interleavings that only reorder independent steps.

Run it: ``python examples/11_sweep_and_explore.py``; or from the command line::

    vss-sim sweep examples/11_sweep_and_explore.py:buggy_backups --seeds 0..500
    vss-sim replay examples/11_sweep_and_explore.py:buggy_backups --seed N
    vss-sim explore examples/11_sweep_and_explore.py:fixed_backups
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from simulator import (
    VSS_CT_FILEGROUP,
    VSS_ST_OTHER,
    VSS_UT_USERDATA,
    CVssWriterEx2,
    IVssCreateWriterMetadata,
    IVssWriterComponents,
    VssSystem,
    WrongThreadError,
)
from simulator.testing import explore, run_backup


class JournalWriter(CVssWriterEx2):
    """Wrong: the session id is cached on the writer, shared by every session."""

    def __init__(self) -> None:
        self.session_id: uuid.UUID | None = None
        #: journal markers written by the flush worker
        self.markers: list[str] = []

    def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
        metadata.AddComponent(
            VSS_CT_FILEGROUP, None, "Journal", "Journal", None, 0, False, False, True
        )
        metadata.AddFilesToFileGroup(None, "Journal", "C:\\Journal", "*", False, None)
        return True

    def OnPrepareBackup(self, components: IVssWriterComponents | None) -> bool:
        self.session_id = self.GetSessionId()
        return True

    def OnPrepareSnapshot(self) -> bool:
        return True

    def flush(self, session_id: uuid.UUID | None) -> None:
        """The worker's job: write a journal marker for the session."""
        if session_id is None:
            session_id = self.GetSessionId()  # the fallback that "never happens"
        self.markers.append(f"flushed for {session_id}")

    def OnFreeze(self) -> bool:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="journal-flush") as pool:
            try:
                pool.submit(self.flush, self.session_id).result()
            except WrongThreadError:
                return True  # the flush is lost, silently
        return True

    def OnThaw(self) -> bool:
        return True

    def OnAbort(self) -> bool:
        return True

    def OnBackupShutdown(self, snapshot_set_id: uuid.UUID) -> bool:
        self.session_id = None  # "the session is over"
        return True


class FixedJournalWriter(JournalWriter):
    """Right: the handler reads its own session's id and hands it to the worker."""

    def OnFreeze(self) -> bool:
        session_id = self.GetSessionId()
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="journal-flush") as pool:
            pool.submit(self.flush, session_id).result()
        return True


class CatalogWriter(CVssWriterEx2):
    """A second writer that keeps every rule, so each event phase has two handlers to order."""

    def OnPrepareSnapshot(self) -> bool:
        return True

    def OnFreeze(self) -> bool:
        return True

    def OnThaw(self) -> bool:
        return True

    def OnAbort(self) -> bool:
        return True


def two_sessions(system: VssSystem, journal: JournalWriter) -> None:
    """A writer check and a backup that overlap, against ``journal`` and a catalog writer.

    The check (a second requester, say a monitoring tool) gathers the writers' metadata first;
    it releases its object, which sends OnBackupShutdown, while the full backup of C:\\ runs.
    """
    for number, writer in enumerate((journal, CatalogWriter()), 1):
        writer.Initialize(
            uuid.UUID(int=number), type(writer).__name__, VSS_UT_USERDATA, VSS_ST_OTHER
        )
        writer.Subscribe()
    check = system.CreateVssBackupComponents()
    check.InitializeForBackup()
    check.GatherWriterMetadata().Wait()
    system.spawn(run_backup, system, name="backup")
    system.spawn(check.Release, name="check-release")
    system.run()


def buggy_backups(system: VssSystem) -> None:
    """The scenario with the writer that caches the session id."""
    two_sessions(system, JournalWriter())


def fixed_backups(system: VssSystem) -> None:
    """The scenario with the corrected writer."""
    two_sessions(system, FixedJournalWriter())


def main() -> int:
    from simulator.harness import replay, sweep

    buggy = f"{Path(__file__).resolve()}:buggy_backups"
    seeds = range(400)

    print(f"== 1. Sweep: the scenario once per seed, seeds {seeds.start}..{seeds.stop - 1}")
    result = sweep(buggy, seeds, workers=1)
    failing = result.failing_seeds
    print(f"{result.done} seeds run, {len(failing)} failed, by kind of failure:")
    for kind, group in result.groups().items():
        print(f"  {kind}: seeds {', '.join(map(str, group))}")
    print("only the interleavings where the check's OnBackupShutdown falls between the backup's")
    print("OnPrepareBackup and OnFreeze fail; a seed fixes the interleaving, so each one replays.")

    print()
    print(f"== 2. Replay of seed {failing[0]}: the end of its trace")
    outcome = replay(buggy, failing[0])
    lines = outcome.system.format_trace().splitlines()
    shutdown = next(i for i, line in enumerate(lines) if "OnBackupShutdown" in line)
    for line in lines[shutdown - 2 : shutdown + 6]:
        print(f"  {line}")
    for violation in outcome.violations:
        print(f"  violation: {violation}")

    print()
    print("== 3. Explore: every interleaving of the two sessions, two writers")
    found = explore(buggy_backups)
    first = found.failing[0]
    print(f"buggy writer: {found.summary()}")
    print(f"  first failing schedule: {first.failure}; choices {','.join(map(str, first.choices))}")
    clean = explore(fixed_backups)
    print(f"fixed writer: {clean.summary()}")

    print()
    print("== 4. Partial-order reduction")
    cap = 2 * clean.schedules
    plain = explore(fixed_backups, reduce=False, max_schedules=cap)
    more = "more than " if not plain.complete else ""
    print(
        f"without it, depth-first search over every choice needs {more}{plain.schedules} "
        f"schedules{' (stopped there)' if not plain.complete else ''}; most only reorder steps "
        "that touch different sessions or writers, which cannot change the outcome."
    )
    print()
    print(
        "a sweep samples interleavings, so it finds a bug about as often as its interleaving "
        "occurs; explore covers every one, which small scenarios afford."
    )
    ok = bool(failing) and bool(found.failing) and clean.complete and not clean.failing
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
