"""The documented limits of the VSS service, in the units the model counts in
(docs/reference.md §3.2 row 10, §4.2, §6, §8).

The fixed ones are constants; the ones an administrator can change (or that differ between
machines) are fields of ``MachineLimits``, the machine's configuration, whose defaults are the
documented ones: ``VssSystem(limits=MachineLimits(writer_session_slots=8))``.
"""

from __future__ import annotations

from typing import Final

import attrs

from .._vocabulary.clock import TICKS_PER_SECOND

__all__ = [
    "FLUSH_AND_HOLD_TICKS",
    "HANDLER_WINDOW_TICKS",
    "MAX_FREEZE_TICKS",
    "MAX_SNAPSHOTS_PER_VOLUME",
    "MAX_VOLUMES_PER_SET",
    "PROVIDER_CALL_TICKS",
    "SMALL_VOLUME_BYTES",
    "MachineLimits",
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
#: Below this size a volume's smallest diff area is the small one (§6).
SMALL_VOLUME_BYTES: Final = 500 * 1024 * 1024

_GB: Final = 1024 * 1024 * 1024


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or value < 1:
        raise ValueError(f"MachineLimits.{attribute.name} must be a positive int, got {value!r}")


@attrs.frozen
class MachineLimits:
    """The machine's configurable limits, with the documented defaults (§6, §8)."""

    #: sessions a writer keeps state for at once: "up to 64 concurrent backup sessions"; a writer
    #: without a free slot reports VSS_E_WRITER_STATUS_NOT_AVAILABLE (§8)
    writer_session_slots: int = attrs.field(default=64, validator=_positive)
    #: client-accessible copies kept per volume (``MaxShadowCopies``, 1..512, §6); the oldest
    #: are deleted beyond it
    max_client_accessible_copies: int = attrs.field(default=64, validator=_positive)
    #: restore sessions beside backups; None: the Windows version's figure (§6, §12)
    concurrent_restores: int | None = None
    #: a new volume's size, when ``add_volume`` is not given one
    default_volume_bytes: int = attrs.field(default=100 * _GB, validator=_positive)

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.max_client_accessible_copies <= MAX_SNAPSHOTS_PER_VOLUME:
            raise ValueError("MachineLimits.max_client_accessible_copies must be 1..512 (§6)")
        if self.concurrent_restores is not None and self.concurrent_restores < 1:
            raise ValueError("MachineLimits.concurrent_restores must be positive or None")
