"""The call-order state of one IVssBackupComponents object, as a small object that reads the
tables (docs/reference.md §3.5).

``RequesterCallState`` owns the object's phase: it alone moves it. ``admit`` decides whether a
call is taken now and raises the refusal generated from the tables; ``finished`` and
``operation_ended`` move the phase after a synchronous call or an asynchronous operation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from .._vocabulary.errors import VssBadState
from .call_order import BACKUP_ORDER, CALLS_WHILE_PENDING, WRITERLESS_ORDER
from .calls import Call, Move, Phase
from .refusals import explain_refusal

__all__ = ["PendingOperation", "RequesterCallState"]

_BACKUP_MOVES = dict(BACKUP_ORDER)
_WRITERLESS_MOVES = dict(WRITERLESS_ORDER)
_CREATED = Phase.CREATED


class PendingOperation(Protocol):
    """An asynchronous operation of the object, as the state sees it."""

    name: str

    @property
    def done(self) -> bool: ...


class RequesterCallState:
    """Where one requester object stands, the calls it made, and its running operation."""

    __slots__ = ("history", "moves", "pending", "phase", "table")

    def __init__(self) -> None:
        self.phase = _CREATED
        self.history: list[str] = []
        self.table: Mapping[tuple[Phase, Call], Move] = BACKUP_ORDER
        #: the same rows as ``table``, as a plain dict: the look-up of every call
        self.moves: dict[tuple[Phase, Call], Move] = _BACKUP_MOVES
        self.pending: PendingOperation | None = None

    @property
    def writerless(self) -> bool:
        """Whether the object follows the writerless call order (§3.5, §4.5)."""
        return self.table is WRITERLESS_ORDER

    def use_writerless_order(self) -> None:
        """From now on follow ``WRITERLESS_ORDER`` (a writerless SetContext)."""
        self.table = WRITERLESS_ORDER
        self.moves = _WRITERLESS_MOVES

    def admit(self, call: Call) -> Move:
        """The move ``call`` makes from here; raise VSS_E_BAD_STATE if it is not taken now."""
        pending = self.pending
        if pending is not None and call not in CALLS_WHILE_PENDING and not pending.done:
            taken = ", ".join(sorted(c.value for c in CALLS_WHILE_PENDING))
            raise VssBadState(
                f"{call.value} is not allowed while {pending.name} is still running: Wait on its "
                f"IVssAsync first (only {taken} are taken meanwhile)"
            )
        move = self.moves.get((self.phase, call))
        if move is None:
            raise VssBadState(
                explain_refusal(
                    self.table, self.phase, call, self.history, writerless=self.writerless
                )
            )
        return move

    def finished(self, call: Call, move: Move) -> None:
        """A synchronous call returned: move on. The row is read again, since AbortBackup and
        Release may have waited for an operation that moved the phase meanwhile."""
        self.phase = self.moves.get((self.phase, call), move).next_phase

    def operation_ended(self, move: Move, failed: bool) -> None:
        """The asynchronous operation started with ``move`` ended. It is no longer pending: the
        object holds no finished operation (nor the error its Wait raises, whose traceback
        grows with the requester's frames)."""
        self.pending = None
        if not failed:
            self.phase = move.next_phase
        elif move.failed_phase is not None:
            self.phase = move.failed_phase

    def end(self) -> None:
        """The object is gone (released, or its requester died): no call is taken any more."""
        self.phase = Phase.RELEASED
        self.pending = None

    def would_stay(self, call: Call) -> bool:
        """Whether ``call`` made now would leave the phase as it is."""
        move = self.moves.get((self.phase, call))
        return move is None or move.next_phase is self.phase
