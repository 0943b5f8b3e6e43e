"""Lesson 6, the Backup Components Document and restore: what a backup writes down, and how a
restore hands it back to the writer.

What it teaches: in component mode the requester adds the writer's components to the Backup
Components Document (BCD); during the backup the writer stores private data in it
(``IVssComponent.SetBackupMetadata`` in OnPrepareBackup, docs/reference.md §1.6); the requester
saves the BCD with SaveAsXML beside the backed-up files. A restore starts from that XML:
InitializeForRestore, GatherWriterMetadata, SetSelectedForRestore, PreRestore (the writer reads
its metadata back and may set a restore target), the files are copied back, SetFileRestoreStatus,
PostRestore (docs/reference.md §3.3, §4.4).

A journal writer backs up one file group, ``Journal`` (``C:\\Journal\\*.log``), and records the
journal position in the BCD; the restore, on a fresh machine, gives the position back to it.

Read next: "Overview of Processing a Restore Under VSS",
https://learn.microsoft.com/en-us/windows/win32/vss/overview-of-processing-a-restore-under-vss

Run it: ``python examples/06_backup_document_and_restore.py [--seed N]``.
"""

from __future__ import annotations

import argparse
import re
import uuid

from simulator import (
    VSS_BT_FULL,
    VSS_CT_FILEGROUP,
    VSS_RME_RESTORE_IF_CAN_REPLACE,
    VSS_RS_ALL,
    VSS_ST_OTHER,
    VSS_UT_USERDATA,
    VSS_WRE_ALWAYS,
    CVssWriterEx2,
    IVssCreateWriterMetadata,
    IVssWriterComponents,
    VssSystem,
)

WRITER_ID = uuid.UUID("6a1f4c52-9c1b-4a3e-8d7e-2b0f9e5c4d31")
COMPONENT = "Journal"


class JournalWriter(CVssWriterEx2):
    """Backs up the journal; keeps its position in the BCD and reads it back on restore."""

    def __init__(self, position: int = 0) -> None:
        self.position = position
        self.log: list[str] = []

    def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
        metadata.SetRestoreMethod(VSS_RME_RESTORE_IF_CAN_REPLACE, None, None, VSS_WRE_ALWAYS, False)
        metadata.AddComponent(
            VSS_CT_FILEGROUP, None, COMPONENT, "Journal files", None, 0, False, True, True, True
        )
        metadata.AddFilesToFileGroup(None, COMPONENT, "C:\\Journal", "*.log", False, None)
        return True

    def OnPrepareBackup(self, components: IVssWriterComponents | None) -> bool:
        assert components is not None  # component mode
        component = components.GetComponent(0)
        component.SetBackupMetadata(f"journal position {self.position}")
        self.log.append(f"OnPrepareBackup: SetBackupMetadata('journal position {self.position}')")
        return True

    def OnPrepareSnapshot(self) -> bool:
        return True

    def OnFreeze(self) -> bool:
        return True

    def OnThaw(self) -> bool:
        return True

    def OnAbort(self) -> bool:
        return True

    def OnPreRestore(self, components: IVssWriterComponents | None) -> bool:
        assert components is not None
        component = components.GetComponent(0)
        stored = component.GetBackupMetadata()
        self.log.append(
            f"OnPreRestore: {component.GetComponentName()} selected="
            f"{component.IsSelectedForRestore()}, GetBackupMetadata() = {stored!r}"
        )
        match = re.fullmatch(r"journal position (\d+)", stored or "")
        self.position = int(match.group(1)) if match else -1
        return True

    def OnPostRestore(self, components: IVssWriterComponents | None) -> bool:
        assert components is not None
        status = components.GetComponent(0).GetFileRestoreStatus()
        self.log.append(
            f"OnPostRestore: file restore status {status.name}; replay from {self.position}"
        )
        return True


def backup(seed: int) -> tuple[str, list[str]]:
    """A component-mode backup of the Journal component; its BCD and the writer's log."""
    with VssSystem(seed=seed) as system:
        writer = JournalWriter(position=4711)
        writer.Initialize(WRITER_ID, "Journal Writer", VSS_UT_USERDATA, VSS_ST_OTHER)
        writer.Subscribe()
        with system.CreateVssBackupComponents() as bc:
            bc.InitializeForBackup()
            bc.SetBackupState(True, False, VSS_BT_FULL)  # component mode
            bc.GatherWriterMetadata().Wait()
            instance_id, _ = bc.GetWriterMetadata(0)
            bc.AddComponent(instance_id, WRITER_ID, VSS_CT_FILEGROUP, None, COMPONENT)
            bc.StartSnapshotSet()
            bc.AddToSnapshotSet("C:\\")
            bc.PrepareForBackup().Wait()
            bc.DoSnapshotSet().Wait()
            # ... the files are copied from the shadow copy here ...
            bc.SetBackupSucceeded(instance_id, WRITER_ID, VSS_CT_FILEGROUP, None, COMPONENT, True)
            bc.BackupComplete().Wait()
            xml = bc.SaveAsXML()
        return xml, [*writer.log, f"events: {', '.join(system.events(writer))}"]


def restore(seed: int, xml: str) -> tuple[JournalWriter, list[str]]:
    """Restore the Journal component from ``xml`` on a fresh machine."""
    with VssSystem(seed=seed + 1) as system:
        writer = JournalWriter()
        writer.Initialize(WRITER_ID, "Journal Writer", VSS_UT_USERDATA, VSS_ST_OTHER)
        writer.Subscribe()
        with system.CreateVssBackupComponents() as bc:
            bc.InitializeForRestore(xml)
            bc.GatherWriterMetadata().Wait()
            bc.SetSelectedForRestore(WRITER_ID, VSS_CT_FILEGROUP, None, COMPONENT, True)
            bc.PreRestore().Wait()
            # ... the files are copied back here ...
            bc.SetFileRestoreStatus(WRITER_ID, VSS_CT_FILEGROUP, None, COMPONENT, VSS_RS_ALL)
            bc.PostRestore().Wait()
        return writer, [*writer.log, f"events: {', '.join(system.events(writer))}"]


def main(seed: int = 0) -> int:
    """Back up, print the BCD's parts, restore; 0 when the writer got its position back."""
    xml, log = backup(seed)
    print("== Backup (component mode) ==")
    print("\n".join(f"  {line}" for line in log))
    print(f"  SaveAsXML: a Backup Components Document of {len(xml)} characters")
    print("\n== What the document holds ==")
    for tag in ("BACKUP_COMPONENTS", "WRITER_COMPONENTS", "COMPONENT"):
        element = re.search(rf"<{tag}\b[^>]*>", xml)
        print(f"  {element.group(0) if element else '<' + tag + '> missing'}")
    metadata = re.search(r"<BACKUP_METADATA\b[^>]*>|backupMetadata=\"[^\"]*\"", xml)
    print(f"  the writer's metadata: {metadata.group(0) if metadata else 'not found'}")
    writer, log = restore(seed, xml)
    print("\n== Restore on a fresh machine, from the saved XML ==")
    print("\n".join(f"  {line}" for line in log))
    print(f"\nThe writer's journal position after the restore: {writer.position}")
    return 0 if writer.position == 4711 else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="The Backup Components Document and a restore.")
    parser.add_argument("--seed", type=int, default=0, help="the VssSystem seed (default 0)")
    raise SystemExit(main(parser.parse_args().seed))
