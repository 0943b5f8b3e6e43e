"""IVssBackupComponents: the requester's single-use object for one backup, restore or query
(docs/reference.md §3).

Its methods are COM's, in COM's parameter order; out-parameters are return values and a failing
HRESULT raises the VssError subclass for it. The gate (``requester_object``) checks every call
against the tables before its body runs; the body then checks its arguments, in parameter order,
before it looks anything up: one of the wrong kind is E_INVALIDARG naming the method and the
argument (``arguments``; docs/design.md).

Policies where the documentation is silent ([INF], docs/design.md):
* A saved BCD that is not a string (InitializeForBackup, InitializeForRestore) is E_INVALIDARG;
  a string that is not a BCD is VSS_E_INVALID_XML_DOCUMENT.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from types import TracebackType

from .._documents.backup_document import BackupComponentsDocument, ComponentEntry
from .._documents.metadata_examine import IVssExamineWriterMetadata
from .._documents.writer_metadata import ComponentMetadata
from .._engine.trace import ViolationRule
from .._rules.calls import Call, Move, Phase
from .._rules.limits import MAX_VOLUMES_PER_SET
from .._service.providers import VSS_SNAPSHOT_PROP
from .._service.records import PlannedSnapshot, WriterInSession
from .._vocabulary.enums import (
    GUID_NULL,
    VSS_BACKUP_TYPE,
    VSS_COMPONENT_TYPE,
    VSS_OBJECT_TYPE,
    VSS_RESTORE_TYPE,
    VSS_SNAPSHOT_CONTEXT,
    VSS_VOLUME_SNAPSHOT_ATTRIBUTES,
)
from .._vocabulary.errors import (
    VssInvalidArg,
    VssMaximumNumberOfVolumesReached,
    VssObjectAlreadyExists,
    VssObjectNotFound,
)
from .arguments import (
    bool_argument,
    component_arguments,
    enum_argument,
    guid_argument,
    integer_argument,
    text_argument,
)
from .async_operation import IVssAsync
from .requester_object import requester_call
from .restore_calls import RestoreCalls
from .snapshot_calls import SnapshotCalls
from .writer_selection_calls import WriterSelectionCalls

__all__ = ["IVssBackupComponents"]

_NO_WRITERS = int(VSS_VOLUME_SNAPSHOT_ATTRIBUTES.VSS_VOLSNAP_ATTR_NO_WRITERS)
_CONTEXTS = frozenset(int(c) for c in VSS_SNAPSHOT_CONTEXT.__members__.values())
_CONTEXT_ALL = int(VSS_SNAPSHOT_CONTEXT.VSS_CTX_ALL)
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
_UUID = uuid.UUID
#: Members read on the hot path (an enum member read from its class is a slow lookup).
_SET_BACKUP_SUCCEEDED = Call.SET_BACKUP_SUCCEEDED
_BACKUP_SUCCEEDED_NOT_SET = ViolationRule.BACKUP_SUCCEEDED_NOT_SET
_BACKUP_COMPLETE = Call.BACKUP_COMPLETE
_CREATED = Phase.CREATED
_RELEASED = Phase.RELEASED


def selectable_ancestor(
    components: tuple[ComponentMetadata, ...], component: ComponentMetadata
) -> ComponentMetadata | None:
    """The nearest selectable component whose full path (logical path + name) is a prefix of
    ``component``'s logical path (docs/reference.md §7.4), or None."""
    path = (component.logical_path or "").lower()
    best: ComponentMetadata | None = None
    longest = -1
    for other in components:
        if other is component or not other.selectable:
            continue
        full = "\\".join(p for p in (other.logical_path, other.component_name) if p).lower()
        if (path == full or path.startswith(full + "\\")) and len(full) > longest:
            best, longest = other, len(full)
    return best


