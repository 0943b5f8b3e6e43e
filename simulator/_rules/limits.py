"""The documented limits of the VSS service, in the units the model counts in
(docs/reference.md §3.2 row 10, §4.2, §6)."""

from __future__ import annotations

from typing import Final

from .._vocabulary.clock import TICKS_PER_SECOND

__all__ = [
    "FLUSH_AND_HOLD_TICKS",
    "HANDLER_WINDOW_TICKS",
    "MAX_FREEZE_TICKS",
    "MAX_SNAPSHOTS_PER_VOLUME",
    "MAX_VOLUMES_PER_SET",
    "PROVIDER_CALL_TICKS",
]

#: Volumes one snapshot set may hold (§3.2 row 10).
MAX_VOLUMES_PER_SET: Final = 64
#: Shadow copies of one volume by one provider (§6).
MAX_SNAPSHOTS_PER_VOLUME: Final = 512
#: The kernel's flush-and-hold window around CommitSnapshots (§6).
FLUSH_AND_HOLD_TICKS: Final = 10 * TICKS_PER_SECOND
#: No application stays frozen longer, whatever its timeout_freeze (§4.2, §6).
MAX_FREEZE_TICKS: Final = 60 * TICKS_PER_SECOND
#: How long the model waits for a handler outside the Freeze→Thaw window (every event but
#: Freeze and Thaw) before it gives up on the writer with VSS_E_WRITERERROR_TIMEOUT. The
#: documentation gives no figure (§6: PrepareForSnapshot's window is "typically longer" than
#: Freeze's) [INF]: ten times the longest freeze.
HANDLER_WINDOW_TICKS: Final = 600 * TICKS_PER_SECOND
#: How long the model waits for a provider call outside the flush-and-hold window before it
#: gives up with VSS_E_UNEXPECTED_PROVIDER_ERROR [INF] (§6 asks providers for seconds at most).
PROVIDER_CALL_TICKS: Final = 600 * TICKS_PER_SECOND
