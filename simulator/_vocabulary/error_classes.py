"""One exception class per failing HRESULT, in its family (docs/reference.md §5).

The naming rule and the full list are in ``simulator._vocabulary.errors``.
"""

from __future__ import annotations

from .. import hresults as _hr
from .error_base import VssProviderError, VssRequesterError, VssWriterError


class VssAccessDenied(VssProviderError, PermissionError):
    """E_ACCESSDENIED: caller is not an administrator or lacks the backup privilege."""

    hresult = _hr.E_ACCESSDENIED


class VssOutOfMemory(VssProviderError):
    """E_OUTOFMEMORY: out of memory or resources."""

    hresult = _hr.E_OUTOFMEMORY


class VssInvalidArg(VssRequesterError, ValueError):
    """E_INVALIDARG: bad parameter."""

    hresult = _hr.E_INVALIDARG


class VssEUnexpected(VssProviderError):
    """E_UNEXPECTED: unexpected error (pre-Windows 7 stand-in for VSS_E_UNEXPECTED)."""

    hresult = _hr.E_UNEXPECTED


class VssNotImplemented(VssProviderError, NotImplementedError):
    """E_NOTIMPL: not implemented on this system."""

    hresult = _hr.E_NOTIMPL


class VssFail(VssProviderError):
    """E_FAIL: unspecified failure."""

    hresult = _hr.E_FAIL


class VssBadState(VssRequesterError):
    """VSS_E_BAD_STATE: call made in the wrong object state or sequence."""

    hresult = _hr.VSS_E_BAD_STATE


class VssUnexpected(VssProviderError):
    """VSS_E_UNEXPECTED: unexpected VSS error."""

    hresult = _hr.VSS_E_UNEXPECTED


class VssProviderAlreadyRegistered(VssRequesterError):
    """VSS_E_PROVIDER_ALREADY_REGISTERED: provider already registered."""

    hresult = _hr.VSS_E_PROVIDER_ALREADY_REGISTERED


class VssProviderNotRegistered(VssRequesterError):
    """VSS_E_PROVIDER_NOT_REGISTERED: provider id unknown."""

    hresult = _hr.VSS_E_PROVIDER_NOT_REGISTERED


class VssProviderVeto(VssProviderError):
    """VSS_E_PROVIDER_VETO: provider failed the request."""

    hresult = _hr.VSS_E_PROVIDER_VETO


class VssProviderInUse(VssProviderError):
    """VSS_E_PROVIDER_IN_USE: provider busy; cannot unregister."""

    hresult = _hr.VSS_E_PROVIDER_IN_USE


class VssObjectNotFound(VssRequesterError):
    """VSS_E_OBJECT_NOT_FOUND: volume, snapshot, set, writer or component not found."""

    hresult = _hr.VSS_E_OBJECT_NOT_FOUND


class VssVolumeNotSupported(VssProviderError):
    """VSS_E_VOLUME_NOT_SUPPORTED: no provider supports the volume."""

    hresult = _hr.VSS_E_VOLUME_NOT_SUPPORTED


class VssObjectAlreadyExists(VssRequesterError):
    """VSS_E_OBJECT_ALREADY_EXISTS: duplicate object."""

    hresult = _hr.VSS_E_OBJECT_ALREADY_EXISTS


class VssVolumeNotSupportedByProvider(VssProviderError):
    """VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER: the chosen provider cannot shadow the volume."""

    hresult = _hr.VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER


class VssUnexpectedProviderError(VssProviderError):
    """VSS_E_UNEXPECTED_PROVIDER_ERROR: provider returned a code outside the allowed list."""

    hresult = _hr.VSS_E_UNEXPECTED_PROVIDER_ERROR


class VssCorruptXmlDocument(VssRequesterError):
    """VSS_E_CORRUPT_XML_DOCUMENT: malformed XML (deprecated code)."""

    hresult = _hr.VSS_E_CORRUPT_XML_DOCUMENT


class VssInvalidXmlDocument(VssRequesterError):
    """VSS_E_INVALID_XML_DOCUMENT: malformed or schema-invalid XML."""

    hresult = _hr.VSS_E_INVALID_XML_DOCUMENT