class IVssBackupComponents(SnapshotCalls, WriterSelectionCalls, RestoreCalls):
    """A requester's single-use object for one backup, restore or query (§3.1).

    Use it as a context manager: leaving the ``with`` block calls ``Release``.
    """

    # -- what the object holds (read-only, not COM calls: nothing is traced) --------------------

    @property
    def session_id(self) -> uuid.UUID:
        """The object's session id (what GetSessionId returns)."""
        return self._session.session_id

    @property
    def snapshot_set_id(self) -> uuid.UUID | None:
        """The id of the set StartSnapshotSet opened, or None."""
        return self._session.snapshot_set_id

    @property
    def volumes_in_set(self) -> list[str]:
        """The volumes added to the set, in the order they were added."""
        return [plan.volume.name for plan in self._session.planned.values()]

    @property
    def context(self) -> int:
        """The snapshot context SetContext chose (VSS_CTX_BACKUP until then)."""
        return self._session.context

    @property
    def call_order(self) -> Mapping[tuple[Phase, Call], Move]:
        """The call-order table the object follows (``simulator.rules.BACKUP_ORDER`` or
        ``WRITERLESS_ORDER``)."""
        return self._state.table

    # -- initialization (§3.2 rows 1–4, §3.3 row 1) ----------------------------------------------

    @requester_call(Call.INITIALIZE_FOR_BACKUP)
    def InitializeForBackup(self, xml: str | None = None) -> None:
        """Start a backup; ``xml`` is a saved BCD, only for importing transportable copies."""
        if xml is not None:
            xml = text_argument(xml, "InitializeForBackup", "xml")
            self._session.bcd = BackupComponentsDocument.from_xml(xml)
            self._bcd_loaded = True

    @requester_call(Call.INITIALIZE_FOR_RESTORE)
    def InitializeForRestore(self, xml: str) -> None:
        """Start a restore from the BCD saved at backup time (§3.3)."""
        xml = text_argument(xml, "InitializeForRestore", "xml")
        session = self._session
        session.bcd = BackupComponentsDocument.from_xml(xml)
        session.restore = True
        self._machine.restores.add(session.session_id)

    @requester_call(Call.SET_CONTEXT)
    def SetContext(self, context: int) -> None:
        """Choose the snapshot context; at most once, before the other calls (§7.6)."""
        value = (
            integer_argument(context, "SetContext", "context") & 0xFFFFFFFF
        )  # VSS_CTX_ALL is -1 in C
        every = value == _CONTEXT_ALL
        base = value & ~_CONTEXT_MODIFIERS
        modifiers = value & _CONTEXT_MODIFIERS
        if not every and base not in _CONTEXTS:
            raise VssInvalidArg(f"SetContext: {context:#x} is not a VSS_CTX_* value (§7.6)")
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
                "with DIFFERENTIAL or PLEX (not both), and none with CLIENT_ACCESSIBLE (§7.6)"
            )
        self._session.context = value
        if not every and value & _NO_WRITERS:
            self._state.use_writerless_order()

    @requester_call(Call.SET_BACKUP_STATE)
    def SetBackupState(
        self,
        select_components: bool,
        backup_bootable_system_state: bool,
        backup_type: VSS_BACKUP_TYPE | int,
        partial_file_support: bool = False,
    ) -> None:
        """Component mode, bootable system state, backup type, partial files (§3.2)."""
        method = "SetBackupState"
        components = (
            select_components
            if type(select_components) is bool
            else bool_argument(select_components, method, "select_components")
        )
        bootable = (
            backup_bootable_system_state
            if type(backup_bootable_system_state) is bool
            else bool_argument(backup_bootable_system_state, method, "backup_bootable_system_state")
        )
        kind = (
            backup_type
            if type(backup_type) is VSS_BACKUP_TYPE
            else enum_argument(VSS_BACKUP_TYPE, backup_type, method, "backup_type")
        )
        partial = (
            partial_file_support
            if type(partial_file_support) is bool
            else bool_argument(partial_file_support, method, "partial_file_support")
        )
        bcd = self._session.bcd
        bcd.select_components = components
        bcd.bootable_system_state = bootable
        bcd.backup_type = kind
        bcd.partial_file_support = partial

    @requester_call(Call.SET_RESTORE_STATE)
    def SetRestoreState(self, restore_type: VSS_RESTORE_TYPE | int) -> None:
        """The kind of restore (§3.3 row 3)."""
        kind = enum_argument(VSS_RESTORE_TYPE, restore_type, "SetRestoreState", "restore_type")
        self._session.restore_type = kind
        self._session.bcd.restore_type = kind

    # -- writers' metadata (rows 5–7) ------------------------------------------------------------

    @requester_call(Call.GATHER_WRITER_METADATA)
    def GatherWriterMetadata(self) -> IVssAsync:
        """Send Identify to every writer; returns an IVssAsync (§3.2 row 5)."""
        session = self._session
        if session.restore:
            session.restore_type = VSS_RESTORE_TYPE(session.bcd.restore_type)
        return self._start(Call.GATHER_WRITER_METADATA, self._coordinator.gather_writer_metadata)

    @requester_call(Call.GET_WRITER_METADATA_COUNT)
    def GetWriterMetadataCount(self) -> int:
        """How many writers answered Identify successfully."""
        return len(self._session.writers)

    @requester_call(Call.GET_WRITER_METADATA)
    def GetWriterMetadata(self, index: int) -> tuple[uuid.UUID, IVssExamineWriterMetadata]:
        """(instance id, metadata) of the ``index``-th writer."""
        session = self._session
        ws = session.writer_lookup.at(session.writers, index)
        if ws is None:
            raise self._no_writer_at("GetWriterMetadata", index)
        examine = ws.examine
        assert examine is not None
        return ws.core.instance_id, examine

    @requester_call(Call.GET_WRITER_METADATA_EX)
    def GetWriterMetadataEx(
        self, index: int
    ) -> tuple[uuid.UUID, uuid.UUID, str, str | None, IVssExamineWriterMetadata]:
        """(instance id, writer class id, writer name, instance name, metadata) of the
        ``index``-th writer (IVssBackupComponentsEx)."""
        ws = self._writer_at("GetWriterMetadataEx", index)
        assert ws.examine is not None
        core = ws.core
        return core.instance_id, core.writer_id, core.name, core.instance_name, ws.examine

    def _writer_at(self, method: str, index: int) -> WriterInSession:
        session = self._session
        ws = session.writer_lookup.at(session.writers, index)
        if ws is None:
            raise self._no_writer_at(method, index)
        return ws

    def _no_writer_at(self, method: str, index: object) -> VssObjectNotFound:
        """VSS_E_OBJECT_NOT_FOUND for an index out of range; an index that is not an integer is
        E_INVALIDARG, raised here (``integer_argument``)."""
        integer_argument(index, method, "index")
        return VssObjectNotFound(
            f"no writer metadata at index {index!r}; there are {len(self._session.writers)}"
        )

    @requester_call(Call.FREE_WRITER_METADATA)
    def FreeWriterMetadata(self) -> None:
        """Free the metadata (a no-op here: Python frees it)."""

    @requester_call(Call.ADD_COMPONENT)
    def AddComponent(
        self,
        instance_id: uuid.UUID,
        writer_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE | int,
        logical_path: str | None,
        component_name: str,
    ) -> None:
        """Include a component explicitly (component mode only; §3.2 row 7, §7.4)."""
        if type(instance_id) is not _UUID:
            guid_argument(instance_id, "AddComponent", "instance_id")
        if (
            type(writer_id) is _UUID
            and type(component_type) is VSS_COMPONENT_TYPE
            and (logical_path is None or type(logical_path) is str)
            and type(component_name) is str
        ):
            kind = component_type  # the arguments' kinds, as component_arguments checks them
        else:
            kind = component_arguments(
                "AddComponent", writer_id, component_type, logical_path, component_name
            )
        session = self._session
        ws = session.writers.get(instance_id)
        if ws is None or (ws.core.writer_id is not writer_id and ws.core.writer_id != writer_id):
            raise VssObjectNotFound(
                f"AddComponent: writer {writer_id} instance {instance_id} did not answer this "
                "session's GatherWriterMetadata"
            )
        metadata = ws.metadata
        assert metadata is not None
        path = logical_path or None
        reported = session.writer_lookup.component(ws, kind, path, component_name)
        if reported is None:
            raise VssObjectNotFound(
                f"AddComponent: writer {ws.core.name!r} reported no {kind.name} "
                f"component {component_name!r} at logical path {path!r}"
            )
        instance_name = ws.core.instance_name
        schema = metadata.backup_schema
        entry = session.bcd.add_writer(instance_id, writer_id, instance_name, schema)
        entry.add(ComponentEntry.included(writer_id, instance_id, kind, path, component_name))
        if not reported.selectable:
            ancestor = selectable_ancestor(metadata.components, reported)
            if ancestor is not None:
                self._machine.violation(
                    ViolationRule.NONSELECTABLE_SUBCOMPONENT_ADDED,
                    f"AddComponent added {component_name!r} of writer {ws.core.name!r}, a "
                    f"nonselectable subcomponent of the selectable {ancestor.component_name!r}: "
                    "it is backed up with its ancestor and must never be added explicitly; the "
                    "result is undefined (docs/reference.md §7.4)",
                    session=session,
                )
        # The writer's entry takes its instance name and schema from the metadata (an entry
        # made here has them already).
        if entry.instance_name is not instance_name:
            entry.instance_name = instance_name
        if entry.backup_schema is not schema:
            entry.backup_schema = schema

    @requester_call(Call.SET_BACKUP_OPTIONS)
    def SetBackupOptions(
        self,
        writer_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE | int,
        logical_path: str | None,
        component_name: str,
        options: str,
    ) -> None:
        """Writer-specific backup options for an included component (§7.3)."""
        method = "SetBackupOptions"
        kind = component_arguments(method, writer_id, component_type, logical_path, component_name)
        options = text_argument(options, method, "options")
        entry = self._session.bcd.find_component(writer_id, kind, logical_path, component_name)
        entry.backup_options = options

    @requester_call(Call.SET_PREVIOUS_BACKUP_STAMP)
    def SetPreviousBackupStamp(
        self,
        writer_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE | int,
        logical_path: str | None,
        component_name: str,
        previous_backup_stamp: str,
    ) -> None:
        """Hand back the stamp the writer set at the last backup (§7.3)."""
        method = "SetPreviousBackupStamp"
        kind = component_arguments(method, writer_id, component_type, logical_path, component_name)
        stamp = text_argument(previous_backup_stamp, method, "previous_backup_stamp")
        entry = self._session.bcd.find_component(writer_id, kind, logical_path, component_name)
        entry.previous_backup_stamp = stamp

    # -- the snapshot set (rows 8–10, 14, 15) ----------------------------------------------------

    @requester_call(Call.START_SNAPSHOT_SET)
    def StartSnapshotSet(self) -> uuid.UUID:
        """Open a new empty set and take the machine-wide creation lock (§8)."""
        return self._coordinator.start_snapshot_set(self._session)

    @requester_call(Call.IS_VOLUME_SUPPORTED)
    def IsVolumeSupported(self, provider_id: uuid.UUID, volume: str) -> bool:
        """Whether a provider (any, for GUID_NULL) can shadow ``volume``."""
        if type(provider_id) is not _UUID:
            guid_argument(provider_id, "IsVolumeSupported", "provider_id")
        volume = text_argument(volume, "IsVolumeSupported", "volume")
        machine = self._machine
        found = machine.find_volume(volume)
        if found is None:
            return False
        context = self._session.context
        return any(machine.supports(p, found, context) for p in machine.providers_for(provider_id))

    @requester_call(Call.ADD_TO_SNAPSHOT_SET)
    def AddToSnapshotSet(self, volume: str, provider_id: uuid.UUID = GUID_NULL) -> uuid.UUID:
        """Add one volume to the set; returns the future shadow copy's id (§3.2 row 10)."""
        if type(volume) is not str:
            volume = text_argument(volume, "AddToSnapshotSet", "volume")
        if type(provider_id) is not _UUID:
            guid_argument(provider_id, "AddToSnapshotSet", "provider_id")
        machine = self._machine
        session = self._session
        found = machine.find_volume(volume)
        if found is None:
            raise VssObjectNotFound(
                f"AddToSnapshotSet: no volume {volume!r} on this machine; volumes are "
                f"{', '.join(v.name for v in machine.volumes)}"
            )
        key = machine.volume_key(found.name)
        if key in session.planned:
            raise VssObjectAlreadyExists(f"AddToSnapshotSet: {found.name} is already in the set")
        if len(session.planned) >= MAX_VOLUMES_PER_SET:
            raise VssMaximumNumberOfVolumesReached(
                f"a snapshot set holds at most {MAX_VOLUMES_PER_SET} volumes (§3.2 row 10)"
            )
        provider = machine.choose_provider(provider_id, found, session.context)
        snapshot_id = machine.guids.new()
        session.planned[key] = PlannedSnapshot(found, provider, snapshot_id)
        return snapshot_id

    @requester_call(Call.PREPARE_FOR_BACKUP)
    def PrepareForBackup(self) -> IVssAsync:
        """Send PrepareForBackup to the participating writers (§3.2 row 12)."""
        return self._start(Call.PREPARE_FOR_BACKUP, self._coordinator.prepare_for_backup)

    @requester_call(Call.DO_SNAPSHOT_SET)
    def DoSnapshotSet(self) -> IVssAsync:
        """Create the shadow copies: PrepareForSnapshot, Freeze, commit, Thaw, PostSnapshot."""
        return self._start(Call.DO_SNAPSHOT_SET, self._coordinator.do_snapshot_set)

    @requester_call(Call.GET_SNAPSHOT_PROPERTIES)
    def GetSnapshotProperties(self, snapshot_id: uuid.UUID) -> VSS_SNAPSHOT_PROP:
        """The properties of a shadow copy of this set (§7.6)."""
        if type(snapshot_id) is not _UUID:
            guid_argument(snapshot_id, "GetSnapshotProperties", "snapshot_id")
        snapshot = self._machine.snapshots.get(snapshot_id)
        if snapshot is None:
            raise VssObjectNotFound(f"GetSnapshotProperties: no shadow copy {snapshot_id}")
        return snapshot.properties()

    @requester_call(Call.SET_BACKUP_SUCCEEDED)
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
        if type(instance_id) is not _UUID:
            guid_argument(instance_id, "SetBackupSucceeded", "instance_id")
        kind = component_arguments(
            "SetBackupSucceeded", writer_id, component_type, logical_path, component_name
        )
        if type(succeeded) is not bool:
            succeeded = bool_argument(succeeded, "SetBackupSucceeded", "succeeded")
        entry = self._session.bcd.find_component(
            writer_id, kind, logical_path, component_name, instance_id
        )
        entry.backup_succeeded = succeeded
        self._mark(Call.SET_BACKUP_SUCCEEDED, entry)

    @requester_call(Call.BACKUP_COMPLETE)
    def BackupComplete(self) -> IVssAsync:
        """Send BackupComplete; the BCD becomes read-only for writers (§3.2 row 17). A component
        without SetBackupSucceeded is recorded as a violation of the requester (row 16)."""
        if self._session.bcd.select_components:
            self._report_unmarked(
                _SET_BACKUP_SUCCEEDED,
                _BACKUP_SUCCEEDED_NOT_SET,
                None,
                "before BackupComplete (docs/reference.md §3.2 row 16): the writer reads "
                "GetBackupSucceeded() as false and treats the backup as failed",
            )
        return self._start(Call.BACKUP_COMPLETE, self._coordinator.backup_complete)

    @requester_call(Call.ABORT_BACKUP)
    def AbortBackup(self) -> None:
        """Abort the backup: Abort events to the writers that joined (§4.2)."""
        session = self._session
        coordinator = self._coordinator
        pending = self._state.pending
        if isinstance(pending, IVssAsync) and not pending.done:
            # The running operation sees the request at its next step and aborts itself.
            session.abort_requested = True
            self._join_pending()
            coordinator.end_creation(session)
            if pending.cancelled:
                return
            # It ended without seeing the request (PrepareForBackup has no step that does):
            # the writers that joined still get their Abort (§4.2 trigger 1).
        if self._state.would_stay(Call.ABORT_BACKUP):
            return  # nothing under way: ignored (§3.2 row x)
        self._run_now("AbortBackup", lambda: coordinator.abort_backup(session))

    # -- shadow copies on the machine ------------------------------------------------------------

    @requester_call(Call.DELETE_SNAPSHOTS)
    def DeleteSnapshots(
        self, source_id: uuid.UUID, object_type: VSS_OBJECT_TYPE | int, force: bool
    ) -> tuple[int, uuid.UUID]:
        """Delete a copy or a set; returns (deleted count, id of the first not deleted or GUID_NULL)."""
        if type(source_id) is not _UUID:
            guid_argument(source_id, "DeleteSnapshots", "source_id")
        kind = enum_argument(VSS_OBJECT_TYPE, object_type, "DeleteSnapshots", "object_type")
        bool_argument(force, "DeleteSnapshots", "force")
        return self._machine.delete_snapshots(source_id, kind, self._session)

    @requester_call(Call.GET_SESSION_ID)
    def GetSessionId(self) -> uuid.UUID:
        """This object's session id, as writers see it in their handlers (Ex3, §8)."""
        return self._session.session_id

    # -- the end of the object (§3.1, §4.3) ------------------------------------------------------

    @requester_call(Call.RELEASE)
    def Release(self) -> None:
        """End the object: BackupShutdown after a backup, auto-release copies deleted. Once it
        has begun no other call is taken; a second Release returns (BackupShutdown goes once)."""
        session = self._session
        if session.released:
            self._join_pending()
            return
        session.released = True
        try:
            self._join_pending()
        except BaseException:
            # The wait was interrupted (its caller was given up on): nothing was released, so a
            # retry, or the burial of a dead requester, must still do it.
            session.released = False
            raise
        if self._state.phase is _CREATED:
            return
        coordinator = self._coordinator
        self._run_now("Release", lambda: coordinator.release(session))

    def __enter__(self) -> IVssBackupComponents:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._state.phase is not _RELEASED:
            self.Release()
