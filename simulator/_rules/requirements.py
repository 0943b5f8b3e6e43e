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
    VssAccessDenied,
    VssBadState,
    VssError,
    VssNotImplemented,
    VssObjectNotFound,
    VssSnapshotSetInProgress,
)
from .calls import Call
from .versions import METHOD_INTRODUCED

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
    CALLER_MAY_BACK_UP = "a caller with administrator or backup-operator rights"
    METHOD_ON_THIS_VERSION = "a Windows version that has this method"
    RESTORE_SLOT_FREE = "fewer restore sessions in progress than the machine allows"
    TARGET_INSTANCE_RUNNING = (
        "GUID_NULL or the instance id of a running instance of the same writer class"
    )
    COMPONENT_SELECTED_FOR_RESTORE = "its component selected with SetSelectedForRestore first"
    BCD_LOADED = "InitializeForBackup given the saved Backup Components Document"
    RECOVERY_SET_NOT_EMPTY = "a shadow copy added with AddSnapshotToRecoverySet first"


@attrs.frozen
class Need:
    """One row: ``requirement``, refused with ``error``, as ``source`` documents."""

    requirement: Requirement
    error: type[VssError]
    source: str


R = Requirement
C = Call

_RIGHTS = Need(R.CALLER_MAY_BACK_UP, VssAccessDenied, "§3.1, §3.2 row 1 [INF]")
_RUNNING_RESTORE = (
    Need(R.BACKED_UP_IN_COMPONENT_MODE, VssBadState, "§3.3 row 6"),
    Need(R.WRITER_RUNNING, VssObjectNotFound, "§3.3 row 6"),
)


def _on_this_version(call: Call) -> tuple[Need, ...]:
    """The version row of a method introduced after Server 2003 (§12)."""
    if call.value not in METHOD_INTRODUCED:
        return ()
    return (Need(R.METHOD_ON_THIS_VERSION, VssNotImplemented, "§12 [INF]"),)


_LISTED: dict[Call, tuple[Need, ...]] = {
    C.INITIALIZE_FOR_BACKUP: (_RIGHTS,),
    C.INITIALIZE_FOR_RESTORE: (
        _RIGHTS,
        Need(R.RESTORE_SLOT_FREE, VssBadState, "§6, §8 [INF]"),
    ),
    C.SET_SELECTED_FOR_RESTORE_EX: (
        *_RUNNING_RESTORE,
        Need(R.TARGET_INSTANCE_RUNNING, VssObjectNotFound, "§3.6"),
    ),
    C.ADD_RESTORE_SUBCOMPONENT: (Need(R.COMPONENT_SELECTED_FOR_RESTORE, VssBadState, "§3.6"),),
    C.IMPORT_SNAPSHOTS: (Need(R.BCD_LOADED, VssBadState, "§3.2 row 1, §3.6"),),
    C.RECOVER_SET: (Need(R.RECOVERY_SET_NOT_EMPTY, VssBadState, "§3.6"),),
}

#: call -> what it needs, checked in this order.
CALL_REQUIREMENTS: Mapping[Call, tuple[Need, ...]] = MappingProxyType(
    {
        **{
            call: _on_this_version(call) + _LISTED.get(call, ())
            for call in Call
            if call in _LISTED or _on_this_version(call)
        },
        C.ADD_COMPONENT: (Need(R.COMPONENT_MODE, VssBadState, "§3.2 row 7"),),
        C.START_SNAPSHOT_SET: (
            Need(R.SPECIFIC_CONTEXT, VssBadState, "§7.6"),
            Need(R.NO_SET_IN_CREATION, VssSnapshotSetInProgress, "§8"),
        ),
        C.PREPARE_FOR_BACKUP: (Need(R.BACKUP_STATE_SET, VssBadState, "§3.2 row 12"),),
        C.GET_WRITER_STATUS_COUNT: (Need(R.WRITER_STATUS_GATHERED, VssBadState, "§3.2 row 13"),),
        C.GET_WRITER_STATUS: (Need(R.WRITER_STATUS_GATHERED, VssBadState, "§3.2 row 13"),),
        C.SET_SELECTED_FOR_RESTORE: _RUNNING_RESTORE,
    }
)


def explain_need(method: str, need: Need, seen: str) -> VssError:
    """The error for ``method`` lacking ``need``; ``seen`` says what the machine saw."""
    message = f"{method} needs {need.requirement.value} (docs/reference.md {need.source})"
    if seen:
        message += f": {seen}"
    return need.error(message)
