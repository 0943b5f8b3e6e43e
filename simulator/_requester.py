"""The requester's objects: IVssBackupComponents and IVssAsync (vss-facts §3).

Every IVssBackupComponents method first asks the call-order table (``_rules.BACKUP_ORDER``) whether
it is allowed where the object stands; a refusal raises VSS_E_BAD_STATE with a message built from
the table. Asynchronous methods start an operation on its own simulator task (the thread that
invokes the writers' handlers) and return an ``IVssAsync``; the object's phase moves when the
operation ends. Every call is a scheduling point, so concurrent sessions interleave there.
"""

from __future__ import annotations

import enum
import functools
import uuid
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

import attrs

from . import hresults as hr
from ._clock import TICKS_PER_MILLISECOND
from ._components import BackupComponentsDocument, ComponentAccess, IVssWriterComponents
from ._coordinator import Cancelled
from ._enums import (
    GUID_NULL,
    INFINITE,
    VSS_BACKUP_TYPE,
    VSS_COMPONENT_TYPE,
    VSS_FILE_RESTORE_STATUS,
    VSS_OBJECT_TYPE,
    VSS_RESTORE_TYPE,
    VSS_SNAPSHOT_CONTEXT,
    VSS_VOLUME_SNAPSHOT_ATTRIBUTES,
    VSS_WRITER_STATE,
)
from ._errors import (
    VssBadState,
    VssError,
    VssInvalidArg,
    VssMaximumNumberOfVolumesReached,
    VssObjectAlreadyExists,
    VssObjectNotFound,
    VssSnapshotSetInProgress,
)
from ._metadata import IVssExamineWriterMetadata
from ._provider import VSS_SNAPSHOT_PROP
from ._rules import (
    BACKUP_ORDER,
    CALL_NEEDS,
    CALLS_WHILE_PENDING,
    WRITERLESS_ORDER,
    Call,
    Move,
    Phase,
    explain_refusal,
)
from ._scheduler import Task
from ._session import PlannedSnapshot, Session
from ._trace import Entry, TraceKind

if TYPE_CHECKING:
    from ._system import VssSystem

__all__ = ["IVssAsync", "IVssBackupComponents", "VssWriterStatus", "VssWriterStatusEx"]

P = ParamSpec("P")
R = TypeVar("R")
En = TypeVar("En", bound=enum.IntEnum)
_NO_WRITERS = int(VSS_VOLUME_SNAPSHOT_ATTRIBUTES.VSS_VOLSNAP_ATTR_NO_WRITERS)
#: Volumes one set may hold (vss-facts §3.2 row 10).
MAX_VOLUMES_PER_SET = 64
_CONTEXTS = frozenset(int(c) for c in VSS_SNAPSHOT_CONTEXT.__members__.values())
_CONTEXT_MODIFIERS = int(
    VSS_VOLUME_SNAPSHOT_ATTRIBUTES.VSS_VOLSNAP_ATTR_TRANSPORTABLE
    | VSS_VOLUME_SNAPSHOT_ATTRIBUTES.VSS_VOLSNAP_ATTR_DIFFERENTIAL
    | VSS_VOLUME_SNAPSHOT_ATTRIBUTES.VSS_VOLSNAP_ATTR_PLEX
)
_DIFFERENTIAL_AND_PLEX = int(
    VSS_VOLUME_SNAPSHOT_ATTRIBUTES.VSS_VOLSNAP_ATTR_DIFFERENTIAL
    | VSS_VOLUME_SNAPSHOT_ATTRIBUTES.VSS_VOLSNAP_ATTR_PLEX
)
_CLIENT_ACCESSIBLE = int(VSS_VOLUME_SNAPSHOT_ATTRIBUTES.VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE)


def _enum_arg(enum_type: type[En], value: int, method: str, name: str) -> En:
    """``value`` as a member of ``enum_type``; anything else is E_INVALIDARG (API.md)."""
    try:
        return enum_type(value)
    except ValueError:
        where = f"{method}: " if method else ""
        raise VssInvalidArg(
            f"{where}{name} must be a {enum_type.__name__}, got {value!r}"
        ) from None


