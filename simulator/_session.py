"""What the coordinator keeps per session: the session itself, and each writer's part in it.

A session is one IVssBackupComponents object's backup or restore (vss-facts §8). A writer may be
in several sessions at once; its state, failure code and metadata are kept per session (§2.2).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from . import hresults as hr
from ._enums import (
    VSS_APPLICATION_LEVEL,
    VSS_BACKUP_TYPE,
    VSS_RESTORE_TYPE,
    VSS_WRITER_STATE,
)
from ._rules import WriterEvent
from ._trace import Entry, TraceKind

if TYPE_CHECKING:
    from ._components import BackupComponentsDocument
    from ._metadata import IVssExamineWriterMetadata, WriterMetadata
    from ._provider import Snapshot, VssProvider
    from ._system import Volume, VssSystem
    from ._writer import WriterCore

__all__ = ["Invocation", "PlannedSnapshot", "Session", "WriterSession"]


class WriterSession:
    """One writer's part in one session: its state there and what it reported."""

    __slots__ = (
        "application_message",
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
        self.state = VSS_WRITER_STATE.VSS_WS_STABLE
        self.hr_failure = hr.S_OK
        self.hr_application = hr.S_OK
        self.application_message = ""
        self.metadata: WriterMetadata | None = None
        self.examine: IVssExamineWriterMetadata | None = None
        self.joined = False
        self.frozen_at: int | None = None
        self.post_snapshot_done = False

    def __repr__(self) -> str:
        return f"<WriterSession {self.core.name!r} {self.state.name}>"


class Invocation(Entry):
    """A handler running now, which is also its trace record: which writer, which event, which
    session, on which thread, and (once it returns) how it ended."""

    __slots__ = ("event", "failed", "session", "ws")

    def __init__(
        self,
        ticks: int,
        session: Session,
        ws: WriterSession,
        event: WriterEvent,
        name: str,
        thread: str,
    ) -> None:
        self.ticks = ticks
        self.kind = TraceKind.EVENT
        self.name = name
        self.session_id = session.session_id
        self.thread = thread
        self.writer = ws.core.name
        self.result: str | None = None
        self.detail: str | None = None
        self.session = session
        self.ws = ws
        self.event = event
        self.failed = False


class PlannedSnapshot:
    """A volume added to the set: the snapshot id promised by AddToSnapshotSet and its provider."""

    __slots__ = ("provider", "snapshot", "snapshot_id", "volume")

    def __init__(self, volume: Volume, provider: VssProvider, snapshot_id: uuid.UUID) -> None:
        self.volume = volume
        self.provider = provider
        self.snapshot_id = snapshot_id
        self.snapshot: Snapshot | None = None


class Session:
    """The coordinator's record of one backup or restore session."""

    def __init__(
        self, system: VssSystem, session_id: uuid.UUID, bcd: BackupComponentsDocument
    ) -> None:
        self.system = system
        self.session_id = session_id
        self.restore = False
        self.context = 0
        self.bcd = bcd
        self.restore_type = VSS_RESTORE_TYPE.VSS_RTYPE_UNDEFINED
        self.snapshot_set_id: uuid.UUID | None = None
        self.planned: dict[str, PlannedSnapshot] = {}
        #: writers whose Identify succeeded, in the order they answered (they have a status)
        self.writers: dict[uuid.UUID, WriterSession] = {}
        #: every writer that received an event of this session (BackupShutdown goes to them)
        self.touched: list[WriterSession] = []
        self.current_level: VSS_APPLICATION_LEVEL | None = None
        self.do_snapshot_called = False
        #: EndPrepareSnapshots went out: from here providers hear of an abort (vss-facts §4.2)
        self.providers_prepared = False
        self.snapshot_created = False
        self.abort_requested = False

    @property
    def backup_type(self) -> VSS_BACKUP_TYPE:
        return VSS_BACKUP_TYPE(self.bcd.backup_type)

    @property
    def select_components(self) -> bool:
        return bool(self.bcd.select_components)

    def __repr__(self) -> str:
        return f"<Session {self.session_id}>"
