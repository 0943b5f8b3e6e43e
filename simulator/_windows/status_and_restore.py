"""IVssBackupComponents methods on writer status, the Backup Components Document and restore
(docs/reference.md §3.2 rows 13, 18; §3.3).

Policies where the documentation is silent ([INF], docs/design.md):
* The arguments that name a component are checked before the document is searched
  (``arguments.component_arguments``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from .. import hresults as hr
from .._documents.backup_document import ComponentEntry
from .._documents.component_views import IVssWriterComponents
from .._engine.trace import ViolationRule
from .._rules.calls import Call
from .._rules.component_calls import ComponentAccess
from .._rules.versions import METHOD_INTRODUCED, has_method
from .._service.records import Session
from .._vocabulary.enums import VSS_COMPONENT_TYPE, VSS_FILE_RESTORE_STATUS, VSS_WRITER_STATE
from .._vocabulary.errors import VssNotImplemented, VssObjectNotFound
from .arguments import bool_argument, component_arguments, enum_argument, integer_argument
from .async_operation import IVssAsync
from .requester_object import RequesterObject, requester_call
from .writer_status import VssWriterStatus, VssWriterStatusEx

__all__ = ["StatusAndRestoreCalls"]

#: The requester obligations Windows does not check, one bit each on the component entry.
_MARKS = {Call.SET_BACKUP_SUCCEEDED: 1, Call.SET_FILE_RESTORE_STATUS: 2}
#: How the violation of an obligation not met begins.
_UNMARKED_HEAD = {call: f"{call.value} was not called for component " for call in _MARKS}
#: The messages of those violations, by (head, tail, writer class id's integer, logical path,
#: name): making a GUID's text and the reprs is slow, and the same components recur session after
#: session. Bounded: cleared when full.
_MESSAGES: dict[tuple[str, str, int, str | None, str], str] = {}
_MESSAGES_KEPT = 1024
_UUID = uuid.UUID


def _unmarked_message(head: str, tail: str, entry: ComponentEntry) -> str:
    """The violation message for ``entry``: ``head``, the component, ``tail``."""
    return (
        f"{head}{entry.component_name!r} (logical path {entry.logical_path!r}) of writer "
        f"{entry.writer_id}{tail}"
    )


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
            ] + [
                # A writer with no free session slot (§8, [INF] where it surfaces).
                VssWriterStatusEx(
                    core.instance_id,
                    core.writer_id,
                    core.name,
                    VSS_WRITER_STATE.VSS_WS_UNKNOWN,
                    hr.VSS_E_WRITER_STATUS_NOT_AVAILABLE,
                    hr.S_OK,
                    "",
                )
                for core in self._machine.slots.refused.get(session.session_id, ())
            ]
            self._coordinator.writer_status_gathered(session)

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
        """GetWriterStatus plus the application's code and message (IVssBackupComponentsEx3,
        Windows Server 2008 R2 on: E_NOTIMPL before, §12)."""
        windows = self._machine.windows
        if not has_method(windows, "GetWriterStatusEx"):
            raise VssNotImplemented(
                "GetWriterStatusEx needs a Windows version that has this method: it appeared in "
                f"Windows Server {METHOD_INTRODUCED['GetWriterStatusEx']}; this machine runs "
                f"Windows Server {windows.name} (docs/reference.md §12)"
            )
        return self._status_at("GetWriterStatusEx", index)

    def _status_at(self, method: str, index: int) -> VssWriterStatusEx:
        statuses = self._status or []
        if type(index) is not int or not 0 <= index < len(statuses):
            integer_argument(index, method, "index")  # not an integer: E_INVALIDARG
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

    # -- requester obligations Windows does not check (docs/reference.md §3.2 row 16, §3.3 row 9)

    def _mark(self, call: Call, entry: ComponentEntry) -> None:
        """Remember that ``call`` was made for ``entry`` (a bit on the entry: this object's
        session owns the document)."""
        entry.requester_marks |= _MARKS[call]

    def _report_unmarked(
        self,
        call: Call,
        rule: ViolationRule,
        applies: Callable[[ComponentEntry], bool] | None,
        why: str,
    ) -> None:
        """A violation of the requester for every component ``applies`` to (every component when
        it is None) that ``call`` was not made for."""
        bit = _MARKS[call]
        session = self._session
        unmarked = [
            entry
            for writer in session.bcd.writers
            for entry in writer.components
            if not entry.requester_marks & bit and (applies is None or applies(entry))
        ]
        if not unmarked:
            return
        tail = " " + why
        head = _UNMARKED_HEAD[call]
        messages = _MESSAGES
        said: list[str] = []
        for entry in unmarked:
            writer_id = entry.writer_id
            name = entry.component_name
            if type(writer_id) is _UUID and type(name) is str:
                key = (head, tail, writer_id.int, entry.logical_path, name)
                message = messages.get(key)
                if message is None:
                    if len(messages) >= _MESSAGES_KEPT:
                        messages.clear()
                    message = messages[key] = _unmarked_message(head, tail, entry)
            else:
                message = _unmarked_message(head, tail, entry)
            said.append(message)
        recorder = self._machine.recorder
        # One thread records them all, at one time.
        recorder.violations_by(rule, said, session.session_id, recorder.thread_label())

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
        method = "SetSelectedForRestore"
        kind = component_arguments(method, writer_id, component_type, logical_path, component_name)
        if type(selected) is not bool:
            selected = bool_argument(selected, method, "selected")
        entry = self._session.bcd.find_component(writer_id, kind, logical_path, component_name)
        entry.selected_for_restore = selected

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
        method = "SetFileRestoreStatus"
        kind = component_arguments(method, writer_id, component_type, logical_path, component_name)
        restored = (
            status
            if type(status) is VSS_FILE_RESTORE_STATUS
            else enum_argument(VSS_FILE_RESTORE_STATUS, status, method, "status")
        )
        entry = self._session.bcd.find_component(writer_id, kind, logical_path, component_name)
        entry.file_restore_status = restored
        self._mark(Call.SET_FILE_RESTORE_STATUS, entry)

    @requester_call(Call.POST_RESTORE)
    def PostRestore(self) -> IVssAsync:
        """Send PostRestore (§3.3 row 10). A selected component without SetFileRestoreStatus is
        recorded as a violation of the requester (row 9)."""
        self._report_unmarked(
            Call.SET_FILE_RESTORE_STATUS,
            ViolationRule.FILE_RESTORE_STATUS_NOT_SET,
            lambda entry: entry.selected_for_restore,
            "before PostRestore (docs/reference.md §3.3 row 9): the writer reads "
            "VSS_RS_UNDEFINED and cannot tell whether its files are back",
        )
        return self._start(Call.POST_RESTORE, self._coordinator.post_restore)
