"""Full backup sessions per second, against the floor of calling the same handlers directly.

A session is the whole backup of docs/reference.md §4.1 with W writers (default 10): Identify,
PrepareForBackup, PrepareForSnapshot, Freeze, Thaw, PostSnapshot, BackupComplete, BackupShutdown,
8 handlers a writer. The floor calls those 8 × W handlers directly in a loop, with the same
arguments, in the same run. Figures are medians of several samples; the ratio is model / floor.

    python benchmarks/sessions.py [--writers 10] [--sessions 200] [--concurrent 64] [--samples 7]
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from collections.abc import Callable
from unittest import mock

from simulator import (
    GUID_NULL,
    VSS_BT_FULL,
    VSS_CT_FILEGROUP,
    VSS_RME_RESTORE_IF_CAN_REPLACE,
    VSS_ST_OTHER,
    VSS_UT_USERDATA,
    VSS_WRE_ALWAYS,
    CVssWriterEx2,
    IVssCreateWriterMetadata,
    IVssWriterComponents,
    VssSnapshotSetInProgress,
    VssSystem,
)
from simulator._documents.metadata_builder import IVssCreateWriterMetadataEx
from simulator._documents.writer_metadata import WriterIdentity


class BenchWriter(CVssWriterEx2):
    """A writer whose handlers only succeed: the floor is the bare cost of 80 handler calls."""

    def OnPrepareBackup(self, components: IVssWriterComponents | None) -> bool:
        return True

    def OnPrepareSnapshot(self) -> bool:
        return True

    def OnFreeze(self) -> bool:
        return True

    def OnThaw(self) -> bool:
        return True

    def OnPostSnapshot(self, components: IVssWriterComponents | None) -> bool:
        return True

    def OnAbort(self) -> bool:
        return True

    def OnBackupComplete(self, components: IVssWriterComponents | None) -> bool:
        return True

    def OnBackupShutdown(self, snapshot_set_id: uuid.UUID) -> bool:
        return True


class DescribingWriter(BenchWriter):
    """A writer that also describes itself in OnIdentify, as every real writer must (§7.1)."""

    def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
        metadata.SetRestoreMethod(VSS_RME_RESTORE_IF_CAN_REPLACE, None, None, VSS_WRE_ALWAYS, False)
        metadata.AddComponent(
            VSS_CT_FILEGROUP, None, "Files", "Files", None, 0, False, False, False
        )
        metadata.AddFilesToFileGroup(None, "Files", "C:\\Data", "*", True, None)
        return True


def install(system: VssSystem, writers: int, kind: type[BenchWriter]) -> list[BenchWriter]:
    result = []
    for i in range(writers):
        writer = kind()
        writer.Initialize(system.new_guid(), f"Bench Writer {i}", VSS_UT_USERDATA, VSS_ST_OTHER)
        writer.Subscribe()
        result.append(writer)
    return result


def backup(system: VssSystem) -> None:
    """One full backup, non-component mode, one volume; retries while another set is in creation."""
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(False, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        while True:
            try:
                bc.StartSnapshotSet()
                break
            except VssSnapshotSetInProgress:
                system.sleep(5)
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
        bc.BackupComplete().Wait()


def floor(writers: list[BenchWriter], sessions: int) -> None:
    """The same handlers called directly: what the writers' own code costs."""
    core = writers[0]._vss
    identity = WriterIdentity(
        core.instance_id, core.writer_id, core.name, core.usage_type, core.source_type
    )
    for _ in range(sessions):
        for writer in writers:
            writer.OnIdentify(IVssCreateWriterMetadataEx(identity))
            writer.OnPrepareBackup(None)
            writer.OnPrepareSnapshot()
            writer.OnFreeze()
            writer.OnThaw()
            writer.OnPostSnapshot(None)
            writer.OnBackupComplete(None)
            writer.OnBackupShutdown(GUID_NULL)


def mocked(writers: list[BenchWriter], sessions: int) -> None:
    """What users write today instead: a reused MagicMock requester plus the same handler calls."""
    bc = mock.MagicMock()
    for _ in range(sessions):
        bc.InitializeForBackup()
        bc.SetBackupState(False, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
        bc.BackupComplete().Wait()
        bc.Release()
        floor(writers, 1)


def sample(fn: Callable[[], None], samples: int) -> float:
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=10)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--concurrent", type=int, default=64)
    parser.add_argument("--samples", type=int, default=7)
    args = parser.parse_args()
    for kind in (BenchWriter, DescribingWriter):
        report(kind, args)
        print()
    return 0


def report(kind: type[BenchWriter], args: argparse.Namespace) -> None:
    """Measure one writer kind: the floor, one session at a time, many at once."""

    def one_at_a_time() -> None:
        with VssSystem(seed=1) as system:
            install(system, args.writers, kind)
            for _ in range(args.sessions):
                backup(system)

    def all_at_once() -> None:
        with VssSystem(seed=1) as system:
            install(system, args.writers, kind)
            for _ in range(args.concurrent):
                system.spawn(backup, system)
            system.run()

    with VssSystem(seed=1) as system:
        writers = install(system, args.writers, kind)
        floor_s = sample(lambda: floor(writers, args.sessions), args.samples) / args.sessions
        mock_s = sample(lambda: mocked(writers, args.sessions), args.samples) / args.sessions

    serial_s = sample(one_at_a_time, args.samples) / args.sessions
    parallel_s = sample(all_at_once, args.samples) / args.concurrent
    handlers = 8 * args.writers
    print(f"{kind.__name__}: {(kind.__doc__ or '').strip()}")
    print(f"writers per session: {args.writers} ({handlers} handler calls a session)")
    print(f"floor (handlers called directly): {floor_s * 1e6:9.1f} µs/session")
    print(
        f"MagicMock requester + handlers:   {mock_s * 1e6:9.1f} µs/session "
        f"{1 / mock_s:9.0f} sessions/s  {mock_s / floor_s:5.1f}× floor"
    )
    print(
        f"one session at a time:            {serial_s * 1e6:9.1f} µs/session "
        f"{1 / serial_s:9.0f} sessions/s  {serial_s / floor_s:5.1f}× floor"
    )
    print(
        f"{args.concurrent} sessions at once:              {parallel_s * 1e6:9.1f} µs/session "
        f"{1 / parallel_s:9.0f} sessions/s  {parallel_s / floor_s:5.1f}× floor"
    )


if __name__ == "__main__":
    raise SystemExit(main())
