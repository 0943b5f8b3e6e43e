"""The rules of VSS as data: requester call order, writer state transitions, where writer calls go.

Rule 1: everything that decides whether a requester call, a writer state change or a writer-side
call is allowed lives in the three tables of this module. The code that enforces them
(``_requester``, ``_coordinator``, ``_writer``) only looks rows up; the tests sweep the tables row
by row and ``docs/rules.md`` is printed from them (``python -m simulator rules``).

Rule 2: a missing row is a refusal. The error for a refused requester call is VSS_E_BAD_STATE
(vss-facts §3.5), with a message generated from the table: what the call needs, where the object is,
and the calls made so far.

Theory of operation:

* ``BACKUP_ORDER`` / ``WRITERLESS_ORDER``: ``(Phase, Call) -> Move``. An IVssBackupComponents
  object is in one ``Phase``; each call either has a row (allowed; the phase becomes
  ``Move.then``, or ``Move.failed`` when an asynchronous operation fails) or is refused. Writerless
  contexts (VSS_CTX_FILE_SHARE_BACKUP, VSS_CTX_NAS_ROLLBACK, vss-facts §3.5, §4.5) use a table
  derived from the first: writer calls removed, GatherWriterMetadata optional.
  While one of the object's asynchronous operations runs, only ``CALLS_WHILE_PENDING`` are taken.
* ``WRITER_TRANSITIONS``: ``(VSS_WRITER_STATE, trigger) -> Outcome``: a writer's state in one
  session after a handler succeeds (``ok``) or fails (``failed``: returned false, raised, or called
  SetWriterFailure with a failure code). ``None`` keeps the state. vss-facts §2.2 ([INF] rows).
* ``WRITER_CALLS``: ``method -> WriterCallRule``: in which handlers a writer-side call may be made
  and whether it is bound by the thread rule (vss-facts §1.5).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

import attrs

from ._enums import VSS_WRITER_STATE

__all__ = [
    "BACKUP_ORDER",
    "CALLS_WHILE_PENDING",
    "CALL_NEEDS",
    "WRITERLESS_ORDER",
    "WRITER_CALLS",
    "WRITER_TRANSITIONS",
    "Call",
    "Lapse",
    "Move",
    "Outcome",
    "Phase",
    "WriterCallRule",
    "WriterEvent",
]

# ---------------------------------------------------------------------------------------------
# Requester: IVssBackupComponents call order (vss-facts §3.1–§3.5)
# ---------------------------------------------------------------------------------------------


class Call(enum.Enum):
    """IVssBackupComponents methods; the value is the COM name."""

    # Members are singletons: hashing by identity keeps table look-ups at C speed.
    __hash__ = object.__hash__

    INITIALIZE_FOR_BACKUP = "InitializeForBackup"
    INITIALIZE_FOR_RESTORE = "InitializeForRestore"
    SET_CONTEXT = "SetContext"
    SET_BACKUP_STATE = "SetBackupState"
    SET_RESTORE_STATE = "SetRestoreState"
    GATHER_WRITER_METADATA = "GatherWriterMetadata"
    GET_WRITER_METADATA_COUNT = "GetWriterMetadataCount"
    GET_WRITER_METADATA = "GetWriterMetadata"
    FREE_WRITER_METADATA = "FreeWriterMetadata"
    ADD_COMPONENT = "AddComponent"
    SET_BACKUP_OPTIONS = "SetBackupOptions"
    SET_PREVIOUS_BACKUP_STAMP = "SetPreviousBackupStamp"
    START_SNAPSHOT_SET = "StartSnapshotSet"
    IS_VOLUME_SUPPORTED = "IsVolumeSupported"
    ADD_TO_SNAPSHOT_SET = "AddToSnapshotSet"
    PREPARE_FOR_BACKUP = "PrepareForBackup"
    DO_SNAPSHOT_SET = "DoSnapshotSet"
    GET_SNAPSHOT_PROPERTIES = "GetSnapshotProperties"
    SET_BACKUP_SUCCEEDED = "SetBackupSucceeded"
    BACKUP_COMPLETE = "BackupComplete"
    ABORT_BACKUP = "AbortBackup"
    GATHER_WRITER_STATUS = "GatherWriterStatus"
    GET_WRITER_STATUS_COUNT = "GetWriterStatusCount"
    GET_WRITER_STATUS = "GetWriterStatus"
    FREE_WRITER_STATUS = "FreeWriterStatus"
    GET_WRITER_COMPONENTS_COUNT = "GetWriterComponentsCount"
    GET_WRITER_COMPONENTS = "GetWriterComponents"
    SET_SELECTED_FOR_RESTORE = "SetSelectedForRestore"
    PRE_RESTORE = "PreRestore"
    SET_FILE_RESTORE_STATUS = "SetFileRestoreStatus"
    POST_RESTORE = "PostRestore"
    SAVE_AS_XML = "SaveAsXML"
    DELETE_SNAPSHOTS = "DeleteSnapshots"
    QUERY = "Query"
    GET_SESSION_ID = "GetSessionId"
    RELEASE = "Release"


class Phase(enum.Enum):
    """Where an IVssBackupComponents object stands; the value says how it got there."""

    # Members are singletons: hashing by identity keeps table look-ups at C speed.
    __hash__ = object.__hash__

    CREATED = "created, not initialized"
    BACKUP_INITIALIZED = "after InitializeForBackup"
    CONTEXT_SET = "after SetContext"
    METADATA_GATHERED = "after GatherWriterMetadata"
    SNAPSHOT_SET_STARTED = "after StartSnapshotSet"
    PREPARED_FOR_BACKUP = "after PrepareForBackup"
    SNAPSHOT_SET_CREATED = "after a successful DoSnapshotSet"
    SNAPSHOT_SET_FAILED = "after a failed DoSnapshotSet"
    BACKUP_COMPLETED = "after BackupComplete"
    BACKUP_ABORTED = "after AbortBackup"
    RESTORE_INITIALIZED = "after InitializeForRestore"
    RESTORE_METADATA_GATHERED = "after GatherWriterMetadata (restore)"
    PRE_RESTORED = "after PreRestore"
    POST_RESTORED = "after PostRestore"
    RELEASED = "released"


@attrs.frozen
class Move:
    """An allowed call: the phase after it (``then``), or after its async operation fails."""

    then: Phase
    failed: Phase | None = None


P = Phase
C = Call

#: Calls that never change the phase and are allowed wherever the object is initialized and alive.
_ANYTIME = (C.GET_SESSION_ID, C.QUERY, C.DELETE_SNAPSHOTS, C.IS_VOLUME_SUPPORTED)
#: Writer status may be gathered once the writers are known (vss-facts §3.2 row 13).
_STATUS = (
    C.GATHER_WRITER_STATUS,
    C.GET_WRITER_STATUS_COUNT,
    C.GET_WRITER_STATUS,
    C.FREE_WRITER_STATUS,
)
_METADATA = (C.GET_WRITER_METADATA_COUNT, C.GET_WRITER_METADATA, C.FREE_WRITER_METADATA)
_BCD_READ = (C.GET_WRITER_COMPONENTS_COUNT, C.GET_WRITER_COMPONENTS, C.SAVE_AS_XML)


def _stay(phase: Phase, *calls: Call) -> dict[tuple[Phase, Call], Move]:
    return {(phase, call): Move(phase) for call in calls}


def _build_backup_order() -> dict[tuple[Phase, Call], Move]:
    rows: dict[tuple[Phase, Call], Move] = {
        (P.CREATED, C.INITIALIZE_FOR_BACKUP): Move(P.BACKUP_INITIALIZED),
        (P.CREATED, C.INITIALIZE_FOR_RESTORE): Move(P.RESTORE_INITIALIZED),
        (P.CREATED, C.RELEASE): Move(P.RELEASED),
        # SetContext: at most once, before the other calls (vss-facts §3.2 row 2).
        (P.BACKUP_INITIALIZED, C.SET_CONTEXT): Move(P.CONTEXT_SET),
        # GatherWriterMetadata: once per object (row 5); its async result moves the phase.
        (P.BACKUP_INITIALIZED, C.GATHER_WRITER_METADATA): Move(P.METADATA_GATHERED),
        (P.CONTEXT_SET, C.GATHER_WRITER_METADATA): Move(P.METADATA_GATHERED),
        # StartSnapshotSet: after the writers are known, once (rows 8, [INF] repeat policy §3.5).
        (P.METADATA_GATHERED, C.START_SNAPSHOT_SET): Move(P.SNAPSHOT_SET_STARTED),
        # PrepareForBackup: needs SetBackupState and StartSnapshotSet (row 12).
        (P.SNAPSHOT_SET_STARTED, C.PREPARE_FOR_BACKUP): Move(P.PREPARED_FOR_BACKUP),
        # DoSnapshotSet: fixes the set (row 14); its failure leaves only abort and release.
        (P.PREPARED_FOR_BACKUP, C.DO_SNAPSHOT_SET): Move(
            P.SNAPSHOT_SET_CREATED, failed=P.SNAPSHOT_SET_FAILED
        ),
        # BackupComplete: never after a failed DoSnapshotSet (row 17).
        (P.SNAPSHOT_SET_CREATED, C.BACKUP_COMPLETE): Move(P.BACKUP_COMPLETED),
        # AbortBackup: required from StartSnapshotSet until DoSnapshotSet returns; ignored when
        # nothing is under way (row x).
        (P.SNAPSHOT_SET_STARTED, C.ABORT_BACKUP): Move(P.BACKUP_ABORTED),
        (P.PREPARED_FOR_BACKUP, C.ABORT_BACKUP): Move(P.BACKUP_ABORTED),
        (P.SNAPSHOT_SET_FAILED, C.ABORT_BACKUP): Move(P.BACKUP_ABORTED),
        # Restore (vss-facts §3.3).
        (P.RESTORE_INITIALIZED, C.GATHER_WRITER_METADATA): Move(P.RESTORE_METADATA_GATHERED),
        (P.RESTORE_METADATA_GATHERED, C.PRE_RESTORE): Move(P.PRE_RESTORED),
        (P.PRE_RESTORED, C.POST_RESTORE): Move(P.POST_RESTORED),
    }
    # SetBackupState may be repeated until PrepareForBackup (row 3); VShadow also calls it while
    # initializing a restore (peers.md §A.6), so it is taken there too.
    for phase in (
        P.BACKUP_INITIALIZED,
        P.CONTEXT_SET,
        P.METADATA_GATHERED,
        P.SNAPSHOT_SET_STARTED,
        P.RESTORE_INITIALIZED,
    ):
        rows.update(_stay(phase, C.SET_BACKUP_STATE))
    for phase in (P.BACKUP_INITIALIZED, P.CONTEXT_SET):
        rows.update(_stay(phase, *_ANYTIME))
    # AbortBackup is ignored when nothing is under way (row x); aborts are not for restores (§3.3).
    for phase in (
        P.BACKUP_INITIALIZED,
        P.CONTEXT_SET,
        P.METADATA_GATHERED,
        P.SNAPSHOT_SET_CREATED,
        P.BACKUP_COMPLETED,
        P.BACKUP_ABORTED,
    ):
        rows.update(_stay(phase, C.ABORT_BACKUP))
    # Selecting components: after GatherWriterMetadata, before PrepareForBackup (rows 7, 11).
    rows.update(
        _stay(
            P.METADATA_GATHERED,
            *_ANYTIME,
            *_METADATA,
            *_STATUS,
            C.ADD_COMPONENT,
            C.SET_BACKUP_OPTIONS,
            C.SET_PREVIOUS_BACKUP_STAMP,
        )
    )
    rows.update(
        _stay(
            P.SNAPSHOT_SET_STARTED,
            *_ANYTIME,
            *_METADATA,
            *_STATUS,
            C.ADD_COMPONENT,
            C.SET_BACKUP_OPTIONS,
            C.SET_PREVIOUS_BACKUP_STAMP,
            C.ADD_TO_SNAPSHOT_SET,
        )
    )
    # The set stays open until DoSnapshotSet (vss-facts §9 "the set is frozen at DoSnapshotSet").
    rows.update(
        _stay(
            P.PREPARED_FOR_BACKUP,
            *_ANYTIME,
            *_METADATA,
            *_STATUS,
            C.ADD_TO_SNAPSHOT_SET,
            *_BCD_READ,
        )
    )
    rows.update(
        _stay(
            P.SNAPSHOT_SET_CREATED,
            *_ANYTIME,
            *_METADATA,
            *_STATUS,
            *_BCD_READ,
            C.GET_SNAPSHOT_PROPERTIES,
            C.SET_BACKUP_SUCCEEDED,
        )
    )
    rows.update(_stay(P.SNAPSHOT_SET_FAILED, *_ANYTIME, *_METADATA, *_STATUS, *_BCD_READ))
    rows.update(
        _stay(
            P.BACKUP_COMPLETED,
            *_ANYTIME,
            *_METADATA,
            *_STATUS,
            *_BCD_READ,
            C.GET_SNAPSHOT_PROPERTIES,
        )
    )
    rows.update(_stay(P.BACKUP_ABORTED, *_ANYTIME, *_METADATA, *_STATUS, *_BCD_READ))
    # Restore: components are read from the loaded BCD; selection needs the live writers (§3.3).
    rows.update(
        _stay(
            P.RESTORE_INITIALIZED,
            *_ANYTIME,
            C.SET_RESTORE_STATE,
            C.GET_WRITER_COMPONENTS_COUNT,
            C.GET_WRITER_COMPONENTS,
        )
    )
    rows.update(
        _stay(
            P.RESTORE_METADATA_GATHERED,
            *_ANYTIME,
            *_METADATA,
            *_STATUS,
            *_BCD_READ,
            C.SET_RESTORE_STATE,
            C.SET_SELECTED_FOR_RESTORE,
        )
    )
    rows.update(
        _stay(
            P.PRE_RESTORED, *_ANYTIME, *_METADATA, *_STATUS, *_BCD_READ, C.SET_FILE_RESTORE_STATUS
        )
    )
    rows.update(_stay(P.POST_RESTORED, *_ANYTIME, *_METADATA, *_STATUS, *_BCD_READ))
    # Release ends every live object (vss-facts §3.1).
    for phase in Phase:
        if phase not in (P.CREATED, P.RELEASED):
            rows[(phase, C.RELEASE)] = Move(P.RELEASED)
    return rows


#: (phase, call) -> move, for contexts that involve writers (vss-facts §3.2, §3.3).
BACKUP_ORDER: Mapping[tuple[Phase, Call], Move] = _build_backup_order()

#: Calls that need writers: refused in writerless contexts (vss-facts §3.5, [INF] VSS_E_BAD_STATE).
WRITER_ONLY_CALLS = frozenset({C.ADD_COMPONENT, C.PREPARE_FOR_BACKUP, C.BACKUP_COMPLETE})


def _build_writerless_order() -> dict[tuple[Phase, Call], Move]:
    rows = {key: move for key, move in BACKUP_ORDER.items() if key[1] not in WRITER_ONLY_CALLS}
    # GatherWriterMetadata is optional, and DoSnapshotSet follows StartSnapshotSet (vss-facts §4.5).
    rows[(P.BACKUP_INITIALIZED, C.START_SNAPSHOT_SET)] = Move(P.SNAPSHOT_SET_STARTED)
    rows[(P.CONTEXT_SET, C.START_SNAPSHOT_SET)] = Move(P.SNAPSHOT_SET_STARTED)
    rows[(P.SNAPSHOT_SET_STARTED, C.DO_SNAPSHOT_SET)] = Move(
        P.SNAPSHOT_SET_CREATED, failed=P.SNAPSHOT_SET_FAILED
    )
    rows.update(_stay(P.SNAPSHOT_SET_STARTED, *_BCD_READ))
    return rows


#: (phase, call) -> move, for VSS_CTX_FILE_SHARE_BACKUP and VSS_CTX_NAS_ROLLBACK.
WRITERLESS_ORDER: Mapping[tuple[Phase, Call], Move] = _build_writerless_order()

#: While an asynchronous operation of the object runs, only these are taken ([INF]): the rest
#: get VSS_E_BAD_STATE telling the caller to Wait first.
CALLS_WHILE_PENDING = frozenset({C.ABORT_BACKUP, C.RELEASE, C.GET_SESSION_ID})

#: Calls that need another call made earlier on the object, wherever it stands (vss-facts §3.2
#: row 12: PrepareForBackup "requires SetBackupState ... first"). Refused with VSS_E_BAD_STATE.
CALL_NEEDS: Mapping[Call, Call] = {C.PREPARE_FOR_BACKUP: C.SET_BACKUP_STATE}

#: Calls that return an IVssAsync (vss-facts §3.2, §3.3 "A").
ASYNC_CALLS = frozenset(
    {
        C.GATHER_WRITER_METADATA,
        C.GATHER_WRITER_STATUS,
        C.PREPARE_FOR_BACKUP,
        C.DO_SNAPSHOT_SET,
        C.BACKUP_COMPLETE,
        C.PRE_RESTORE,
        C.POST_RESTORE,
    }
)

RESTORE_PHASES = frozenset(
    {P.RESTORE_INITIALIZED, P.RESTORE_METADATA_GATHERED, P.PRE_RESTORED, P.POST_RESTORED}
)


def allowed_calls(order: Mapping[tuple[Phase, Call], Move], phase: Phase) -> list[Call]:
    """The calls the table takes in ``phase``, in declaration order."""
    return [call for call in Call if (phase, call) in order]


def phases_allowing(order: Mapping[tuple[Phase, Call], Move], call: Call) -> list[Phase]:
    """The phases in which ``call`` is taken, in declaration order."""
    return [phase for phase in Phase if (phase, call) in order]


def explain_refusal(
    order: Mapping[tuple[Phase, Call], Move],
    phase: Phase,
    call: Call,
    history: list[str],
    *,
    writerless: bool = False,
) -> str:
    """The message of a refused call, generated from the table (vss-facts §3.5)."""
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


# ---------------------------------------------------------------------------------------------
# Writer: events and state transitions (vss-facts §1.4, §2.2)
# ---------------------------------------------------------------------------------------------


class WriterEvent(enum.Enum):
    """The events VSS sends to writers; the value is the handler's name (vss-facts §1.4)."""

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


