"""Shared helpers for the tests: a writer that keeps every rule, and a requester driven by phase.

Test modules import these by name (``from tests.helpers import QuietWriter, drive_to``), so the
names and signatures below are stable:

* ``QuietWriter``: a CVssWriterEx2 whose handlers all succeed; it reports one FILEGROUP
  component ``"Files"`` (files ``C:\\MyFiles\\*``) and a restore method. Every handler returns
  ``self.on_event(event, arg)``: a subclass overrides that one method to script or record events.
* ``make_writer(system, name=..., cls=..., **kwargs)``: instantiate, Initialize, Subscribe.
* ``drive_to(bc, phase, *, writerless=False, exclude=())``: the documented happy-path calls that
  bring a fresh IVssBackupComponents to ``phase`` (docs/reference.md §3.2, §3.3).
* ``backup_xml(system, *, exclude=())``: the BCD of a complete component-mode backup, for restores.
* ``phase_of(bc)``: ``bc.phase`` for a second assert after a call (see its docstring).
* ``settle(op)``: wait for an IVssAsync without raising; its final QueryStatus.
* ``instance_id(writer)``, ``writer_status(bc, writer)``: a writer's instance id and its status in
  the object's session.
* ``FULL_BACKUP``: the handler names of a full backup, Identify first (docs/reference.md §4.1).
* ``begin_backup(bc)``, ``complete_backup(bc)``, ``full_backup(system)``: a non-component backup
  of C:\\ up to GatherWriterMetadata, to the end, or on a new object (docs/reference.md §4.1, §8).

All of them work with the ``vss_system`` fixture as well as inside ``with VssSystem(seed=...)``.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Collection
from pathlib import Path
from typing import Any, TypeVar, overload

from simulator import (
    GUID_NULL,
    VSS_BT_FULL,
    VSS_CT_FILEGROUP,
    VSS_CTX_BACKUP,
    VSS_CTX_FILE_SHARE_BACKUP,
    VSS_RME_RESTORE_IF_CAN_REPLACE,
    VSS_RS_ALL,
    VSS_ST_OTHER,
    VSS_UT_USERDATA,
    VSS_WRE_ALWAYS,
    CVssWriter,
    CVssWriterEx2,
    IVssAsync,
    IVssBackupComponents,
    IVssCreateWriterMetadata,
    IVssWriterComponents,
    Phase,
    VssError,
    VssSnapshotSetInProgress,
    VssSystem,
    VssWriterStatus,
    WriterEvent,
    current_system,
)

__all__ = [
    "FULL_BACKUP",
    "NO_ARG",
    "PROJECT_ROOT",
    "REAL_DATA",
    "WRITERLESS_UNREACHABLE",
    "QuietWriter",
    "backup_xml",
    "begin_backup",
    "complete_backup",
    "drive_to",
    "full_backup",
    "instance_id",
    "make_writer",
    "phase_of",
    "settle",
    "succeed_all",
    "writer_status",
]

#: The project's checkout.
PROJECT_ROOT = Path(__file__).resolve().parents[1]
#: Real writer and backup documents and tool captures of Windows servers, kept beside the checkout
#: (``../shared/vss-real``); tests that read them skip when the folder is absent.
REAL_DATA = PROJECT_ROOT.parent / "shared" / "vss-real"

E = WriterEvent
P = Phase
W = TypeVar("W", bound=CVssWriter)


#: The ``arg`` that ``QuietWriter.on_event`` gets from a handler that takes no argument.
NO_ARG: Any = object()


class QuietWriter(CVssWriterEx2):
    """A writer that keeps every rule: every handler returns ``self.on_event(event, arg)``, True
    unless a subclass overrides it.

    ``arg`` is the handler's argument (its components, or BackupShutdown's snapshot set id), or
    ``NO_ARG`` for OnPrepareSnapshot, OnFreeze, OnThaw, OnAbort and OnIdentify. OnIdentify first
    sets a restore method (VSS_RME_RESTORE_IF_CAN_REPLACE, VSS_WRE_ALWAYS, so it takes restore
    events, docs/reference.md §4.4) and reports one selectable FILEGROUP component ``"Files"`` (no logical
    path) with one file set ``C:\\MyFiles\\*``.
    """

    def on_event(self, event: WriterEvent, arg: Any) -> bool:
        """The result of the handler of ``event``: True (docs/reference.md §1.4)."""
        return True

    def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
        metadata.SetRestoreMethod(VSS_RME_RESTORE_IF_CAN_REPLACE, None, None, VSS_WRE_ALWAYS, False)
        metadata.AddComponent(VSS_CT_FILEGROUP, None, "Files", "Files", None, 0, False, False, True)
        metadata.AddFilesToFileGroup(None, "Files", "C:\\MyFiles", "*", False, None)
        return self.on_event(E.IDENTIFY, NO_ARG)

    def OnPrepareBackup(self, components: IVssWriterComponents | None) -> bool:
        return self.on_event(E.PREPARE_BACKUP, components)

    def OnPrepareSnapshot(self) -> bool:
        return self.on_event(E.PREPARE_SNAPSHOT, NO_ARG)

    def OnFreeze(self) -> bool:
        return self.on_event(E.FREEZE, NO_ARG)

    def OnThaw(self) -> bool:
        return self.on_event(E.THAW, NO_ARG)

    def OnPostSnapshot(self, components: IVssWriterComponents | None) -> bool:
        return self.on_event(E.POST_SNAPSHOT, components)

    def OnAbort(self) -> bool:
        return self.on_event(E.ABORT, NO_ARG)

    def OnBackupComplete(self, components: IVssWriterComponents | None) -> bool:
        return self.on_event(E.BACKUP_COMPLETE, components)

    def OnBackupShutdown(self, snapshot_set_id: uuid.UUID) -> bool:
        return self.on_event(E.BACKUP_SHUTDOWN, snapshot_set_id)

    def OnPreRestore(self, components: IVssWriterComponents | None) -> bool:
        return self.on_event(E.PRE_RESTORE, components)

    def OnPostRestore(self, components: IVssWriterComponents | None) -> bool:
        return self.on_event(E.POST_RESTORE, components)


@overload
def make_writer(system: VssSystem, name: str = ..., *, cls: type[W], **kwargs: Any) -> W: ...
@overload
def make_writer(system: VssSystem, name: str, cls: type[W], **kwargs: Any) -> W: ...
@overload
def make_writer(system: VssSystem, name: str = ..., **kwargs: Any) -> QuietWriter: ...
def make_writer(
    system: VssSystem,
    name: str = "Quiet Writer",
    cls: type[CVssWriter] = QuietWriter,
    **kwargs: Any,
) -> CVssWriter:
    """Instantiate ``cls()``, Initialize it on ``system`` and Subscribe it (docs/reference.md §1.1).

    ``writer_id`` defaults to a fresh GUID from ``system.new_guid()``; the other keyword arguments
    go to ``Initialize`` (``level=``, ``timeout_freeze=``, ...). Usage and source type are
    VSS_UT_USERDATA / VSS_ST_OTHER unless given. ``system`` must be the current system (the
    ``vss_system`` fixture or ``with VssSystem(...)``): Initialize binds to the current one.
    """
    if current_system() is not system:
        raise RuntimeError("make_writer: the system must be current (enter it with `with`)")
    writer_id = kwargs.pop("writer_id", None) or system.new_guid()
    usage = kwargs.pop("usage_type", VSS_UT_USERDATA)
    source = kwargs.pop("source_type", VSS_ST_OTHER)
    writer = cls()
    writer.Initialize(writer_id, name, usage, source, **kwargs)
    writer.Subscribe()
    return writer


def instance_id(writer: CVssWriter) -> uuid.UUID:
    """The instance id VSS gave this writer instance (docs/reference.md §1.2)."""
    return writer._vss.instance_id


def phase_of(bc: IVssBackupComponents) -> Phase:
    """``bc.phase``, read through a call: a type checker narrows ``bc.phase`` after one
    ``assert bc.phase is X`` and would flag a second assert after a call as unreachable."""
    return bc.phase


def settle(op: IVssAsync) -> int:
    """Wait for ``op`` to end without raising; its final status (docs/reference.md §3.4)."""
    with contextlib.suppress(VssError):
        op.Wait()
    return op.QueryStatus()


def succeed_all(bc: IVssBackupComponents) -> None:
    """SetBackupSucceeded(True) for every component of the object's BCD, as a component-mode
    requester must before BackupComplete (docs/reference.md §3.2 row 16)."""
    for instance, writer_id, component in _bcd_components(bc):
        bc.SetBackupSucceeded(instance, writer_id, *_named(component), True)


def writer_status(bc: IVssBackupComponents, writer: CVssWriter) -> VssWriterStatus | None:
    """GatherWriterStatus, then the status of ``writer`` in ``bc``'s session (None: it has none,
    e.g. after a failed Identify, docs/reference.md §1.4)."""
    bc.GatherWriterStatus().Wait()
    wanted = instance_id(writer)
    for index in range(bc.GetWriterStatusCount()):
        status = bc.GetWriterStatus(index)
        if status.instance_id == wanted:
            return status
    return None


# ---------------------------------------------------------------------------------------------
# a plain backup: not in component mode, every writer takes part (docs/reference.md §4.5)
# ---------------------------------------------------------------------------------------------

#: Identify, then the seven events of a full backup, in order (docs/reference.md §4.1).
FULL_BACKUP = [
    "OnIdentify",
    "OnPrepareBackup",
    "OnPrepareSnapshot",
    "OnFreeze",
    "OnThaw",
    "OnPostSnapshot",
    "OnBackupComplete",
    "OnBackupShutdown",
]


def begin_backup(bc: IVssBackupComponents) -> IVssBackupComponents:
    """InitializeForBackup, SetBackupState (not component mode, VSS_BT_FULL) and
    GatherWriterMetadata on a fresh ``bc`` (docs/reference.md §4.1 steps 1–2); returns ``bc``."""
    bc.InitializeForBackup()
    bc.SetBackupState(False, False, VSS_BT_FULL)
    bc.GatherWriterMetadata().Wait()
    return bc


def complete_backup(bc: IVssBackupComponents, *, retry_every: float = 5.0) -> tuple[uuid.UUID, int]:
    """The rest of a complete backup of C:\\ on an initialized ``bc`` (docs/reference.md §4.1):
    SetBackupState (not component mode, VSS_BT_FULL), GatherWriterMetadata, StartSnapshotSet
    (retried every ``retry_every`` virtual seconds while another set is in creation, §8),
    AddToSnapshotSet, PrepareForBackup, DoSnapshotSet, BackupComplete. Returns the set id and how
    many times StartSnapshotSet was refused."""
    bc.SetBackupState(False, False, VSS_BT_FULL)
    bc.GatherWriterMetadata().Wait()
    refused = 0
    while True:
        try:
            set_id = bc.StartSnapshotSet()
            break
        except VssSnapshotSetInProgress:
            refused += 1
            bc._machine.owner.sleep(retry_every)
    bc.AddToSnapshotSet("C:\\")
    bc.PrepareForBackup().Wait()
    bc.DoSnapshotSet().Wait()
    bc.BackupComplete().Wait()
    return set_id, refused


def full_backup(system: VssSystem, *, retry_every: float = 5.0) -> uuid.UUID:
    """InitializeForBackup and ``complete_backup`` on a new object, released before this returns;
    the object's session id."""
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        complete_backup(bc, retry_every=retry_every)
        return bc.GetSessionId()


