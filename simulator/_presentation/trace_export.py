"""The trace as JSON lines, read back into records, and the spans every picture of a run draws.

A trace (``system.trace``) is a list of ``TraceRecord``. ``to_jsonl`` writes one JSON object a
line, ``read_jsonl`` reads such text back (a line it cannot read is a ``ValueError`` naming the
line). The other exports (``trace_export_chrome``, ``trace_export_mermaid``, ``trace_export_html``)
draw the spans found here:

* a handler's span runs from its event record to ``end_time``, when it returned (a trace written
  before records had end times: to the next record of that task, else to the record's own time);
* an asynchronous operation's span runs from the requester's call (result ``IVssAsync``) to its
  ``"<name> completed"`` record;
* the creation lock is held from a successful StartSnapshotSet until DoSnapshotSet completes, the
  backup is aborted or the object is released, whichever comes first (docs/reference.md §8).

A span that never ends in the trace ends at the trace's last time.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from .._engine.trace import TraceKind, TraceRecord

__all__ = [
    "Span",
    "async_spans",
    "handler_end",
    "lock_spans",
    "read_jsonl",
    "record_from_dict",
    "record_to_dict",
    "sessions_in",
    "short_id",
    "to_jsonl",
    "writers_in",
]

#: The keys of one JSON line, in the order they are written.
FIELDS = (
    "time",
    "end_time",
    "kind",
    "name",
    "session_id",
    "thread",
    "writer",
    "result",
    "detail",
)

#: Records after which a session no longer holds the creation lock (docs/reference.md §8).
_LOCK_ENDS = ("DoSnapshotSet completed", "AbortBackup", "Release")


def record_to_dict(record: TraceRecord) -> dict[str, Any]:
    """One record as plain JSON values."""
    return {
        "time": record.time,
        "end_time": record.end_time,
        "kind": record.kind.value,
        "name": record.name,
        "session_id": str(record.session_id) if record.session_id else None,
        "thread": record.thread,
        "writer": record.writer,
        "result": record.result,
        "detail": record.detail,
    }


def record_from_dict(values: dict[str, Any]) -> TraceRecord:
    """The record ``record_to_dict`` made; ``end_time`` may be missing (older traces)."""
    session = values.get("session_id")
    end = values.get("end_time")
    return TraceRecord(
        time=float(values["time"]),
        kind=TraceKind(values["kind"]),
        name=str(values["name"]),
        session_id=uuid.UUID(session) if session else None,
        thread=values.get("thread"),
        writer=values.get("writer"),
        result=values.get("result"),
        detail=values.get("detail"),
        end_time=None if end is None else float(end),
    )


def to_jsonl(records: Iterable[TraceRecord]) -> str:
    """The trace as JSON lines: one object a record, keys as in ``record_to_dict``."""
    return "".join(json.dumps(record_to_dict(record)) + "\n" for record in records)


def read_jsonl(text: str) -> list[TraceRecord]:
    """Records from JSON-lines text (blank lines are skipped); ``ValueError`` names a bad line."""
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            values = json.loads(line)
            if not isinstance(values, dict):
                raise TypeError("not a JSON object")
            records.append(record_from_dict(values))
        except (ValueError, TypeError, KeyError) as exc:
            reason = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
            raise ValueError(f"line {number} is not a trace record: {reason}") from None
    return records


def short_id(session_id: uuid.UUID | None) -> str:
    """The first 8 hex digits of a session id, as the demo prints it; "-" for none."""
    return str(session_id)[:8] if session_id else "-"


def sessions_in(records: Iterable[TraceRecord]) -> list[uuid.UUID]:
    """Every session id of the trace, in order of first appearance."""
    seen: dict[uuid.UUID, None] = {}
    for record in records:
        if record.session_id is not None:
            seen.setdefault(record.session_id, None)
    return list(seen)


def writers_in(records: Iterable[TraceRecord]) -> list[str]:
    """Every writer that got an event (or made a fault or violation), in order of first appearance."""
    seen: dict[str, None] = {}
    for record in records:
        if record.writer and record.kind is not TraceKind.PROVIDER:
            seen.setdefault(record.writer, None)
    return list(seen)


def handler_end(records: Sequence[TraceRecord], index: int) -> float:
    """When the handler or provider call of ``records[index]`` returned, in virtual seconds."""
    record = records[index]
    if record.end_time is not None:
        return record.end_time
    for later in records[index + 1 :]:
        if later.thread == record.thread:
            return later.time
    return record.time


@attrs.frozen
class Span:
    """A stretch of virtual time: what, for which session, from ``start`` to ``end`` seconds."""

    name: str
    session_id: uuid.UUID | None
    start: float
    end: float
    result: str | None = None
    #: the indexes of the records that open and close it (None: no such record)
    first: int | None = None
    last: int | None = None


def _last_time(records: Sequence[TraceRecord]) -> float:
    return max((r.end_time or r.time for r in records), default=0.0)


def async_spans(records: Sequence[TraceRecord]) -> list[Span]:
    """Each asynchronous operation, from the requester's call to its completion record."""
    spans: list[Span] = []
    open_ops: dict[tuple[uuid.UUID | None, str], TraceRecord] = {}
    for record in records:
        if record.kind is not TraceKind.CALL:
            continue
        if record.result == "IVssAsync":
            open_ops[(record.session_id, record.name)] = record
            continue
        name = record.name.removesuffix(" completed")
        if name != record.name:
            started = open_ops.pop((record.session_id, name), None)
            if started is not None:
                spans.append(
                    Span(name, record.session_id, started.time, record.time, record.result)
                )
    end = _last_time(records)
    spans.extend(
        Span(r.name, r.session_id, r.time, end, "not completed") for r in open_ops.values()
    )
    return sorted(spans, key=lambda span: (span.start, span.end))


def lock_spans(records: Sequence[TraceRecord]) -> list[Span]:
    """Who held the creation lock when: one span per snapshot set in creation (docs/reference.md §8)."""
    spans: list[Span] = []
    holder: int | None = None
    for index, record in enumerate(records):
        starts = (
            record.kind is TraceKind.CALL
            and record.name == "StartSnapshotSet"
            and record.result == "S_OK"
        )
        held = None if holder is None else records[holder]
        if held is None or (starts and record.session_id != held.session_id):
            if held is not None:  # the model refuses this; a hand-made trace may not
                spans.append(_lock(held, holder, record.time, None, None))
            holder = index if starts else None
            continue
        if record.session_id != held.session_id:
            continue
        aborted = record.kind is TraceKind.FAULT and record.name == "abort"
        if aborted or (record.kind is TraceKind.CALL and record.name in _LOCK_ENDS):
            how = "aborted" if aborted or record.name == "AbortBackup" else record.result
            if record.name == "Release":
                how = "released"
            spans.append(_lock(held, holder, record.time, how, index))
            holder = None
    if holder is not None:
        spans.append(_lock(records[holder], holder, _last_time(records), "held", None))
    return spans


def _lock(
    start: TraceRecord, first: int | None, end: float, how: str | None, last: int | None
) -> Span:
    return Span("creation lock", start.session_id, start.time, end, how, first, last)