class Lapse(enum.Enum):
    """Triggers that are not handlers: a window that ran out."""

    # Members are singletons: hashing by identity keeps table look-ups at C speed.
    __hash__ = object.__hash__

    FREEZE_WINDOW = "Freeze→Thaw window (timeout_freeze) expired"


@attrs.frozen
class Outcome:
    """The writer's state after a trigger: ``ok`` on success, ``failed`` on failure; None keeps."""

    ok: VSS_WRITER_STATE | None
    failed: VSS_WRITER_STATE | None


WS = VSS_WRITER_STATE
E = WriterEvent
KEEP = Outcome(None, None)

#: The failed states: sticky for the rest of a session (vss-facts §2.2 "[INF]").
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
_IN_PROGRESS = (
    WS.VSS_WS_STABLE,
    WS.VSS_WS_WAITING_FOR_FREEZE,
    WS.VSS_WS_WAITING_FOR_THAW,
    WS.VSS_WS_WAITING_FOR_POST_SNAPSHOT,
    WS.VSS_WS_UNKNOWN,
)


def _build_writer_transitions() -> dict[tuple[VSS_WRITER_STATE, WriterEvent | Lapse], Outcome]:
    rows: dict[tuple[VSS_WRITER_STATE, WriterEvent | Lapse], Outcome] = {
        (WS.VSS_WS_STABLE, E.IDENTIFY): Outcome(WS.VSS_WS_STABLE, WS.VSS_WS_FAILED_AT_IDENTIFY),
        (WS.VSS_WS_STABLE, E.PREPARE_BACKUP): Outcome(
            WS.VSS_WS_STABLE, WS.VSS_WS_FAILED_AT_PREPARE_BACKUP
        ),
        (WS.VSS_WS_STABLE, E.PREPARE_SNAPSHOT): Outcome(
            WS.VSS_WS_WAITING_FOR_FREEZE, WS.VSS_WS_FAILED_AT_PREPARE_SNAPSHOT
        ),
        (WS.VSS_WS_WAITING_FOR_FREEZE, E.FREEZE): Outcome(
            WS.VSS_WS_WAITING_FOR_THAW, WS.VSS_WS_FAILED_AT_FREEZE
        ),
        (WS.VSS_WS_WAITING_FOR_THAW, E.THAW): Outcome(
            WS.VSS_WS_WAITING_FOR_POST_SNAPSHOT, WS.VSS_WS_FAILED_AT_THAW
        ),
        # KB 915331: a Freeze→Thaw timeout shows FAILED_AT_FREEZE with VSS_E_WRITERERROR_TIMEOUT.
        (WS.VSS_WS_WAITING_FOR_THAW, Lapse.FREEZE_WINDOW): Outcome(
            WS.VSS_WS_FAILED_AT_FREEZE, WS.VSS_WS_FAILED_AT_FREEZE
        ),
        (WS.VSS_WS_WAITING_FOR_POST_SNAPSHOT, E.POST_SNAPSHOT): Outcome(
            WS.VSS_WS_WAITING_FOR_BACKUP_COMPLETE, WS.VSS_WS_FAILED_AT_POST_SNAPSHOT
        ),
        (WS.VSS_WS_WAITING_FOR_BACKUP_COMPLETE, E.BACKUP_COMPLETE): Outcome(
            WS.VSS_WS_STABLE, WS.VSS_WS_FAILED_AT_BACKUP_COMPLETE
        ),
        (WS.VSS_WS_STABLE, E.PRE_RESTORE): Outcome(
            WS.VSS_WS_STABLE, WS.VSS_WS_FAILED_AT_PRE_RESTORE
        ),
        (WS.VSS_WS_STABLE, E.POST_RESTORE): Outcome(
            WS.VSS_WS_STABLE, WS.VSS_WS_FAILED_AT_POST_RESTORE
        ),
    }
    # Abort cleans up: STABLE when OnAbort succeeds, UNKNOWN when it fails ([INF]); a failure
    # state already set is kept (vss-facts §2.2).
    for state in _IN_PROGRESS:
        rows[(state, E.ABORT)] = Outcome(WS.VSS_WS_STABLE, WS.VSS_WS_UNKNOWN)
    # BackupShutdown ends the session; failure states stay visible afterwards (peers.md §B #9).
    for state in (*_IN_PROGRESS, WS.VSS_WS_WAITING_FOR_BACKUP_COMPLETE):
        rows[(state, E.BACKUP_SHUTDOWN)] = Outcome(
            WS.VSS_WS_STABLE, WS.VSS_WS_FAILED_AT_BACKUPSHUTDOWN
        )
    for state in FAILED_STATES:
        rows[(state, E.ABORT)] = KEEP
        rows[(state, E.BACKUP_SHUTDOWN)] = KEEP
    return rows


