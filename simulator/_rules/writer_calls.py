"""Where each writer-side call may be made, and which codes a writer may report
(docs/reference.md §1.5).

``WRITER_CALLS`` maps a ``CVssWriter`` method to the handlers it may be called from and whether the
thread rule binds it: GetSessionId and SetWriterFailure(Ex) must run on the very thread that invoked
the running handler.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

from .. import hresults as hr
from .writer_states import WriterEvent

__all__ = ["WRITER_CALLS", "WRITER_FAILURE_CODES", "WRITER_FAILURE_CODES_EX", "WriterCallRule"]


@attrs.frozen
class WriterCallRule:
    """Where a CVssWriter call may be made.

    ``events``: the handlers it may be called from (None: anywhere, even outside handlers).
    ``thread_rule``: it must run on the very thread that invoked the handler; a call from any other
    thread, or with no handler running, raises ``WrongThreadError``.
    ``source``: the section of docs/reference.md that says so.
    """

    events: frozenset[WriterEvent] | None
    thread_rule: bool
    source: str


E = WriterEvent
_ALL = frozenset(WriterEvent)
_BACKUP_SEQUENCE = frozenset(
    {E.PREPARE_BACKUP, E.PREPARE_SNAPSHOT, E.FREEZE, E.THAW, E.POST_SNAPSHOT}
)

#: method name -> where it may be called.
WRITER_CALLS: Mapping[str, WriterCallRule] = MappingProxyType(
    {
        "GetSessionId": WriterCallRule(
            _ALL, True, "§1.5, §8: any handler, on the handler's thread"
        ),
        "SetWriterFailure": WriterCallRule(
            _ALL - {E.IDENTIFY}, True, "§1.5: any handler but OnIdentify, on the handler's thread"
        ),
        "SetWriterFailureEx": WriterCallRule(
            _ALL - {E.IDENTIFY}, True, "§1.5: any handler but OnIdentify, on the handler's thread"
        ),
        "GetSnapshotDeviceName": WriterCallRule(
            frozenset({E.POST_SNAPSHOT}), False, "§1.5: only while handling PostSnapshot"
        ),
        "GetIdentifyInformation": WriterCallRule(
            frozenset({E.PREPARE_BACKUP, E.PREPARE_SNAPSHOT, E.POST_SNAPSHOT}),
            False,
            "§1.5: only in OnPrepareBackup, OnPrepareSnapshot, OnPostSnapshot",
        ),
        "GetCurrentSnapshotSetId": WriterCallRule(
            frozenset({E.PREPARE_SNAPSHOT, E.FREEZE, E.THAW, E.POST_SNAPSHOT}),
            False,
            "§1.5: reliable in OnFreeze, OnThaw, OnPostSnapshot ([INF] and OnPrepareSnapshot)",
        ),
        "GetCurrentVolumeArray": WriterCallRule(
            _BACKUP_SEQUENCE, False, "§1.5: from OnPrepareBackup ([INF]) to OnPostSnapshot"
        ),
        "GetCurrentVolumeCount": WriterCallRule(
            _BACKUP_SEQUENCE, False, "§1.5: from OnPrepareBackup ([INF]) to OnPostSnapshot"
        ),
        "IsPathAffected": WriterCallRule(
            _BACKUP_SEQUENCE, False, "§1.5: from OnPrepareBackup ([INF]) to OnPostSnapshot"
        ),
        "GetCurrentLevel": WriterCallRule(
            frozenset({E.PREPARE_SNAPSHOT, E.FREEZE, E.THAW}),
            False,
            "§1.5: OnPrepareSnapshot, OnFreeze, OnThaw",
        ),
        "GetContext": WriterCallRule(_ALL, False, "§1.5: inside a handler of the session"),
        "GetBackupType": WriterCallRule(_ALL, False, "§1.5: inside a handler of the session"),
        "GetRestoreType": WriterCallRule(_ALL, False, "§1.5: UNDEFINED during a backup"),
        "AreComponentsSelected": WriterCallRule(_ALL, False, "§1.5: inside a handler"),
        "IsBootableSystemStateBackedUp": WriterCallRule(_ALL, False, "§1.5: inside a handler"),
        "IsPartialFileSupportEnabled": WriterCallRule(_ALL, False, "§1.5: inside a handler"),
        "IsWriterShuttingDown": WriterCallRule(None, False, "§1.5: poll it anywhere"),
    }
)

#: Codes a writer may report with SetWriterFailure (§1.5).
WRITER_FAILURE_CODES = frozenset(
    {
        hr.VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT,
        hr.VSS_E_WRITERERROR_NONRETRYABLE,
        hr.VSS_E_WRITERERROR_OUTOFRESOURCES,
        hr.VSS_E_WRITERERROR_RETRYABLE,
        hr.VSS_E_WRITERERROR_TIMEOUT,
    }
)
#: SetWriterFailureEx also takes S_OK and PARTIAL_FAILURE (§1.5).
WRITER_FAILURE_CODES_EX = WRITER_FAILURE_CODES | {hr.S_OK, hr.VSS_E_WRITERERROR_PARTIAL_FAILURE}
