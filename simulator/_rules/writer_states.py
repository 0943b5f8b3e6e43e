"""A writer's state in one session after each event (docs/reference.md §1.4, §2.2).

``WRITER_TRANSITIONS`` maps ``(state, trigger)`` to ``(after success, after failure)``: a handler
succeeds when it returns True without reporting a failure, and fails when it returns False, raises,
or calls SetWriterFailure with a failure code. ``KEEP`` leaves the state as it is. A trigger is an
event the writer handles or a ``Timeout`` that ran out. A missing row never happens in a correct
model: the coordinator delivers only events that have a row.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import attrs

from .._vocabulary.enums import VSS_WRITER_STATE

__all__ = [
    "FAILED_STATES",
    "KEEP",
    "WRITER_TRANSITIONS",
    "Outcome",
    "Timeout",
    "WriterEvent",
]


class WriterEvent(enum.Enum):
    """The events VSS sends to writers; the value is the handler's name (§1.4)."""

    # Members are singletons: hashing by identity keeps table look-ups at C speed.
    __hash__ = object.__hash__

    IDENTIFY = "OnIdentify"
    PREPARE_BACKUP = "OnPrepareBackup"
    PREPARE_SNAPSHOT = "OnPrepareSnapshot"
    FREEZE = "OnFreeze"
    THAW = "OnThaw"
    POST_SNAPSHOT = "OnPostSnapshot"
    ABORT = "OnAbort"
    BACKUP_COMPLETE = "OnBackupComplete"
    BACKUP_SHUTDOWN = "OnBackupShutdown"
    PRE_RESTORE = "OnPreRestore"
    POST_RESTORE = "OnPostRestore"


class Timeout(enum.Enum):
    """Triggers that are not handlers: a window that ran out."""

    __hash__ = object.__hash__

    FREEZE_WINDOW = "Freeze→Thaw window (timeout_freeze) expired"


@attrs.frozen
class Outcome:
    """The writer's state after a trigger: ``ok`` on success, ``failed`` on failure; None keeps."""

    ok: VSS_WRITER_STATE | None
    failed: VSS_WRITER_STATE | None


WS = VSS_WRITER_STATE
E = WriterEvent
T = Timeout
#: The state stays what it was.
KEEP: Final = None

#: The failed states: sticky for the rest of a session (§2.2 [INF]).
FAILED_STATES = frozenset(
    {
        WS.VSS_WS_FAILED_AT_IDENTIFY,
        WS.VSS_WS_FAILED_AT_PREPARE_BACKUP,
        WS.VSS_WS_FAILED_AT_PREPARE_SNAPSHOT,
        WS.VSS_WS_FAILED_AT_FREEZE,
        WS.VSS_WS_FAILED_AT_THAW,
        WS.VSS_WS_FAILED_AT_POST_SNAPSHOT,
        WS.VSS_WS_FAILED_AT_BACKUP_COMPLETE,
        WS.VSS_WS_FAILED_AT_PRE_RESTORE,
        WS.VSS_WS_FAILED_AT_POST_RESTORE,
        WS.VSS_WS_FAILED_AT_BACKUPSHUTDOWN,
    }
)

_Row = tuple[VSS_WRITER_STATE | None, VSS_WRITER_STATE | None]

