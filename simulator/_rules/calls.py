"""The requester's vocabulary of the call-order rules: calls, phases, and moves between phases.

An ``IVssBackupComponents`` object is in one ``Phase``; each ``Call`` made on it is looked up in a
call-order table (``call_order.py``) whose row is a ``Move``: the phase after the call, and the phase
after its asynchronous operation fails (docs/reference.md §3.1–§3.5).
"""

from __future__ import annotations

import enum

import attrs

__all__ = ["Call", "Move", "Phase"]


class Call(enum.Enum):
    """IVssBackupComponents methods; the value is the COM name."""

    # Members are singletons: hashing by identity keeps table look-ups at C speed.
    __hash__ = object.__hash__

    INITIALIZE_FOR_BACKUP = "InitializeForBackup"
    INITIALIZE_FOR_RESTORE = "InitializeForRestore"
    SET_CONTEXT = "SetContext"
    ENABLE_WRITER_CLASSES = "EnableWriterClasses"
    DISABLE_WRITER_CLASSES = "DisableWriterClasses"
    DISABLE_WRITER_INSTANCES = "DisableWriterInstances"
    SET_BACKUP_STATE = "SetBackupState"
    SET_RESTORE_STATE = "SetRestoreState"
    GATHER_WRITER_METADATA = "GatherWriterMetadata"
    GET_WRITER_METADATA_COUNT = "GetWriterMetadataCount"
    GET_WRITER_METADATA = "GetWriterMetadata"
    GET_WRITER_METADATA_EX = "GetWriterMetadataEx"
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
    SET_SELECTED_FOR_RESTORE_EX = "SetSelectedForRestoreEx"
    ADD_RESTORE_SUBCOMPONENT = "AddRestoreSubcomponent"
    SET_RESTORE_OPTIONS = "SetRestoreOptions"
    SET_ADDITIONAL_RESTORES = "SetAdditionalRestores"
    ADD_NEW_TARGET = "AddNewTarget"
    ADD_ALTERNATIVE_LOCATION_MAPPING = "AddAlternativeLocationMapping"
    SET_AUTHORITATIVE_RESTORE = "SetAuthoritativeRestore"
    SET_ROLL_FORWARD = "SetRollForward"
    SET_RESTORE_NAME = "SetRestoreName"
    PRE_RESTORE = "PreRestore"
    SET_FILE_RESTORE_STATUS = "SetFileRestoreStatus"
    POST_RESTORE = "PostRestore"
    SAVE_AS_XML = "SaveAsXML"
    DELETE_SNAPSHOTS = "DeleteSnapshots"
    QUERY = "Query"
    EXPOSE_SNAPSHOT = "ExposeSnapshot"
    UNEXPOSE_SNAPSHOT = "UnexposeSnapshot"
    BREAK_SNAPSHOT_SET = "BreakSnapshotSet"
    BREAK_SNAPSHOT_SET_EX = "BreakSnapshotSetEx"
    IMPORT_SNAPSHOTS = "ImportSnapshots"
    REVERT_TO_SNAPSHOT = "RevertToSnapshot"
    QUERY_REVERT_STATUS = "QueryRevertStatus"
    GET_ROOT_AND_LOGICAL_PREFIX_PATHS = "GetRootAndLogicalPrefixPaths"
    PRE_FAST_RECOVERY = "PreFastRecovery"
    FAST_RECOVERY = "FastRecovery"
    ADD_SNAPSHOT_TO_RECOVERY_SET = "AddSnapshotToRecoverySet"
    RECOVER_SET = "RecoverSet"
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
    """An allowed call: the phase after it, and the phase after its operation fails (None: the
    phase stays where the call left it)."""

    next_phase: Phase
    failed_phase: Phase | None = None