# ---------------------------------------------------------------------------------------------
# drive_to
# ---------------------------------------------------------------------------------------------

#: Phases a writerless object (SetContext(VSS_CTX_FILE_SHARE_BACKUP)) cannot stand in, and why.
WRITERLESS_UNREACHABLE: dict[Phase, str] = {
    P.CREATED: "the object takes the writerless table only once SetContext has run",
    P.BACKUP_INITIALIZED: "the object takes the writerless table only once SetContext has run",
    P.PREPARED_FOR_BACKUP: "PrepareForBackup needs writers (docs/reference.md §3.5)",
    P.BACKUP_COMPLETED: "BackupComplete needs writers (docs/reference.md §3.5)",
    P.RESTORE_INITIALIZED: "a restore takes no SetContext: it is never writerless",
    P.RESTORE_METADATA_GATHERED: "a restore takes no SetContext: it is never writerless",
    P.PRE_RESTORED: "a restore takes no SetContext: it is never writerless",
    P.POST_RESTORED: "a restore takes no SetContext: it is never writerless",
}

_RESTORE = (P.RESTORE_INITIALIZED, P.RESTORE_METADATA_GATHERED, P.PRE_RESTORED, P.POST_RESTORED)


def _add_components(bc: IVssBackupComponents, exclude: Collection[str]) -> None:
    """AddComponent for every component every writer reported, except names in ``exclude``."""
    for index in range(bc.GetWriterMetadataCount()):
        instance, examine = bc.GetWriterMetadata(index)
        writer_id = examine.GetIdentity()[1]
        for c in range(examine.GetFileCounts()[2]):
            info = examine.GetComponent(c).GetComponentInfo()
            if info.component_name not in exclude:
                bc.AddComponent(
                    instance, writer_id, info.type, info.logical_path, info.component_name
                )


