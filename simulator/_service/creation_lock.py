"""The machine-wide creation lock: one snapshot set in creation at a time, from StartSnapshotSet
until DoSnapshotSet returns or the set is aborted (docs/reference.md §8)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .records import Session

__all__ = ["CreationLock"]


class CreationLock:
    """Who holds the lock; only the service takes and frees it."""

    __slots__ = ("holder",)

    def __init__(self) -> None:
        self.holder: Session | None = None

    def held_by_other(self, session: Session) -> Session | None:
        """The session holding the lock if it is not ``session``, else None."""
        holder = self.holder
        return holder if holder is not None and holder is not session else None

    def take(self, session: Session) -> None:
        """``session`` starts a set: it holds the lock now."""
        self.holder = session

    def free(self, session: Session) -> None:
        """``session``'s set left creation: the lock is free, if it held it."""
        if self.holder is session:
            self.holder = None
