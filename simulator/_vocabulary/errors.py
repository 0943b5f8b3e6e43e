"""The VSS error family: one exception class per failing HRESULT (docs/reference.md §5).

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

from .. import hresults as _hr
from .error_base import VssError, VssProviderError, VssRequesterError, VssWriterError
from .error_classes import (
    VssAccessDenied,
    VssAsrErrorCriticalDiskCannotBeExcluded,
    VssAsrErrorCriticalDisksTooSmall,
    VssAsrErrorDatadiskRdisk0,
    VssAsrErrorDiskAssignmentFailed,
    VssAsrErrorDiskRecreationFailed,
    VssAsrErrorDynamicVhdNotSupported,
    VssAsrErrorFixedPhysicalDiskAvailableAfterDiskExclusion,
    VssAsrErrorMissingDyndisk,
    VssAsrErrorNoArcpath,
    VssAsrErrorNoPhysicalDiskAvailable,
    VssAsrErrorRdisk0TooSmall,
    VssAsrErrorRdiskForSystemDiskNotFound,
    VssAsrErrorSharedCridisk,
    VssAsrErrorSystemPartitionHidden,
    VssAutorecoveryFailed,
    VssBadState,
    VssBreakRevertIdFailed,
    VssCannotRevertDiskid,
    VssClusterError,
    VssClusterTimeout,
    VssCorruptXmlDocument,
    VssCriticalVolumeOnInvalidDisk,
    VssDynamicDiskError,
    VssEUnexpected,
    VssFail,
    VssFlushWritesTimeout,
    VssFssTimeout,
    VssHoldWritesTimeout,
    VssInsufficientStorage,
    VssInvalidArg,
    VssInvalidXmlDocument,
    VssLegacyProvider,
    VssMaximumDiffareaAssociationsReached,
    VssMaximumNumberOfRemoteMachinesReached,
    VssMaximumNumberOfSnapshotsReached,
    VssMaximumNumberOfVolumesReached,
    VssMissingDisk,
    VssMissingHiddenVolume,
    VssMissingVolume,
    VssNestedVolumeLimit,
    VssNontransportableBcd,
    VssNoSnapshotsImported,
    VssNotImplemented,
    VssNotSupported,
    VssObjectAlreadyExists,
    VssObjectNotFound,
    VssOutOfMemory,
    VssProviderAlreadyRegistered,
    VssProviderInUse,
    VssProviderNotRegistered,
    VssProviderVeto,
    VssRebootRequired,
    VssRemoteServerUnavailable,
    VssRemoteServerUnsupported,
    VssResyncInProgress,
    VssRevertInProgress,
    VssRevertVolumeLost,
    VssSnapshotNotInSet,
    VssSnapshotSetInProgress,
    VssSomeSnapshotsNotImported,
    VssTransactionFreezeTimeout,
    VssTransactionThawTimeout,
    VssUnexpected,
    VssUnexpectedProviderError,
    VssUnexpectedWriterError,
    VssUnselectedVolume,
    VssUnsupportedContext,
    VssVolumeInUse,
    VssVolumeNotLocal,
    VssVolumeNotSupported,
    VssVolumeNotSupportedByProvider,
    VssWriterAlreadySubscribed,
    VssWriterErrorInconsistentSnapshot,
    VssWriterErrorNonretryable,
    VssWriterErrorOutOfResources,
    VssWriterErrorPartialFailure,
    VssWriterErrorRecoveryFailed,
    VssWriterErrorRetryable,
    VssWriterErrorTimeout,
    VssWriterInfrastructure,
    VssWriterNotResponding,
    VssWriterStatusNotAvailable,
    WrongThreadError,
)

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
