"""Why a requester call is refused, in words generated from the call-order table
(docs/reference.md §3.5)."""

from __future__ import annotations

from collections.abc import Mapping

from .call_order import RESTORE_PHASES, WRITER_ONLY_CALLS
from .calls import Call, Move, Phase

__all__ = ["explain_refusal", "phases_allowing"]

P = Phase


def phases_allowing(order: Mapping[tuple[Phase, Call], Move], call: Call) -> list[Phase]:
    """The phases in which ``call`` is taken, in declaration order."""
    return [phase for phase in Phase if (phase, call) in order]


def explain_refusal(
    order: Mapping[tuple[Phase, Call], Move],
    phase: Phase,
    call: Call,
    history: list[str],
    *,
    writerless: bool,
) -> str:
    """The message of a refused call, generated from the table (docs/reference.md §3.5)."""
    name = call.value
    if phase is P.CREATED:
        why = (
            "the object is not initialized: call InitializeForBackup or InitializeForRestore first"
        )
    elif phase is P.RELEASED:
        why = "the object was released; an IVssBackupComponents serves one operation only"
    elif writerless and call in WRITER_ONLY_CALLS:
        why = "the snapshot context involves no writers (VSS_CTX_FILE_SHARE_BACKUP / NAS_ROLLBACK)"
    elif phase in RESTORE_PHASES and not any(
        p in RESTORE_PHASES for p in phases_allowing(order, call)
    ):
        why = "it is a backup call and this object is doing a restore"
    else:
        needs = [p.value for p in phases_allowing(order, call)]
        why = f"it is taken only {_or_list(needs)}" if needs else "it is not taken here"
    so_far = ", ".join(history) if history else "none"
    return f"{name} is not allowed now ({phase.value}): {why}. Calls so far: {so_far}."


def _or_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]
