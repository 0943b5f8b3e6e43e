"""Lesson 1, the first backup: Microsoft's sample writer, backed up once by a requester that
makes the documented calls in the documented order.

What it teaches: the requester's side of a backup (docs/reference.md §3.2): InitializeForBackup,
SetBackupState, GatherWriterMetadata, choosing components from the writers' metadata,
StartSnapshotSet and AddToSnapshotSet, PrepareForBackup, DoSnapshotSet, BackupComplete,
SaveAsXML and Release; which writer events each step causes (docs/reference.md §4.1); and the
trace, which records every call and event with its virtual time and thread.

The writer is ``DepWriter`` ("MSDNSampleWriter") from Windows-classic-samples
``Samples/VolumeShadowCopyServiceWriter/cpp/swriter.{h,cpp}`` (docs/field-failures.md §A.5): a
user-data writer that reports one file group, ``FilesComponent`` (``C:\\MyFiles\\*.dat``), and whose
other handlers all return true. The output is one line per step, with the writer events that step
caused, then every event the writer received, the rule violations (none) and the full trace.

Read next: "Overview of Processing a Backup Under VSS",
https://learn.microsoft.com/en-us/windows/win32/vss/overview-of-processing-a-backup-under-vss

Run it: ``python examples/01_first_backup.py [--seed N]``.
"""

from __future__ import annotations

import argparse
import ntpath
import uuid

from simulator import (
    GUID_NULL,
    VSS_BT_FULL,
    VSS_CT_FILEGROUP,
    VSS_RME_RESTORE_IF_CAN_REPLACE,
    VSS_ST_OTHER,
    VSS_UT_USERDATA,
    VSS_WRE_ALWAYS,
    CVssWriter,
    IVssBackupComponents,
    IVssCreateWriterMetadata,
    IVssWriterComponents,
    VssSystem,
    hresults,
)

#: DepWriterId in swriter.h.
SAMPLE_WRITER_ID = uuid.UUID("079462f1-1079-48dd-b3fb-ccb2f2934ecf")
#: DepWriterName in swriter.h.
SAMPLE_WRITER_NAME = "MSDNSampleWriter"


class DepWriter(CVssWriter):
    """The MSDN sample writer (docs/field-failures.md §A.5): one file group, every handler returns true."""

    def Setup(self) -> None:
        """DepWriter::Initialize: CVssWriter::Initialize(id, name, USERDATA, OTHER), Subscribe."""
        self.Initialize(SAMPLE_WRITER_ID, SAMPLE_WRITER_NAME, VSS_UT_USERDATA, VSS_ST_OTHER)
        self.Subscribe()

    def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
        """Restore method, the ``FilesComponent`` file group and its files (swriter.cpp)."""
        metadata.SetRestoreMethod(VSS_RME_RESTORE_IF_CAN_REPLACE, None, None, VSS_WRE_ALWAYS, False)
        metadata.AddComponent(
            VSS_CT_FILEGROUP,
            None,  # logical path
            "FilesComponent",
            "My FileGroup",  # caption
            None,  # icon
            0,  # icon size
            False,  # restore metadata
            True,  # notify on backup complete
            True,  # selectable
            True,  # selectable for restore
        )
        metadata.AddFilesToFileGroup(None, "FilesComponent", "C:\\MyFiles", "*.dat", False, None)
        return True

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


class Steps:
    """Prints ``[ n] step -> result``, followed by the writer events the step caused."""

    def __init__(self, system: VssSystem) -> None:
        self.system = system
        self.number = 0
        self.seen = 0

    def __call__(self, step: str, result: str = "") -> None:
        self.number += 1
        line = f"[{self.number:2}] {step}"
        if result:
            line += f" -> {result}"
        events = self.system.events()
        if len(events) > self.seen:
            line += f"\n       writer events: {', '.join(events[self.seen :])}"
            self.seen = len(events)
        print(line)


def _status_line(bc: IVssBackupComponents) -> str:
    statuses = [bc.GetWriterStatus(i) for i in range(bc.GetWriterStatusCount())]
    return "; ".join(
        f"{s.writer_name}: {s.state.name}, {hresults.name_of(s.hr_failure)}" for s in statuses
    )


