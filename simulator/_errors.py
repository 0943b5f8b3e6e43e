"""The VSS error family: one exception class per failing HRESULT (vss-facts §5).

``VssError`` carries ``.hresult``, ``.name`` and ``.message``. Three family bases let a caller
catch a kind of failure: ``VssRequesterError``, ``VssWriterError`` and ``VssProviderError``.

Naming rule: drop the ``VSS_E_`` or ``E_`` prefix, capitalize each ``_``-separated word, prefix
``Vss``. Fused header words are split: ACCESSDENIED, ASRERROR, INCONSISTENTSNAPSHOT, INVALIDARG,
OUTOFMEMORY, OUTOFRESOURCES, TOOSMALL, WRITERERROR (and NOTIMPL reads NotImplemented).
``E_UNEXPECTED`` is ``VssEUnexpected`` so that ``VssUnexpected`` stays ``VSS_E_UNEXPECTED``.

VssRequesterError:

- E_INVALIDARG -> VssInvalidArg
- VSS_E_BAD_STATE -> VssBadState
- VSS_E_PROVIDER_ALREADY_REGISTERED -> VssProviderAlreadyRegistered
- VSS_E_PROVIDER_NOT_REGISTERED -> VssProviderNotRegistered
- VSS_E_OBJECT_NOT_FOUND -> VssObjectNotFound
- VSS_E_OBJECT_ALREADY_EXISTS -> VssObjectAlreadyExists
- VSS_E_CORRUPT_XML_DOCUMENT -> VssCorruptXmlDocument
- VSS_E_INVALID_XML_DOCUMENT -> VssInvalidXmlDocument
- VSS_E_UNSELECTED_VOLUME -> VssUnselectedVolume
- VSS_E_SNAPSHOT_NOT_IN_SET -> VssSnapshotNotInSet
- VSS_E_NONTRANSPORTABLE_BCD -> VssNontransportableBcd

VssWriterError:

- VSS_E_UNEXPECTED_WRITER_ERROR -> VssUnexpectedWriterError
- VSS_E_WRITER_INFRASTRUCTURE -> VssWriterInfrastructure
- VSS_E_WRITER_NOT_RESPONDING -> VssWriterNotResponding
- VSS_E_WRITER_ALREADY_SUBSCRIBED -> VssWriterAlreadySubscribed
- VSS_E_WRITERERROR_PARTIAL_FAILURE -> VssWriterErrorPartialFailure
- VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT -> VssWriterErrorInconsistentSnapshot
- VSS_E_WRITERERROR_OUTOFRESOURCES -> VssWriterErrorOutOfResources
- VSS_E_WRITERERROR_TIMEOUT -> VssWriterErrorTimeout
- VSS_E_WRITERERROR_RETRYABLE -> VssWriterErrorRetryable
- VSS_E_WRITERERROR_NONRETRYABLE -> VssWriterErrorNonretryable
- VSS_E_WRITERERROR_RECOVERY_FAILED -> VssWriterErrorRecoveryFailed
- VSS_E_WRITER_STATUS_NOT_AVAILABLE -> VssWriterStatusNotAvailable

VssProviderError:

- E_ACCESSDENIED -> VssAccessDenied
- E_OUTOFMEMORY -> VssOutOfMemory
- E_UNEXPECTED -> VssEUnexpected
- E_NOTIMPL -> VssNotImplemented
- E_FAIL -> VssFail
- VSS_E_UNEXPECTED -> VssUnexpected
- VSS_E_PROVIDER_VETO -> VssProviderVeto
- VSS_E_PROVIDER_IN_USE -> VssProviderInUse
- VSS_E_VOLUME_NOT_SUPPORTED -> VssVolumeNotSupported
- VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER -> VssVolumeNotSupportedByProvider
- VSS_E_UNEXPECTED_PROVIDER_ERROR -> VssUnexpectedProviderError
- VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED -> VssMaximumNumberOfVolumesReached
- VSS_E_FLUSH_WRITES_TIMEOUT -> VssFlushWritesTimeout
- VSS_E_HOLD_WRITES_TIMEOUT -> VssHoldWritesTimeout
- VSS_E_SNAPSHOT_SET_IN_PROGRESS -> VssSnapshotSetInProgress
- VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED -> VssMaximumNumberOfSnapshotsReached
- VSS_E_UNSUPPORTED_CONTEXT -> VssUnsupportedContext
- VSS_E_VOLUME_IN_USE -> VssVolumeInUse
- VSS_E_MAXIMUM_DIFFAREA_ASSOCIATIONS_REACHED -> VssMaximumDiffareaAssociationsReached
- VSS_E_INSUFFICIENT_STORAGE -> VssInsufficientStorage
- VSS_E_NO_SNAPSHOTS_IMPORTED -> VssNoSnapshotsImported
- VSS_E_SOME_SNAPSHOTS_NOT_IMPORTED -> VssSomeSnapshotsNotImported
- VSS_E_MAXIMUM_NUMBER_OF_REMOTE_MACHINES_REACHED -> VssMaximumNumberOfRemoteMachinesReached
- VSS_E_REMOTE_SERVER_UNAVAILABLE -> VssRemoteServerUnavailable
- VSS_E_REMOTE_SERVER_UNSUPPORTED -> VssRemoteServerUnsupported
- VSS_E_REVERT_IN_PROGRESS -> VssRevertInProgress
- VSS_E_REVERT_VOLUME_LOST -> VssRevertVolumeLost
- VSS_E_REBOOT_REQUIRED -> VssRebootRequired
- VSS_E_TRANSACTION_FREEZE_TIMEOUT -> VssTransactionFreezeTimeout
- VSS_E_TRANSACTION_THAW_TIMEOUT -> VssTransactionThawTimeout
- VSS_E_NESTED_VOLUME_LIMIT -> VssNestedVolumeLimit
- VSS_E_VOLUME_NOT_LOCAL -> VssVolumeNotLocal
- VSS_E_CLUSTER_TIMEOUT -> VssClusterTimeout
- VSS_E_NOT_SUPPORTED -> VssNotSupported
- VSS_E_BREAK_REVERT_ID_FAILED -> VssBreakRevertIdFailed
- VSS_E_LEGACY_PROVIDER -> VssLegacyProvider
- VSS_E_MISSING_DISK -> VssMissingDisk
- VSS_E_MISSING_HIDDEN_VOLUME -> VssMissingHiddenVolume
- VSS_E_MISSING_VOLUME -> VssMissingVolume
- VSS_E_AUTORECOVERY_FAILED -> VssAutorecoveryFailed
- VSS_E_DYNAMIC_DISK_ERROR -> VssDynamicDiskError
- VSS_E_CANNOT_REVERT_DISKID -> VssCannotRevertDiskid
- VSS_E_RESYNC_IN_PROGRESS -> VssResyncInProgress
- VSS_E_CLUSTER_ERROR -> VssClusterError
- VSS_E_ASRERROR_DISK_ASSIGNMENT_FAILED -> VssAsrErrorDiskAssignmentFailed
- VSS_E_ASRERROR_DISK_RECREATION_FAILED -> VssAsrErrorDiskRecreationFailed
- VSS_E_ASRERROR_NO_ARCPATH -> VssAsrErrorNoArcpath
- VSS_E_ASRERROR_MISSING_DYNDISK -> VssAsrErrorMissingDyndisk
- VSS_E_ASRERROR_SHARED_CRIDISK -> VssAsrErrorSharedCridisk
- VSS_E_ASRERROR_DATADISK_RDISK0 -> VssAsrErrorDatadiskRdisk0
- VSS_E_ASRERROR_RDISK0_TOOSMALL -> VssAsrErrorRdisk0TooSmall
- VSS_E_ASRERROR_CRITICAL_DISKS_TOO_SMALL -> VssAsrErrorCriticalDisksTooSmall
- VSS_E_ASRERROR_DYNAMIC_VHD_NOT_SUPPORTED -> VssAsrErrorDynamicVhdNotSupported
- VSS_E_CRITICAL_VOLUME_ON_INVALID_DISK -> VssCriticalVolumeOnInvalidDisk
- VSS_E_ASRERROR_RDISK_FOR_SYSTEM_DISK_NOT_FOUND -> VssAsrErrorRdiskForSystemDiskNotFound
- VSS_E_ASRERROR_NO_PHYSICAL_DISK_AVAILABLE -> VssAsrErrorNoPhysicalDiskAvailable
- VSS_E_ASRERROR_FIXED_PHYSICAL_DISK_AVAILABLE_AFTER_DISK_EXCLUSION -> VssAsrErrorFixedPhysicalDiskAvailableAfterDiskExclusion
- VSS_E_ASRERROR_CRITICAL_DISK_CANNOT_BE_EXCLUDED -> VssAsrErrorCriticalDiskCannotBeExcluded
- VSS_E_ASRERROR_SYSTEM_PARTITION_HIDDEN -> VssAsrErrorSystemPartitionHidden
- VSS_E_FSS_TIMEOUT -> VssFssTimeout

``WrongThreadError`` (a ``VssBadState``) is raised by the thread rule.
"""