@attrs.frozen
class VssWriterStatus:
    """What GetWriterStatus reports for one writer (vss-facts §3.2 row 13)."""

    instance_id: uuid.UUID
    writer_id: uuid.UUID
    writer_name: str
    state: VSS_WRITER_STATE
    hr_failure: int


@attrs.frozen
class VssWriterStatusEx(VssWriterStatus):
    """GetWriterStatusEx adds the application's own code and message (Ex3)."""

    hr_application: int = hr.S_OK
    application_message: str = ""


class IVssAsync:
    """An asynchronous operation's handle (vss-facts §3.4)."""

    def __init__(self, system: VssSystem, name: str) -> None:
        self._system = system
        self.name = name
        self._task: Task | None = None
        self.error: BaseException | None = None
        self.cancelled = False
        self._cancel_asked = False
        self._session: Session | None = None

    @property
    def done(self) -> bool:
        """Whether the operation has ended (finished, failed or cancelled)."""
        return self._task is not None and self._task.done

    def Wait(self, timeout_ms: int = INFINITE) -> None:
        """Block until the operation ends; raise its VssError if it failed.

        With a finite ``timeout_ms`` Wait returns after that much virtual time even if the operation
        still runs; QueryStatus then says VSS_S_ASYNC_PENDING ([INF], restic's deadline pattern).
        """
        assert self._task is not None
        scheduler = self._system._scheduler
        if timeout_ms == INFINITE:
            deadline = None
        elif int(timeout_ms) < 0:
            raise VssInvalidArg(f"Wait: timeout_ms must be >= 0 or INFINITE, got {timeout_ms}")
        else:
            deadline = self._system.clock.ticks + int(timeout_ms) * TICKS_PER_MILLISECOND
        scheduler.join(self._task, deadline)
        if self.done and self.error is not None:
            raise self.error

    def QueryStatus(self) -> int:
        """VSS_S_ASYNC_PENDING, VSS_S_ASYNC_FINISHED, VSS_S_ASYNC_CANCELLED or the error HRESULT."""
        if not self.done:
            return hr.VSS_S_ASYNC_PENDING
        return self._final_status()

    def _final_status(self) -> int:
        if self.cancelled:
            return hr.VSS_S_ASYNC_CANCELLED
        if isinstance(self.error, VssError):
            return self.error.hresult
        if self.error is not None:
            return hr.VSS_E_UNEXPECTED
        return hr.VSS_S_ASYNC_FINISHED

    def Cancel(self) -> int:
        """Ask the operation to stop at its next step; returns what QueryStatus would say after."""
        if self.done:
            return self.QueryStatus()
        if self._cancel_asked:
            return hr.VSS_S_ASYNC_CANCELLED
        self._cancel_asked = True
        if self._session is not None:
            self._session.abort_requested = True
        return hr.S_OK

    def __repr__(self) -> str:
        return f"<IVssAsync {self.name} {hr.name_of(self.QueryStatus())}>"


def _api(
    call: Call,
) -> Callable[
    [Callable[Concatenate[IVssBackupComponents, P], R]],
    Callable[Concatenate[IVssBackupComponents, P], R],
]:
    """Check the call against the order table, trace it, and record how it ended."""

    def decorate(
        method: Callable[Concatenate[IVssBackupComponents, P], R],
    ) -> Callable[Concatenate[IVssBackupComponents, P], R]:
        @functools.wraps(method)
        def wrapper(self: IVssBackupComponents, /, *args: P.args, **kwargs: P.kwargs) -> R:
            entry, move = self._enter(call)
            try:
                result = method(self, *args, **kwargs)
            except VssError as exc:
                entry.result = exc.name
                raise
            if isinstance(result, IVssAsync):
                entry.result = "IVssAsync"
            else:
                # AbortBackup and Release may have waited for an operation that moved the phase.
                self._phase = self._order.get((self._phase, call), move).then
                entry.result = "S_OK"
            return result

        wrapper.__vss_call__ = call  # type: ignore[attr-defined]
        return wrapper

    return decorate


