"""The service's records: volumes, writers, sessions, each writer's part in a session, and the
handler invocations running now.

A session is one IVssBackupComponents object's backup, restore or query (docs/reference.md §8).
A writer may be in several sessions at once; its state, failure code and metadata are kept per
session (§2.2). ``WriterInSession`` is the only writer of a writer's state: the coordinator
applies a row of ``WRITER_TRANSITIONS`` through it, and a writer's SetWriterFailure reports
through it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import NoReturn, Protocol

import attrs

from .. import hresults as hr
from .._documents.backup_document import BackupComponentsDocument
from .._documents.metadata_examine import IVssExamineWriterMetadata
from .._documents.metadata_recording import MetadataRecording
from .._documents.writer_metadata import WriterIdentity, WriterMetadata
from .._engine.recorder import TraceRecorder
from .._engine.threads import ThreadKey, current_thread_key
from .._engine.trace import Entry, TraceKind, ViolationRule
from .._rules.writer_calls import WRITER_CALLS
from .._rules.writer_states import Outcome, WriterEvent
from .._vocabulary.enums import (
    VSS_APPLICATION_LEVEL,
    VSS_BACKUP_TYPE,
    VSS_RESTORE_TYPE,
    VSS_SOURCE_TYPE,
    VSS_SUBSCRIBE_MASK,
    VSS_USAGE_TYPE,
    VSS_WRITER_STATE,
)
from .._vocabulary.errors import VssBadState, WrongThreadError
from .._vocabulary.kept_exceptions import detach
from .providers import Snapshot, VssProvider
from .writer_lookup import WriterLookup
from .writer_selection import WriterSelection

__all__ = [
    "DEFAULT_EVENT_FLAGS",
    "Invocation",
    "PlannedSnapshot",
    "Session",
    "Volume",
    "WriterCore",
    "WriterHost",
    "WriterInSession",
    "record_violation",
]


@attrs.frozen
class Volume:
    """A volume of the simulated machine, named as Windows names it."""

    name: str
    guid_path: str
    file_system: str = "NTFS"
    device: str = ""
    #: the volume's size in bytes (diff areas are limited by its free space, docs/reference.md §6)
    size_bytes: int = 100 * 1024 * 1024 * 1024
    #: mounted locally (False: a remote volume, VSS_E_VOLUME_NOT_LOCAL, §5)
    local: bool = True
    #: how many virtual disks deep the volume sits (0: a physical disk, §5)
    nesting: int = 0


class WriterHost(Protocol):
    """What a writer's record needs of the machine it is bound to (the machine is one)."""

    recorder: TraceRecorder
    owner: object

    def subscribe(self, core: WriterCore) -> None: ...

    def unsubscribe(self, core: WriterCore) -> None: ...

    def volume_key(self, name: str) -> str: ...

    def volume_of_path(self, path: str) -> Volume | None: ...


def record_violation(
    recorder: TraceRecorder,
    rule: ViolationRule,
    message: str,
    core: WriterCore | None = None,
    inv: Invocation | None = None,
    *,
    thread: str | None = None,
    session: Session | None = None,
    handler: str | None = None,
) -> None:
    """Record a rule broken by user code: by ``core``, in handler ``inv`` if one runs."""
    if inv is not None:
        session = inv.session
        handler = inv.event.value
    recorder.violation(
        rule,
        message,
        writer=core.name if core is not None else None,
        handler=handler,
        session_id=session.session_id if session is not None else None,
        thread=thread,
    )


#: Members read on every event (an enum member read from its class is a slow lookup).
_STABLE = VSS_WRITER_STATE.VSS_WS_STABLE
_EVENT = TraceKind.EVENT


class WriterInSession:
    """One writer's part in one session: its state there and what it reported."""

    __slots__ = (
        "application_message",
        "cause",
        "cause_error",
        "core",
        "examine",
        "frozen_at",
        "hr_application",
        "hr_failure",
        "joined",
        "metadata",
        "post_snapshot_done",
        "state",
    )

    def __init__(self, core: WriterCore) -> None:
        self.core = core
        self.state = _STABLE
        self.hr_failure = hr.S_OK
        self.hr_application = hr.S_OK
        self.application_message = ""
        self.metadata: WriterMetadata | None = None
        self.examine: IVssExamineWriterMetadata | None = None
        self.joined = False
        self.frozen_at: int | None = None
        self.post_snapshot_done = False
        #: why the writer last failed in this session, in words, and what its handler raised
        self.cause: str | None = None
        self.cause_error: BaseException | None = None

    def __repr__(self) -> str:
        return f"<WriterInSession {self.core.name!r} {self.state.name}>"

    def explain(self, cause: str, error: BaseException | None) -> None:
        """Remember why the writer failed an event (the requester's error will say it); the
        exception is kept with its traceback as text (``kept_exceptions``). A BaseException is
        not kept: it is raised on to the requester, and its traceback grows with the requester's
        frames."""
        detach(error)
        self.cause = cause
        self.cause_error = error if isinstance(error, Exception) else None

    def apply(self, outcome: Outcome, ok: bool, identify: bool = False) -> None:
        """Move to the row's state for success or failure; the writer's latest state (what
        vssadmin shows) follows, except after a successful Identify, which is outside the
        backup life cycle (§2.2)."""
        new_state = outcome.ok if ok else outcome.failed
        if new_state is not None:
            self.state = new_state
        if ok and identify:
            return
        core = self.core
        core.last_state = self.state
        core.last_failure = self.hr_failure

    def fail(self, hr_failure: int, hr_application: int | None = None, message: str = "") -> None:
        """Record the failure code the writer (or the model, for it) reports in this session."""
        self.hr_failure = hr_failure
        if hr_application is not None:
            self.hr_application = hr_application
            self.application_message = message


