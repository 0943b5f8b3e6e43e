"""The kernel's part in shadow copy creation: freezing the transaction managers and flushing the
set's volumes, each in the virtual time the machine is configured with, and the error VSS reports
when one does not finish in its window (the rows of ``KERNEL_STEPS``, docs/reference.md §4.1,
§5, §6).

The hold around CommitSnapshots is the creation's own (it waits for the providers); this module
times the other three steps.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from .._engine.recorder import TraceRecorder
from .._engine.trace import TraceKind
from .._rules.kernel import KERNEL_STEPS, KernelStep, KernelStepRule
from .._vocabulary.clock import TICKS_PER_SECOND
from .._vocabulary.errors import VssError

__all__ = ["Kernel"]

_RULES = {rule.step: rule for rule in KERNEL_STEPS}


class Kernel:
    """How long the kernel's steps take on one machine (no time at all by default)."""

    def __init__(self) -> None:
        #: volume name (lower case) -> ticks its flush takes
        self.flush_ticks: dict[str, int] = {}
        #: ticks the transaction managers take to freeze, and to thaw
        self.freeze_ticks = 0
        self.thaw_ticks = 0
        #: whether every step takes no time (creation need not ask); kept by the setters
        self.idle = True

    def set_flush_ticks(self, volume_key: str, ticks: int) -> None:
        """The flush of the volume (its lower-case name) takes ``ticks``."""
        self.flush_ticks[volume_key] = ticks
        self._update()

    def set_transaction_manager_ticks(self, freeze_ticks: int, thaw_ticks: int) -> None:
        """The transaction managers take these to freeze and to thaw."""
        self.freeze_ticks = freeze_ticks
        self.thaw_ticks = thaw_ticks
        self._update()

    def reset(self) -> None:
        """Every step instant again."""
        self.flush_ticks.clear()
        self.freeze_ticks = self.thaw_ticks = 0
        self.idle = True

    def _update(self) -> None:
        self.idle = not (self.freeze_ticks or self.thaw_ticks or any(self.flush_ticks.values()))

    def ticks_of(self, step: KernelStep, volumes: Iterable[str]) -> int:
        """How long ``step`` takes for a set of ``volumes``: the slowest volume's flush."""
        if step is KernelStep.FLUSH_WRITES:
            return max((self.flush_ticks.get(v.lower(), 0) for v in volumes), default=0)
        if step is KernelStep.FREEZE_TRANSACTIONS:
            return self.freeze_ticks
        if step is KernelStep.THAW_TRANSACTIONS:
            return self.thaw_ticks
        return 0

    def run(
        self,
        step: KernelStep,
        volumes: Iterable[str],
        recorder: TraceRecorder,
        session_id: uuid.UUID | None,
    ) -> VssError | None:
        """Spend the step's time; past its window, spend the window and return the error VSS
        reports (the caller aborts the set and raises it)."""
        rule: KernelStepRule = _RULES[step]
        ticks = self.ticks_of(step, volumes)
        if not ticks:
            return None
        scheduler = recorder.scheduler
        if ticks <= rule.window_ticks:
            scheduler.sleep(ticks)
            return None
        scheduler.sleep(rule.window_ticks + 1)
        message = (
            f"{rule.step.value} between {rule.after} and {rule.before}: it takes "
            f"{ticks / TICKS_PER_SECOND:g} s, past its {rule.window_ticks // TICKS_PER_SECOND} s "
            f"window (docs/reference.md {rule.source}). A transient problem: wait 10 minutes and "
            "retry, at most 3 times"
        )
        recorder.record(TraceKind.FAULT, "kernel step timed out", session_id, detail=message)
        return rule.error(message)
