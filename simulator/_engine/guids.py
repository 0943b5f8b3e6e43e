"""GUIDs from the machine's one seeded generator (docs/reference.md §8: a session id names one
session, so a GUID is never issued twice by one machine)."""

from __future__ import annotations

import random
import uuid

__all__ = ["GuidSource"]

#: ``uuid.UUID(int=value, version=4)`` without its argument checks (``value`` is a 128-bit draw):
#: the variant and version bits RFC 4122 fixes, and the two slots ``UUID.__init__`` sets.
_CLEAR_BITS = ~((0xC000 << 48) | (0xF000 << 64))
_VERSION_4_BITS = (0x8000 << 48) | (4 << 76)
_new_object = object.__new__
_set_int = uuid.UUID.__dict__["int"].__set__
_set_is_safe = uuid.UUID.__dict__["is_safe"].__set__
_UNKNOWN = uuid.SafeUUID.unknown


def _version_4(value: int) -> uuid.UUID:
    """The version-4 GUID of the 128-bit ``value``, equal to ``uuid.UUID(int=value, version=4)``."""
    guid = _new_object(uuid.UUID)
    _set_int(guid, (value & _CLEAR_BITS) | _VERSION_4_BITS)
    _set_is_safe(guid, _UNKNOWN)
    return guid


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
        guid = _version_4(value)
        issued = self._issued
        if issued is None:
            return guid
        while guid in issued:
            value += 1
            guid = _version_4(value % (1 << 128))
        issued.add(guid)
        return guid

    def reserve(self, guid: uuid.UUID) -> None:
        """Count ``guid`` as issued (an id of a shadow copy read back from a saved machine)."""
        if self._issued is not None:
            self._issued.add(guid)
