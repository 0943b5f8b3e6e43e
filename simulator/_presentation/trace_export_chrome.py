"""The trace as Chrome trace-event JSON, the format Perfetto (ui.perfetto.dev) and chrome://tracing
open: a timeline with one track per session and per writer.

Processes and their threads (tracks), named by metadata ("M") events:

* "VSS service": the creation lock, one slice per snapshot set in creation (docs/reference.md §8);
* "writers": one track per writer; each handler is a complete ("X") slice lasting its virtual
  duration, named after the event, with the session in its arguments;
* one process per session, "session 1a2b3c4d (session-1)": the requester's track, where each
  asynchronous operation is a slice from the call to its completion and each other call an
  instant, and a "providers" track with one slice per provider call.

Faults and rule violations are instants ("i") on their writer's track, or on the session's
requester track when no writer is named. Timestamps are microseconds of virtual time. Slices on one
track never overlap: when two handlers of one writer run at once (two sessions), the second goes to
a further track of that writer, "<writer> (2)".
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from .._engine.trace import TraceKind, TraceRecord
from .trace_export import async_spans, handler_end, lock_spans, sessions_in, short_id, writers_in

__all__ = ["chrome_trace_events", "to_chrome_trace"]

_SERVICE_PID = 1
_WRITERS_PID = 2
_NO_SESSION_PID = 3
_FIRST_SESSION_PID = 10
_REQUESTER_TID = 1
_PROVIDERS_TID = 2


def _us(seconds: float) -> int:
    return round(seconds * 1_000_000)


class _Tracks:
    """Gives each slice a track (pid, tid) on which it overlaps no other slice."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self._lane_ends: dict[tuple[int, str], list[int]] = {}
        self._tids: dict[tuple[int, str, int], int] = {}
        self._next_tid: dict[int, int] = {}

    def name_process(self, pid: int, name: str, sort_index: int) -> None:
        self._meta(pid, 0, "process_name", {"name": name})
        self._meta(pid, 0, "process_sort_index", {"sort_index": sort_index})

    def thread(self, pid: int, name: str, lane: int = 0, tid: int | None = None) -> int:
        """The tid of track ``name`` (its ``lane``-th overflow track) in ``pid``, named on first use."""
        key = (pid, name, lane)
        found = self._tids.get(key)
        if found is not None:
            return found
        if tid is None:
            tid = self._next_tid.get(pid, 10)
            self._next_tid[pid] = tid + 1
        self._tids[key] = tid
        label = name if lane == 0 else f"{name} ({lane + 1})"
        self._meta(pid, tid, "thread_name", {"name": label})
        self._meta(pid, tid, "thread_sort_index", {"sort_index": tid})
        return tid

    def slice(
        self, pid: int, track: str, name: str, start: int, end: int, args: dict[str, Any]
    ) -> None:
        ends = self._lane_ends.setdefault((pid, track), [])
        lane = next((i for i, lane_end in enumerate(ends) if lane_end <= start), len(ends))
        if lane == len(ends):
            ends.append(end)
        else:
            ends[lane] = end
        tid = self.thread(pid, track, lane)
        self.events.append(
            {
                "name": name,
                "ph": "X",
                "ts": start,
                "dur": end - start,
                "pid": pid,
                "tid": tid,
                "args": args,
            }
        )

    def instant(self, pid: int, tid: int, name: str, ts: int, args: dict[str, Any]) -> None:
        self.events.append(
            {"name": name, "ph": "i", "s": "t", "ts": ts, "pid": pid, "tid": tid, "args": args}
        )

    def _meta(self, pid: int, tid: int, name: str, args: dict[str, Any]) -> None:
        self.events.append({"name": name, "ph": "M", "ts": 0, "pid": pid, "tid": tid, "args": args})


def _args(record: TraceRecord) -> dict[str, Any]:
    values = {
        "session": str(record.session_id) if record.session_id else None,
        "thread": record.thread,
        "writer": record.writer,
        "result": record.result,
        "detail": record.detail,
    }
    return {key: value for key, value in values.items() if value is not None}


def chrome_trace_events(records: Sequence[TraceRecord]) -> list[dict[str, Any]]:
    """The trace events (dicts with name, ph, ts, pid, tid, and dur or args where they apply)."""
    tracks = _Tracks()
    tracks.name_process(_SERVICE_PID, "VSS service", 0)
    tracks.name_process(_WRITERS_PID, "writers", 1)
    tracks.thread(_SERVICE_PID, "creation lock", tid=1)
    for writer in writers_in(records):
        tracks.thread(_WRITERS_PID, writer)
    requesters: dict[uuid.UUID, str] = {}
    for record in records:
        if record.session_id and record.kind is TraceKind.CALL:
            requesters.setdefault(record.session_id, record.thread or "-")
    pids: dict[uuid.UUID | None, int] = {}
    for number, session in enumerate(sessions_in(records)):
        pid = pids[session] = _FIRST_SESSION_PID + number
        tracks.name_process(
            pid, f"session {short_id(session)} ({requesters.get(session, '-')})", 2 + number
        )
        tracks.thread(pid, "requester", tid=_REQUESTER_TID)

    def session_pid(session: uuid.UUID | None) -> int:
        if session not in pids:
            pids[session] = _NO_SESSION_PID
            tracks.name_process(_NO_SESSION_PID, "outside any session", 1000)
            tracks.thread(_NO_SESSION_PID, "requester", tid=_REQUESTER_TID)
        return pids[session]

    for span in lock_spans(records):
        tracks.slice(
            _SERVICE_PID,
            "creation lock",
            f"creation lock: {short_id(span.session_id)}",
            _us(span.start),
            _us(span.end),
            {"session": str(span.session_id), "ended": span.result},
        )
    for span in async_spans(records):
        tracks.slice(
            session_pid(span.session_id),
            "requester",
            span.name,
            _us(span.start),
            _us(span.end),
            {"session": str(span.session_id), "result": span.result},
        )
    for index, record in enumerate(records):
        kind = record.kind
        start = _us(record.time)
        if kind is TraceKind.EVENT and record.writer:
            end = _us(handler_end(records, index))
            tracks.slice(_WRITERS_PID, record.writer, record.name, start, end, _args(record))
        elif kind is TraceKind.PROVIDER:
            end = _us(handler_end(records, index))
            pid = session_pid(record.session_id)
            tracks.thread(pid, "providers", tid=_PROVIDERS_TID)
            tracks.slice(pid, "providers", record.name, start, end, _args(record))
        elif kind is TraceKind.CALL:
            if record.result == "IVssAsync" or record.name.endswith(" completed"):
                continue  # drawn as the operation's slice
            pid = session_pid(record.session_id)
            tracks.instant(pid, _REQUESTER_TID, record.name, start, _args(record))
        else:
            label = f"{kind.value}: {record.name}"
            if record.writer:
                tid = tracks.thread(_WRITERS_PID, record.writer)
                tracks.instant(_WRITERS_PID, tid, label, start, _args(record))
            else:
                pid = session_pid(record.session_id)
                tracks.instant(pid, _REQUESTER_TID, label, start, _args(record))
    return tracks.events


def to_chrome_trace(records: Sequence[TraceRecord]) -> str:
    """The trace as Chrome trace-event JSON text (open it in ui.perfetto.dev)."""
    document = {
        "traceEvents": chrome_trace_events(records),
        "displayTimeUnit": "ms",
        "otherData": {"generator": "vss-sim", "time": "virtual seconds, as microseconds"},
    }
    return json.dumps(document, indent=None, separators=(",", ":")) + "\n"