class VssMaximumNumberOfVolumesReached(VssProviderError):
    """VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED: too many volumes in a snapshot set."""

    hresult = _hr.VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED


class VssFlushWritesTimeout(VssProviderError):
    """VSS_E_FLUSH_WRITES_TIMEOUT: could not flush writes in time."""

    hresult = _hr.VSS_E_FLUSH_WRITES_TIMEOUT


class VssHoldWritesTimeout(VssProviderError):
    """VSS_E_HOLD_WRITES_TIMEOUT: could not hold writes in time."""

    hresult = _hr.VSS_E_HOLD_WRITES_TIMEOUT


class VssUnexpectedWriterError(VssWriterError):
    """VSS_E_UNEXPECTED_WRITER_ERROR: problem sending events to writers."""

    hresult = _hr.VSS_E_UNEXPECTED_WRITER_ERROR


class VssSnapshotSetInProgress(VssProviderError):
    """VSS_E_SNAPSHOT_SET_IN_PROGRESS: another snapshot set creation is in progress."""

    hresult = _hr.VSS_E_SNAPSHOT_SET_IN_PROGRESS


class VssMaximumNumberOfSnapshotsReached(VssProviderError):
    """VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED: volume or provider at its shadow copy limit."""

    hresult = _hr.VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED


class VssWriterInfrastructure(VssWriterError):
    """VSS_E_WRITER_INFRASTRUCTURE: cannot reach the writers."""

    hresult = _hr.VSS_E_WRITER_INFRASTRUCTURE


class VssWriterNotResponding(VssWriterError):
    """VSS_E_WRITER_NOT_RESPONDING: writer did not answer."""

    hresult = _hr.VSS_E_WRITER_NOT_RESPONDING


class VssWriterAlreadySubscribed(VssWriterError):
    """VSS_E_WRITER_ALREADY_SUBSCRIBED: Subscribe called twice."""

    hresult = _hr.VSS_E_WRITER_ALREADY_SUBSCRIBED


class VssUnsupportedContext(VssProviderError):
    """VSS_E_UNSUPPORTED_CONTEXT: provider does not support this context."""

    hresult = _hr.VSS_E_UNSUPPORTED_CONTEXT


class VssVolumeInUse(VssProviderError):
    """VSS_E_VOLUME_IN_USE: shadow storage association in use."""

    hresult = _hr.VSS_E_VOLUME_IN_USE


class VssMaximumDiffareaAssociationsReached(VssProviderError):
    """VSS_E_MAXIMUM_DIFFAREA_ASSOCIATIONS_REACHED: too many diff-area associations."""

    hresult = _hr.VSS_E_MAXIMUM_DIFFAREA_ASSOCIATIONS_REACHED


class VssInsufficientStorage(VssProviderError):
    """VSS_E_INSUFFICIENT_STORAGE: not enough space for shadow storage."""

    hresult = _hr.VSS_E_INSUFFICIENT_STORAGE


class VssNoSnapshotsImported(VssProviderError):
    """VSS_E_NO_SNAPSHOTS_IMPORTED: import failed entirely."""

    hresult = _hr.VSS_E_NO_SNAPSHOTS_IMPORTED


class VssSomeSnapshotsNotImported(VssProviderError):
    """VSS_E_SOME_SNAPSHOTS_NOT_IMPORTED: import partly failed."""

    hresult = _hr.VSS_E_SOME_SNAPSHOTS_NOT_IMPORTED


class VssMaximumNumberOfRemoteMachinesReached(VssProviderError):
    """VSS_E_MAXIMUM_NUMBER_OF_REMOTE_MACHINES_REACHED: remote machine limit reached."""

    hresult = _hr.VSS_E_MAXIMUM_NUMBER_OF_REMOTE_MACHINES_REACHED


class VssRemoteServerUnavailable(VssProviderError):
    """VSS_E_REMOTE_SERVER_UNAVAILABLE: remote server unavailable."""

    hresult = _hr.VSS_E_REMOTE_SERVER_UNAVAILABLE


