"""Lesson 7, providers: who makes the shadow copy, the calls VSS makes on them, and how a
provider fails a backup.

What it teaches: a provider makes the copies; VSS calls it in a fixed order during DoSnapshotSet
(BeginPrepareSnapshot per volume, EndPrepareSnapshots, PreCommitSnapshots, CommitSnapshots,
PostCommitSnapshots, PreFinalCommitSnapshots, PostFinalCommitSnapshots, docs/reference.md §9),
with the writers frozen from before PreCommitSnapshots until after PostCommitSnapshots. For
AddToSnapshotSet(volume, GUID_NULL) VSS picks a hardware provider, then a software one, then the
system provider (``PROVIDER_SELECTION_ORDER``). CommitSnapshots runs inside the 10 s
flush-and-hold window: a slower commit fails the set with VSS_E_HOLD_WRITES_TIMEOUT; a provider
may also veto with VSS_E_PROVIDER_VETO (docs/field-failures.md #8, #16).

Four backups of Microsoft's sample writer, each on a fresh machine: with the system provider
alone; with a software provider of the lesson's own, which logs each call VSS makes on it; with a
provider whose commit takes 11 s; with one that vetoes PreCommitSnapshots.

Read next: "Shadow Copy Creation for Providers",
https://learn.microsoft.com/en-us/windows/win32/vss/shadow-copy-creation-for-providers

Run it: ``python examples/07_providers.py [--seed N]``.
"""

from __future__ import annotations

import argparse
import uuid
from collections.abc import Callable

import fakes
from simulator import (
    GUID_NULL,
    VSS_BT_FULL,
    VSS_PROVIDER_TYPE,
    TraceKind,
    VssError,
    VssProvider,
    VssSystem,
)
from simulator.rules import PROVIDER_SELECTION_ORDER


class LoggingProvider(VssProvider):
    """A software provider that accepts every volume and logs every call VSS makes on it."""

    provider_id = uuid.UUID("2f0c6e1a-7b3d-4c59-a1e8-5d9b0c7f3e42")
    provider_name = "Lesson provider"
    provider_type = VSS_PROVIDER_TYPE.VSS_PROV_SOFTWARE

    def __init__(self) -> None:
        self.calls: list[str] = []

    def BeginPrepareSnapshot(
        self, snapshot_set_id: uuid.UUID, snapshot_id: uuid.UUID, volume: str, context: int
    ) -> None:
        self.calls.append(f"BeginPrepareSnapshot({volume})")

    def EndPrepareSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self.calls.append("EndPrepareSnapshots")

    def PreCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self.calls.append("PreCommitSnapshots")

    def CommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self.calls.append("CommitSnapshots")

    def PostCommitSnapshots(self, snapshot_set_id: uuid.UUID, snapshots_count: int) -> None:
        self.calls.append(f"PostCommitSnapshots({snapshots_count})")

    def PreFinalCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self.calls.append("PreFinalCommitSnapshots")

    def PostFinalCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self.calls.append("PostFinalCommitSnapshots")


def backup(system: VssSystem) -> list[str]:
    """A non-component backup of C:\\ and D:\\ that stops at the first failure; what it saw."""
    seen = []
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(False, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        bc.StartSnapshotSet()
        ids = [bc.AddToSnapshotSet(volume, GUID_NULL) for volume in ("C:\\", "D:\\")]
        bc.PrepareForBackup().Wait()
        try:
            bc.DoSnapshotSet().Wait()
        except VssError as error:
            seen.append(f"DoSnapshotSet failed with {error.name} (0x{error.hresult:08X})")
            bc.AbortBackup()
            return seen
        for snapshot_id in ids:
            prop = bc.GetSnapshotProperties(snapshot_id)
            maker = next(
                p.provider_name for p in system.providers if p.provider_id == prop.m_ProviderId
            )
            seen.append(f"copy {prop.m_pwszSnapshotDeviceObject} made by {maker}")
        bc.BackupComplete().Wait()
    return seen


def run(
    seed: int, provider: Callable[[], VssProvider | None]
) -> tuple[list[str], VssProvider | None]:
    """One backup on a fresh machine with ``provider()`` registered (None: the system provider)."""
    with VssSystem(seed=seed) as system:
        system.add_volume("D:\\")
        extra = provider()
        if extra is not None:
            system.register_provider(extra)
        writer = fakes.SampleWriter()
        fakes.install(system, [writer])
        seen = backup(system)
        calls = [r.name for r in system.trace if r.kind is TraceKind.PROVIDER]
        seen.append(f"provider calls in the trace: {', '.join(calls)}")
        seen.append(f"writer events: {', '.join(system.events(writer))}")
        return seen, extra


CASES: tuple[tuple[str, Callable[[], VssProvider | None]], ...] = (
    ("1. the system provider alone", lambda: None),
    ("2. a software provider of our own: chosen before the system provider", LoggingProvider),
    ("3. CommitSnapshots takes 11 s (docs/field-failures.md #8)", fakes.slow_commit_provider),
    ("4. a provider vetoes PreCommitSnapshots (docs/field-failures.md #16)", fakes.provider_veto),
)


def main(seed: int = 0) -> int:
    """Run the four backups; 0 when each ended as the lesson says."""
    order = ", ".join(t.name for t in PROVIDER_SELECTION_ORDER)
    print(f"For GUID_NULL, providers are tried by type in the order {order}\n")
    results = []
    for title, provider in CASES:
        print(f"== {title} ==")
        seen, extra = run(seed, provider)
        if isinstance(extra, LoggingProvider):
            seen.insert(0, f"the provider logged: {', '.join(extra.calls)}")
        print("\n".join(f"  {line}" for line in seen))
        results.append(seen)
        print()
    ok = (
        "made by Microsoft Software Shadow Copy provider 1.0" in results[0][0]
        and any("made by Lesson provider" in line for line in results[1])
        and results[2][0].startswith("DoSnapshotSet failed with VSS_E_HOLD_WRITES_TIMEOUT")
        and results[3][0].startswith("DoSnapshotSet failed with VSS_E_PROVIDER_VETO")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Shadow copy providers, working and failing.")
    parser.add_argument("--seed", type=int, default=0, help="the VssSystem seed (default 0)")
    raise SystemExit(main(parser.parse_args().seed))