# The backup sequence moves the state forward (§2.2); Abort cleans up: STABLE when OnAbort
# succeeds, UNKNOWN when it fails ([INF]), a failure state is kept; BackupShutdown ends the
# session and failure states stay visible afterwards (field failures #9); a Freeze→Thaw window
# that runs out shows FAILED_AT_FREEZE (with VSS_E_WRITERERROR_TIMEOUT, KB 915331).
_ROWS: dict[tuple[VSS_WRITER_STATE, WriterEvent | Timeout], _Row] = {
    # IDENTIFY
    (WS.VSS_WS_STABLE, E.IDENTIFY): (WS.VSS_WS_STABLE, WS.VSS_WS_FAILED_AT_IDENTIFY),
    # PREPARE_BACKUP
    (WS.VSS_WS_STABLE, E.PREPARE_BACKUP): (WS.VSS_WS_STABLE, WS.VSS_WS_FAILED_AT_PREPARE_BACKUP),
    # PREPARE_SNAPSHOT
    (WS.VSS_WS_STABLE, E.PREPARE_SNAPSHOT): (
        WS.VSS_WS_WAITING_FOR_FREEZE,
        WS.VSS_WS_FAILED_AT_PREPARE_SNAPSHOT,
    ),
    # FREEZE
    (WS.VSS_WS_WAITING_FOR_FREEZE, E.FREEZE): (
        WS.VSS_WS_WAITING_FOR_THAW,
        WS.VSS_WS_FAILED_AT_FREEZE,
    ),
    # THAW
    (WS.VSS_WS_WAITING_FOR_THAW, E.THAW): (
        WS.VSS_WS_WAITING_FOR_POST_SNAPSHOT,
        WS.VSS_WS_FAILED_AT_THAW,
    ),
    # POST_SNAPSHOT
    (WS.VSS_WS_WAITING_FOR_POST_SNAPSHOT, E.POST_SNAPSHOT): (
        WS.VSS_WS_WAITING_FOR_BACKUP_COMPLETE,
        WS.VSS_WS_FAILED_AT_POST_SNAPSHOT,
    ),
    # ABORT
    (WS.VSS_WS_UNKNOWN, E.ABORT): (WS.VSS_WS_STABLE, WS.VSS_WS_UNKNOWN),
    (WS.VSS_WS_STABLE, E.ABORT): (WS.VSS_WS_STABLE, WS.VSS_WS_UNKNOWN),
    (WS.VSS_WS_WAITING_FOR_FREEZE, E.ABORT): (WS.VSS_WS_STABLE, WS.VSS_WS_UNKNOWN),
    (WS.VSS_WS_WAITING_FOR_THAW, E.ABORT): (WS.VSS_WS_STABLE, WS.VSS_WS_UNKNOWN),
    (WS.VSS_WS_WAITING_FOR_POST_SNAPSHOT, E.ABORT): (WS.VSS_WS_STABLE, WS.VSS_WS_UNKNOWN),
    (WS.VSS_WS_FAILED_AT_IDENTIFY, E.ABORT): (KEEP, KEEP),
    (WS.VSS_WS_FAILED_AT_PREPARE_BACKUP, E.ABORT): (KEEP, KEEP),
    (WS.VSS_WS_FAILED_AT_PREPARE_SNAPSHOT, E.ABORT): (KEEP, KEEP),
    (WS.VSS_WS_FAILED_AT_FREEZE, E.ABORT): (KEEP, KEEP),
    (WS.VSS_WS_FAILED_AT_THAW, E.ABORT): (KEEP, KEEP),
    (WS.VSS_WS_FAILED_AT_POST_SNAPSHOT, E.ABORT): (KEEP, KEEP),
    (WS.VSS_WS_FAILED_AT_BACKUP_COMPLETE, E.ABORT): (KEEP, KEEP),
    (WS.VSS_WS_FAILED_AT_PRE_RESTORE, E.ABORT): (KEEP, KEEP),
    (WS.VSS_WS_FAILED_AT_POST_RESTORE, E.ABORT): (KEEP, KEEP),
    (WS.VSS_WS_FAILED_AT_BACKUPSHUTDOWN, E.ABORT): (KEEP, KEEP),
    # BACKUP_COMPLETE
    (WS.VSS_WS_WAITING_FOR_BACKUP_COMPLETE, E.BACKUP_COMPLETE): (
        WS.VSS_WS_STABLE,
        WS.VSS_WS_FAILED_AT_BACKUP_COMPLETE,
    ),
    # BACKUP_SHUTDOWN
    (WS.VSS_WS_UNKNOWN, E.BACKUP_SHUTDOWN): (WS.VSS_WS_STABLE, WS.VSS_WS_FAILED_AT_BACKUPSHUTDOWN),
    (WS.VSS_WS_STABLE, E.BACKUP_SHUTDOWN): (WS.VSS_WS_STABLE, WS.VSS_WS_FAILED_AT_BACKUPSHUTDOWN),
    (WS.VSS_WS_WAITING_FOR_FREEZE, E.BACKUP_SHUTDOWN): (
        WS.VSS_WS_STABLE,
        WS.VSS_WS_FAILED_AT_BACKUPSHUTDOWN,
    ),
    (WS.VSS_WS_WAITING_FOR_THAW, E.BACKUP_SHUTDOWN): (
        WS.VSS_WS_STABLE,
        WS.VSS_WS_FAILED_AT_BACKUPSHUTDOWN,
    ),
    (WS.VSS_WS_WAITING_FOR_POST_SNAPSHOT, E.BACKUP_SHUTDOWN): (
        WS.VSS_WS_STABLE,
        WS.VSS_WS_FAILED_AT_BACKUPSHUTDOWN,
    ),
    (WS.VSS_WS_WAITING_FOR_BACKUP_COMPLETE, E.BACKUP_SHUTDOWN): (
        WS.VSS_WS_STABLE,
        WS.VSS_WS_FAILED_AT_BACKUPSHUTDOWN,
    ),
    (WS.VSS_WS_FAILED_AT_IDENTIFY, E.BACKUP_SHUTDOWN): (KEEP, KEEP),
    (WS.VSS_WS_FAILED_AT_PREPARE_BACKUP, E.BACKUP_SHUTDOWN): (KEEP, KEEP),
    (WS.VSS_WS_FAILED_AT_PREPARE_SNAPSHOT, E.BACKUP_SHUTDOWN): (KEEP, KEEP),
    (WS.VSS_WS_FAILED_AT_FREEZE, E.BACKUP_SHUTDOWN): (KEEP, KEEP),
    (WS.VSS_WS_FAILED_AT_THAW, E.BACKUP_SHUTDOWN): (KEEP, KEEP),
    (WS.VSS_WS_FAILED_AT_POST_SNAPSHOT, E.BACKUP_SHUTDOWN): (KEEP, KEEP),
    (WS.VSS_WS_FAILED_AT_BACKUP_COMPLETE, E.BACKUP_SHUTDOWN): (KEEP, KEEP),
    (WS.VSS_WS_FAILED_AT_PRE_RESTORE, E.BACKUP_SHUTDOWN): (KEEP, KEEP),
    (WS.VSS_WS_FAILED_AT_POST_RESTORE, E.BACKUP_SHUTDOWN): (KEEP, KEEP),
    (WS.VSS_WS_FAILED_AT_BACKUPSHUTDOWN, E.BACKUP_SHUTDOWN): (KEEP, KEEP),
    # PRE_RESTORE
    (WS.VSS_WS_STABLE, E.PRE_RESTORE): (WS.VSS_WS_STABLE, WS.VSS_WS_FAILED_AT_PRE_RESTORE),
    # POST_RESTORE
    (WS.VSS_WS_STABLE, E.POST_RESTORE): (WS.VSS_WS_STABLE, WS.VSS_WS_FAILED_AT_POST_RESTORE),
    # FREEZE_WINDOW
    (WS.VSS_WS_WAITING_FOR_THAW, T.FREEZE_WINDOW): (
        WS.VSS_WS_FAILED_AT_FREEZE,
        WS.VSS_WS_FAILED_AT_FREEZE,
    ),
}

#: (state, trigger) -> outcome, for one writer in one session.
WRITER_TRANSITIONS: Mapping[tuple[VSS_WRITER_STATE, WriterEvent | Timeout], Outcome] = (
    MappingProxyType({key: Outcome(ok, failed) for key, (ok, failed) in _ROWS.items()})
)