class VssRemoteServerUnsupported(VssProviderError):
    """VSS_E_REMOTE_SERVER_UNSUPPORTED: remote VSS too old."""

    hresult = _hr.VSS_E_REMOTE_SERVER_UNSUPPORTED


class VssRevertInProgress(VssProviderError):
    """VSS_E_REVERT_IN_PROGRESS: revert already running."""

    hresult = _hr.VSS_E_REVERT_IN_PROGRESS


class VssRevertVolumeLost(VssProviderError):
    """VSS_E_REVERT_VOLUME_LOST: volume lost during revert."""

    hresult = _hr.VSS_E_REVERT_VOLUME_LOST


class VssRebootRequired(VssProviderError):
    """VSS_E_REBOOT_REQUIRED: reboot needed."""

    hresult = _hr.VSS_E_REBOOT_REQUIRED


class VssTransactionFreezeTimeout(VssProviderError):
    """VSS_E_TRANSACTION_FREEZE_TIMEOUT: transaction freeze timed out."""

    hresult = _hr.VSS_E_TRANSACTION_FREEZE_TIMEOUT


class VssTransactionThawTimeout(VssProviderError):
    """VSS_E_TRANSACTION_THAW_TIMEOUT: transactions frozen too long."""

    hresult = _hr.VSS_E_TRANSACTION_THAW_TIMEOUT


class VssUnselectedVolume(VssRequesterError):
    """VSS_E_UNSELECTED_VOLUME: operation would overwrite an unselected volume."""

    hresult = _hr.VSS_E_UNSELECTED_VOLUME


class VssSnapshotNotInSet(VssRequesterError):
    """VSS_E_SNAPSHOT_NOT_IN_SET: snapshot id not in the document's snapshot set."""

    hresult = _hr.VSS_E_SNAPSHOT_NOT_IN_SET


class VssNestedVolumeLimit(VssProviderError):
    """VSS_E_NESTED_VOLUME_LIMIT: volume nested too deep."""

    hresult = _hr.VSS_E_NESTED_VOLUME_LIMIT


class VssVolumeNotLocal(VssProviderError):
    """VSS_E_VOLUME_NOT_LOCAL: volume not mounted locally."""

    hresult = _hr.VSS_E_VOLUME_NOT_LOCAL


class VssClusterTimeout(VssProviderError):
    """VSS_E_CLUSTER_TIMEOUT: cluster shared volume preparation timed out."""

    hresult = _hr.VSS_E_CLUSTER_TIMEOUT


class VssNotSupported(VssProviderError):
    """VSS_E_NOT_SUPPORTED: operation not supported."""

    hresult = _hr.VSS_E_NOT_SUPPORTED


class VssWriterErrorPartialFailure(VssWriterError):
    """VSS_E_WRITERERROR_PARTIAL_FAILURE: component-level writer errors."""

    hresult = _hr.VSS_E_WRITERERROR_PARTIAL_FAILURE


class VssWriterErrorInconsistentSnapshot(VssWriterError):
    """VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT: the set lacks volumes a writer component needs."""

    hresult = _hr.VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT


class VssWriterErrorOutOfResources(VssWriterError):
    """VSS_E_WRITERERROR_OUTOFRESOURCES: writer ran out of memory or resources."""

    hresult = _hr.VSS_E_WRITERERROR_OUTOFRESOURCES


class VssWriterErrorTimeout(VssWriterError):
    """VSS_E_WRITERERROR_TIMEOUT: freeze-to-thaw window exceeded."""

    hresult = _hr.VSS_E_WRITERERROR_TIMEOUT


class VssWriterErrorRetryable(VssWriterError):
    """VSS_E_WRITERERROR_RETRYABLE: transient writer error; a retry would probably succeed."""

    hresult = _hr.VSS_E_WRITERERROR_RETRYABLE


class VssWriterErrorNonretryable(VssWriterError):
    """VSS_E_WRITERERROR_NONRETRYABLE: writer error likely to recur."""

    hresult = _hr.VSS_E_WRITERERROR_NONRETRYABLE