def backup(system: VssSystem) -> None:
    """One component-mode full backup of the volumes the writers' files are on (docs/reference.md §3.2)."""
    step = Steps(system)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        step("InitializeForBackup", f"session {bc.GetSessionId()}")

        bc.SetBackupState(True, False, VSS_BT_FULL)
        step("SetBackupState(select_components=True, bootable_system_state=False, VSS_BT_FULL)")

        bc.GatherWriterMetadata().Wait()
        writers = [bc.GetWriterMetadata(i) for i in range(bc.GetWriterMetadataCount())]
        names = ", ".join(examine.GetIdentity()[2] for _, examine in writers)
        step("GatherWriterMetadata + Wait", f"{len(writers)} writer(s): {names}")

        # Read each writer's metadata; pick the components to back up and their volumes.
        chosen: list[tuple[uuid.UUID, uuid.UUID, str | None, str]] = []
        volumes: list[str] = []
        lines: list[str] = []
        for instance_id, examine in writers:
            _, writer_id, name, usage, source = examine.GetIdentity()
            include, exclude, components = examine.GetFileCounts()
            lines.append(
                f"       {name}: writer id {writer_id}, instance id {instance_id}\n"
                f"         {usage.name}, {source.name}; {include} include / {exclude} exclude "
                f"file set(s), {components} component(s)"
            )
            for c in range(components):
                component = examine.GetComponent(c)
                info = component.GetComponentInfo()
                files = [component.GetFile(f) for f in range(info.file_count)]
                specs = ", ".join(ntpath.join(f.GetPath(), f.GetFilespec()) for f in files)
                lines.append(
                    f"         component {info.component_name!r} ({info.caption!r}): "
                    f"{info.type.name}, selectable={info.selectable}, files {specs}"
                )
                # Selectable components, and non-selectable roots, are added (docs/reference.md §7.4).
                if info.selectable or info.logical_path is None:
                    chosen.append((instance_id, writer_id, info.logical_path, info.component_name))
                    for f in files:
                        volume = ntpath.splitdrive(f.GetPath())[0] + "\\"
                        if volume not in volumes:
                            volumes.append(volume)
        step("GetWriterMetadata / GetIdentity / GetFileCounts / GetComponentInfo")
        print("\n".join(lines))

        for instance_id, writer_id, logical_path, component_name in chosen:
            bc.AddComponent(instance_id, writer_id, VSS_CT_FILEGROUP, logical_path, component_name)
            step(
                f"AddComponent(instance id, writer id, VSS_CT_FILEGROUP, {logical_path}, "
                f"{component_name!r})"
            )

        set_id = bc.StartSnapshotSet()
        step("StartSnapshotSet", f"snapshot set {set_id}")

        snapshots: list[uuid.UUID] = []
        for volume in volumes:
            snapshots.append(bc.AddToSnapshotSet(volume, GUID_NULL))
            step(f"AddToSnapshotSet({volume!r})", f"snapshot {snapshots[-1]}")

        bc.PrepareForBackup().Wait()
        step("PrepareForBackup + Wait", "finished")

        bc.GatherWriterStatus().Wait()
        step("GatherWriterStatus + GetWriterStatus", _status_line(bc))

        bc.DoSnapshotSet().Wait()
        step("DoSnapshotSet + Wait", "finished")

        bc.GatherWriterStatus().Wait()
        step("GatherWriterStatus + GetWriterStatus", _status_line(bc))

        for snapshot_id in snapshots:
            prop = bc.GetSnapshotProperties(snapshot_id)
            original = prop.m_pwszOriginalVolumeName
            drive = next(v.name for v in system.volumes if v.guid_path == original)
            step(
                "GetSnapshotProperties",
                f"device {prop.m_pwszSnapshotDeviceObject}, a copy of {drive} ({original})",
            )

        # The files would be copied from the shadow copy device here.
        for instance_id, writer_id, logical_path, component_name in chosen:
            bc.SetBackupSucceeded(
                instance_id, writer_id, VSS_CT_FILEGROUP, logical_path, component_name, True
            )
            step(f"SetBackupSucceeded({component_name!r}, True)")

        bc.BackupComplete().Wait()
        step("BackupComplete + Wait", "finished")

        bc.GatherWriterStatus().Wait()
        step("GatherWriterStatus + GetWriterStatus", _status_line(bc))

        document = bc.SaveAsXML()
        step("SaveAsXML", f"Backup Components Document, {len(document)} characters")
    step(
        "Release (leaving `with`)",
        f"shadow copies left on the machine: {len(system.shadow_copies())}",
    )


def main(seed: int = 0) -> int:
    """Back up the sample writer once on a fresh machine; 0 when it ends with no violation."""
    with VssSystem(seed=seed) as system:
        writer = DepWriter()
        writer.Setup()
        print(f"VssSystem(seed={seed}); writer {SAMPLE_WRITER_NAME} subscribed")
        print("The requester's calls, in the order of docs/reference.md §3.2:\n")
        backup(system)
        print(f"\nEvents {SAMPLE_WRITER_NAME} received: {', '.join(system.events(writer))}")
        print(f"Violations: {len(system.violations)}")
        for violation in system.violations:
            print(f"  {violation.rule.value}: {violation.message}")
        print("\nTrace (virtual time, session, thread, kind, [writer] name -> result):")
        print(system.format_trace())
        return 1 if system.violations else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Back up Microsoft's sample writer once.")
    parser.add_argument("--seed", type=int, default=0, help="the VssSystem seed (default 0)")
    raise SystemExit(main(parser.parse_args().seed))