#: (state, trigger) -> outcome, for one writer in one session (vss-facts §2.2).
WRITER_TRANSITIONS: Mapping[tuple[VSS_WRITER_STATE, WriterEvent | Lapse], Outcome] = (
    _build_writer_transitions()
)

# ---------------------------------------------------------------------------------------------
# Writer-side calls: where each may be made (vss-facts §1.5)
# ---------------------------------------------------------------------------------------------


@attrs.frozen
class WriterCallRule:
    """Where a CVssWriter call may be made.

    ``events``: the handlers it may be called from (None: anywhere, even outside handlers).
    ``thread_rule``: it must run on the very thread that invoked the handler; a call from any other
    thread, or with no handler running, raises ``WrongThreadError`` (vss-facts §1.5, API.md).
    """

    events: frozenset[WriterEvent] | None
    thread_rule: bool
    fact: str


_ALL = frozenset(WriterEvent)
_BACKUP_SEQUENCE = frozenset(
    {E.PREPARE_BACKUP, E.PREPARE_SNAPSHOT, E.FREEZE, E.THAW, E.POST_SNAPSHOT}
)

#: method name -> where it may be called.
WRITER_CALLS: Mapping[str, WriterCallRule] = {
    "GetSessionId": WriterCallRule(_ALL, True, "§1.5, §8: any handler, on the handler's thread"),
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
