"""The requester's call order: which IVssBackupComponents call is taken in which phase.

A table maps ``(Phase, Call)`` to a ``Move``; a missing row is a refusal with VSS_E_BAD_STATE
(docs/reference.md §3.5), whose message ``refusals.explain_refusal`` builds from the table. Each
phase below lists every call it takes: ``STAY`` keeps the phase, a phase moves the object there,
and a pair ``(then, if_failed)`` moves it to ``then`` when the call's asynchronous operation
succeeds and to ``if_failed`` when it fails. ``docs/rules.md`` prints this table.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from .calls import Call, Move, Phase

__all__ = [
    "ASYNC_CALLS",
    "BACKUP_ORDER",
    "CALLS_WHILE_PENDING",
    "RESTORE_PHASES",
    "STAY",
    "WRITERLESS_ORDER",
    "WRITER_ONLY_CALLS",
    "call_order",
]

P = Phase
C = Call
#: The phase stays where it is.
STAY: Final = "stay"

_Cell = Phase | tuple[Phase, Phase] | str


def call_order(
    rows: Mapping[Phase, Mapping[Call, _Cell]],
) -> Mapping[tuple[Phase, Call], Move]:
    """The table ``{phase: {call: cell}}`` as a read-only ``(phase, call) -> Move`` mapping."""
    table: dict[tuple[Phase, Call], Move] = {}
    for phase, calls in rows.items():
        for call, cell in calls.items():
            if isinstance(cell, Phase):
                move = Move(cell)
            elif isinstance(cell, tuple):
                move = Move(cell[0], cell[1])
            else:
                move = Move(phase)
            table[(phase, call)] = move
    return MappingProxyType(table)


#: Writer classes and instances are chosen before GatherWriterMetadata (§3.2 row 4).
_WRITER_SELECTION: Mapping[Call, _Cell] = {
    C.ENABLE_WRITER_CLASSES: STAY,
    C.DISABLE_WRITER_CLASSES: STAY,
    C.DISABLE_WRITER_INSTANCES: STAY,
}
#: Shadow copies already on the machine are managed from a backup object while no set of its
#: own is in creation (§3.2 "other members", §3.6).
_MANAGEMENT: Mapping[Call, _Cell] = {
    C.EXPOSE_SNAPSHOT: STAY,
    C.UNEXPOSE_SNAPSHOT: STAY,
    C.BREAK_SNAPSHOT_SET: STAY,
    C.BREAK_SNAPSHOT_SET_EX: STAY,
    C.REVERT_TO_SNAPSHOT: STAY,
    C.QUERY_REVERT_STATUS: STAY,
    C.PRE_FAST_RECOVERY: STAY,
    C.FAST_RECOVERY: STAY,
}
#: Paths are normalized before AddToSnapshotSet (§3.6).
_PATHS: Mapping[Call, _Cell] = {C.GET_ROOT_AND_LOGICAL_PREFIX_PATHS: STAY}
#: The restore setters of the loaded BCD, before PreRestore (§3.3 row 6, §7.3).
_RESTORE_SETTERS: Mapping[Call, _Cell] = {
    C.SET_SELECTED_FOR_RESTORE_EX: STAY,
    C.ADD_RESTORE_SUBCOMPONENT: STAY,
    C.SET_RESTORE_OPTIONS: STAY,
    C.SET_ADDITIONAL_RESTORES: STAY,
    C.ADD_NEW_TARGET: STAY,
    C.ADD_ALTERNATIVE_LOCATION_MAPPING: STAY,
    C.SET_AUTHORITATIVE_RESTORE: STAY,
    C.SET_ROLL_FORWARD: STAY,
    C.SET_RESTORE_NAME: STAY,
    C.SET_PREVIOUS_BACKUP_STAMP: STAY,
}
#: A LUN resynchronization starts from InitializeForRestore (§3.6).
_RECOVERY: Mapping[Call, _Cell] = {
    C.ADD_SNAPSHOT_TO_RECOVERY_SET: STAY,
    C.RECOVER_SET: STAY,
}

#: (phase, call) -> move, for contexts that involve writers (docs/reference.md §3.2, §3.3).
BACKUP_ORDER: Mapping[tuple[Phase, Call], Move] = call_order(
    {
        # A new object takes only an Initialize call, or Release (reference §3.1, §3.2 row 1).
        P.CREATED: {
            C.INITIALIZE_FOR_BACKUP: P.BACKUP_INITIALIZED,
            C.INITIALIZE_FOR_RESTORE: P.RESTORE_INITIALIZED,
            C.RELEASE: P.RELEASED,
        },
        # SetContext at most once, before the other calls (§3.2 row 2); SetBackupState may be
        # repeated until PrepareForBackup (row 3); AbortBackup with nothing under way is ignored
        # (row x).
        P.BACKUP_INITIALIZED: {
            **_WRITER_SELECTION,
            **_MANAGEMENT,
            **_PATHS,
            C.IMPORT_SNAPSHOTS: STAY,
            C.SET_CONTEXT: P.CONTEXT_SET,
            C.SET_BACKUP_STATE: STAY,
            C.GATHER_WRITER_METADATA: P.METADATA_GATHERED,
            C.IS_VOLUME_SUPPORTED: STAY,
            C.ABORT_BACKUP: STAY,
            C.DELETE_SNAPSHOTS: STAY,
            C.QUERY: STAY,
            C.GET_SESSION_ID: STAY,
            C.RELEASE: P.RELEASED,
        },
        P.CONTEXT_SET: {
            **_WRITER_SELECTION,
            **_MANAGEMENT,
            **_PATHS,
            C.IMPORT_SNAPSHOTS: STAY,
            C.SET_BACKUP_STATE: STAY,
            C.GATHER_WRITER_METADATA: P.METADATA_GATHERED,
            C.IS_VOLUME_SUPPORTED: STAY,
            C.ABORT_BACKUP: STAY,
            C.DELETE_SNAPSHOTS: STAY,
            C.QUERY: STAY,
            C.GET_SESSION_ID: STAY,
            C.RELEASE: P.RELEASED,
        },
        # Selecting components: after GatherWriterMetadata, before PrepareForBackup (rows 7, 11);
        # StartSnapshotSet once the writers are known (row 8).
        P.METADATA_GATHERED: {
            **_MANAGEMENT,
            **_PATHS,
            C.SET_BACKUP_STATE: STAY,
            C.GET_WRITER_METADATA_COUNT: STAY,
            C.GET_WRITER_METADATA: STAY,
            C.GET_WRITER_METADATA_EX: STAY,
            C.FREE_WRITER_METADATA: STAY,
            C.ADD_COMPONENT: STAY,
            C.SET_BACKUP_OPTIONS: STAY,
            C.SET_PREVIOUS_BACKUP_STAMP: STAY,
            C.START_SNAPSHOT_SET: P.SNAPSHOT_SET_STARTED,
            C.IS_VOLUME_SUPPORTED: STAY,
            C.ABORT_BACKUP: STAY,
            C.GATHER_WRITER_STATUS: STAY,
            C.GET_WRITER_STATUS_COUNT: STAY,
            C.GET_WRITER_STATUS: STAY,
            C.FREE_WRITER_STATUS: STAY,
            C.DELETE_SNAPSHOTS: STAY,
            C.QUERY: STAY,
            C.GET_SESSION_ID: STAY,
            C.RELEASE: P.RELEASED,
        },
        # The set is open: volumes are added (row 10); PrepareForBackup needs SetBackupState
        # (row 12, CALL_REQUIREMENTS); AbortBackup is required from here until DoSnapshotSet
        # returns (row x).
        P.SNAPSHOT_SET_STARTED: {
            **_PATHS,
            C.SET_BACKUP_STATE: STAY,
            C.GET_WRITER_METADATA_COUNT: STAY,
            C.GET_WRITER_METADATA: STAY,
            C.GET_WRITER_METADATA_EX: STAY,
            C.FREE_WRITER_METADATA: STAY,
            C.ADD_COMPONENT: STAY,
            C.SET_BACKUP_OPTIONS: STAY,
            C.SET_PREVIOUS_BACKUP_STAMP: STAY,
            C.IS_VOLUME_SUPPORTED: STAY,
            C.ADD_TO_SNAPSHOT_SET: STAY,
            C.PREPARE_FOR_BACKUP: P.PREPARED_FOR_BACKUP,
            C.ABORT_BACKUP: P.BACKUP_ABORTED,
            C.GATHER_WRITER_STATUS: STAY,
            C.GET_WRITER_STATUS_COUNT: STAY,
            C.GET_WRITER_STATUS: STAY,
            C.FREE_WRITER_STATUS: STAY,
            C.DELETE_SNAPSHOTS: STAY,
            C.QUERY: STAY,
            C.GET_SESSION_ID: STAY,
            C.RELEASE: P.RELEASED,
        },
        # The set stays open until DoSnapshotSet, which fixes it (row 14, §9).
        P.PREPARED_FOR_BACKUP: {
            **_PATHS,
            C.GET_WRITER_METADATA_COUNT: STAY,
            C.GET_WRITER_METADATA: STAY,
            C.GET_WRITER_METADATA_EX: STAY,
            C.FREE_WRITER_METADATA: STAY,
            C.IS_VOLUME_SUPPORTED: STAY,
            C.ADD_TO_SNAPSHOT_SET: STAY,
            C.DO_SNAPSHOT_SET: (P.SNAPSHOT_SET_CREATED, P.SNAPSHOT_SET_FAILED),
            C.ABORT_BACKUP: P.BACKUP_ABORTED,
            C.GATHER_WRITER_STATUS: STAY,
            C.GET_WRITER_STATUS_COUNT: STAY,
            C.GET_WRITER_STATUS: STAY,
            C.FREE_WRITER_STATUS: STAY,
            C.GET_WRITER_COMPONENTS_COUNT: STAY,
            C.GET_WRITER_COMPONENTS: STAY,
            C.SAVE_AS_XML: STAY,
            C.DELETE_SNAPSHOTS: STAY,
            C.QUERY: STAY,
            C.GET_SESSION_ID: STAY,
            C.RELEASE: P.RELEASED,
        },
        # After a successful DoSnapshotSet: properties, SetBackupSucceeded, BackupComplete (rows
        # 15-17).
        P.SNAPSHOT_SET_CREATED: {
            **_MANAGEMENT,
            C.GET_WRITER_METADATA_COUNT: STAY,
            C.GET_WRITER_METADATA: STAY,
            C.GET_WRITER_METADATA_EX: STAY,
            C.FREE_WRITER_METADATA: STAY,
            C.IS_VOLUME_SUPPORTED: STAY,
            C.GET_SNAPSHOT_PROPERTIES: STAY,
            C.SET_BACKUP_SUCCEEDED: STAY,
            C.BACKUP_COMPLETE: P.BACKUP_COMPLETED,
            C.ABORT_BACKUP: STAY,
            C.GATHER_WRITER_STATUS: STAY,
            C.GET_WRITER_STATUS_COUNT: STAY,
            C.GET_WRITER_STATUS: STAY,
            C.FREE_WRITER_STATUS: STAY,
            C.GET_WRITER_COMPONENTS_COUNT: STAY,
            C.GET_WRITER_COMPONENTS: STAY,
            C.SAVE_AS_XML: STAY,
            C.DELETE_SNAPSHOTS: STAY,
            C.QUERY: STAY,
            C.GET_SESSION_ID: STAY,
            C.RELEASE: P.RELEASED,
        },
        # A failed DoSnapshotSet leaves only reading, AbortBackup and Release (row 17: never
        # BackupComplete).
        P.SNAPSHOT_SET_FAILED: {
            **_MANAGEMENT,
            C.GET_WRITER_METADATA_COUNT: STAY,
            C.GET_WRITER_METADATA: STAY,
            C.GET_WRITER_METADATA_EX: STAY,
            C.FREE_WRITER_METADATA: STAY,
            C.IS_VOLUME_SUPPORTED: STAY,
            C.ABORT_BACKUP: P.BACKUP_ABORTED,
            C.GATHER_WRITER_STATUS: STAY,
            C.GET_WRITER_STATUS_COUNT: STAY,
            C.GET_WRITER_STATUS: STAY,
            C.FREE_WRITER_STATUS: STAY,
            C.GET_WRITER_COMPONENTS_COUNT: STAY,
            C.GET_WRITER_COMPONENTS: STAY,
            C.SAVE_AS_XML: STAY,
            C.DELETE_SNAPSHOTS: STAY,
            C.QUERY: STAY,
            C.GET_SESSION_ID: STAY,
            C.RELEASE: P.RELEASED,
        },
        P.BACKUP_COMPLETED: {
            **_MANAGEMENT,
            C.GET_WRITER_METADATA_COUNT: STAY,
            C.GET_WRITER_METADATA: STAY,
            C.GET_WRITER_METADATA_EX: STAY,
            C.FREE_WRITER_METADATA: STAY,
            C.IS_VOLUME_SUPPORTED: STAY,
            C.GET_SNAPSHOT_PROPERTIES: STAY,
            C.ABORT_BACKUP: STAY,
            C.GATHER_WRITER_STATUS: STAY,
            C.GET_WRITER_STATUS_COUNT: STAY,
            C.GET_WRITER_STATUS: STAY,
            C.FREE_WRITER_STATUS: STAY,
            C.GET_WRITER_COMPONENTS_COUNT: STAY,
            C.GET_WRITER_COMPONENTS: STAY,
            C.SAVE_AS_XML: STAY,
            C.DELETE_SNAPSHOTS: STAY,
            C.QUERY: STAY,
            C.GET_SESSION_ID: STAY,
            C.RELEASE: P.RELEASED,
        },
        P.BACKUP_ABORTED: {
            **_MANAGEMENT,
            C.GET_WRITER_METADATA_COUNT: STAY,
            C.GET_WRITER_METADATA: STAY,
            C.GET_WRITER_METADATA_EX: STAY,
            C.FREE_WRITER_METADATA: STAY,
            C.IS_VOLUME_SUPPORTED: STAY,
            C.ABORT_BACKUP: STAY,
            C.GATHER_WRITER_STATUS: STAY,
            C.GET_WRITER_STATUS_COUNT: STAY,
            C.GET_WRITER_STATUS: STAY,
            C.FREE_WRITER_STATUS: STAY,
            C.GET_WRITER_COMPONENTS_COUNT: STAY,
            C.GET_WRITER_COMPONENTS: STAY,
            C.SAVE_AS_XML: STAY,
            C.DELETE_SNAPSHOTS: STAY,
            C.QUERY: STAY,
            C.GET_SESSION_ID: STAY,
            C.RELEASE: P.RELEASED,
        },
        # Restore (§3.3): components are read from the loaded BCD; SetBackupState is taken while
        # initializing a restore, as VShadow calls it ([INF]). Query is a backup call (§3.6).
        P.RESTORE_INITIALIZED: {
            C.SET_PREVIOUS_BACKUP_STAMP: STAY,
            **_RECOVERY,
            C.SET_BACKUP_STATE: STAY,
            C.SET_RESTORE_STATE: STAY,
            C.GATHER_WRITER_METADATA: P.RESTORE_METADATA_GATHERED,
            C.IS_VOLUME_SUPPORTED: STAY,
            C.GET_WRITER_COMPONENTS_COUNT: STAY,
            C.GET_WRITER_COMPONENTS: STAY,
            C.DELETE_SNAPSHOTS: STAY,
            C.GET_SESSION_ID: STAY,
            C.RELEASE: P.RELEASED,
        },
        # Selection needs the live writers (§3.3 row 6).
        P.RESTORE_METADATA_GATHERED: {
            **_RESTORE_SETTERS,
            **_RECOVERY,
            C.SET_RESTORE_STATE: STAY,
            C.GET_WRITER_METADATA_COUNT: STAY,
            C.GET_WRITER_METADATA: STAY,
            C.GET_WRITER_METADATA_EX: STAY,
            C.FREE_WRITER_METADATA: STAY,
            C.IS_VOLUME_SUPPORTED: STAY,
            C.GATHER_WRITER_STATUS: STAY,
            C.GET_WRITER_STATUS_COUNT: STAY,
            C.GET_WRITER_STATUS: STAY,
            C.FREE_WRITER_STATUS: STAY,
            C.GET_WRITER_COMPONENTS_COUNT: STAY,
            C.GET_WRITER_COMPONENTS: STAY,
            C.SET_SELECTED_FOR_RESTORE: STAY,
            C.PRE_RESTORE: P.PRE_RESTORED,
            C.SAVE_AS_XML: STAY,
            C.DELETE_SNAPSHOTS: STAY,
            C.GET_SESSION_ID: STAY,
            C.RELEASE: P.RELEASED,
        },
        P.PRE_RESTORED: {
            C.GET_WRITER_METADATA_COUNT: STAY,
            C.GET_WRITER_METADATA: STAY,
            C.GET_WRITER_METADATA_EX: STAY,
            C.FREE_WRITER_METADATA: STAY,
            C.IS_VOLUME_SUPPORTED: STAY,
            C.GATHER_WRITER_STATUS: STAY,
            C.GET_WRITER_STATUS_COUNT: STAY,
            C.GET_WRITER_STATUS: STAY,
            C.FREE_WRITER_STATUS: STAY,
            C.GET_WRITER_COMPONENTS_COUNT: STAY,
            C.GET_WRITER_COMPONENTS: STAY,
            C.SET_FILE_RESTORE_STATUS: STAY,
            C.POST_RESTORE: P.POST_RESTORED,
            C.SAVE_AS_XML: STAY,
            C.DELETE_SNAPSHOTS: STAY,
            C.GET_SESSION_ID: STAY,
            C.RELEASE: P.RELEASED,
        },
        P.POST_RESTORED: {
            C.GET_WRITER_METADATA_COUNT: STAY,
            C.GET_WRITER_METADATA: STAY,
            C.GET_WRITER_METADATA_EX: STAY,
            C.FREE_WRITER_METADATA: STAY,
            C.IS_VOLUME_SUPPORTED: STAY,
            C.GATHER_WRITER_STATUS: STAY,
            C.GET_WRITER_STATUS_COUNT: STAY,
            C.GET_WRITER_STATUS: STAY,
            C.FREE_WRITER_STATUS: STAY,
            C.GET_WRITER_COMPONENTS_COUNT: STAY,
            C.GET_WRITER_COMPONENTS: STAY,
            C.SAVE_AS_XML: STAY,
            C.DELETE_SNAPSHOTS: STAY,
            C.GET_SESSION_ID: STAY,
            C.RELEASE: P.RELEASED,
        },
    }
)


#: Calls that need writers: refused in writerless contexts (§3.5, [INF] VSS_E_BAD_STATE).
WRITER_ONLY_CALLS = frozenset({C.ADD_COMPONENT, C.PREPARE_FOR_BACKUP, C.BACKUP_COMPLETE})

#: (phase, call) -> move, for VSS_CTX_FILE_SHARE_BACKUP and VSS_CTX_NAS_ROLLBACK: the backup table
#: without the writer calls; GatherWriterMetadata is optional and DoSnapshotSet follows
#: StartSnapshotSet (§4.5).
WRITERLESS_ORDER: Mapping[tuple[Phase, Call], Move] = MappingProxyType(
    {
        **{key: move for key, move in BACKUP_ORDER.items() if key[1] not in WRITER_ONLY_CALLS},
        **call_order(
            {
                P.BACKUP_INITIALIZED: {C.START_SNAPSHOT_SET: P.SNAPSHOT_SET_STARTED},
                P.CONTEXT_SET: {C.START_SNAPSHOT_SET: P.SNAPSHOT_SET_STARTED},
                P.SNAPSHOT_SET_STARTED: {
                    C.DO_SNAPSHOT_SET: (P.SNAPSHOT_SET_CREATED, P.SNAPSHOT_SET_FAILED),
                    C.GET_WRITER_COMPONENTS_COUNT: STAY,
                    C.GET_WRITER_COMPONENTS: STAY,
                    C.SAVE_AS_XML: STAY,
                },
            }
        ),
    }
)

#: While an asynchronous operation of the object runs, only these are taken ([INF]): the rest
#: get VSS_E_BAD_STATE telling the caller to Wait first.
CALLS_WHILE_PENDING = frozenset({C.ABORT_BACKUP, C.RELEASE, C.GET_SESSION_ID})

#: Calls that return an IVssAsync (§3.2, §3.3 "A").
ASYNC_CALLS = frozenset(
    {
        C.GATHER_WRITER_METADATA,
        C.GATHER_WRITER_STATUS,
        C.PREPARE_FOR_BACKUP,
        C.DO_SNAPSHOT_SET,
        C.BACKUP_COMPLETE,
        C.PRE_RESTORE,
        C.POST_RESTORE,
        C.IMPORT_SNAPSHOTS,
        C.BREAK_SNAPSHOT_SET_EX,
        C.QUERY_REVERT_STATUS,
        C.RECOVER_SET,
    }
)

RESTORE_PHASES = frozenset(
    {P.RESTORE_INITIALIZED, P.RESTORE_METADATA_GATHERED, P.PRE_RESTORED, P.POST_RESTORED}
)
