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
        # A plain Mersenne Twister does not repeat 128-bit draws within any run (its period is
        # 2**19937 - 1), so only another generator (one Hypothesis draws, a schedule replayer)
        # needs the memory of every GUID issued; without it a long run's memory stays flat.
        self._issued: set[uuid.UUID] | None = None if type(rng) is random.Random else set()

    def new(self) -> uuid.UUID:
        """A fresh GUID."""
        value = self._rng.getrandbits(128)
        guid = uuid.UUID(int=value, version=4)
        issued = self._issued
        if issued is None:
            return guid
        while guid in issued:
            value += 1
            guid = uuid.UUID(int=value % (1 << 128), version=4)
        issued.add(guid)
        return guid

    def reserve(self, guid: uuid.UUID) -> None:
        """Count ``guid`` as issued (an id of a shadow copy read back from a saved machine)."""
        if self._issued is not None:
            self._issued.add(guid)
