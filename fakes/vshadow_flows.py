"""VShadow's other flows, call for call: restore (``-r=bc.xml``, V-2), simulated restore
(``-rs=``, V-3), writer status (``-ws``) and writer metadata (``-wm``, ``-wm2``, ``-wm3``, V-4)
(docs/field-failures.md §A.6). The backup flow (V-1, ``-bc=`` included) is ``fakes.vshadow_backup``.

Like the backup, each is a blocking function that reports and never raises: it returns a
:class:`FlowReport` with the code that stopped it, the writers and components it dealt with, the
writer statuses it read, and (``-wm3``) the writers' documents.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from typing import Literal

import attrs

from simulator import (
    VSS_BACKUP_TYPE,
    VSS_COMPONENT_TYPE,
    VSS_FILE_RESTORE_STATUS,
    VSS_WRITERRESTORE_ENUM,
    IVssBackupComponents,
    VssError,
    VssSystem,
    VssWriterStatus,
    hresults,
)
from simulator.rules import FAILED_STATES

from .reports import StopRequester, gather_status, wait_and_check

__all__ = ["FlowReport", "vshadow_metadata", "vshadow_restore", "vshadow_status"]

#: (writer name, component type, logical path, component name)
Component = tuple[str, VSS_COMPONENT_TYPE, "str | None", str]


@attrs.frozen
class FlowReport:
    """What one VShadow flow did.

    ``flow`` names it (``"restore"``, ``"simulated restore"``, ``"status"``, ``"metadata"``);
    ``error`` is the HRESULT name that stopped it (None when it finished); ``writers`` the writers
    it listed or restored; ``components`` the components it selected for restore (restore flows)
    or that the writers reported (metadata); ``writer_statuses`` the last statuses it read;
    ``documents`` each writer's Writer Metadata Document (``-wm3``).
    """

    flow: str
    session_id: uuid.UUID
    error: str | None
    writers: tuple[str, ...]
    components: tuple[Component, ...]
    writer_statuses: tuple[VssWriterStatus, ...]
    documents: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the flow finished."""
        return self.error is None

    def status_of(self, writer_name: str) -> VssWriterStatus | None:
        """The last status read of the writer called ``writer_name``."""
        return next((s for s in self.writer_statuses if s.writer_name == writer_name), None)


class _Flow:
    def __init__(self, flow: str) -> None:
        self.flow = flow
        self.error: str | None = None
        self.writers: list[str] = []
        self.components: list[Component] = []
        self.statuses: tuple[VssWriterStatus, ...] = ()
        self.documents: list[str] = []

    def run(self, body: Callable[[], None]) -> None:
        try:
            body()
        except StopRequester as stop:
            self.error = stop.name
        except VssError as exc:
            self.error = exc.name

    def report(self, bc: IVssBackupComponents) -> FlowReport:
        return FlowReport(
            self.flow,
            bc.session_id,
            self.error,
            tuple(self.writers),
            tuple(self.components),
            self.statuses,
            tuple(self.documents),
        )


def _names(bc: IVssBackupComponents) -> dict[uuid.UUID, tuple[str, VSS_WRITERRESTORE_ENUM]]:
    """writer id -> (name, writer restore condition), from the gathered metadata."""
    found = {}
    for index in range(bc.GetWriterMetadataCount()):
        _, metadata = bc.GetWriterMetadata(index)
        _, writer_id, name, _, _ = metadata.GetIdentity()
        found[writer_id] = (name, metadata.GetRestoreMethod()[3])
    return found


def vshadow_status(system: VssSystem) -> FlowReport:
    """``vshadow -ws``: InitializeForBackup → GatherWriterMetadata → GatherWriterStatus → the
    status of every writer (V-4)."""
    flow = _Flow("status")
    with system.CreateVssBackupComponents() as bc:

        def body() -> None:
            bc.InitializeForBackup()
            bc.SetBackupState(True, True, VSS_BACKUP_TYPE.VSS_BT_FULL, False)
            wait_and_check(bc.GatherWriterMetadata())
            flow.statuses = gather_status(bc)
            flow.writers = [s.writer_name for s in flow.statuses]

        flow.run(body)
    return flow.report(bc)


