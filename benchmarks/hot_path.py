"""The cost of the model against the writers' own code, measured as the hot-path issue asks.

CPU time (``time.process_time``), in interleaved rounds: each round measures the floor, one
session at a time and 64 at once back to back, with the garbage collector collected and frozen
before each sample, and reports that round's ratios; the figures printed are the medians over the
rounds. The machines are shared and noisy: read the ratios, not the microseconds.

Workloads (``--workload``):

* ``describing``: 10 writers whose OnIdentify describes itself (SetRestoreMethod, one selectable
  file-group component, AddFilesToFileGroup) and whose other handlers return True; a
  component-mode full backup (GetWriterMetadata and AddComponent for each writer) of one volume;
  on VSS_E_SNAPSHOT_SET_IN_PROGRESS the requester sleeps one virtual second and retries.
* ``do-nothing``: the same backup with writers whose handlers only return True.

The floor is the same 80 handler calls made directly, with a no-op metadata object.

    python benchmarks/hot_path.py [--rounds 7] [--sessions 100] [--workload describing]
    python benchmarks/hot_path.py --scale          # cost per writer at 1, 10, 100, 1000 writers
    python benchmarks/hot_path.py --memory 100000  # RSS before and after N sessions
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

import _checkout  # noqa: F401  (this checkout's simulator)
from sessions import BenchWriter, install

from simulator import (
    VSS_BT_FULL,
    VSS_CT_FILEGROUP,
    VSS_RME_RESTORE_IF_CAN_REPLACE,
    VSS_WRE_ALWAYS,
    IVssCreateWriterMetadata,
    VssSnapshotSetInProgress,
    VssSystem,
)

GUID = uuid.UUID(int=1)


#: Handlers that only succeed (the same writer ``sessions.py`` measures).
DoNothingWriter = BenchWriter


class DescribingWriter(DoNothingWriter):
    """Describes itself in OnIdentify, as a real writer must."""

    def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
        metadata.SetRestoreMethod(VSS_RME_RESTORE_IF_CAN_REPLACE, None, None, VSS_WRE_ALWAYS, False)
        metadata.AddComponent(VSS_CT_FILEGROUP, None, "Files", "Files", None, 0, False, False, True)
        metadata.AddFilesToFileGroup(None, "Files", "C:\\Data", "*", True, None)
        return True


class _NoOpMetadata:
    """What the floor hands OnIdentify: every call does nothing."""

    def __getattr__(self, name: str) -> Callable[..., None]:
        return _nothing


def _nothing(*args: Any) -> None:
    return None


WORKLOADS: dict[str, type[DoNothingWriter]] = {
    "describing": DescribingWriter,
    "do-nothing": DoNothingWriter,
}


def backup(system: VssSystem) -> None:
    """A component-mode full backup of C:\\, retrying StartSnapshotSet after a virtual second."""
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(True, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        for index in range(bc.GetWriterMetadataCount()):
            instance_id, examine = bc.GetWriterMetadata(index)
            writer_id = examine.GetIdentity()[1]
            for c in range(examine.GetFileCounts()[2]):
                info = examine.GetComponent(c).GetComponentInfo()
                bc.AddComponent(
                    instance_id, writer_id, info.type, info.logical_path, info.component_name
                )
        while True:
            try:
                bc.StartSnapshotSet()
                break
            except VssSnapshotSetInProgress:
                system.sleep(1)
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
        bc.BackupComplete().Wait()


def floor(writers: list[DoNothingWriter], sessions: int) -> None:
    """The same 80 handler calls made directly, with a no-op metadata object."""
    metadata: Any = _NoOpMetadata()
    for _ in range(sessions):
        for writer in writers:
            writer.OnIdentify(metadata)
            writer.OnPrepareBackup(None)
            writer.OnPrepareSnapshot()
            writer.OnFreeze()
            writer.OnThaw()
            writer.OnPostSnapshot(None)
            writer.OnBackupComplete(None)
            writer.OnBackupShutdown(GUID)


def cpu_seconds(fn: Callable[[], None]) -> float:
    """CPU time of one call, the garbage collector collected and frozen first."""
    gc.collect()
    gc.freeze()
    try:
        start = time.process_time()
        fn()
        return time.process_time() - start
    finally:
        gc.unfreeze()


def one_at_a_time(kind: type[DoNothingWriter], writers: int, sessions: int) -> float:
    with VssSystem(seed=1) as system:
        install(system, writers, kind)

        def run() -> None:
            for _ in range(sessions):
                backup(system)

        return cpu_seconds(run) / sessions


def all_at_once(kind: type[DoNothingWriter], writers: int, concurrent: int) -> float:
    with VssSystem(seed=1) as system:
        install(system, writers, kind)

        def run() -> None:
            for _ in range(concurrent):
                system.spawn(backup, system)
            system.run()

        return cpu_seconds(run) / concurrent


def floor_seconds(kind: type[DoNothingWriter], writers: int, sessions: int) -> float:
    with VssSystem(seed=1) as system:
        installed = install(system, writers, kind)
        return cpu_seconds(lambda: floor(installed, sessions * 10)) / (sessions * 10)


def rounds(args: argparse.Namespace) -> None:
    kind = WORKLOADS[args.workload]
    rows: list[tuple[float, float, float]] = []
    for index in range(args.rounds):
        base = floor_seconds(kind, args.writers, args.sessions)
        serial = one_at_a_time(kind, args.writers, args.sessions)
        parallel = all_at_once(kind, args.writers, args.concurrent)
        rows.append((base, serial, parallel))
        print(
            f"round {index + 1}: floor {base * 1e6:7.1f} µs  one at a time {serial / base:6.1f}×"
            f"  {args.concurrent} at once {parallel / base:6.1f}×"
        )
    base = statistics.median(r[0] for r in rows)
    print(
        f"{args.workload}, {args.writers} writers: floor {base * 1e6:.1f} µs/session; "
        f"one at a time {statistics.median(r[1] for r in rows) * 1e6:.0f} µs "
        f"({statistics.median(r[1] / r[0] for r in rows):.1f}× floor, median of rounds); "
        f"{args.concurrent} at once {statistics.median(r[2] for r in rows) * 1e6:.0f} µs "
        f"({statistics.median(r[2] / r[0] for r in rows):.1f}×)"
    )


def scale(args: argparse.Namespace) -> None:
    kind = WORKLOADS[args.workload]
    for writers in (1, 10, 100, 1000):
        sessions = max(1, 1000 // writers)
        per_session = statistics.median(
            one_at_a_time(kind, writers, sessions) for _ in range(max(1, args.rounds // 2))
        )
        print(f"{writers:5d} writers: {per_session / writers * 1e6:8.1f} µs per writer")
    per_session = all_at_once(kind, 100, 64)
    print(f"64 sessions × 100 writers: {per_session * 1e6:8.0f} µs per session")


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory(args: argparse.Namespace) -> None:
    kind = WORKLOADS[args.workload]
    with VssSystem(seed=1) as system:
        install(system, args.writers, kind)
        start = _rss_mib()
        step = max(1, args.memory // 10)
        for done in range(1, args.memory + 1):
            backup(system)
            if done % step == 0:
                print(f"{done:8d} sessions: RSS {_rss_mib():8.1f} MiB (start {start:.1f} MiB)")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--workload", choices=sorted(WORKLOADS), default="describing")
    parser.add_argument("--writers", type=int, default=10)
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--concurrent", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--scale", action="store_true", help="cost per writer, 1 to 1000 writers")
    parser.add_argument("--memory", type=int, default=0, help="RSS over this many sessions")
    args = parser.parse_args()
    if args.memory:
        memory(args)
    elif args.scale:
        scale(args)
    else:
        rounds(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
