"""The trace's only writer: every call, event, provider call, fault and violation is recorded
here, in order, with its virtual time and the thread that made it.

Recording is on the hot path, so the recorder appends small mutable ``Entry`` objects (an event's
entry is its running invocation) and ``trace.TraceRecord`` values are built only when read.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections import deque
from collections.abc import Iterable, MutableSequence
from typing import Any

from .._vocabulary.clock import TICKS_PER_SECOND, VirtualClock
from .scheduler import Scheduler, Task, current_context
from .trace import Entry, TraceKind, Violation, ViolationRule, new_entry

__all__ = ["MIN_VIOLATIONS_KEPT", "TraceRecorder"]

_getcurrent = current_context
_current_thread = threading.current_thread
_get_ident = threading.get_ident

#: Names ``threading`` gives unnamed threads, numbered process-wide; renumbered per machine so the
#: trace does not depend on what ran earlier in the process.
_NUMBERED_THREAD = re.compile(r"(Thread|ThreadPoolExecutor|Dummy)-(\d+)")


_CALL = TraceKind.CALL
_VIOLATION = TraceKind.VIOLATION

#: Violations kept whatever the ``trace_limit``.
MIN_VIOLATIONS_KEPT = 100


class TraceRecorder:
    """Appends the trace of one machine and keeps its rule violations."""

    def __init__(self, clock: VirtualClock, scheduler: Scheduler, limit: int | None = None) -> None:
        self._clock = clock
        self._scheduler = scheduler
        #: the trace; with a ``limit`` only the last ``limit`` records
        self.entries: MutableSequence[Entry] = [] if limit is None else deque(maxlen=limit)
        #: with a ``limit``, the first ``limit`` violations (at least ``MIN_VIOLATIONS_KEPT``) are
        #: kept and the later ones counted: a run that breaks a rule always shows it
        self._violation_room = None if limit is None else max(limit, MIN_VIOLATIONS_KEPT)
        #: violations past the room: recorded in the trace, counted, not kept
        self.dropped_violations = 0
        #: violations recorded since ``violations`` was last read: (rule, handler, trace entry).
        #: Writers' own threads may report violations concurrently with the simulator's thread:
        #: without a room, a violation is two appends (each atomic) and ``violations`` takes them
        #: off one by one; with a room, the check and the append are made under ``_lock``.
        self._recorded: deque[tuple[ViolationRule, str | None, Entry]] = deque()
        #: the violations read so far, as values
        self._built: list[Violation] = []
        self._lock = threading.Lock()
        self._thread_numbers: dict[tuple[str, str], int] = {}
        #: the label of each OS thread name seen (the regex runs once per name)
        self._labels: dict[str, str] = {}
        # The scheduler's own thread records most: its label is kept while its name stays. The
        # name is read from the thread's attributes (``_name``, what the ``Thread.name``
        # property returns), without the property's call on every record.
        self._owner: dict[str, Any] = vars(_current_thread())
        self._owner_ident = _get_ident()
        self._owner_name: str | None = None
        self._owner_label = ""

    def record(
        self,
        kind: TraceKind,
        name: str,
        session_id: uuid.UUID | None = None,
        writer: str | None = None,
        *,
        detail: str | None = None,
        result: str | None = None,
    ) -> Entry:
        """Append one record now; its ``result`` may be filled in when the step ends."""
        task = self._scheduler.current
        if task is not None and task._glet is _getcurrent():
            thread = task.name  # the common cases of ``thread_label``, without its call
        elif _get_ident() == self._owner_ident and self._owner["_name"] is self._owner_name:
            thread = self._owner_label
        else:
            thread = self.thread_label()
        entry = new_entry(self._clock.ticks, kind, name, session_id, thread, writer, result, detail)
        self.entries.append(entry)
        return entry

    def call(self, name: str, session_id: uuid.UUID | None, task: Task | None) -> Entry:
        """Append a requester call's record (``record`` of a CALL, which every call makes), made
        by ``task``, the running simulator task, or outside any task when it is None (the gate
        has just looked)."""
        if task is not None:
            thread = task.name
        elif _get_ident() == self._owner_ident and self._owner["_name"] is self._owner_name:
            thread = self._owner_label
        else:
            thread = self.thread_label()
        entry = Entry()  # ``new_entry``, inline: every requester call makes one
        entry.ticks = self._clock.ticks
        entry.kind = _CALL
        entry.name = name
        entry.session_id = session_id
        entry.thread = thread
        entry.writer = entry.result = entry.detail = entry.end_ticks = None
        self.entries.append(entry)
        return entry

    def now_ticks(self) -> int:
        """The virtual time now, in ticks (a step's end time)."""
        return self._clock.ticks

    def append(self, entry: Entry) -> None:
        """Append a record made by its owner (a handler invocation records itself)."""
        self.entries.append(entry)

    def violation(
        self,
        rule: ViolationRule,
        message: str,
        *,
        writer: str | None = None,
        handler: str | None = None,
        session_id: uuid.UUID | None = None,
        thread: str | None = None,
    ) -> None:
        """Record a rule broken by user code, in ``violations`` and in the trace."""
        # ``_value_``: the member's value, without the ``value`` property's lookup
        entry = new_entry(
            self._clock.ticks,
            _VIOLATION,
            rule._value_,
            session_id,
            thread or self.thread_label(),
            writer,
            detail=message,
        )
        if self._violation_room is None:
            self._recorded.append((rule, handler, entry))
            self.entries.append(entry)
        else:
            self._keep(rule, handler, entry)

    def violations_by(
        self,
        rule: ViolationRule,
        messages: Iterable[str],
        session_id: uuid.UUID | None,
        thread: str,
    ) -> None:
        """Record one violation of ``rule`` per message, all now, by ``thread``, outside any
        writer and handler (a requester obligation checked for every component)."""
        ticks = self._clock.ticks
        name = rule._value_
        room = self._violation_room
        keep = self._recorded.append
        append = self.entries.append
        for message in messages:
            entry = new_entry(ticks, _VIOLATION, name, session_id, thread, None, detail=message)
            if room is None:
                keep((rule, None, entry))
                append(entry)
            else:
                self._keep(rule, None, entry)

    def _keep(self, rule: ViolationRule, handler: str | None, entry: Entry) -> None:
        """Record a violation with a ``limit``: kept while there is room, else counted."""
        with self._lock:
            room = self._violation_room
            if room is None or len(self._built) + len(self._recorded) < room:
                self._recorded.append((rule, handler, entry))
            else:
                self.dropped_violations += 1
            self.entries.append(entry)

    @property
    def violations(self) -> list[Violation]:
        """The rule violations seen so far, in order (built when first read)."""
        built = self._built
        recorded = self._recorded
        with self._lock:
            while recorded:
                rule, handler, entry = recorded.popleft()
                built.append(
                    Violation(
                        rule=rule,
                        message=entry.detail or "",
                        writer=entry.writer,
                        handler=handler,
                        session_id=entry.session_id,
                        thread=entry.thread,
                        time=entry.ticks / TICKS_PER_SECOND,
                    )
                )
        return built

    @property
    def clock(self) -> VirtualClock:
        return self._clock

    @property
    def scheduler(self) -> Scheduler:
        return self._scheduler

    def thread_label(self) -> str:
        """The running simulator task's name, or the OS thread's, numbered per machine."""
        task = self._scheduler.current
        if task is not None and task._glet is _getcurrent():
            return task.name
        if _get_ident() == self._owner_ident:
            name = self._owner["_name"]
            if name is self._owner_name:
                return self._owner_label
            self._owner_name = name
            self._owner_label = label = self._label_of(name)
            return label
        return self._label_of(_current_thread().name)

    def _label_of(self, name: str) -> str:
        label = self._labels.get(name)
        if label is None:
            label = self._labels[name] = self._numbered(name)
        return label

    def _numbered(self, name: str) -> str:
        numbered = _NUMBERED_THREAD.match(name)
        if numbered is None:
            return name
        numbers = self._thread_numbers
        number = numbers.setdefault((numbered[1], numbered[2]), len(numbers) + 1)
        return f"{numbered.group(1)}-{number}{name[numbered.end() :]}"
