"""The coordinator: the bodies of the asynchronous operations, as the VSS service runs them
(docs/reference.md §4 event sequences, §9 provider order).

Each operation runs on its own simulator task, the "thread" that invokes the handlers of its
events. The coordinator is the only owner of the machine's creation lock: it takes the lock at
StartSnapshotSet and frees it when DoSnapshotSet returns or the set is aborted.

Policies where the documentation is silent ([INF], docs/design.md):
* A writer that failed in a session gets no further events there except Abort and BackupShutdown.
* BackupShutdown goes to every writer that received an event of the session.
* Release of an object whose set is still in creation aborts the set first.
* Cancel (IVssAsync) of GatherWriterMetadata, PrepareForBackup or BackupComplete takes effect
  before the next writer's event: the writers not reached get none; a cancelled
  GatherWriterMetadata forgets the writers identified so far (it may be called again); a
  cancelled PrepareForBackup sends OnAbort to the writers that joined (the requester still calls
  AbortBackup, §3.1); a cancelled BackupComplete leaves the writers reached as they are.
"""

from __future__ import annotations

import uuid

from .._documents.backup_document import WriterComponentsEntry
from .._documents.component_views import IVssWriterComponents
from .._documents.metadata_builder import IVssCreateWriterMetadataEx
from .._engine.trace import TraceKind, ViolationRule
from .._rules.component_calls import ComponentAccess
from .._rules.writer_states import WriterEvent
from .._vocabulary.enums import GUID_NULL, VSS_WRITER_STATE, VSS_WRITERRESTORE_ENUM
from .aborting import Aborts
from .creation import Cancelled, SetCreation
from .delivery import EventDelivery, compiled, component_view
from .machine import Machine
from .participation import (
    backup_participants,
    operation_providers,
    restore_failed,
    restore_participants,
    writer_restore,
)
from .records import Session, WriterCore, WriterInSession

__all__ = ["Coordinator"]

WS = VSS_WRITER_STATE
E = WriterEvent
_IDENTIFY = compiled[E.IDENTIFY]
_PREPARE_BACKUP = compiled[E.PREPARE_BACKUP]
_BACKUP_COMPLETE = compiled[E.BACKUP_COMPLETE]
_BACKUP_SHUTDOWN = compiled[E.BACKUP_SHUTDOWN]
_PRE_RESTORE = compiled[E.PRE_RESTORE]
_POST_RESTORE = compiled[E.POST_RESTORE]
_PREPARE_ACCESS = ComponentAccess.PREPARE_BACKUP
_COMPLETE_ACCESS = ComponentAccess.BACKUP_COMPLETE
_WAITING_FOR_BACKUP_COMPLETE = WS.VSS_WS_WAITING_FOR_BACKUP_COMPLETE