from __future__ import annotations

from typing import Any

from . import hresults as _hr


def _rebuild(cls: type[VssError], args: tuple[Any, ...]) -> VssError:
    err = cls.__new__(cls, *args)
    err.args = args
    return err


class VssError(Exception):
    """A failing HRESULT raised as an exception.

    Subclasses fix ``hresult``; the base and the three family bases take it as an argument.
    """

    hresult: int
    name: str
    message: str

    def __init__(self, message: str, hresult: int | None = None) -> None:
        fixed: int | None = getattr(type(self), "hresult", None)
        if hresult is None:
            if fixed is None:
                raise TypeError(f"{type(self).__name__} needs an hresult")
            hresult = fixed
        hresult &= 0xFFFFFFFF
        if fixed is not None and hresult != fixed:
            raise ValueError(
                f"{type(self).__name__} is {_hr.name_of(fixed)}, not {_hr.name_of(hresult)}"
            )
        if not _hr.failed(hresult):
            raise ValueError(f"{_hr.name_of(hresult)} is a success code, not an error")
        super().__init__(message)
        self.hresult = hresult
        self.name = _hr.name_of(hresult)
        self.message = message

    def __str__(self) -> str:
        return f"{self.name} (0x{self.hresult:08X}): {self.message}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args), self.__dict__.copy())