class IVssBackupComponents:
    """A requester's single-use object for one backup, restore or query (vss-facts §3.1).

    Use it as a context manager: leaving the ``with`` block calls ``Release``.
    """

    def __init__(self, system: VssSystem) -> None:
        self._system = system
        self._phase = Phase.CREATED
        self._history: list[str] = []
        self._pending: IVssAsync | None = None
        self._session = Session(system, system.new_guid(), BackupComponentsDocument())
        self._order: Mapping[tuple[Phase, Call], Move] = BACKUP_ORDER
        self._status: list[VssWriterStatusEx] | None = None

    def __repr__(self) -> str:
        return f"<IVssBackupComponents session={self._session.session_id} {self._phase.name}>"

    @property
    def phase(self) -> Phase:
        """Where the object stands in the call order (see ``simulator.rules``)."""
        return self._phase

    # -- the call-order check -----------------------------------------------------------------

    def _enter(self, call: Call) -> tuple[Entry, Move]:
        system = self._system
        system._scheduler.checkpoint()
        session = self._session
        entry = system._record(TraceKind.CALL, call.value, session)
        pending = self._pending
        if pending is not None and not pending.done and call not in CALLS_WHILE_PENDING:
            entry.result = "VSS_E_BAD_STATE"
            raise VssBadState(
                f"{call.value} is not allowed while {pending.name} is still running: Wait on its "
                f"IVssAsync first (only {', '.join(sorted(c.value for c in CALLS_WHILE_PENDING))} "
                "are taken meanwhile)"
            )
        move = self._order.get((self._phase, call))
        if move is None:
            entry.result = "VSS_E_BAD_STATE"
            raise VssBadState(
                explain_refusal(
                    self._order,
                    self._phase,
                    call,
                    self._history,
                    writerless=self._order is WRITERLESS_ORDER,
                )
            )
        needed = CALL_NEEDS.get(call)
        if needed is not None and needed.value not in self._history:
            entry.result = "VSS_E_BAD_STATE"
            raise VssBadState(
                f"{call.value} needs {needed.value} first (vss-facts §3.2). Calls so far: "
                f"{', '.join(self._history)}."
            )
        self._history.append(call.value)
        return entry, move

    def _start(self, call: Call, body: Callable[[Session], None]) -> IVssAsync:
        """Run ``body`` as an asynchronous operation on its own task."""
        system = self._system
        name = call.value
        op = IVssAsync(system, name)
        op._session = self._session
        # A Cancel or AbortBackup aimed at an earlier operation does not carry over to this one.
        self._session.abort_requested = False
        target = self._order[(self._phase, call)]

        def run() -> None:
            try:
                body(self._session)
            except Cancelled:
                op.cancelled = True
            except Exception as exc:
                op.error = exc
            except BaseException as exc:
                op.error = exc  # the operation failed; the scheduler reports it too
                raise
            finally:
                failed = op.error is not None or op.cancelled
                if failed and target.failed is not None:
                    self._phase = target.failed
                elif not failed:
                    self._phase = target.then
                system._record(
                    TraceKind.CALL,
                    f"{name} completed",
                    self._session,
                    result=hr.name_of(op._final_status()),
                )

        op._task = system._spawn_internal(run, name)
        self._pending = op
        return op

    def _run_now(self, name: str, body: Callable[[], None]) -> None:
        """Run ``body`` on an operation task and wait for it: synchronous calls that send events."""
        system = self._system
        task = system._spawn_internal(body, name)
        system._scheduler.join(task)
        if task.error is not None:
            error = task.error
            system._scheduler.failed.remove(task)
            raise error

    # -- initialization (vss-facts §3.2 rows 1–4, §3.3 row 1) -----------------------------------

    @_api(Call.INITIALIZE_FOR_BACKUP)
    def InitializeForBackup(self, xml: str | None = None) -> None:
        """Start a backup; ``xml`` is a saved BCD, only for importing transportable copies."""
        if xml is not None:
            self._session.bcd = BackupComponentsDocument.from_xml(xml)

    @_api(Call.INITIALIZE_FOR_RESTORE)
    def InitializeForRestore(self, xml: str) -> None:
        """Start a restore from the BCD saved at backup time (vss-facts §3.3)."""
        session = self._session
        session.bcd = BackupComponentsDocument.from_xml(xml)
        session.restore = True

    @_api(Call.SET_CONTEXT)
    def SetContext(self, context: int) -> None:
        """Choose the snapshot context; at most once, before the other calls (vss-facts §7.6)."""
        value = int(context) & 0xFFFFFFFF  # VSS_CTX_ALL is -1 in C
        every = value == int(VSS_SNAPSHOT_CONTEXT.VSS_CTX_ALL)
        base = value & ~_CONTEXT_MODIFIERS
        modifiers = value & _CONTEXT_MODIFIERS
        if not every and base not in _CONTEXTS:
            raise VssInvalidArg(
                f"SetContext: {context:#x} is not a VSS_CTX_* value (vss-facts §7.6)"
            )
        if (
            not every
            and modifiers
            and (
                base & _CLIENT_ACCESSIBLE
                or modifiers & _DIFFERENTIAL_AND_PLEX == _DIFFERENTIAL_AND_PLEX
            )
        ):
            raise VssInvalidArg(
                f"SetContext: {context:#x} combines modifiers VSS does not take: TRANSPORTABLE "
                "with DIFFERENTIAL or PLEX (not both), and none with CLIENT_ACCESSIBLE "
                "(vss-facts §7.6)"
            )
        self._session.context = value
        if not every and value & _NO_WRITERS:
            self._order = WRITERLESS_ORDER

    @_api(Call.SET_BACKUP_STATE)
    def SetBackupState(
        self,
        select_components: bool,
        backup_bootable_system_state: bool,
        backup_type: VSS_BACKUP_TYPE | int,
        partial_file_support: bool = False,
    ) -> None:
        """Component mode, bootable system state, backup type, partial files (vss-facts §3.2)."""
        try:
            kind = VSS_BACKUP_TYPE(backup_type)
        except ValueError:
            raise VssInvalidArg(
                f"SetBackupState: {backup_type!r} is not a VSS_BACKUP_TYPE"
            ) from None
        bcd = self._session.bcd
        bcd.select_components = bool(select_components)
        bcd.bootable_system_state = bool(backup_bootable_system_state)
        bcd.backup_type = kind
        bcd.partial_file_support = bool(partial_file_support)

    @_api(Call.SET_RESTORE_STATE)
    def SetRestoreState(self, restore_type: VSS_RESTORE_TYPE | int) -> None:
        """The kind of restore (vss-facts §3.3 row 3)."""
        kind = _enum_arg(VSS_RESTORE_TYPE, restore_type, "SetRestoreState", "restore_type")
        self._session.restore_type = kind
        self._session.bcd.restore_type = kind

    # -- writers' metadata (rows 5–7) ------------------------------------------------------------

    @_api(Call.GATHER_WRITER_METADATA)
    def GatherWriterMetadata(self) -> IVssAsync:
        """Send Identify to every writer; returns an IVssAsync (vss-facts §3.2 row 5)."""
        session = self._session
        if session.restore:
            session.restore_type = VSS_RESTORE_TYPE(session.bcd.restore_type)
        return self._start(
            Call.GATHER_WRITER_METADATA, self._system._coordinator.gather_writer_metadata
        )

    @_api(Call.GET_WRITER_METADATA_COUNT)
    def GetWriterMetadataCount(self) -> int:
        """How many writers answered Identify successfully."""
        return len(self._session.writers)

    @_api(Call.GET_WRITER_METADATA)
    def GetWriterMetadata(self, index: int) -> tuple[uuid.UUID, IVssExamineWriterMetadata]:
        """(instance id, metadata) of the ``index``-th writer."""
        writers = list(self._session.writers.values())
        if not isinstance(index, int) or not 0 <= index < len(writers):
            raise VssObjectNotFound(
                f"no writer metadata at index {index!r}; there are {len(writers)}"
            )
        ws = writers[index]
        assert ws.examine is not None
        return ws.core.instance_id, ws.examine

    @_api(Call.FREE_WRITER_METADATA)
    def FreeWriterMetadata(self) -> None:
        """Free the metadata (a no-op here: Python frees it)."""

    @_api(Call.ADD_COMPONENT)
    def AddComponent(
        self,
        instance_id: uuid.UUID,
        writer_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE | int,
        logical_path: str | None,
        component_name: str,
    ) -> None:
        """Include a component explicitly (component mode only; vss-facts §3.2 row 7, §7.4)."""
        component_type = _enum_arg(
            VSS_COMPONENT_TYPE, component_type, "AddComponent", "component_type"
        )
        session = self._session
        if not session.select_components:
            raise VssBadState(
                "AddComponent needs component mode: call SetBackupState(select_components=True, ...) "
                "first (vss-facts §3.2 row 7)"
            )
        ws = session.writers.get(instance_id)
        if ws is None or ws.core.writer_id != writer_id:
            raise VssObjectNotFound(
                f"AddComponent: writer {writer_id} instance {instance_id} did not answer this "
                "session's GatherWriterMetadata"
            )
        assert ws.metadata is not None
        path = logical_path or None
        if not any(
            c.type == component_type
            and (c.logical_path or None) == path
            and c.component_name == component_name
            for c in ws.metadata.components
        ):
            raise VssObjectNotFound(
                f"AddComponent: writer {ws.core.name!r} reported no {VSS_COMPONENT_TYPE(component_type).name} "
                f"component {component_name!r} at logical path {path!r}"
            )
        session.bcd.add_component(
            instance_id, writer_id, VSS_COMPONENT_TYPE(component_type), path, component_name
        )
        entry = session.bcd.writer_entry(instance_id)
        entry.instance_name = ws.core.instance_name
        entry.backup_schema = ws.metadata.backup_schema

    @_api(Call.SET_BACKUP_OPTIONS)
    def SetBackupOptions(
        self,
        writer_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE | int,
        logical_path: str | None,
        component_name: str,
        options: str,
    ) -> None:
        """Writer-specific backup options for an included component (vss-facts §7.3)."""
        self._component(
            writer_id, component_type, logical_path, component_name
        ).backup_options = options

    @_api(Call.SET_PREVIOUS_BACKUP_STAMP)
    def SetPreviousBackupStamp(
        self,
        writer_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE | int,
        logical_path: str | None,
        component_name: str,
        previous_backup_stamp: str,
    ) -> None:
        """Hand back the stamp the writer set at the last backup (vss-facts §7.3)."""
        entry = self._component(writer_id, component_type, logical_path, component_name)
        entry.previous_backup_stamp = previous_backup_stamp

    def _component(
        self, writer_id: uuid.UUID, component_type: int, logical_path: str | None, name: str
    ) -> Any:
        kind = _enum_arg(VSS_COMPONENT_TYPE, component_type, "", "component_type")
        return self._session.bcd.find_component(writer_id, kind, logical_path, name)

    # -- the snapshot set (rows 8–10, 14, 15) -----------------------------------------------------

    @_api(Call.START_SNAPSHOT_SET)
    def StartSnapshotSet(self) -> uuid.UUID:
        """Open a new empty set and take the system-wide creation lock (vss-facts §8)."""
        session = self._session
        system = self._system
        if session.context == int(VSS_SNAPSHOT_CONTEXT.VSS_CTX_ALL):
            raise VssBadState("StartSnapshotSet is not valid with VSS_CTX_ALL (vss-facts §7.6)")
        holder = system._creating
        if holder is not None and holder is not session:
            raise VssSnapshotSetInProgress(
                f"another snapshot set ({holder.snapshot_set_id}) is being created by session "
                f"{holder.session_id}; only one set may be in creation at a time, from "
                "StartSnapshotSet until DoSnapshotSet returns (vss-facts §8). Wait and retry."
            )
        session.snapshot_set_id = system.new_guid()
        session.bcd.snapshot_set_id = session.snapshot_set_id
        system._creating = session
        return session.snapshot_set_id

    @_api(Call.IS_VOLUME_SUPPORTED)
    def IsVolumeSupported(self, provider_id: uuid.UUID, volume: str) -> bool:
        """Whether a provider (any, for GUID_NULL) can shadow ``volume``."""
        system = self._system
        found = system._find_volume(volume)
        if found is None:
            return False
        providers = system._providers_for(provider_id)
        return any(system._supports(p, found.name) for p in providers)

    @_api(Call.ADD_TO_SNAPSHOT_SET)
    def AddToSnapshotSet(self, volume: str, provider_id: uuid.UUID = GUID_NULL) -> uuid.UUID:
        """Add one volume to the set; returns the future shadow copy's id (vss-facts §3.2 row 10)."""
        system = self._system
        session = self._session
        found = system._find_volume(volume)
        if found is None:
            raise VssObjectNotFound(
                f"AddToSnapshotSet: no volume {volume!r} on this machine; volumes are "
                f"{', '.join(system.volume_names)}"
            )
        key = system._volume_key(found.name)
        if key in session.planned:
            raise VssObjectAlreadyExists(f"AddToSnapshotSet: {found.name} is already in the set")
        if len(session.planned) >= MAX_VOLUMES_PER_SET:
            raise VssMaximumNumberOfVolumesReached(
                f"a snapshot set holds at most {MAX_VOLUMES_PER_SET} volumes (vss-facts §6)"
            )
        provider = system._choose_provider(provider_id, found)
        snapshot_id = system.new_guid()
        session.planned[key] = PlannedSnapshot(found, provider, snapshot_id)
        return snapshot_id

    @_api(Call.PREPARE_FOR_BACKUP)
    def PrepareForBackup(self) -> IVssAsync:
        """Send PrepareForBackup to the participating writers (vss-facts §3.2 row 12)."""
        return self._start(Call.PREPARE_FOR_BACKUP, self._system._coordinator.prepare_for_backup)

    @_api(Call.DO_SNAPSHOT_SET)
    def DoSnapshotSet(self) -> IVssAsync:
        """Create the shadow copies: PrepareForSnapshot, Freeze, commit, Thaw, PostSnapshot."""
        return self._start(Call.DO_SNAPSHOT_SET, self._system._coordinator.do_snapshot_set)

    @_api(Call.GET_SNAPSHOT_PROPERTIES)
    def GetSnapshotProperties(self, snapshot_id: uuid.UUID) -> VSS_SNAPSHOT_PROP:
        """The properties of a shadow copy of this set (vss-facts §7.6)."""
        snapshot = self._system._snapshots.get(snapshot_id)
        if snapshot is None:
            raise VssObjectNotFound(f"GetSnapshotProperties: no shadow copy {snapshot_id}")
        return snapshot.properties()

    @_api(Call.SET_BACKUP_SUCCEEDED)
    def SetBackupSucceeded(
        self,
        instance_id: uuid.UUID,
        writer_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE | int,
        logical_path: str | None,
        component_name: str,
        succeeded: bool,
    ) -> None:
        """Record whether a component's files were backed up (before BackupComplete)."""
        kind = _enum_arg(VSS_COMPONENT_TYPE, component_type, "SetBackupSucceeded", "component_type")
        entry = self._session.bcd.find_component(
            writer_id, kind, logical_path, component_name, instance_id
        )
        entry.backup_succeeded = bool(succeeded)

    @_api(Call.BACKUP_COMPLETE)
    def BackupComplete(self) -> IVssAsync:
        """Send BackupComplete; the BCD becomes read-only for writers (vss-facts §3.2 row 17)."""
        return self._start(Call.BACKUP_COMPLETE, self._system._coordinator.backup_complete)

    @_api(Call.ABORT_BACKUP)
    def AbortBackup(self) -> None:
        """Abort the backup: Abort events to the writers that joined (vss-facts §4.2)."""
        session = self._session
        pending = self._pending
        if pending is not None and not pending.done:
            # The running operation sees the request at its next step and aborts itself.
            session.abort_requested = True
            assert pending._task is not None
            self._system._scheduler.join(pending._task)
            self._system._release_creation_lock(session)
            if pending.cancelled:
                return
            # It ended without seeing the request (PrepareForBackup has no step that does):
            # the writers that joined still get their Abort (vss-facts §4.2 trigger 1).
        if self._order.get((self._phase, Call.ABORT_BACKUP), Move(self._phase)).then is self._phase:
            return  # nothing under way: ignored (vss-facts §3.2 row x)
        coordinator = self._system._coordinator
        self._run_now("AbortBackup", lambda: coordinator.abort_backup(session))

    # -- writer status (row 13) -------------------------------------------------------------------

    @_api(Call.GATHER_WRITER_STATUS)
    def GatherWriterStatus(self) -> IVssAsync:
        """Collect each writer's state in this session; returns an IVssAsync."""

        def gather(session: Session) -> None:
            self._system._scheduler.checkpoint()
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

    def _statuses(self, method: str) -> list[VssWriterStatusEx]:
        if self._status is None:
            raise VssBadState(
                f"{method} needs a completed GatherWriterStatus first (vss-facts §3.2 row 13)"
            )
        return self._status

    @_api(Call.GET_WRITER_STATUS_COUNT)
    def GetWriterStatusCount(self) -> int:
        """How many writer statuses the last GatherWriterStatus collected."""
        return len(self._statuses("GetWriterStatusCount"))

    @_api(Call.GET_WRITER_STATUS)
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

    @_api(Call.GET_WRITER_STATUS)
    def GetWriterStatusEx(self, index: int) -> VssWriterStatusEx:
        """GetWriterStatus plus the application's code and message (IVssBackupComponentsEx3)."""
        return self._status_at("GetWriterStatusEx", index)

    def _status_at(self, method: str, index: int) -> VssWriterStatusEx:
        statuses = self._statuses(method)
        if not isinstance(index, int) or not 0 <= index < len(statuses):
            raise VssObjectNotFound(
                f"{method}: no writer status at index {index!r}; there are {len(statuses)}"
            )
        return statuses[index]

    @_api(Call.FREE_WRITER_STATUS)
    def FreeWriterStatus(self) -> None:
        """Forget the collected statuses; GetWriterStatus needs a new GatherWriterStatus."""
        self._status = None

    # -- the Backup Components Document ----------------------------------------------------------

    @_api(Call.GET_WRITER_COMPONENTS_COUNT)
    def GetWriterComponentsCount(self) -> int:
        """How many writers have components in the BCD."""
        return len(self._session.bcd.writers)

    @_api(Call.GET_WRITER_COMPONENTS)
    def GetWriterComponents(self, index: int) -> IVssWriterComponents:
        """The requester's view of one writer's components in the BCD."""
        writers = self._session.bcd.writers
        if not isinstance(index, int) or not 0 <= index < len(writers):
            raise VssObjectNotFound(f"GetWriterComponents: no writer at index {index!r}")
        return IVssWriterComponents(writers[index], ComponentAccess.REQUESTER)

    @_api(Call.SAVE_AS_XML)
    def SaveAsXML(self) -> str:
        """The BCD as XML, to keep for a restore (vss-facts §3.2 row 18)."""
        return self._session.bcd.to_xml()

    # -- restore (vss-facts §3.3) -----------------------------------------------------------------

    @_api(Call.SET_SELECTED_FOR_RESTORE)
    def SetSelectedForRestore(
        self,
        writer_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE | int,
        logical_path: str | None,
        component_name: str,
        selected: bool,
    ) -> None:
        """Select a component backed up explicitly; its writer must be running (§3.3 row 6)."""
        session = self._session
        if not session.select_components:
            raise VssBadState(
                "SetSelectedForRestore applies only to a backup made in component mode; this BCD "
                "says selectComponents=no (vss-facts §3.3 row 6)"
            )
        if not any(ws.core.writer_id == writer_id for ws in session.writers.values()):
            raise VssObjectNotFound(
                f"SetSelectedForRestore: writer {writer_id} is not running (it did not answer "
                "GatherWriterMetadata)"
            )
        self._component(
            writer_id, component_type, logical_path, component_name
        ).selected_for_restore = bool(selected)

    @_api(Call.PRE_RESTORE)
    def PreRestore(self) -> IVssAsync:
        """Send PreRestore to writers with selected components (vss-facts §3.3 row 7)."""
        return self._start(Call.PRE_RESTORE, self._system._coordinator.pre_restore)

    @_api(Call.SET_FILE_RESTORE_STATUS)
    def SetFileRestoreStatus(
        self,
        writer_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE | int,
        logical_path: str | None,
        component_name: str,
        status: VSS_FILE_RESTORE_STATUS | int,
    ) -> None:
        """How the files of a selected component were restored (vss-facts §3.3 row 9)."""
        method = "SetFileRestoreStatus"
        kind = _enum_arg(VSS_FILE_RESTORE_STATUS, status, method, "status")
        entry = self._component(writer_id, component_type, logical_path, component_name)
        entry.file_restore_status = kind

    @_api(Call.POST_RESTORE)
    def PostRestore(self) -> IVssAsync:
        """Send PostRestore (vss-facts §3.3 row 10)."""
        return self._start(Call.POST_RESTORE, self._system._coordinator.post_restore)

    # -- shadow copies on the machine -------------------------------------------------------------

    @_api(Call.DELETE_SNAPSHOTS)
    def DeleteSnapshots(
        self, source_id: uuid.UUID, object_type: VSS_OBJECT_TYPE | int, force: bool
    ) -> tuple[int, uuid.UUID]:
        """Delete a copy or a set; returns (deleted count, id of the first not deleted or GUID_NULL)."""
        kind = _enum_arg(VSS_OBJECT_TYPE, object_type, "DeleteSnapshots", "object_type")
        return self._system._delete_snapshots(source_id, kind, self._session)

    @_api(Call.QUERY)
    def Query(
        self,
        queried_object_id: uuid.UUID = GUID_NULL,
        queried_object_type: VSS_OBJECT_TYPE | int = VSS_OBJECT_TYPE.VSS_OBJECT_NONE,
        returned_objects_type: VSS_OBJECT_TYPE | int = VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT,
    ) -> list[VSS_SNAPSHOT_PROP]:
        """The shadow copies on the machine, in creation order."""
        return [s.properties() for s in self._system._snapshots.values()]

    @_api(Call.GET_SESSION_ID)
    def GetSessionId(self) -> uuid.UUID:
        """This object's session id, as writers see it in their handlers (Ex3, vss-facts §8)."""
        return self._session.session_id

    # -- the end of the object (vss-facts §3.1, §4.3) --------------------------------------------

    @_api(Call.RELEASE)
    def Release(self) -> None:
        """End the object: BackupShutdown after a backup, auto-release copies deleted."""
        pending = self._pending
        if pending is not None and not pending.done:
            assert pending._task is not None
            self._system._scheduler.join(pending._task)
        session = self._session
        in_creation = self._system._creating is session
        if self._phase is Phase.CREATED:
            return
        coordinator = self._system._coordinator
        self._run_now("Release", lambda: coordinator.release(session, in_creation))

    def __enter__(self) -> IVssBackupComponents:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._phase is not Phase.RELEASED:
            self.Release()