def _named(component: Any) -> tuple[Any, str | None, str]:
    """A component's type, logical path and name: the arguments that name it in a BCD call."""
    return component.GetComponentType(), component.GetLogicalPath(), component.GetComponentName()


def _bcd_components(bc: IVssBackupComponents) -> list[tuple[uuid.UUID, uuid.UUID, Any]]:
    """(instance id, writer id, IVssComponent) of every component in the object's BCD."""
    found = []
    for index in range(bc.GetWriterComponentsCount()):
        components = bc.GetWriterComponents(index)
        instance, writer_id = components.GetWriterInfo()
        for c in range(components.GetComponentCount()):
            found.append((instance, writer_id, components.GetComponent(c)))
    return found


def backup_xml(system: VssSystem, *, exclude: Collection[str] = ()) -> str:
    """Run a complete component-mode backup of C:\\ with every reported component (except the
    names in ``exclude``) on a new object, and return its BCD (SaveAsXML, docs/reference.md §3.2 row 18).
    The object is released (BackupShutdown) before this returns."""
    with system.CreateVssBackupComponents() as bc:
        drive_to(bc, P.BACKUP_COMPLETED, exclude=exclude)
        return bc.SaveAsXML()


def drive_to(
    bc: IVssBackupComponents,
    phase: Phase,
    *,
    writerless: bool = False,
    exclude: Collection[str] = (),
) -> IVssBackupComponents:
    """Make the documented happy-path calls on a fresh ``bc`` until ``bc.phase is phase``.

    Backup (docs/reference.md §3.2): InitializeForBackup; SetContext (only for CONTEXT_SET, or always with
    ``writerless=True``: VSS_CTX_FILE_SHARE_BACKUP); SetBackupState(component mode unless writerless,
    VSS_BT_FULL); GatherWriterMetadata and AddComponent of every reported component (names in
    ``exclude`` left out) → METADATA_GATHERED; StartSnapshotSet, AddToSnapshotSet("C:\\") →
    SNAPSHOT_SET_STARTED; PrepareForBackup (not writerless); DoSnapshotSet; SetBackupSucceeded
    for every included component, BackupComplete. BACKUP_ABORTED is AbortBackup after
    StartSnapshotSet; SNAPSHOT_SET_FAILED is a DoSnapshotSet cancelled through its IVssAsync
    (§3.4), so it fails whatever the writers do; RELEASED is Release after initialization.

    Restore (docs/reference.md §3.3): a complete backup runs first on another object of the same system
    (``backup_xml``); then InitializeForRestore(xml); GatherWriterMetadata and SetSelectedForRestore
    for every component of a running writer → RESTORE_METADATA_GATHERED; PreRestore,
    SetFileRestoreStatus(VSS_RS_ALL) → PRE_RESTORED; PostRestore → POST_RESTORED.

    A failing call raises as usual. Phases a writerless object cannot reach
    (``WRITERLESS_UNREACHABLE``) raise ValueError. Returns ``bc``.
    """
    start = bc.phase
    if start is not P.CREATED:
        raise ValueError(f"drive_to needs a fresh object, this one is {start.name}")
    if writerless and phase in WRITERLESS_UNREACHABLE:
        raise ValueError(f"{phase.name}: {WRITERLESS_UNREACHABLE[phase]}")
    if phase is P.CREATED:
        return bc
    if phase in _RESTORE:
        _drive_restore(bc, phase, exclude)
    else:
        _drive_backup(bc, phase, writerless, exclude)
    if bc.phase is not phase:
        raise AssertionError(f"drive_to({phase.name}) ended in {bc.phase.name}")
    return bc


