"""The trace: every requester call, writer event, provider call, fault and rule violation, in order.

Recording is on the hot path, so the model appends small mutable entries and builds the frozen,
public ``TraceRecord`` values only when someone reads ``system.trace``.
"""

from __future__ import annotations

import enum
import uuid

import attrs

from .._vocabulary.clock import TICKS_PER_SECOND

__all__ = ["TraceKind", "TraceRecord", "Violation", "ViolationRule"]


class TraceKind(str, enum.Enum):
    """What a trace record describes."""

    CALL = "call"  # a requester call on IVssBackupComponents / IVssAsync
    EVENT = "event"  # a writer handler invoked by the coordinator
    PROVIDER = "provider"  # a call the coordinator made on a provider
    FAULT = "fault"  # something went wrong that the model reacted to (timeout, veto, abort)
    VIOLATION = "violation"  # a documented rule broken by user code


class ViolationRule(str, enum.Enum):
    """The documented rules whose breaking is recorded in ``system.violations``."""

    WRONG_THREAD = "wrong-thread"  # docs/reference.md §1.5: call not on the handler's own thread
    OUTSIDE_HANDLER = "outside-handler"  # docs/reference.md §1.5: call while no handler runs
    FORBIDDEN_IN_HANDLER = "forbidden-in-handler"  # docs/reference.md §1.5/§1.6: not callable there
    HANDLER_RAISED = "handler-raised"  # docs/reference.md §1.1: handlers must never throw
    BAD_RESULT = "bad-result"  # docs/reference.md §1.4: handlers return a bool
    METADATA_CHANGED = (
        "metadata-changed"  # docs/reference.md §7.1: OnIdentify must be deterministic
    )
    PROVIDER_MISBEHAVED = (
        "provider-misbehaved"  # docs/reference.md §9: provider raised or broke the contract
    )
    # Requester obligations Windows does not refuse but that break restores:
    BACKUP_SUCCEEDED_NOT_SET = (
        "backup-succeeded-not-set"  # docs/reference.md §3.2 row 16: before BackupComplete
    )
    FILE_RESTORE_STATUS_NOT_SET = (
        "file-restore-status-not-set"  # docs/reference.md §3.3 row 9: before PostRestore
    )
    NONSELECTABLE_SUBCOMPONENT_ADDED = (
        "nonselectable-subcomponent-added"  # docs/reference.md §7.4: never add it explicitly
    )
    UNNAMED_WRITER_INSTANCE = (
        "unnamed-writer-instance"  # docs/reference.md §1.2: multi-instance writers need names
    )


@attrs.frozen
class TraceRecord:
    """One step of a run. ``time`` is virtual seconds; ``thread`` names the simulator task.

    ``end_time`` is when a handler (an event record) or a provider call returned, in virtual
    seconds; None for the other kinds, which take no time.
    """

    time: float
    kind: TraceKind
    name: str
    session_id: uuid.UUID | None = None
    thread: str | None = None
    writer: str | None = None
    result: str | None = None
    detail: str | None = None
    end_time: float | None = None

    def __str__(self) -> str:
        session = str(self.session_id)[:8] if self.session_id else "-"
        parts = [f"{self.time:12.6f}s", session, self.thread or "-", self.kind.value]
        if self.writer:
            parts.append(f"[{self.writer}]")
        parts.append(self.name)
        if self.detail:
            parts.append(f"({self.detail})")
        if self.result is not None:
            parts.append(f"-> {self.result}")
        return " ".join(parts)


@attrs.frozen
class Violation:
    """A rule broken by user code: which rule, by whom, where, and what was expected."""

    rule: ViolationRule
    message: str
    writer: str | None = None
    handler: str | None = None
    session_id: uuid.UUID | None = None
    thread: str | None = None
    time: float = 0.0


class Entry:
    """A mutable trace entry; ``result`` (and ``end_ticks`` for a step that takes time) is filled
    in when the step ends.

    Entries are made once per step by the recorder (and by the event delivery, whose
    ``Invocation`` is an entry): ``new_entry`` makes one field by field, as a class call with an
    ``__init__`` would cost a Python frame entered from C on every step."""

    __slots__ = (
        "detail",
        "end_ticks",
        "kind",
        "name",
        "result",
        "session_id",
        "thread",
        "ticks",
        "writer",
    )

    ticks: int
    kind: TraceKind
    name: str
    session_id: uuid.UUID | None
    thread: str | None
    writer: str | None
    result: str | None
    detail: str | None
    end_ticks: int | None

    def freeze(self) -> TraceRecord:
        end = self.end_ticks
        return TraceRecord(
            time=self.ticks / TICKS_PER_SECOND,
            kind=self.kind,
            name=self.name,
            session_id=self.session_id,
            thread=self.thread,
            writer=self.writer,
            result=self.result,
            detail=self.detail,
            end_time=None if end is None else end / TICKS_PER_SECOND,
        )


def new_entry(
    ticks: int,
    kind: TraceKind,
    name: str,
    session_id: uuid.UUID | None,
    thread: str | None,
    writer: str | None,
    result: str | None = None,
    detail: str | None = None,
) -> Entry:
    """A new entry (its ``end_ticks`` None until the step ends)."""
    made = Entry()
    made.ticks = ticks
    made.kind = kind
    made.name = name
    made.session_id = session_id
    made.thread = thread
    made.writer = writer
    made.result = result
    made.detail = detail
    made.end_ticks = None
    return made