class VssWriterErrorRecoveryFailed(VssWriterError):
    """VSS_E_WRITERERROR_RECOVERY_FAILED: auto-recovery by the writer failed."""

    hresult = _hr.VSS_E_WRITERERROR_RECOVERY_FAILED


class VssBreakRevertIdFailed(VssProviderError):
    """VSS_E_BREAK_REVERT_ID_FAILED: break failed: disk identity could not be reverted."""

    hresult = _hr.VSS_E_BREAK_REVERT_ID_FAILED


class VssLegacyProvider(VssProviderError):
    """VSS_E_LEGACY_PROVIDER: hardware provider version too old."""

    hresult = _hr.VSS_E_LEGACY_PROVIDER


class VssMissingDisk(VssProviderError):
    """VSS_E_MISSING_DISK: expected disk did not arrive."""

    hresult = _hr.VSS_E_MISSING_DISK


class VssMissingHiddenVolume(VssProviderError):
    """VSS_E_MISSING_HIDDEN_VOLUME: expected hidden volume did not arrive."""

    hresult = _hr.VSS_E_MISSING_HIDDEN_VOLUME


class VssMissingVolume(VssProviderError):
    """VSS_E_MISSING_VOLUME: expected volume did not arrive."""

    hresult = _hr.VSS_E_MISSING_VOLUME


class VssAutorecoveryFailed(VssProviderError):
    """VSS_E_AUTORECOVERY_FAILED: auto-recovery of the shadow copy failed."""

    hresult = _hr.VSS_E_AUTORECOVERY_FAILED


class VssDynamicDiskError(VssProviderError):
    """VSS_E_DYNAMIC_DISK_ERROR: dynamic disk processing error."""

    hresult = _hr.VSS_E_DYNAMIC_DISK_ERROR


class VssNontransportableBcd(VssRequesterError):
    """VSS_E_NONTRANSPORTABLE_BCD: document is not for a transportable shadow copy."""

    hresult = _hr.VSS_E_NONTRANSPORTABLE_BCD


class VssCannotRevertDiskid(VssProviderError):
    """VSS_E_CANNOT_REVERT_DISKID: disk signature or id could not be set."""

    hresult = _hr.VSS_E_CANNOT_REVERT_DISKID


class VssResyncInProgress(VssProviderError):
    """VSS_E_RESYNC_IN_PROGRESS: LUN resync already running."""

    hresult = _hr.VSS_E_RESYNC_IN_PROGRESS


class VssClusterError(VssProviderError):
    """VSS_E_CLUSTER_ERROR: cluster disk enumeration or maintenance mode failed."""

    hresult = _hr.VSS_E_CLUSTER_ERROR


class VssAsrErrorDiskAssignmentFailed(VssProviderError):
    """VSS_E_ASRERROR_DISK_ASSIGNMENT_FAILED: ASR: disk assignment failed."""

    hresult = _hr.VSS_E_ASRERROR_DISK_ASSIGNMENT_FAILED


class VssAsrErrorDiskRecreationFailed(VssProviderError):
    """VSS_E_ASRERROR_DISK_RECREATION_FAILED: ASR: disk recreation failed."""

    hresult = _hr.VSS_E_ASRERROR_DISK_RECREATION_FAILED


class VssAsrErrorNoArcpath(VssProviderError):
    """VSS_E_ASRERROR_NO_ARCPATH: ASR: no ARC path for a disk."""

    hresult = _hr.VSS_E_ASRERROR_NO_ARCPATH


class VssAsrErrorMissingDyndisk(VssProviderError):
    """VSS_E_ASRERROR_MISSING_DYNDISK: ASR: dynamic disk missing."""

    hresult = _hr.VSS_E_ASRERROR_MISSING_DYNDISK


class VssAsrErrorSharedCridisk(VssProviderError):
    """VSS_E_ASRERROR_SHARED_CRIDISK: ASR: critical disk is shared."""

    hresult = _hr.VSS_E_ASRERROR_SHARED_CRIDISK