def _drive_backup(
    bc: IVssBackupComponents, phase: Phase, writerless: bool, exclude: Collection[str]
) -> None:
    bc.InitializeForBackup()
    if writerless:
        bc.SetContext(VSS_CTX_FILE_SHARE_BACKUP)
    elif phase is P.CONTEXT_SET:
        bc.SetContext(VSS_CTX_BACKUP)
    if phase in (P.BACKUP_INITIALIZED, P.CONTEXT_SET):
        return
    if phase is P.RELEASED:
        bc.Release()
        return
    bc.SetBackupState(not writerless, False, VSS_BT_FULL)
    bc.GatherWriterMetadata().Wait()
    if not writerless:
        _add_components(bc, exclude)
    if phase is P.METADATA_GATHERED:
        return
    bc.StartSnapshotSet()
    bc.AddToSnapshotSet("C:\\", GUID_NULL)
    if phase is P.SNAPSHOT_SET_STARTED:
        return
    if phase is P.BACKUP_ABORTED:
        bc.AbortBackup()
        return
    if not writerless:
        bc.PrepareForBackup().Wait()
    if phase is P.PREPARED_FOR_BACKUP:
        return
    op = bc.DoSnapshotSet()
    if phase is P.SNAPSHOT_SET_FAILED:
        op.Cancel()
    op.Wait()
    if phase in (P.SNAPSHOT_SET_CREATED, P.SNAPSHOT_SET_FAILED):
        return
    succeed_all(bc)
    bc.BackupComplete().Wait()


def _drive_restore(bc: IVssBackupComponents, phase: Phase, exclude: Collection[str]) -> None:
    bc.InitializeForRestore(backup_xml(bc._machine.owner, exclude=exclude))
    if phase is P.RESTORE_INITIALIZED:
        return
    bc.GatherWriterMetadata().Wait()
    running = {
        bc.GetWriterMetadata(i)[1].GetIdentity()[1] for i in range(bc.GetWriterMetadataCount())
    }
    chosen = [(w, c) for _, w, c in _bcd_components(bc) if w in running]
    for writer_id, component in chosen:
        bc.SetSelectedForRestore(writer_id, *_named(component), True)
    if phase is P.RESTORE_METADATA_GATHERED:
        return
    bc.PreRestore().Wait()
    for writer_id, component in chosen:
        bc.SetFileRestoreStatus(writer_id, *_named(component), VSS_RS_ALL)
    if phase is P.PRE_RESTORED:
        return
    bc.PostRestore().Wait()