class Coordinator:
    """The operations of one machine's VSS service."""

    def __init__(self, machine: Machine) -> None:
        self.machine = machine
        self._scheduler = machine.scheduler
        self.delivery = EventDelivery(machine)
        self.aborts = Aborts(machine, self.delivery)
        self._creation = SetCreation(machine, self.delivery, self.aborts)
        #: the sessions whose BackupComplete ran to its end
        self.completed: set[uuid.UUID] = set()

    # -- Identify (GatherWriterMetadata) ---------------------------------------------------------

    @staticmethod
    def _cancelled(session: Session) -> bool:
        """Whether IVssAsync.Cancel was called, checked between two writers' events (no
        scheduling point of its own: a handler that takes time lets the requester cancel)."""
        return session.cancel_requested

    def gather_writer_metadata(self, session: Session) -> None:
        """Identify goes to every subscribed writer the session includes and that has a free
        session slot (§1.4, §3.2 rows 4–5, §8)."""
        self._scheduler.checkpoint()
        machine = self.machine
        deliver = self.delivery.deliver
        slots = machine.slots
        selection = session.selection
        session_id = session.session_id
        contacted = session.contacted
        identified = session.writers
        for core in list(machine.writers):
            # A selection left as it is includes every writer: no lookup to make.
            if (
                selection.enabled_classes is not None
                or selection.disabled_classes
                or selection.disabled_instances
            ) and not selection.includes(core.writer_id, core.instance_id):
                continue
            if session.cancel_requested:  # ``_cancelled``: IVssAsync.Cancel was called
                identified.clear()
                raise Cancelled()
            if not slots.take(core, session_id):
                machine.record(
                    TraceKind.FAULT,
                    "no session slot",
                    session,
                    core.name,
                    detail=f"the writer holds {slots.per_writer} sessions already: "
                    "VSS_E_WRITER_STATUS_NOT_AVAILABLE (docs/reference.md §8)",
                )
                continue
            ws = WriterInSession(core)
            contacted.append(ws)
            # Identify once: calls that repeat the last Identify's rebuild nothing (§7.1).
            builder = IVssCreateWriterMetadataEx(core.identity, core.last_identify)
            if not deliver(session, ws, _IDENTIFY, builder):
                continue
            recording = builder.recording()
            metadata = recording.metadata
            previous = core.last_metadata
            if previous is not None and previous is not metadata and previous != metadata:
                machine.violation(
                    ViolationRule.METADATA_CHANGED,
                    f"writer {core.name!r} reported different metadata in this Identify than in "
                    "the last one; OnIdentify must be deterministic (docs/reference.md §7.1)",
                    core,
                    session=session,
                    handler=E.IDENTIFY.value,
                )
            core.last_metadata = metadata
            core.last_identify = recording
            ws.metadata = metadata
            ws.examine = recording.examine()
            identified[core.instance_id] = ws

    def identify_writers(self) -> list[WriterCore]:
        """Identify to every writer, as a management tool's GatherWriterMetadata does (§1.4);
        the writers that answered, in order. No BackupShutdown follows: nothing was backed up."""
        machine = self.machine
        session = machine.new_session()
        task = machine.spawn_operation(
            lambda: self.gather_writer_metadata(session), "GatherWriterMetadata"
        )
        machine.scheduler.join(task)
        machine.slots.end(session.session_id)
        return [ws.core for ws in session.writers.values()]

    # -- PrepareForBackup ------------------------------------------------------------------------

    def prepare_for_backup(self, session: Session) -> None:
        """PrepareForBackup goes to the participants (§3.2 row 12)."""
        self._scheduler.checkpoint()
        deliver = self.delivery.deliver
        for ws in backup_participants(session):
            if session.cancel_requested:  # ``_cancelled``
                self.aborts.abort_writers(session)
                raise Cancelled()
            ws.joined = True
            deliver(session, ws, _PREPARE_BACKUP, component_view(session, ws, _PREPARE_ACCESS))

    # -- the snapshot set and the creation lock (§8) ---------------------------------------------

    def start_snapshot_set(self, session: Session) -> uuid.UUID:
        """Open ``session``'s set; it holds the creation lock from now on."""
        set_id = self.machine.guids.new()
        session.snapshot_set_id = set_id
        session.bcd.snapshot_set_id = set_id
        self.machine.creation_lock.take(session)
        return set_id

    def do_snapshot_set(self, session: Session) -> None:
        """Create the set (``creation.SetCreation``); the creation lock is freed however it ends."""
        try:
            self._creation.run(session)
        finally:
            self.machine.creation_lock.free(session)

    def end_creation(self, session: Session) -> None:
        """``session``'s set is no longer in creation: free the lock if it held it."""
        self.machine.creation_lock.free(session)

    def abort_backup(self, session: Session) -> None:
        """AbortBackup: Abort events, provider abort, and the creation lock freed (§4.2)."""
        aborts = self.aborts
        aborts.abort_providers(session, operation_providers(session))
        aborts.abort_writers(session)
        self.end_creation(session)

    # -- BackupComplete, BackupShutdown ----------------------------------------------------------

    def backup_complete(self, session: Session) -> None:
        """BackupComplete to writers waiting for it (§3.2 row 17); from 2008 R2 on the writers'
        session slots are free when it ends (§8)."""
        self._scheduler.checkpoint()
        deliver = self.delivery.deliver
        for ws in session.writers.values():
            if ws.state is _WAITING_FOR_BACKUP_COMPLETE:
                if session.cancel_requested:  # ``_cancelled``
                    raise Cancelled()
                deliver(
                    session, ws, _BACKUP_COMPLETE, component_view(session, ws, _COMPLETE_ACCESS)
                )
        self.completed.add(session.session_id)
        if not self.machine.windows.slot_needs_gather_status:
            self.machine.slots.free(session.session_id)

    def writer_status_gathered(self, session: Session) -> None:
        """A GatherWriterStatus completed: after BackupComplete it frees the slots (§8)."""
        if session.session_id in self.completed:
            self.machine.slots.free(session.session_id)

    def release(self, session: Session) -> None:
        """Release: abort a set left in creation, BackupShutdown, delete auto-release copies."""
        if self.machine.creation_lock.holder is session:
            self.machine.record(
                TraceKind.FAULT, "abort", session, detail="released while a set was in creation"
            )
            self.abort_backup(session)
        machine = self.machine
        if not session.restore:
            set_id = session.snapshot_set_id if session.snapshot_created else GUID_NULL
            deliver = self.delivery.deliver
            told: set[WriterCore] = set()
            for ws in session.contacted:
                # Once per writer, even when a failed GatherWriterMetadata was retried.
                if ws.core not in told:
                    told.add(ws.core)
                    deliver(session, ws, _BACKUP_SHUTDOWN, set_id)
        machine.release_snapshots(session)
        machine.restores.discard(session.session_id)
        # On 2008 SP2 and earlier only GatherWriterStatus after BackupComplete frees the slots
        # of a backup that got that far (§8, [INF]).
        if not (machine.windows.slot_needs_gather_status and session.session_id in self.completed):
            machine.slots.end(session.session_id)
        self.completed.discard(session.session_id)

    # -- Restore (§3.3, §4.4) --------------------------------------------------------------------

    def _participants(
        self, session: Session
    ) -> list[tuple[WriterInSession, WriterComponentsEntry]]:
        machine = self.machine

        def unnamed(ws: WriterInSession, why: str) -> None:
            machine.violation(ViolationRule.UNNAMED_WRITER_INSTANCE, why, ws.core, session=session)

        return restore_participants(
            session, unnamed, one_per_class=machine.windows.one_restore_instance_per_class
        )

    @staticmethod
    def _view(
        ws: WriterInSession, entry: WriterComponentsEntry, access: ComponentAccess
    ) -> IVssWriterComponents:
        return IVssWriterComponents(entry, access, ws.core.report)

    def pre_restore(self, session: Session) -> None:
        """PreRestore to the restore participants, each with the components routed to it."""
        self._scheduler.checkpoint()
        deliver = self.delivery.deliver
        for ws, entry in self._participants(session):
            ws.joined = True
            deliver(session, ws, _PRE_RESTORE, self._view(ws, entry, ComponentAccess.PRE_RESTORE))

    def post_restore(self, session: Session) -> None:
        """PostRestore to the writers that took PreRestore and did not fail it. A writer whose
        restore method is VSS_WRE_IF_REPLACE_FAILS gets it only when one of its selected
        components' files failed to restore (§4.4; VSS_RS_FAILED is the sign, [INF])."""
        self._scheduler.checkpoint()
        deliver = self.delivery.deliver
        for ws, entry in self._participants(session):
            if not ws.joined:
                continue
            only_if_failed = writer_restore(ws) == VSS_WRITERRESTORE_ENUM.VSS_WRE_IF_REPLACE_FAILS
            if only_if_failed and not restore_failed(session, ws):
                continue
            deliver(session, ws, _POST_RESTORE, self._view(ws, entry, ComponentAccess.POST_RESTORE))
