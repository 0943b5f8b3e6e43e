"""Restore routes at scale (simulator/_service/participation.py, docs/reference.md §3.3, §4.4):
each BCD writer entry finds its running instance through the session's index, in linear work."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from simulator import VSS_BT_FULL, VSS_CT_FILEGROUP, VSS_RS_ALL, VssSystem
from tests.helpers import make_writer

CT = VSS_CT_FILEGROUP


def backed_up(system: VssSystem) -> tuple[str, list[uuid.UUID]]:
    """A component-mode backup of every writer's "Files"; (the BCD, the writer class ids)."""
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(True, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        added = []
        for index in range(bc.GetWriterMetadataCount()):
            instance, examine = bc.GetWriterMetadata(index)
            writer_id = examine.GetIdentity()[1]
            bc.AddComponent(instance, writer_id, CT, None, "Files")
            added.append((instance, writer_id))
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
        for instance, writer_id in added:
            bc.SetBackupSucceeded(instance, writer_id, CT, None, "Files", True)
        bc.BackupComplete().Wait()
        return bc.SaveAsXML(), [writer_id for _, writer_id in added]


def test_a_thousand_writer_restore_costs_linear_work(
    system: VssSystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    writers = 1000
    for n in range(writers):
        make_writer(system, f"W{n}")
    xml, classes = backed_up(system)
    compared = [0]
    compare = uuid.UUID.__eq__

    def counting(a: uuid.UUID, b: Any) -> Any:
        compared[0] += 1
        return compare(a, b)

    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForRestore(xml)
        bc.GatherWriterMetadata().Wait()
        monkeypatch.setattr(uuid.UUID, "__eq__", counting)
        for writer_id in classes:
            bc.SetSelectedForRestore(writer_id, CT, None, "Files", True)
        bc.PreRestore().Wait()
        for writer_id in classes:
            bc.SetFileRestoreStatus(writer_id, CT, None, "Files", VSS_RS_ALL)
        bc.PostRestore().Wait()
        monkeypatch.undo()
    restored = {r.writer for r in system.trace if r.name == "OnPostRestore"}
    assert len(restored) == writers and system.violations == []
    # A scan of the running writers per BCD entry would compare about writers² times.
    assert compared[0] < 20 * writers