class Invocation(Entry):
    """A handler running now, which is also its trace record: which writer, which event, which
    session, on which thread, and (once it returns) how it ended.

    The delivery fills one in field by field (an ``Entry`` has no ``__init__``); ``session`` and
    ``ws`` are removed when the handler returns, so the trace keeps plain values only."""

    __slots__ = ("event", "failed", "session", "ws")

    #: every invocation is an event record without a detail (class-level: nothing to store)
    kind = _EVENT
    detail = None

    event: WriterEvent
    failed: bool
    session: Session
    ws: WriterInSession


class PlannedSnapshot:
    """A volume added to the set: the snapshot id promised by AddToSnapshotSet and its provider."""

    __slots__ = ("provider", "snapshot", "snapshot_id", "volume")

    def __init__(self, volume: Volume, provider: VssProvider, snapshot_id: uuid.UUID) -> None:
        self.volume = volume
        self.provider = provider
        self.snapshot_id = snapshot_id
        self.snapshot: Snapshot | None = None


_RTYPE_UNDEFINED = VSS_RESTORE_TYPE.VSS_RTYPE_UNDEFINED


class Session:
    """The coordinator's record of one backup or restore session."""

    def __init__(self, session_id: uuid.UUID, bcd: BackupComponentsDocument) -> None:
        self.session_id = session_id
        self.restore = False
        self.context = 0
        self.bcd = bcd
        self.restore_type = _RTYPE_UNDEFINED
        self.snapshot_set_id: uuid.UUID | None = None
        self.planned: dict[str, PlannedSnapshot] = {}
        #: writers whose Identify succeeded, in the order they answered (they have a status)
        self.writers: dict[uuid.UUID, WriterInSession] = {}
        #: every writer that received an event of this session (BackupShutdown goes to them)
        self.contacted: list[WriterInSession] = []
        self.current_level: VSS_APPLICATION_LEVEL | None = None
        #: EndPrepareSnapshots went out: from here providers hear of an abort (§4.2)
        self.providers_prepared = False
        self.snapshot_created = False
        self.abort_requested = False
        #: a BaseException a handler raised, to be raised once the operation has ended cleanly
        self.escaped: BaseException | None = None
        #: Release began (the object may not be used again; a second Release waits for it)
        self.released = False
        #: the requester died and its burial was asked for (``requester_object``)
        self.burial_asked = False
        #: the tasks running this session's operations now (a handler runs on one of them)
        self.operation_tasks: set[object] = set()
        #: IVssAsync.Cancel was called on the running operation (AbortBackup sets only
        #: abort_requested)
        self.cancel_requested = False
        #: the writers Enable/DisableWriterClasses and DisableWriterInstances left out (§3.2 row 4)
        self.selection = WriterSelection()
        #: BCD writer instance -> the running instance SetSelectedForRestoreEx moved it to (§3.6)
        self.restore_instances: dict[uuid.UUID, uuid.UUID] = {}
        #: lookups over ``writers`` by position, class and component (``writer_lookup``)
        self.writer_lookup: WriterLookup[WriterInSession] = WriterLookup()

    def take_escaped(self) -> BaseException | None:
        """The BaseException a handler raised during the operation, once."""
        escaped, self.escaped = self.escaped, None
        return escaped

    @property
    def backup_type(self) -> VSS_BACKUP_TYPE:
        return VSS_BACKUP_TYPE(self.bcd.backup_type)

    @property
    def select_components(self) -> bool:
        return bool(self.bcd.select_components)

    def __repr__(self) -> str:
        return f"<Session {self.session_id}>"


#: The events a writer subscribes to by default (§1.3).
DEFAULT_EVENT_FLAGS = int(
    VSS_SUBSCRIBE_MASK.VSS_SM_BACKUP_EVENTS_FLAG | VSS_SUBSCRIBE_MASK.VSS_SM_RESTORE_EVENTS_FLAG
)