class VssRequesterError(VssError):
    """Requester misuse: wrong call order or state, bad argument, unknown or duplicate object,
    invalid XML document, unknown or already registered provider."""


class VssWriterError(VssError):
    """Writer failures: the codes a writer reports (``VSS_E_WRITERERROR_*``) and the codes VSS
    reports about writers (``VSS_E_WRITER_*``, ``VSS_E_UNEXPECTED_WRITER_ERROR``)."""


class VssProviderError(VssError):
    """Provider and environment failures: provider veto or unexpected provider error, storage,
    limits, timeouts, unsupported volume or context, set in progress, access denied, out of
    memory, unexpected errors, ASR and disk errors, and any unknown failing code."""


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


_CLASS_BY_HRESULT: dict[int, type[VssError]] = {
    cls.hresult: cls
    for cls in (
        VssAccessDenied,
        VssOutOfMemory,
        VssInvalidArg,
        VssEUnexpected,
        VssNotImplemented,
        VssFail,
        VssBadState,
        VssUnexpected,
        VssProviderAlreadyRegistered,
        VssProviderNotRegistered,
        VssProviderVeto,
        VssProviderInUse,
        VssObjectNotFound,
        VssVolumeNotSupported,
        VssObjectAlreadyExists,
        VssVolumeNotSupportedByProvider,
        VssUnexpectedProviderError,
        VssCorruptXmlDocument,
        VssInvalidXmlDocument,
        VssMaximumNumberOfVolumesReached,
        VssFlushWritesTimeout,
        VssHoldWritesTimeout,
        VssUnexpectedWriterError,
        VssSnapshotSetInProgress,
        VssMaximumNumberOfSnapshotsReached,
        VssWriterInfrastructure,
        VssWriterNotResponding,
        VssWriterAlreadySubscribed,
        VssUnsupportedContext,
        VssVolumeInUse,
        VssMaximumDiffareaAssociationsReached,
        VssInsufficientStorage,
        VssNoSnapshotsImported,
        VssSomeSnapshotsNotImported,
        VssMaximumNumberOfRemoteMachinesReached,
        VssRemoteServerUnavailable,
        VssRemoteServerUnsupported,
        VssRevertInProgress,
        VssRevertVolumeLost,
        VssRebootRequired,
        VssTransactionFreezeTimeout,
        VssTransactionThawTimeout,
        VssUnselectedVolume,
        VssSnapshotNotInSet,
        VssNestedVolumeLimit,
        VssVolumeNotLocal,
        VssClusterTimeout,
        VssNotSupported,
        VssWriterErrorPartialFailure,
        VssWriterErrorInconsistentSnapshot,
        VssWriterErrorOutOfResources,
        VssWriterErrorTimeout,
        VssWriterErrorRetryable,
        VssWriterErrorNonretryable,
        VssWriterErrorRecoveryFailed,
        VssBreakRevertIdFailed,
        VssLegacyProvider,
        VssMissingDisk,
        VssMissingHiddenVolume,
        VssMissingVolume,
        VssAutorecoveryFailed,
        VssDynamicDiskError,
        VssNontransportableBcd,
        VssCannotRevertDiskid,
        VssResyncInProgress,
        VssClusterError,
        VssAsrErrorDiskAssignmentFailed,
        VssAsrErrorDiskRecreationFailed,
        VssAsrErrorNoArcpath,
        VssAsrErrorMissingDyndisk,
        VssAsrErrorSharedCridisk,
        VssAsrErrorDatadiskRdisk0,
        VssAsrErrorRdisk0TooSmall,
        VssAsrErrorCriticalDisksTooSmall,
        VssWriterStatusNotAvailable,
        VssAsrErrorDynamicVhdNotSupported,
        VssCriticalVolumeOnInvalidDisk,
        VssAsrErrorRdiskForSystemDiskNotFound,
        VssAsrErrorNoPhysicalDiskAvailable,
        VssAsrErrorFixedPhysicalDiskAvailableAfterDiskExclusion,
        VssAsrErrorCriticalDiskCannotBeExcluded,
        VssAsrErrorSystemPartitionHidden,
        VssFssTimeout,
    )
}


