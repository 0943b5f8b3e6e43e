"""Writers' session slots: how many sessions a writer keeps state for at once (docs/reference.md
§8, §6 "up to 64 concurrent backup sessions").

A writer takes a slot in a session when it gets that session's Identify. The slot is freed by a
GatherWriterStatus that completes after BackupComplete (every version), when BackupComplete ends
(2008 R2 and later, where that GatherWriterStatus is no longer required), and when the object is
released without a completed BackupComplete.

Policies where the documentation is silent ([INF], docs/design.md):
* Where running out surfaces: a writer without a free slot gets no Identify in that session, is
  not listed by GetWriterMetadata, and GatherWriterStatus lists it with state VSS_WS_UNKNOWN and
  failure VSS_E_WRITER_STATUS_NOT_AVAILABLE; vssadmin is not affected.
* On 2008 SP2 and earlier a backup released after BackupComplete without that GatherWriterStatus
  keeps its slots: the leak the documentation warns about.
"""

from __future__ import annotations

import uuid

from .records import WriterCore

__all__ = ["SessionSlots"]


class SessionSlots:
    """The slots every writer of one machine holds, by session."""

    __slots__ = ("_held", "_holders", "per_writer", "refused")

    def __init__(self, per_writer: int) -> None:
        self.per_writer = per_writer
        # Sessions are keyed by the integer of their id here: it hashes without a Python call.
        #: writer -> the sessions it holds a slot in, in the order it took them
        self._held: dict[WriterCore, dict[int, None]] = {}
        #: session -> the writers holding a slot in it
        self._holders: dict[int, list[WriterCore]] = {}
        #: session id -> the writers that found no free slot in it, in order
        self.refused: dict[uuid.UUID, list[WriterCore]] = {}

    def take(self, core: WriterCore, session_id: uuid.UUID) -> bool:
        """Give ``core`` a slot in the session; False (and remembered) when none is free."""
        key = session_id.int
        held = self._held.get(core)
        if held is None:
            held = self._held[core] = {}
        elif key in held:
            return True
        if len(held) >= self.per_writer:
            self.refused.setdefault(session_id, []).append(core)
            return False
        held[key] = None
        holders = self._holders.get(key)
        if holders is None:
            self._holders[key] = [core]
        else:
            holders.append(core)
        return True

    def held(self, core: WriterCore) -> int:
        """How many slots ``core`` holds now."""
        return len(self._held.get(core, ()))

    def free(self, session_id: uuid.UUID) -> None:
        """Every slot of the session is free again."""
        key = session_id.int
        holders = self._holders.pop(key, None)
        if holders is not None:
            held = self._held
            for core in holders:
                held[core].pop(key, None)

    def end(self, session_id: uuid.UUID) -> None:
        """The session is over (Release): its slots are free and its refusals forgotten."""
        self.free(session_id)
        refused = self.refused
        if refused:  # an empty dict is not searched (a UUID hashes in Python)
            refused.pop(session_id, None)