class WriterCore:
    """The model's private state of one writer instance, bound to one machine."""

    def __init__(
        self,
        host: WriterHost,
        instance_id: uuid.UUID,
        writer: object,
        handlers: Mapping[str, Callable[..., object]],
        writer_id: uuid.UUID,
        name: str,
        usage_type: VSS_USAGE_TYPE,
        source_type: VSS_SOURCE_TYPE,
        level: VSS_APPLICATION_LEVEL,
        timeout_freeze_ms: int,
        instance_name: str | None,
        version: tuple[int, int],
    ) -> None:
        #: the machine the writer is bound to
        self.host = host
        #: the user's writer object (a ``CVssWriter``)
        self.writer = writer
        #: the bound handler of each event, by handler name
        self.handlers = dict(handlers)
        self.writer_id = writer_id
        self.name = name
        self.usage_type = usage_type
        self.source_type = source_type
        self.level = level
        self.timeout_freeze_ms = timeout_freeze_ms
        self.instance_name = instance_name
        self.version = version
        self.instance_id = instance_id
        self.subscribed = False
        #: Subscribe's flags; stored as given. The documentation calls them reserved for future
        #: use (§1.3), so they do not filter events.
        self.event_flags = DEFAULT_EVENT_FLAGS
        self.shutting_down = False
        #: the handlers running now, by the thread that runs them
        self.active: dict[ThreadKey, Invocation] = {}
        self.last_metadata: WriterMetadata | None = None
        #: the builder calls of the writer's last Identify, which the next one may repeat
        self.last_identify: MetadataRecording | None = None
        self._identity: WriterIdentity | None = None
        #: the state and failure of the writer's latest session, as vssadmin shows it
        self.last_state = VSS_WRITER_STATE.VSS_WS_STABLE
        self.last_failure = hr.S_OK

    def __repr__(self) -> str:
        return f"<WriterCore {self.name!r} {self.instance_id}>"

    @property
    def identity(self) -> WriterIdentity:
        """Who the writer says it is in its metadata (built once)."""
        identity = self._identity
        if identity is None:
            identity = self._identity = WriterIdentity(
                instance_id=self.instance_id,
                writer_id=self.writer_id,
                writer_name=self.name,
                usage_type=self.usage_type,
                source_type=self.source_type,
                instance_name=self.instance_name,
                major_version=self.version[0],
                minor_version=self.version[1],
            )
        return identity

    # -- the where-callable and thread rules --------------------------------------------------

    def invocation_for(self, method: str) -> Invocation:
        """The handler invocation a writer-side call belongs to, or raise (docs/reference.md §1.5)."""
        rule = WRITER_CALLS[method]
        inv = self.active.get(current_thread_key())
        if inv is None:
            # A snapshot: handlers may end on the simulator's thread while a worker asks.
            running = list(self.active.values())
            if not rule.thread_rule and len(running) == 1:
                # Not bound to the handler's thread: a worker may ask while exactly one handler runs.
                inv = running[0]
            else:
                return self._refuse_off_thread(method, rule.thread_rule)
        if getattr(inv, "session", None) is None:
            # The handler returned meanwhile (a worker kept asking): no handler runs for it now.
            return self._refuse_off_thread(method, rule.thread_rule)
        if rule.events is not None and inv.event not in rule.events:
            where = ", ".join(sorted(e.value for e in rule.events))
            message = (
                f"{method} may not be called in {inv.event.value}: it is allowed in {where} "
                f"(docs/reference.md {rule.source})."
            )
            if rule.thread_rule:
                message += f" The call came from {inv.thread!r}, the thread running {inv.name}."
            record_violation(
                self.host.recorder, ViolationRule.FORBIDDEN_IN_HANDLER, message, self, inv
            )
            if rule.thread_rule:
                thread = inv.thread or ""
                raise WrongThreadError(message, handler_thread=thread, calling_thread=thread)
            raise VssBadState(message)
        return inv

    def report(self, method: str, message: str) -> None:
        """Record a refused IVssComponent call made from one of this writer's handlers."""
        inv = self.active.get(current_thread_key())
        record_violation(self.host.recorder, ViolationRule.FORBIDDEN_IN_HANDLER, message, self, inv)

    def _refuse_off_thread(self, method: str, thread_rule: bool) -> NoReturn:
        recorder = self.host.recorder
        calling = recorder.thread_label()
        running = list(self.active.values())
        if running:
            handlers = "; ".join(
                f"{inv.event.value} of session {inv.session_id} runs on {inv.thread!r}"
                for inv in running
            )
            if thread_rule:
                message = (
                    f"{method} must be called on the thread that invoked the handler "
                    f"(docs/reference.md §1.5): {handlers}, but the call came from {calling!r}."
                )
            else:
                message = (
                    f"{method} came from {calling!r}, which runs no handler of writer "
                    f"{self.name!r}, while {len(running)} of its handlers run ({handlers}): the "
                    "session it asks about is ambiguous. Call it on the handler's thread, or "
                    "while exactly one handler runs (docs/reference.md §1.5)."
                )
            rule = ViolationRule.WRONG_THREAD
            handler_thread: str | None = running[0].thread if len(running) == 1 else None
        else:
            message = (
                f"{method} may only be called from inside a handler of writer {self.name!r}, on "
                f"the thread that invoked it (docs/reference.md §1.5); no handler is running, and the "
                f"call came from {calling!r}."
            )
            rule = ViolationRule.OUTSIDE_HANDLER
            handler_thread = None
        only = running[0] if len(running) == 1 else None
        record_violation(recorder, rule, message, self, only, thread=calling)
        if thread_rule:
            raise WrongThreadError(message, handler_thread=handler_thread, calling_thread=calling)
        raise VssBadState(message)
