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
import attrs
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
    """What the floor hands OnIdentify: every call does nothing (each method is looked up in
    the instance once it was first asked for, as cheap as a method can be)."""

    def __getattr__(self, name: str) -> Callable[..., None]:
        setattr(self, name, _nothing)
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
        return cpu_seconds(lambda: floor(installed, sessions * 50)) / (sessions * 50)


@attrs.frozen
class Ratios:
    """One workload's medians over interleaved rounds: µs per session and ratios to the floor."""

    floor_us: float
    serial_us: float
    serial_ratio: float
    parallel_us: float
    parallel_ratio: float


def measure(
    kind: type[DoNothingWriter],
    writers: int,
    sessions: int,
    concurrent: int,
    count: int,
    say: Callable[[str], None] = print,
) -> Ratios:
    """Interleaved rounds of floor, one at a time and ``concurrent`` at once; their medians."""
    rows: list[tuple[float, float, float]] = []
    for index in range(count):
        base = floor_seconds(kind, writers, sessions)
        serial = one_at_a_time(kind, writers, sessions)
        parallel = all_at_once(kind, writers, concurrent)
        rows.append((base, serial, parallel))
        say(
            f"round {index + 1}: floor {base * 1e6:7.1f} µs  one at a time {serial / base:6.1f}×"
            f"  {concurrent} at once {parallel / base:6.1f}×"
        )
    return Ratios(
        floor_us=statistics.median(r[0] for r in rows) * 1e6,
        serial_us=statistics.median(r[1] for r in rows) * 1e6,
        serial_ratio=statistics.median(r[1] / r[0] for r in rows),
        parallel_us=statistics.median(r[2] for r in rows) * 1e6,
        parallel_ratio=statistics.median(r[2] / r[0] for r in rows),
    )


def rounds(args: argparse.Namespace) -> None:
    for workload in WORKLOADS if args.workload == "all" else [args.workload]:
        r = measure(WORKLOADS[workload], args.writers, args.sessions, args.concurrent, args.rounds)
        print(
            f"{workload}, {args.writers} writers: floor {r.floor_us:.1f} µs/session; "
            f"one at a time {r.serial_us:.0f} µs ({r.serial_ratio:.1f}× floor, median of "
            f"rounds); {args.concurrent} at once {r.parallel_us:.0f} µs ({r.parallel_ratio:.1f}×)"
        )


@attrs.frozen
class Scale:
    """µs per writer at each session size, and 64 sessions × 100 writers against one at a time."""

    per_writer_us: dict[int, float]
    parallel_100_us: float
    serial_100_us: float

    @property
    def growth(self) -> float:
        """Cost per writer at 1,000 writers over that at 10."""
        return self.per_writer_us[1000] / self.per_writer_us[10]

    @property
    def parallel_ratio(self) -> float:
        """A session of 100 writers, 64 at once over one at a time."""
        return self.parallel_100_us / self.serial_100_us


def scale_curve(kind: type[DoNothingWriter], count: int) -> Scale:
    """Medians over ``count`` interleaved rounds."""
    samples: dict[int, list[float]] = {n: [] for n in (1, 10, 100, 1000)}
    parallel: list[float] = []
    for _ in range(count):
        for writers in samples:
            sessions = max(2, 1000 // writers)
            samples[writers].append(one_at_a_time(kind, writers, sessions) / writers)
        parallel.append(all_at_once(kind, 100, 64))
    per_writer = {n: statistics.median(v) * 1e6 for n, v in samples.items()}
    return Scale(per_writer, statistics.median(parallel) * 1e6, per_writer[100] * 100)


def scale(args: argparse.Namespace) -> None:
    curve = scale_curve(WORKLOADS[args.workload], max(1, args.rounds // 2))
    for writers, cost in curve.per_writer_us.items():
        print(f"{writers:5d} writers: {cost:8.1f} µs per writer")
    print(f"per writer, 1,000 writers over 10: {curve.growth:.2f}×")
    print(
        f"64 sessions × 100 writers: {curve.parallel_100_us:8.0f} µs per session, "
        f"{curve.parallel_ratio:.2f}× one at a time ({curve.serial_100_us:.0f} µs)"
    )


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_curve(
    kind: type[DoNothingWriter], writers: int, sessions: int, trace_limit: int | None
) -> list[tuple[int, float]]:
    """RSS (MiB) before the first session and after each tenth of ``sessions`` on one machine."""
    points = [(0, 0.0)]
    with VssSystem(seed=1, trace_limit=trace_limit) as system:
        install(system, writers, kind)
        points[0] = (0, _rss_mib())
        step = max(1, sessions // 10)
        for done in range(1, sessions + 1):
            backup(system)
            if done % step == 0:
                points.append((done, _rss_mib()))
    return points


def memory(args: argparse.Namespace) -> None:
    limit = args.trace_limit or None
    for done, rss in memory_curve(WORKLOADS[args.workload], args.writers, args.memory, limit):
        print(f"{done:8d} sessions: RSS {rss:8.1f} MiB (trace_limit={limit})", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--workload", choices=[*sorted(WORKLOADS), "all"], default="describing")
    parser.add_argument("--writers", type=int, default=10)
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--concurrent", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--scale", action="store_true", help="cost per writer, 1 to 1000 writers")
    parser.add_argument("--memory", type=int, default=0, help="RSS over this many sessions")
    parser.add_argument("--trace-limit", type=int, default=0, help="with --memory: trace_limit")
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
