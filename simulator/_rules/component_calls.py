"""Where each IVssComponent method may be called (docs/reference.md §1.6).

A component view is handed out at one place, a ``ComponentAccess``. During a backup the writer
handlers OnPrepareBackup and OnPostSnapshot see the document writable and OnBackupComplete sees
it read-only; during a restore OnPreRestore sees it writable and OnPostRestore read-only; the
requester reads it through IVssWriterComponentsExt. Getters work everywhere. A setter works only
at the places its row of ``COMPONENT_CALLS`` lists.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

Report = Callable[[str, str], None]
"""Called with (method name, message) just before a refused call raises."""


class ComponentAccess(enum.Enum):
    """The place a component view is handed out (docs/reference.md §1.6, §7.3); the value names it."""

    PREPARE_BACKUP = "OnPrepareBackup"
    POST_SNAPSHOT = "OnPostSnapshot"
    BACKUP_COMPLETE = "OnBackupComplete"
    PRE_RESTORE = "OnPreRestore"
    POST_RESTORE = "OnPostRestore"
    REQUESTER = "the requester"


_A = ComponentAccess
_BACKUP_WRITABLE = frozenset({_A.PREPARE_BACKUP, _A.POST_SNAPSHOT})
_WRITER_PLACES = frozenset(_A) - {_A.REQUESTER}

COMPONENT_CALLS: Mapping[str, frozenset[ComponentAccess]] = MappingProxyType(
    {
        "SetBackupMetadata": _BACKUP_WRITABLE,
        "SetBackupStamp": _BACKUP_WRITABLE,
        "AddPartialFile": _BACKUP_WRITABLE,
        "AddDifferencedFilesByLastModifyTime": _BACKUP_WRITABLE,
        "AddDifferencedFilesByLastModifyLSN": _BACKUP_WRITABLE,
        "SetRestoreMetadata": frozenset({_A.PRE_RESTORE}),
        "SetRestoreTarget": frozenset({_A.PRE_RESTORE}),
        "AddDirectedTarget": frozenset({_A.PRE_RESTORE}),
        "SetPreRestoreFailureMsg": frozenset({_A.PRE_RESTORE}),
        "SetPostRestoreFailureMsg": frozenset({_A.POST_RESTORE}),
        "SetPrepareForBackupFailureMsg": frozenset({_A.PREPARE_BACKUP}),
        "SetPostSnapshotFailureMsg": frozenset({_A.POST_SNAPSHOT}),
        "SetFailure": _WRITER_PLACES,
    }
)
"""Each IVssComponent(Ex, Ex2) setter's COM name → the places it may be called (docs/reference.md §1.6)."""


def _places(access: Iterable[ComponentAccess]) -> str:
    return ", ".join(a.value for a in ComponentAccess if a in set(access))


def refusal_message(method: str, access: ComponentAccess) -> str:
    """Why ``method`` is refused at ``access``, generated from :data:`COMPONENT_CALLS`."""
    return (
        f"IVssComponent::{method} called in {access.value}; it may be called only in "
        f"{_places(COMPONENT_CALLS[method])}"
    )
