"""IVssBackupComponents methods on writer status, the Backup Components Document and restore
(docs/reference.md §3.2 rows 13, 18; §3.3)."""

from __future__ import annotations

import uuid

from .._documents.backup_document import ComponentEntry
from .._documents.component_views import IVssWriterComponents
from .._rules.calls import Call
from .._rules.component_calls import ComponentAccess
from .._service.records import Session
from .._vocabulary.enums import VSS_COMPONENT_TYPE, VSS_FILE_RESTORE_STATUS
from .._vocabulary.errors import VssObjectNotFound
from .arguments import enum_argument
from .async_operation import IVssAsync
from .requester_object import RequesterObject, requester_call
from .writer_status import VssWriterStatus, VssWriterStatusEx

__all__ = ["StatusAndRestoreCalls"]


class StatusAndRestoreCalls(RequesterObject):
    """Writer status, the BCD, and the restore calls of IVssBackupComponents."""

    # -- writer status (§3.2 row 13) -------------------------------------------------------------

    @requester_call(Call.GATHER_WRITER_STATUS)
    def GatherWriterStatus(self) -> IVssAsync:
        """Collect each writer's state in this session; returns an IVssAsync."""

        def gather(session: Session) -> None:
            self._machine.scheduler.checkpoint()
            self._status = [
                VssWriterStatusEx(
                    ws.core.instance_id,
                    ws.core.writer_id,
                    ws.core.name,
                    ws.state,
                    ws.hr_failure,
                    ws.hr_application,
                    ws.application_message,
                )
                for ws in session.writers.values()
            ]

        return self._start(Call.GATHER_WRITER_STATUS, gather)

    @requester_call(Call.GET_WRITER_STATUS_COUNT)
    def GetWriterStatusCount(self) -> int:
        """How many writer statuses the last GatherWriterStatus collected."""
        return len(self._status or ())

    @requester_call(Call.GET_WRITER_STATUS)
    def GetWriterStatus(self, index: int) -> VssWriterStatus:
        """(instance_id, writer_id, writer_name, state, hr_failure) of one writer."""
        status = self._status_at("GetWriterStatus", index)
        return VssWriterStatus(
            status.instance_id,
            status.writer_id,
            status.writer_name,
            status.state,
            status.hr_failure,
        )

    @requester_call(Call.GET_WRITER_STATUS)
    def GetWriterStatusEx(self, index: int) -> VssWriterStatusEx:
        """GetWriterStatus plus the application's code and message (IVssBackupComponentsEx3)."""
        return self._status_at("GetWriterStatusEx", index)

    def _status_at(self, method: str, index: int) -> VssWriterStatusEx:
        statuses = self._status or []
        if not isinstance(index, int) or not 0 <= index < len(statuses):
            raise VssObjectNotFound(
                f"{method}: no writer status at index {index!r}; there are {len(statuses)}"
            )
        return statuses[index]

    @requester_call(Call.FREE_WRITER_STATUS)
    def FreeWriterStatus(self) -> None:
        """Forget the collected statuses; GetWriterStatus needs a new GatherWriterStatus."""
        self._status = None

    # -- the Backup Components Document ----------------------------------------------------------

    @requester_call(Call.GET_WRITER_COMPONENTS_COUNT)
    def GetWriterComponentsCount(self) -> int:
        """How many writers have components in the BCD."""
        return len(self._session.bcd.writers)

    @requester_call(Call.GET_WRITER_COMPONENTS)
    def GetWriterComponents(self, index: int) -> IVssWriterComponents:
        """The requester's view of one writer's components in the BCD."""
        writers = self._session.bcd.writers
        if not isinstance(index, int) or not 0 <= index < len(writers):
            raise VssObjectNotFound(f"GetWriterComponents: no writer at index {index!r}")
        return IVssWriterComponents(writers[index], ComponentAccess.REQUESTER)

    @requester_call(Call.SAVE_AS_XML)
    def SaveAsXML(self) -> str:
        """The BCD as XML, to keep for a restore (§3.2 row 18)."""
        return self._session.bcd.to_xml()

    def _component(
        self, writer_id: uuid.UUID, component_type: int, logical_path: str | None, name: str
    ) -> ComponentEntry:
        kind = enum_argument(VSS_COMPONENT_TYPE, component_type, "", "component_type")
        return self._session.bcd.find_component(writer_id, kind, logical_path, name)

    # -- restore (§3.3) --------------------------------------------------------------------------

    @requester_call(Call.SET_SELECTED_FOR_RESTORE)
    def SetSelectedForRestore(
        self,
        writer_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE | int,
        logical_path: str | None,
        component_name: str,
        selected: bool,
    ) -> None:
        """Select a component backed up explicitly; its writer must be running (§3.3 row 6)."""
        self._component(
            writer_id, component_type, logical_path, component_name
        ).selected_for_restore = bool(selected)

    @requester_call(Call.PRE_RESTORE)
    def PreRestore(self) -> IVssAsync:
        """Send PreRestore to writers with selected components (§3.3 row 7)."""
        return self._start(Call.PRE_RESTORE, self._coordinator.pre_restore)

    @requester_call(Call.SET_FILE_RESTORE_STATUS)
    def SetFileRestoreStatus(
        self,
        writer_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE | int,
        logical_path: str | None,
        component_name: str,
        status: VSS_FILE_RESTORE_STATUS | int,
    ) -> None:
        """How the files of a selected component were restored (§3.3 row 9)."""
        kind = enum_argument(VSS_FILE_RESTORE_STATUS, status, "SetFileRestoreStatus", "status")
        entry = self._component(writer_id, component_type, logical_path, component_name)
        entry.file_restore_status = kind

    @requester_call(Call.POST_RESTORE)
    def PostRestore(self) -> IVssAsync:
        """Send PostRestore (§3.3 row 10)."""
        return self._start(Call.POST_RESTORE, self._coordinator.post_restore)