def error_class_for(hr: int) -> type[VssError]:
    """The exception class for a failing ``hr``; ``VssProviderError`` for an unknown one."""
    value = hr & 0xFFFFFFFF
    if not _hr.failed(value):
        raise ValueError(f"{_hr.name_of(value)} is a success code, not an error")
    return _CLASS_BY_HRESULT.get(value, VssProviderError)


def make_error(hr: int, message: str) -> VssError:
    """Build the exception for a failing ``hr``."""
    return error_class_for(hr)(message, hr)


__all__ = [
    "VssAccessDenied",
    "VssAsrErrorCriticalDiskCannotBeExcluded",
    "VssAsrErrorCriticalDisksTooSmall",
    "VssAsrErrorDatadiskRdisk0",
    "VssAsrErrorDiskAssignmentFailed",
    "VssAsrErrorDiskRecreationFailed",
    "VssAsrErrorDynamicVhdNotSupported",
    "VssAsrErrorFixedPhysicalDiskAvailableAfterDiskExclusion",
    "VssAsrErrorMissingDyndisk",
    "VssAsrErrorNoArcpath",
    "VssAsrErrorNoPhysicalDiskAvailable",
    "VssAsrErrorRdisk0TooSmall",
    "VssAsrErrorRdiskForSystemDiskNotFound",
    "VssAsrErrorSharedCridisk",
    "VssAsrErrorSystemPartitionHidden",
    "VssAutorecoveryFailed",
    "VssBadState",
    "VssBreakRevertIdFailed",
    "VssCannotRevertDiskid",
    "VssClusterError",
    "VssClusterTimeout",
    "VssCorruptXmlDocument",
    "VssCriticalVolumeOnInvalidDisk",
    "VssDynamicDiskError",
    "VssEUnexpected",
    "VssError",
    "VssFail",
    "VssFlushWritesTimeout",
    "VssFssTimeout",
    "VssHoldWritesTimeout",
    "VssInsufficientStorage",
    "VssInvalidArg",
    "VssInvalidXmlDocument",
    "VssLegacyProvider",
    "VssMaximumDiffareaAssociationsReached",
    "VssMaximumNumberOfRemoteMachinesReached",
    "VssMaximumNumberOfSnapshotsReached",
    "VssMaximumNumberOfVolumesReached",
    "VssMissingDisk",
    "VssMissingHiddenVolume",
    "VssMissingVolume",
    "VssNestedVolumeLimit",
    "VssNoSnapshotsImported",
    "VssNontransportableBcd",
    "VssNotImplemented",
    "VssNotSupported",
    "VssObjectAlreadyExists",
    "VssObjectNotFound",
    "VssOutOfMemory",
    "VssProviderAlreadyRegistered",
    "VssProviderError",
    "VssProviderInUse",
    "VssProviderNotRegistered",
    "VssProviderVeto",
    "VssRebootRequired",
    "VssRemoteServerUnavailable",
    "VssRemoteServerUnsupported",
    "VssRequesterError",
    "VssResyncInProgress",
    "VssRevertInProgress",
    "VssRevertVolumeLost",
    "VssSnapshotNotInSet",
    "VssSnapshotSetInProgress",
    "VssSomeSnapshotsNotImported",
    "VssTransactionFreezeTimeout",
    "VssTransactionThawTimeout",
    "VssUnexpected",
    "VssUnexpectedProviderError",
    "VssUnexpectedWriterError",
    "VssUnselectedVolume",
    "VssUnsupportedContext",
    "VssVolumeInUse",
    "VssVolumeNotLocal",
    "VssVolumeNotSupported",
    "VssVolumeNotSupportedByProvider",
    "VssWriterAlreadySubscribed",
    "VssWriterError",
    "VssWriterErrorInconsistentSnapshot",
    "VssWriterErrorNonretryable",
    "VssWriterErrorOutOfResources",
    "VssWriterErrorPartialFailure",
    "VssWriterErrorRecoveryFailed",
    "VssWriterErrorRetryable",
    "VssWriterErrorTimeout",
    "VssWriterInfrastructure",
    "VssWriterNotResponding",
    "VssWriterStatusNotAvailable",
    "WrongThreadError",
    "error_class_for",
    "make_error",
]
