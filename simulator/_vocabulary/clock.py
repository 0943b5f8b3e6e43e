"""Virtual time: the simulated machine's clock (docs/reference.md §6 timeouts run on it).

Time is kept as whole microseconds ("ticks") so that sums never drift and runs compare exactly;
the public face is seconds. Nothing here reads the wall clock.
"""

from __future__ import annotations

import math

TICKS_PER_SECOND = 1_000_000
TICKS_PER_MILLISECOND = 1_000


def seconds_to_ticks(seconds: float) -> int:
    """Convert virtual seconds to ticks, refusing negative and non-finite spans."""
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"a span of virtual time must be finite and >= 0, got {seconds!r}")
    return round(seconds * TICKS_PER_SECOND)


class VirtualClock:
    """The simulated machine's clock: starts at 0 and moves only when the simulation says so."""

    __slots__ = ("ticks",)

    def __init__(self) -> None:
        self.ticks = 0

    @property
    def now(self) -> float:
        """Virtual seconds since the machine started."""
        return self.ticks / TICKS_PER_SECOND

    def advance_to(self, ticks: int) -> None:
        """Jump forward to ``ticks``; time never goes backwards."""
        if ticks < self.ticks:
            raise ValueError("virtual time can't go backwards")
        self.ticks = ticks

    def __repr__(self) -> str:
        return f"VirtualClock(now={self.now:.6f})"
