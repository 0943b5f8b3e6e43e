"""Lesson 4, concurrent sessions and the creation lock: several backups at once, every writer
handler sees its own session's id, and only one snapshot set is in creation at a time.

What it teaches: a writer takes part in several sessions at once and tells them apart with
``GetSessionId``; the machine-wide creation lock, held from StartSnapshotSet until DoSnapshotSet
returns, makes a second StartSnapshotSet fail with VSS_E_SNAPSHOT_SET_IN_PROGRESS, and the
requester waits and retries; how to read session overlap and the lock's holders off the trace.

Up to 64 backup sessions may run at once, and a writer may be in several of them at a time
(docs/reference.md §8). ``CVssWriterEx2::GetSessionId``, called on the handler's thread, names the session
that delivered the event being handled (docs/reference.md §1.5, §8). Only one snapshot set may be in
creation on the machine: a second StartSnapshotSet gets VSS_E_SNAPSHOT_SET_IN_PROGRESS, and the
requester waits and retries (docs/reference.md §3.2 row 8), here every 5 virtual seconds as restic does
(docs/field-failures.md §A.7).

Each requester runs as a task started with ``system.spawn``. The three writers log
``(handler, GetSessionId())`` in every handler and then pause for a few virtual seconds drawn from
a generator seeded from ``--seed``, so the sessions interleave. At the end the example prints,
per session, the events each writer logged with that session's id; checks each writer's log
against the trace (the handler saw the id of the session that delivered the event); and counts,
from the trace, how the sessions overlapped and who held the creation lock when. To see the run as
a timeline, write ``simulator.trace_export.to_chrome_trace(system.trace)`` to a file and open it
in ui.perfetto.dev: the creation lock has a track of its own.

Read next: "IVssBackupComponents::StartSnapshotSet" (VSS_E_SNAPSHOT_SET_IN_PROGRESS),
https://learn.microsoft.com/en-us/windows/win32/api/vsbackup/nf-vsbackup-ivssbackupcomponents-startsnapshotset

Run it: ``python examples/04_concurrent_sessions.py [--seed N] [--sessions N]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import random
import uuid

from simulator import (
    GUID_NULL,
    VSS_APP_BACK_END,
    VSS_APP_FRONT_END,
    VSS_APP_SYSTEM,
    VSS_APPLICATION_LEVEL,
    VSS_BT_FULL,
    VSS_CT_FILEGROUP,
    VSS_ST_OTHER,
    VSS_UT_USERDATA,
    CVssWriterEx2,
    IVssBackupComponents,
    IVssCreateWriterMetadata,
    IVssWriterComponents,
    TraceKind,
    VssSnapshotSetInProgress,
    VssSystem,
    hresults,
)

#: How long a requester waits before it asks StartSnapshotSet again (restic, docs/field-failures.md §A.7).
RETRY_SECONDS = 5.0
#: The virtual pauses a handler may take, in seconds.
PAUSES = (0.0, 0.25, 0.5, 1.0, 1.5, 2.0)
#: The writers: name, application level (Freeze goes FRONT_END, BACK_END, SYSTEM, docs/reference.md §4.1).
WRITERS: tuple[tuple[str, VSS_APPLICATION_LEVEL], ...] = (
    ("App Writer", VSS_APP_FRONT_END),
    ("Database Writer", VSS_APP_BACK_END),
    ("System Writer", VSS_APP_SYSTEM),
)


class LoggingWriter(CVssWriterEx2):
    """Logs ``(handler, GetSessionId())`` in each handler, on the handler's thread, then pauses."""

    def __init__(self, system: VssSystem, name: str, pauses: random.Random) -> None:
        self.system = system
        self.writer_name = name
        self.component = f"{name.split()[0]} Files"
        self.pauses = pauses
        #: (handler, the session id GetSessionId returned in it), in call order
        self.log: list[tuple[str, uuid.UUID]] = []
        #: handlers running now (of different sessions), and the most seen at once
        self.inside = 0
        self.most_inside = 0

    def _handle(self, handler: str) -> bool:
        self.log.append((handler, self.GetSessionId()))
        self.inside += 1
        self.most_inside = max(self.most_inside, self.inside)
        self.system.sleep(self.pauses.choice(PAUSES))
        self.inside -= 1
        return True

    def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
        metadata.AddComponent(
            VSS_CT_FILEGROUP, None, self.component, self.component, None, 0, False, False, True
        )
        folder = self.component.replace(" ", "")
        metadata.AddFilesToFileGroup(None, self.component, f"C:\\{folder}", "*", False, None)
        return self._handle("OnIdentify")

    def OnPrepareBackup(self, components: IVssWriterComponents | None) -> bool:
        return self._handle("OnPrepareBackup")

    def OnPrepareSnapshot(self) -> bool:
        return self._handle("OnPrepareSnapshot")

    def OnFreeze(self) -> bool:
        return self._handle("OnFreeze")

    def OnThaw(self) -> bool:
        return self._handle("OnThaw")

    def OnPostSnapshot(self, components: IVssWriterComponents | None) -> bool:
        return self._handle("OnPostSnapshot")

    def OnAbort(self) -> bool:
        return self._handle("OnAbort")

    def OnBackupComplete(self, components: IVssWriterComponents | None) -> bool:
        return self._handle("OnBackupComplete")

    def OnBackupShutdown(self, snapshot_set_id: uuid.UUID) -> bool:
        return self._handle("OnBackupShutdown")


