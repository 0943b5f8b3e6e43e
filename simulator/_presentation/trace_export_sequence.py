"""The trace as a sequence diagram's messages, requester → VSS → writers, and as Mermaid text.

Participants, left to right: one requester per requester thread (a retry is a new VSS session
on the same thread, so a note names each session as it starts), VSS, each provider, each writer.
A requester's call is an arrow to VSS (its result after "→" unless S_OK); an asynchronous
operation's completion a dashed arrow back; an event an arrow from VSS to the writer, with its
result and, when it took virtual time, its duration; a provider call an arrow to the provider.
Faults, rule violations and the creation lock (docs/reference.md §8) are notes. Repeated identical
messages in a row are drawn once with "×n".
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import attrs

from .._engine.trace import TraceKind, TraceRecord
from .trace_export import handler_end, lock_spans, short_id

__all__ = ["Message", "Participant", "SequenceDiagram", "sequence_diagram", "to_mermaid"]

VSS = "VSS"
#: Longest note text kept (fault details can be paragraphs).
_NOTE_LENGTH = 100


@attrs.frozen
class Participant:
    """A lifeline: ``key`` is its Mermaid id, ``group`` one of requester, vss, provider, writer."""

    key: str
    label: str
    group: str


@attrs.frozen
class Message:
    """One arrow or note. ``style``: call, return, event, provider, fault, violation, note."""

    time: float
    source: str
    target: str
    text: str
    style: str
    session_id: uuid.UUID | None = None
    writer: str | None = None
    count: int = 1


@attrs.frozen
class SequenceDiagram:
    """The participants in order and the messages in trace order."""

    participants: tuple[Participant, ...]
    messages: tuple[Message, ...]


def _trim(text: str) -> str:
    return text if len(text) <= _NOTE_LENGTH else text[: _NOTE_LENGTH - 1] + "…"


def _seconds(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") + " s"


class _Builder:
    def __init__(self) -> None:
        self.participants: dict[str, Participant] = {VSS: Participant(VSS, "VSS", "vss")}
        self._by_name: dict[tuple[str, str], str] = {}
        self.messages: list[Message] = []

    def participant(self, group: str, name: str, prefix: str) -> str:
        key = self._by_name.get((group, name))
        if key is None:
            count = sum(1 for p in self.participants.values() if p.group == group)
            key = self._by_name[(group, name)] = f"{prefix}{count + 1}"
            self.participants[key] = Participant(key, name, group)
        return key

    def add(self, message: Message) -> None:
        last = self.messages[-1] if self.messages else None
        if (
            last is not None
            and message.style not in ("fault", "violation", "note")
            and (last.source, last.target, last.text, last.style, last.session_id)
            == (message.source, message.target, message.text, message.style, message.session_id)
        ):
            self.messages[-1] = attrs.evolve(last, count=last.count + 1)
            return
        self.messages.append(message)

    def ordered(self) -> tuple[Participant, ...]:
        order = {"requester": 0, "vss": 1, "provider": 2, "writer": 3}
        return tuple(sorted(self.participants.values(), key=lambda p: order[p.group]))


def sequence_diagram(records: Sequence[TraceRecord]) -> SequenceDiagram:
    """The messages of a sequence diagram of ``records`` (see the module docstring)."""
    builder = _Builder()
    requester_of: dict[uuid.UUID | None, str] = {}
    for record in records:
        if record.kind is TraceKind.CALL and not record.name.endswith(" completed"):
            requester_of.setdefault(record.session_id, record.thread or "requester")
    lock_notes: dict[int, list[str]] = {}
    for span in lock_spans(records):
        if span.first is not None:
            lock_notes.setdefault(span.first, []).append(
                f"creation lock taken by session {short_id(span.session_id)}"
            )
        if span.last is not None:
            lock_notes.setdefault(span.last, []).append(
                f"creation lock free ({short_id(span.session_id)}: {span.result})"
            )
    seen_sessions: set[uuid.UUID | None] = set()
    for index, record in enumerate(records):
        session = record.session_id
        requester = builder.participant(
            "requester", f"requester {requester_of.get(session, 'requester')}", "R"
        )
        if session is not None and session not in seen_sessions and record.kind is TraceKind.CALL:
            seen_sessions.add(session)
            builder.add(
                Message(record.time, requester, requester, f"session {session}", "note", session)
            )
        _add_record(builder, records, index, requester)
        for text in lock_notes.get(index, ()):
            builder.add(Message(record.time, VSS, VSS, text, "note", session))
    used = {m.source for m in builder.messages} | {m.target for m in builder.messages}
    participants = tuple(p for p in builder.ordered() if p.key in used or p.key == VSS)
    return SequenceDiagram(participants, tuple(builder.messages))


def _add_record(
    builder: _Builder, records: Sequence[TraceRecord], index: int, requester: str
) -> None:
    record = records[index]
    kind, session, result = record.kind, record.session_id, record.result
    if kind is TraceKind.CALL:
        if record.name.endswith(" completed"):
            text = f"{record.name}: {result}" if result else record.name
            builder.add(Message(record.time, VSS, requester, text, "return", session))
            return
        text = record.name + (f" → {result}" if result not in (None, "S_OK") else "")
        builder.add(Message(record.time, requester, VSS, text, "call", session))
    elif kind is TraceKind.EVENT and record.writer:
        writer = builder.participant("writer", record.writer, "W")
        took = handler_end(records, index) - record.time
        text = record.name + (f" → {result}" if result else "")
        if took > 0:
            text += f" ({_seconds(took)})"
        builder.add(Message(record.time, VSS, writer, text, "event", session, record.writer))
    elif kind is TraceKind.PROVIDER:
        provider = builder.participant("provider", record.writer or "provider", "P")
        text = record.name + (f" → {result}" if result not in (None, "S_OK") else "")
        took = handler_end(records, index) - record.time
        if took > 0:
            text += f" ({_seconds(took)})"
        builder.add(Message(record.time, VSS, provider, text, "provider", session))
    else:
        where = builder.participant("writer", record.writer, "W") if record.writer else VSS
        text = f"{kind.value}: {record.name}" + (f": {record.detail}" if record.detail else "")
        builder.add(
            Message(record.time, where, where, _trim(text), kind.value, session, record.writer)
        )


def _mermaid_text(text: str) -> str:
    """Message text Mermaid reads as text: no statement separators or entity starts."""
    return text.replace(";", ",").replace("#", "no. ").replace("\n", " ")


def to_mermaid(records: Sequence[TraceRecord]) -> str:
    """The trace as a Mermaid sequence diagram (``sequenceDiagram``), requester → VSS → writers."""
    diagram = sequence_diagram(records)
    lines = ["sequenceDiagram"]
    for p in diagram.participants:
        lines.append(f"    participant {p.key} as {_mermaid_text(p.label)}")
    for m in diagram.messages:
        text = _mermaid_text(m.text + (f" ×{m.count}" if m.count > 1 else ""))
        if m.source == m.target:
            lines.append(f"    Note over {m.source}: {text}")
        else:
            arrow = "-->>" if m.style == "return" else "->>"
            lines.append(f"    {m.source}{arrow}{m.target}: {text}")
    return "\n".join(lines) + "\n"