def vshadow_metadata(system: VssSystem, level: Literal[1, 2, 3] = 1) -> FlowReport:
    """``vshadow -wm`` (level 1), ``-wm2`` (2) or ``-wm3`` (3): every writer's identity and
    components; ``-wm3`` also keeps each writer's document (IVssExamineWriterMetadata::SaveAsXML)."""
    if level not in (1, 2, 3):
        raise ValueError(f"level={level!r} must be 1 (-wm), 2 (-wm2) or 3 (-wm3)")
    flow = _Flow("metadata")
    with system.CreateVssBackupComponents() as bc:

        def body() -> None:
            bc.InitializeForBackup()
            bc.SetBackupState(True, True, VSS_BACKUP_TYPE.VSS_BT_FULL, False)
            wait_and_check(bc.GatherWriterMetadata())
            for index in range(bc.GetWriterMetadataCount()):
                _, metadata = bc.GetWriterMetadata(index)
                _, _, name, _, _ = metadata.GetIdentity()
                flow.writers.append(name)
                _, _, count = metadata.GetFileCounts()
                for c in range(count):
                    info = metadata.GetComponent(c).GetComponentInfo()
                    flow.components.append(
                        (name, info.type, info.logical_path, info.component_name)
                    )
                if level == 3:
                    flow.documents.append(metadata.SaveAsXML())

        flow.run(body)
    return flow.report(bc)


def _check(flow: _Flow, bc: IVssBackupComponents, selected: set[uuid.UUID]) -> None:
    """CheckSelectedWriterStatus: a selected writer in a failed state is E_UNEXPECTED."""
    flow.statuses = gather_status(bc)
    if any(s.writer_id in selected and s.state in FAILED_STATES for s in flow.statuses):
        raise StopRequester(hresults.name_of(hresults.E_UNEXPECTED))


def vshadow_restore(
    system: VssSystem,
    backup_components: str,
    *,
    simulate: bool = False,
    exclude: Collection[str] = (),
) -> FlowReport:
    """``vshadow -r=bc.xml`` (or ``-rs=`` with ``simulate``): restore from a saved BCD (V-2, V-3).

    InitializeForRestore(xml) → SetBackupState(true, true, VSS_BT_FULL, false) →
    GatherWriterMetadata → GatherWriterStatus → each writer's components in the BCD (writers
    missing from the system skipped) → selection: ``exclude`` (writer names or ids, ``-wx``) and
    writers whose restore condition is VSS_WRE_NEVER left out → SetSelectedForRestore → (not
    ``simulate``) PreRestore + CheckSelectedWriterStatus → SetFileRestoreStatus(VSS_RS_ALL) for
    each selected component → PostRestore + CheckSelectedWriterStatus. If PreRestore fails, the
    files are reported VSS_RS_NONE and PostRestore still runs, as VShadow does.
    """
    flow = _Flow("simulated restore" if simulate else "restore")
    wanted_out = {entry.strip("{}").lower() for entry in exclude}
    with system.CreateVssBackupComponents() as bc:
        selection: list[tuple[uuid.UUID, VSS_COMPONENT_TYPE, str | None, str]] = []

        def finish(status: VSS_FILE_RESTORE_STATUS) -> None:
            for writer_id, kind, path, name in selection:
                bc.SetFileRestoreStatus(writer_id, kind, path, name, status)
            wait_and_check(bc.PostRestore())

        def body() -> None:
            bc.InitializeForRestore(backup_components)
            bc.SetBackupState(True, True, VSS_BACKUP_TYPE.VSS_BT_FULL, False)
            wait_and_check(bc.GatherWriterMetadata())
            flow.statuses = gather_status(bc)
            running = _names(bc)
            for index in range(bc.GetWriterComponentsCount()):
                components = bc.GetWriterComponents(index)
                _, writer_id = components.GetWriterInfo()
                if writer_id not in running:
                    continue
                name, condition = running[writer_id]
                if {name.lower(), str(writer_id)} & wanted_out:
                    continue
                if condition == VSS_WRITERRESTORE_ENUM.VSS_WRE_NEVER:
                    continue
                flow.writers.append(name)
                for c in range(components.GetComponentCount()):
                    component = components.GetComponent(c)
                    entry = (
                        writer_id,
                        component.GetComponentType(),
                        component.GetLogicalPath(),
                        component.GetComponentName(),
                    )
                    selection.append(entry)
                    flow.components.append((name, *entry[1:]))
            for writer_id, kind, path, name in selection:
                bc.SetSelectedForRestore(writer_id, kind, path, name, True)
            if simulate:
                return
            selected = {writer_id for writer_id, *_ in selection}
            try:
                wait_and_check(bc.PreRestore())
                _check(flow, bc, selected)
            except StopRequester:
                finish(VSS_FILE_RESTORE_STATUS.VSS_RS_NONE)
                raise
            finish(VSS_FILE_RESTORE_STATUS.VSS_RS_ALL)
            _check(flow, bc, selected)

        flow.run(body)
    return flow.report(bc)
