"""The documented limits of the VSS service, in the units the model counts in
(docs/reference.md §3.2 row 10, §4.2, §6)."""

from __future__ import annotations

from typing import Final

from .._vocabulary.clock import TICKS_PER_SECOND

__all__ = [
    "FLUSH_AND_HOLD_TICKS",
    "MAX_FREEZE_TICKS",
    "MAX_SNAPSHOTS_PER_VOLUME",
    "MAX_VOLUMES_PER_SET",
]

#: Volumes one snapshot set may hold (§3.2 row 10).
MAX_VOLUMES_PER_SET: Final = 64
#: Shadow copies of one volume by one provider (§6).
MAX_SNAPSHOTS_PER_VOLUME: Final = 512
#: The kernel's flush-and-hold window around CommitSnapshots (§6).
FLUSH_AND_HOLD_TICKS: Final = 10 * TICKS_PER_SECOND
#: No application stays frozen longer, whatever its timeout_freeze (§4.2, §6).
MAX_FREEZE_TICKS: Final = 60 * TICKS_PER_SECOND