class VssAsrErrorDatadiskRdisk0(VssProviderError):
    """VSS_E_ASRERROR_DATADISK_RDISK0: ASR: data disk is rdisk0."""

    hresult = _hr.VSS_E_ASRERROR_DATADISK_RDISK0


class VssAsrErrorRdisk0TooSmall(VssProviderError):
    """VSS_E_ASRERROR_RDISK0_TOOSMALL: ASR: rdisk0 too small."""

    hresult = _hr.VSS_E_ASRERROR_RDISK0_TOOSMALL


class VssAsrErrorCriticalDisksTooSmall(VssProviderError):
    """VSS_E_ASRERROR_CRITICAL_DISKS_TOO_SMALL: ASR: critical disks too small."""

    hresult = _hr.VSS_E_ASRERROR_CRITICAL_DISKS_TOO_SMALL


class VssWriterStatusNotAvailable(VssWriterError):
    """VSS_E_WRITER_STATUS_NOT_AVAILABLE: no writer status; session slots exhausted."""

    hresult = _hr.VSS_E_WRITER_STATUS_NOT_AVAILABLE


class VssAsrErrorDynamicVhdNotSupported(VssProviderError):
    """VSS_E_ASRERROR_DYNAMIC_VHD_NOT_SUPPORTED: ASR: critical dynamic disk is a VHD."""

    hresult = _hr.VSS_E_ASRERROR_DYNAMIC_VHD_NOT_SUPPORTED


class VssCriticalVolumeOnInvalidDisk(VssProviderError):
    """VSS_E_CRITICAL_VOLUME_ON_INVALID_DISK: ASR: critical volume on an unsupported disk."""

    hresult = _hr.VSS_E_CRITICAL_VOLUME_ON_INVALID_DISK


class VssAsrErrorRdiskForSystemDiskNotFound(VssProviderError):
    """VSS_E_ASRERROR_RDISK_FOR_SYSTEM_DISK_NOT_FOUND: ASR: no disk for the system disk."""

    hresult = _hr.VSS_E_ASRERROR_RDISK_FOR_SYSTEM_DISK_NOT_FOUND


class VssAsrErrorNoPhysicalDiskAvailable(VssProviderError):
    """VSS_E_ASRERROR_NO_PHYSICAL_DISK_AVAILABLE: ASR: no physical disk available."""

    hresult = _hr.VSS_E_ASRERROR_NO_PHYSICAL_DISK_AVAILABLE


class VssAsrErrorFixedPhysicalDiskAvailableAfterDiskExclusion(VssProviderError):
    """VSS_E_ASRERROR_FIXED_PHYSICAL_DISK_AVAILABLE_AFTER_DISK_EXCLUSION: ASR: fixed disk available after exclusion."""

    hresult = _hr.VSS_E_ASRERROR_FIXED_PHYSICAL_DISK_AVAILABLE_AFTER_DISK_EXCLUSION


class VssAsrErrorCriticalDiskCannotBeExcluded(VssProviderError):
    """VSS_E_ASRERROR_CRITICAL_DISK_CANNOT_BE_EXCLUDED: ASR: critical disk cannot be excluded."""

    hresult = _hr.VSS_E_ASRERROR_CRITICAL_DISK_CANNOT_BE_EXCLUDED


class VssAsrErrorSystemPartitionHidden(VssProviderError):
    """VSS_E_ASRERROR_SYSTEM_PARTITION_HIDDEN: ASR: system partition hidden."""

    hresult = _hr.VSS_E_ASRERROR_SYSTEM_PARTITION_HIDDEN


class VssFssTimeout(VssProviderError):
    """VSS_E_FSS_TIMEOUT: file-share shadow copy preparation timed out."""

    hresult = _hr.VSS_E_FSS_TIMEOUT


class WrongThreadError(VssBadState):
    """A thread-bound writer call made off its handler's thread or outside any handler."""

    handler_thread: str | None
    calling_thread: str

    def __init__(self, message: str, *, handler_thread: str | None, calling_thread: str) -> None:
        super().__init__(message)
        self.handler_thread = handler_thread
        self.calling_thread = calling_thread
