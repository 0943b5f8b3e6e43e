"""The kernel's steps inside shadow copy creation and the codes VSS itself raises when one of them
does not finish in time (docs/reference.md §4.1 steps 8c–8g, §5, §6).

``KERNEL_STEPS`` lists them in the order DoSnapshotSet takes them. Each step takes the virtual time
the machine is configured with (``VssSystem.set_flush_time``,
``VssSystem.set_transaction_manager_times``; none by default); a step that would take longer than
its window is given up at the window's end and fails DoSnapshotSet with the step's error.

Policies where the documentation is silent ([INF], docs/design.md):
* The transaction managers (KTM, DTC) are frozen after the writers' Freeze and before
  PreCommitSnapshots, and thawed after PostCommitSnapshots and before the writers' Thaw; each
  has 10 s, the window of the kernel's other steps. There are no transaction managers to freeze
  on Server 2003 (the KTM came with Server 2008).
* Every volume of the set is flushed at once after PreCommitSnapshots: the flush takes as long
  as the slowest volume's and has 10 s of its own; the 10 s hold around CommitSnapshots starts
  when the flush has finished.
"""

from __future__ import annotations

import enum
from typing import Final

import attrs

from .._vocabulary.clock import TICKS_PER_SECOND
from .._vocabulary.errors import (
    VssError,
    VssFlushWritesTimeout,
    VssHoldWritesTimeout,
    VssTransactionFreezeTimeout,
    VssTransactionThawTimeout,
)
from .limits import FLUSH_AND_HOLD_TICKS

__all__ = ["KERNEL_STEPS", "TRANSACTION_MANAGER_TICKS", "KernelStep", "KernelStepRule"]

#: How long VSS waits for the transaction managers to freeze or thaw [INF].
TRANSACTION_MANAGER_TICKS: Final = 10 * TICKS_PER_SECOND


class KernelStep(enum.Enum):
    """A step the kernel takes during DoSnapshotSet; the value says what it does."""

    __hash__ = object.__hash__

    FREEZE_TRANSACTIONS = "the transaction managers (KTM, DTC) are frozen"
    FLUSH_WRITES = "every volume of the set is flushed"
    HOLD_WRITES = "writes are held while CommitSnapshots runs"
    THAW_TRANSACTIONS = "the transaction managers are thawed"


@attrs.frozen
class KernelStepRule:
    """One row: the step, where it falls, its window, the error past it, the source."""

    step: KernelStep
    after: str
    before: str
    window_ticks: int
    error: type[VssError]
    source: str


K = KernelStep

#: The kernel's steps, in the order DoSnapshotSet takes them.
KERNEL_STEPS: tuple[KernelStepRule, ...] = (
    KernelStepRule(
        K.FREEZE_TRANSACTIONS,
        "the writers' Freeze",
        "PreCommitSnapshots",
        TRANSACTION_MANAGER_TICKS,
        VssTransactionFreezeTimeout,
        "§4.1 step 8c, §5",
    ),
    KernelStepRule(
        K.FLUSH_WRITES,
        "PreCommitSnapshots",
        "CommitSnapshots",
        FLUSH_AND_HOLD_TICKS,
        VssFlushWritesTimeout,
        "§4.1 step 8d, §5, §6",
    ),
    KernelStepRule(
        K.HOLD_WRITES,
        "the flush",
        "PostCommitSnapshots",
        FLUSH_AND_HOLD_TICKS,
        VssHoldWritesTimeout,
        "§4.1 steps 8e–8f, §6",
    ),
    KernelStepRule(
        K.THAW_TRANSACTIONS,
        "PostCommitSnapshots",
        "the writers' Thaw",
        TRANSACTION_MANAGER_TICKS,
        VssTransactionThawTimeout,
        "§4.1 step 8c, §5",
    ),
)
