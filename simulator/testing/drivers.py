"""Drivers and checks a property test builds on: ``run_backup`` (a backup in the documented call
order, docs/reference.md §3.2) and ``check_event_order`` (the event-order invariants of §4.2, §4.4).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

from simulator import (
    VSS_BACKUP_TYPE,
    VSS_COMPONENT_TYPE,
    Call,
    IVssBackupComponents,
    Phase,
    TraceKind,
    VssError,
    VssSnapshotSetInProgress,
    VssSystem,
)

#: The next documented call of a backup in each phase (docs/reference.md §3.2).
NEXT_BACKUP_STEP: dict[Phase, Call] = {
    Phase.BACKUP_INITIALIZED: Call.GATHER_WRITER_METADATA,
    Phase.METADATA_GATHERED: Call.START_SNAPSHOT_SET,
    Phase.SNAPSHOT_SET_STARTED: Call.ADD_TO_SNAPSHOT_SET,
    Phase.PREPARED_FOR_BACKUP: Call.DO_SNAPSHOT_SET,
    Phase.SNAPSHOT_SET_CREATED: Call.BACKUP_COMPLETE,
}

#: Calls the machine may make out of order: every call whose arguments need nothing but the object.
ARGLESS_CALLS: dict[Call, Callable[[IVssBackupComponents], Any]] = {
    Call.SET_BACKUP_STATE: lambda bc: bc.SetBackupState(False, False, VSS_BACKUP_TYPE.VSS_BT_FULL),
    Call.GATHER_WRITER_METADATA: lambda bc: bc.GatherWriterMetadata(),
    Call.GET_WRITER_METADATA_COUNT: lambda bc: bc.GetWriterMetadataCount(),
    Call.START_SNAPSHOT_SET: lambda bc: bc.StartSnapshotSet(),
    Call.ADD_TO_SNAPSHOT_SET: lambda bc: bc.AddToSnapshotSet("C:\\"),
    Call.PREPARE_FOR_BACKUP: lambda bc: bc.PrepareForBackup(),
    Call.DO_SNAPSHOT_SET: lambda bc: bc.DoSnapshotSet(),
    Call.BACKUP_COMPLETE: lambda bc: _backup_complete(bc),
    Call.ABORT_BACKUP: lambda bc: bc.AbortBackup(),
    Call.GATHER_WRITER_STATUS: lambda bc: bc.GatherWriterStatus(),
    Call.GET_WRITER_COMPONENTS_COUNT: lambda bc: bc.GetWriterComponentsCount(),
    Call.SAVE_AS_XML: lambda bc: bc.SaveAsXML(),
    Call.GET_SESSION_ID: lambda bc: bc.GetSessionId(),
}


#: Observes one DoSnapshotSet: the requester's object and the error it raised, or None.
Observer = Callable[[IVssBackupComponents, VssError | None], None]


def run_backup(
    system: VssSystem,
    component_mode: bool = False,
    retry_every: float = 5.0,
    *,
    observe: Observer | None = None,
) -> None:
    """One complete backup of C:\\ (docs/reference.md §3.2), retrying while another set is in creation.

    ``observe(bc, error)`` is told how DoSnapshotSet ended; a failed set is aborted (§4.2).
    """
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(component_mode, False, VSS_BACKUP_TYPE.VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        if component_mode:
            add_all_components(bc)
        while True:
            try:
                bc.StartSnapshotSet()
                break
            except VssSnapshotSetInProgress:
                system.sleep(retry_every)
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        try:
            bc.DoSnapshotSet().Wait()
        except VssError as exc:
            if observe is not None:
                observe(bc, exc)
            bc.AbortBackup()
            return
        if observe is not None:
            observe(bc, None)
        succeed_all(bc)
        bc.BackupComplete().Wait()


def _backup_complete(bc: IVssBackupComponents) -> Any:
    succeed_all(bc)
    return bc.BackupComplete()


def succeed_all(bc: IVssBackupComponents) -> None:
    """SetBackupSucceeded(True) for every component of the BCD, where the object takes it: a
    component-mode requester's duty before BackupComplete (docs/reference.md §3.2 row 16)."""
    if (bc.phase, Call.SET_BACKUP_SUCCEEDED) not in bc.call_order:
        return
    for instance_id, writer_id, kind, path, name in bcd_components(bc):
        bc.SetBackupSucceeded(instance_id, writer_id, kind, path, name, True)


