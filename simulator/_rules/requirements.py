"""What a requester call needs besides its place in the call order (docs/reference.md §3.2, §3.3).

``CALL_REQUIREMENTS`` maps a call to the conditions it needs, in the order they are checked; each
``Need`` names the condition, the error a call that lacks it raises, and where the documentation
says so. The refusal message is generated from the row: ``"<call> needs <condition>"`` followed by
what the machine saw. Checking a condition is the caller's part; deciding which call needs which
is the table's.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from .._vocabulary.errors import (
    VssBadState,
    VssError,
    VssObjectNotFound,
    VssSnapshotSetInProgress,
)
from .calls import Call

__all__ = ["CALL_REQUIREMENTS", "Need", "Requirement", "explain_need"]


class Requirement(enum.Enum):
    """A condition a call needs; the value completes "<call> needs ..."."""

    __hash__ = object.__hash__

    BACKUP_STATE_SET = "SetBackupState first"
    COMPONENT_MODE = "component mode: call SetBackupState(select_components=True, ...) first"
    WRITER_STATUS_GATHERED = "a completed GatherWriterStatus first"
    SPECIFIC_CONTEXT = "a snapshot context other than VSS_CTX_ALL"
    NO_SET_IN_CREATION = "no other snapshot set in creation on the machine"
    BACKED_UP_IN_COMPONENT_MODE = "a backup made in component mode"
    WRITER_RUNNING = "the component's writer running (it answered GatherWriterMetadata)"


@attrs.frozen
class Need:
    """One row: ``requirement``, refused with ``error``, as ``source`` documents."""

    requirement: Requirement
    error: type[VssError]
    source: str


R = Requirement
C = Call

#: call -> what it needs, checked in this order.
CALL_REQUIREMENTS: Mapping[Call, tuple[Need, ...]] = MappingProxyType(
    {
        C.ADD_COMPONENT: (Need(R.COMPONENT_MODE, VssBadState, "§3.2 row 7"),),
        C.START_SNAPSHOT_SET: (
            Need(R.SPECIFIC_CONTEXT, VssBadState, "§7.6"),
            Need(R.NO_SET_IN_CREATION, VssSnapshotSetInProgress, "§8"),
        ),
        C.PREPARE_FOR_BACKUP: (Need(R.BACKUP_STATE_SET, VssBadState, "§3.2 row 12"),),
        C.GET_WRITER_STATUS_COUNT: (Need(R.WRITER_STATUS_GATHERED, VssBadState, "§3.2 row 13"),),
        C.GET_WRITER_STATUS: (Need(R.WRITER_STATUS_GATHERED, VssBadState, "§3.2 row 13"),),
        C.SET_SELECTED_FOR_RESTORE: (
            Need(R.BACKED_UP_IN_COMPONENT_MODE, VssBadState, "§3.3 row 6"),
            Need(R.WRITER_RUNNING, VssObjectNotFound, "§3.3 row 6"),
        ),
    }
)


def explain_need(method: str, need: Need, seen: str) -> VssError:
    """The error for ``method`` lacking ``need``; ``seen`` says what the machine saw."""
    message = f"{method} needs {need.requirement.value} (docs/reference.md {need.source})"
    if seen:
        message += f": {seen}"
    return need.error(message)