@dataclasses.dataclass
class SessionResult:
    """What one requester saw: its session id (IVssBackupComponentsEx3::GetSessionId), how often
    StartSnapshotSet was refused, and the writer states of its last GatherWriterStatus."""

    name: str
    session_id: uuid.UUID = GUID_NULL
    refused: int = 0
    states: list[str] = dataclasses.field(default_factory=list)


def start_snapshot_set(system: VssSystem, bc: IVssBackupComponents, result: SessionResult) -> None:
    """StartSnapshotSet, retried every RETRY_SECONDS while another set is in creation (§8)."""
    while True:
        try:
            bc.StartSnapshotSet()
            return
        except VssSnapshotSetInProgress:
            result.refused += 1
            system.sleep(RETRY_SECONDS)


def requester(system: VssSystem, result: SessionResult) -> None:
    """One component-mode full backup of C:\\ with every component (docs/reference.md §3.2)."""
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        result.session_id = bc.GetSessionId()
        bc.SetBackupState(True, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        chosen = []
        for index in range(bc.GetWriterMetadataCount()):
            instance_id, examine = bc.GetWriterMetadata(index)
            writer_id = examine.GetIdentity()[1]
            for c in range(examine.GetFileCounts()[2]):
                name = examine.GetComponent(c).GetComponentInfo().component_name
                bc.AddComponent(instance_id, writer_id, VSS_CT_FILEGROUP, None, name)
                chosen.append((instance_id, writer_id, name))
        start_snapshot_set(system, bc, result)
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
        for instance_id, writer_id, name in chosen:
            bc.SetBackupSucceeded(instance_id, writer_id, VSS_CT_FILEGROUP, None, name, True)
        bc.BackupComplete().Wait()
        bc.GatherWriterStatus().Wait()
        for index in range(bc.GetWriterStatusCount()):
            status = bc.GetWriterStatus(index)
            result.states.append(f"{status.writer_name}: {status.state.name}")


def lifetimes(system: VssSystem) -> dict[uuid.UUID, tuple[float, float]]:
    """Each session's first and last trace record, in virtual seconds."""
    spans: dict[uuid.UUID, tuple[float, float]] = {}
    for record in system.trace:
        if record.session_id is not None:
            first = spans.get(record.session_id, (record.time, record.time))[0]
            spans[record.session_id] = (first, record.time)
    return spans


def overlaps(system: VssSystem) -> tuple[int, int, int, int]:
    """From the trace: (overlapping session pairs, all pairs, most sessions open at once, switches).

    A session is open from its first trace record to its last; a switch is two consecutive
    session records of different sessions.
    """
    spans: dict[uuid.UUID, list[int]] = {}
    order: list[uuid.UUID] = []
    for position, record in enumerate(system.trace):
        if record.session_id is None:
            continue
        spans.setdefault(record.session_id, [position, position])[1] = position
        order.append(record.session_id)
    pairs = list(itertools.combinations(spans.values(), 2))
    overlapping = sum(1 for a, b in pairs if a[0] < b[1] and b[0] < a[1])
    edges = sorted([(s[0], 1) for s in spans.values()] + [(s[1], -1) for s in spans.values()])
    peak = max(itertools.accumulate(delta for _, delta in edges), default=0)
    switches = sum(1 for a, b in itertools.pairwise(order) if a != b)
    return overlapping, len(pairs), peak, switches


def lock_holders(system: VssSystem) -> list[tuple[uuid.UUID, float, float]]:
    """From the trace: each session that held the creation lock, from its successful
    StartSnapshotSet to the end of its DoSnapshotSet (docs/reference.md §8)."""
    taken: dict[uuid.UUID, float] = {}
    held: list[tuple[uuid.UUID, float, float]] = []
    for record in system.trace:
        session = record.session_id
        if session is None or record.kind is not TraceKind.CALL:
            continue
        if record.name == "StartSnapshotSet" and record.result == "S_OK":
            taken[session] = record.time
        elif record.name == "DoSnapshotSet completed" and session in taken:
            held.append((session, taken.pop(session), record.time))
    return held


def main(seed: int = 0, sessions: int = 4) -> int:
    """Run ``sessions`` concurrent backups; 0 when every handler saw only its own session's id."""
    with VssSystem(seed=seed) as system:
        writers: list[LoggingWriter] = []
        for number, (name, level) in enumerate(WRITERS):
            writer = LoggingWriter(system, name, random.Random(seed * len(WRITERS) + number))
            writer.Initialize(system.new_guid(), name, VSS_UT_USERDATA, VSS_ST_OTHER, level)
            writer.Subscribe()
            writers.append(writer)
        results = [SessionResult(f"requester-{n}") for n in range(1, sessions + 1)]
        for result in results:
            system.spawn(requester, system, result, name=result.name)
        system.run()

        print(f"{sessions} concurrent backup sessions, {len(writers)} writers, seed {seed}")
        width = max(len(name) for name, _ in WRITERS)
        spans = lifetimes(system)
        for result in results:
            first, last = spans[result.session_id]
            print(
                f"\n{result.name}  session {result.session_id}  open {first:g} s to {last:g} s, "
                f"StartSnapshotSet refused {result.refused} time(s)"
            )
            for writer in writers:
                seen = [event for event, sid in writer.log if sid == result.session_id]
                print(f"  {writer.writer_name:<{width}}  {', '.join(seen)}")
            print(f"  final status: {'; '.join(result.states)}")

        print("\nGetSessionId() in each handler, checked against the trace:")
        own = {result.session_id for result in results}
        all_match = True
        for writer in writers:
            name = writer.writer_name
            delivered = [
                (record.name, record.session_id)
                for record in system.trace
                if record.kind is TraceKind.EVENT and record.writer == name
            ]
            matching = sum(1 for a, b in zip(writer.log, delivered, strict=False) if a == b)
            foreign = sum(1 for _, sid in writer.log if sid not in own)
            ok = matching == len(writer.log) == len(delivered) and not foreign
            all_match = all_match and ok
            print(
                f"  {name:<{width}}  {len(writer.log)} handler calls, up to {writer.most_inside} "
                f"at once; {matching} saw the id of the session that delivered the event, "
                f"{foreign} an unknown id"
            )

        overlapping, pairs, peak, switches = overlaps(system)
        refused = sum(result.refused for result in results)
        print("\nOverlap, from the trace:")
        print(f"  session pairs whose lifetimes overlapped: {overlapping} of {pairs}")
        print(f"  most sessions open at once: {peak}")
        print(f"  switches from one session to another between trace records: {switches}")
        print(
            f"  StartSnapshotSet refused with "
            f"{hresults.name_of(hresults.VSS_E_SNAPSHOT_SET_IN_PROGRESS)}: {refused} time(s), "
            f"each retried after {RETRY_SECONDS:g} s"
        )
        holders = lock_holders(system)
        print("\nThe creation lock, from the trace (one set in creation at a time):")
        for session, start, end in holders:
            print(f"  session {str(session)[:8]} held it from {start:g} s to {end:g} s")
        at_once = max(
            (sum(1 for _, s, e in holders if s <= start < e) for _, start, _ in holders), default=0
        )
        print(f"  sets in creation at the same time, at most: {at_once}")
        print(
            f"\nVirtual time {system.clock.now:g} s; {len(system.violations)} violation(s); "
            f"every handler saw only its own session's id: {'yes' if all_match else 'NO'}"
        )
        return 0 if all_match and not system.violations else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Concurrent backup sessions and session ids.")
    parser.add_argument("--seed", type=int, default=0, help="the VssSystem seed (default 0)")
    parser.add_argument("--sessions", type=int, default=4, help="how many sessions (default 4)")
    arguments = parser.parse_args()
    raise SystemExit(main(arguments.seed, arguments.sessions))