def add_all_components(bc: IVssBackupComponents) -> None:
    """Include every selectable or top-level component explicitly (docs/reference.md §7.4)."""
    for index in range(bc.GetWriterMetadataCount()):
        instance_id, metadata = bc.GetWriterMetadata(index)
        writer_id = metadata.GetIdentity()[1]
        components = metadata.metadata.components
        paths = {
            f"{c.logical_path}\\{c.component_name}" if c.logical_path else c.component_name
            for c in components
        }
        for component in components:
            parent = component.logical_path
            if parent and parent in paths and not component.selectable:
                continue  # implicit with its ancestor: never added explicitly
            bc.AddComponent(
                instance_id,
                writer_id,
                component.type,
                component.logical_path,
                component.component_name,
            )


#: One component of a BCD: (instance id, writer id, type, logical path, name).
BcdComponent = tuple[uuid.UUID, uuid.UUID, VSS_COMPONENT_TYPE, str | None, str]


def bcd_components(bc: IVssBackupComponents) -> Iterator[BcdComponent]:
    """The components of the object's BCD, through GetWriterComponents (docs/reference.md §3.3 row 5)."""
    for index in range(bc.GetWriterComponentsCount()):
        writer_components = bc.GetWriterComponents(index)
        instance_id, writer_id = writer_components.GetWriterInfo()
        for position in range(writer_components.GetComponentCount()):
            component = writer_components.GetComponent(position)
            yield (
                instance_id,
                writer_id,
                component.GetComponentType(),
                component.GetLogicalPath(),
                component.GetComponentName(),
            )


#: Events of the backup life cycle: none belongs in a restore session (docs/reference.md §4.4).
_BACKUP_EVENTS = frozenset(
    {
        "OnPrepareBackup",
        "OnPrepareSnapshot",
        "OnFreeze",
        "OnThaw",
        "OnPostSnapshot",
        "OnAbort",
        "OnBackupComplete",
        "OnBackupShutdown",
    }
)
_RESTORE_EVENTS = ("OnPreRestore", "OnPostRestore")


def check_event_order(system: VssSystem) -> list[str]:
    """Breaches of the documented event guarantees, one message each (docs/reference.md §4.2, §4.4).

    After OnFreeze a writer always gets OnThaw or OnAbort in that session (once the session's
    object is released), and never OnAbort after OnPostSnapshot. In a session with restore events,
    no backup event, and OnPostRestore only after OnPreRestore.
    """
    problems: list[str] = []
    seen: dict[tuple[uuid.UUID | None, str | None], list[str]] = {}
    for record in system.iter_entries():
        if record.kind is TraceKind.EVENT:
            seen.setdefault((record.session_id, record.writer), []).append(record.name)
    restores = {
        session
        for (session, _), events in seen.items()
        if any(e in _RESTORE_EVENTS for e in events)
    }
    for (session, writer), events in seen.items():
        if "OnPostSnapshot" in events and "OnAbort" in events[events.index("OnPostSnapshot") :]:
            problems.append(f"{writer} got OnAbort after OnPostSnapshot in session {session}")
        if "OnFreeze" in events and "OnBackupShutdown" in events:
            after = events[events.index("OnFreeze") + 1 :]
            if "OnThaw" not in after and "OnAbort" not in after:
                problems.append(f"{writer} got OnFreeze but neither OnThaw nor OnAbort ({session})")
        if session in restores:
            problems += restore_order(writer, events, session)
    return problems


def restore_order(writer: str | None, events: list[str], session: uuid.UUID | None) -> list[str]:
    """Breaches of the restore timeline by one writer's events of one session (docs/reference.md §4.4)."""
    problems = [
        f"{writer} got backup event {e} in restore session {session}"
        for e in events
        if e in _BACKUP_EVENTS
    ]
    pre = events.index("OnPreRestore") if "OnPreRestore" in events else len(events)
    if "OnPostRestore" in events[:pre]:
        problems.append(f"{writer} got OnPostRestore before OnPreRestore ({session})")
    if "OnIdentify" in events[pre:]:
        problems.append(f"{writer} got OnIdentify after OnPreRestore ({session})")
    return problems
