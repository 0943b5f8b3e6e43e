"""GUIDs from the machine's one seeded generator (docs/reference.md §8: a session id names one
session, so a GUID is never issued twice by one machine)."""

from __future__ import annotations

import random
import uuid

__all__ = ["GuidSource"]


class GuidSource:
    """Draws version-4 GUIDs from ``rng``, never one it issued before, even from a generator that
    repeats itself."""

    __slots__ = ("_issued", "_rng")

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._issued: set[uuid.UUID] = set()

    def new(self) -> uuid.UUID:
        """A fresh GUID."""
        value = self._rng.getrandbits(128)
        guid = uuid.UUID(int=value, version=4)
        while guid in self._issued:
            value += 1
            guid = uuid.UUID(int=value % (1 << 128), version=4)
        self._issued.add(guid)
        return guid

    def reserve(self, guid: uuid.UUID) -> None:
        """Count ``guid`` as issued (an id of a shadow copy read back from a saved machine)."""
        self._issued.add(guid)
