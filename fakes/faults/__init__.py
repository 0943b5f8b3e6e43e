"""Every field failure on demand: one named preset per row of docs/field-failures.md, applied in
one line, and the machine faults.

::

    from fakes import faults

    with faults.checked():                       # fails the test if a fault never fired
        faults.DIFF_AREA_FULL.apply(system)
        report = fakes.vshadow_backup(system)
    assert report.error == "VSS_E_INSUFFICIENT_STORAGE"

    faults.WRITER_NOT_RESPONDING.apply(machine.writer("SqlServerWriter"))
    faults.TRANSIENT_WRITER_ERROR.apply(writer, when=faults.on_session(2))
    faults.VSS_SERVICE_RESTARTED.apply(system, when=faults.after(30))

``Fault.apply(target, *, when=None, optional=False, **options)`` returns an :class:`Armed` handle
(``fired``, ``cure()``, ``details``). Each preset's fields say what users see with its reference
requester (``code``, ``writer_state``, ``writer_failure``, ``events``), where the evidence is
(``evidence``, ``row``) and how the model produces it (``mechanism``); ``describe()`` prints it.

======================================  ====  ==================================================
preset                                  row   code users see
======================================  ====  ==================================================
``ANOTHER_SET_IN_CREATION``             #1    VSS_E_SNAPSHOT_SET_IN_PROGRESS at StartSnapshotSet
``LEAKED_SNAPSHOT_SET``                 #2    the same, until the leaked object is released
``ASYNC_DEADLINE_EXCEEDED``             #3    VSS_S_ASYNC_PENDING at restic's deadline
``WRITER_VETOES_PREPARE_BACKUP``        #4    state 7, VSS_E_WRITERERROR_RETRYABLE
``WRITER_VETOES_PREPARE_SNAPSHOT``      #4    state 8, DoSnapshotSet VSS_E_UNEXPECTED_WRITER_ERROR
``CARRIES_ON_AFTER_FAILURE``            #5    VSS_E_BAD_STATE at BackupComplete
``COMPONENTS_OBJECT_REUSED``            #6    VSS_E_BAD_STATE at the second GatherWriterMetadata
``FREEZE_WINDOW_EXCEEDED``              #7    state 9, VSS_E_WRITERERROR_TIMEOUT
``HOLD_WRITES_TIMEOUT``                 #8    VSS_E_HOLD_WRITES_TIMEOUT
``FLUSH_WRITES_TIMEOUT``                #8    VSS_E_FLUSH_WRITES_TIMEOUT
``WRITER_NOT_RESPONDING``               #9    state 8, VSS_E_WRITER_NOT_RESPONDING until restart
``WRITER_FAILS_IDENTIFY``               #10   none: the backup goes on without the writer
``DIFF_AREA_FULL``                      #11   VSS_E_INSUFFICIENT_STORAGE
``TOO_MANY_SHADOW_COPIES``              #12   VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED
``VOLUME_NOT_SUPPORTED``                #13   VSS_E_VOLUME_NOT_SUPPORTED
``VOLUME_ADDED_TWICE``                  #14   VSS_E_OBJECT_ALREADY_EXISTS
``NOT_ADMIN``                           #15   E_ACCESSDENIED at InitializeForBackup
``PROVIDER_VETO``                       #16   VSS_E_PROVIDER_VETO
``TRANSIENT_WRITER_ERROR``              #17   state 8, RETRYABLE once; the retry succeeds
``WRITER_CALL_OFF_THREAD``              #18   WrongThreadError (VSS_E_BAD_STATE) in the writer
``VOLUME_REMOVED``                      —     VSS_E_OBJECT_NOT_FOUND at AddToSnapshotSet
``VSS_SERVICE_RESTARTED``               —     sessions aborted; later calls VSS_E_BAD_STATE
``WRITER_HOST_RESTARTED``               —     none: the writer's state starts afresh
``TRANSACTION_FREEZE_TIMEOUT``          —     VSS_E_TRANSACTION_FREEZE_TIMEOUT
``TRANSACTION_THAW_TIMEOUT``            —     VSS_E_TRANSACTION_THAW_TIMEOUT
``REBOOT_REQUIRED``                     —     VSS_E_REBOOT_REQUIRED
======================================  ====  ==================================================

Three presets stand in for model features still to come, through what the model has now (their
``mechanism`` says so; their names and effects stay when they are re-pointed): ``DIFF_AREA_FULL``
(a provider failing EndPrepareSnapshots, not a diff-area budget), ``NOT_ADMIN`` (objects refusing
Initialize, not the caller's token) and ``VOLUME_NOT_SUPPORTED`` (providers declining the
volume, not a volume catalogue).
"""

from .base import (
    AT_ONCE,
    UNTIL_RESTART,
    Armed,
    Fault,
    FaultNeverFired,
    FaultPlan,
    Progression,
    after,
    checked,
    on_session,
)
from .catalogue import (
    ANOTHER_SET_IN_CREATION,
    ASYNC_DEADLINE_EXCEEDED,
    CARRIES_ON_AFTER_FAILURE,
    COMPONENTS_OBJECT_REUSED,
    DIFF_AREA_FULL,
    FLUSH_WRITES_TIMEOUT,
    FREEZE_WINDOW_EXCEEDED,
    HOLD_WRITES_TIMEOUT,
    LEAKED_SNAPSHOT_SET,
    MACHINE_FAULTS,
    NOT_ADMIN,
    PRESETS,
    PROVIDER_VETO,
    REBOOT_REQUIRED,
    TOO_MANY_SHADOW_COPIES,
    TRANSACTION_FREEZE_TIMEOUT,
    TRANSACTION_THAW_TIMEOUT,
    TRANSIENT_WRITER_ERROR,
    VOLUME_ADDED_TWICE,
    VOLUME_NOT_SUPPORTED,
    VOLUME_REMOVED,
    VSS_SERVICE_RESTARTED,
    WRITER_CALL_OFF_THREAD,
    WRITER_FAILS_IDENTIFY,
    WRITER_HOST_RESTARTED,
    WRITER_NOT_RESPONDING,
    WRITER_VETOES_PREPARE_BACKUP,
    WRITER_VETOES_PREPARE_SNAPSHOT,
)
from .mechanisms import end_requester_process


def by_row(row: int) -> tuple[Fault, ...]:
    """The presets of docs/field-failures.md row ``row``."""
    return tuple(fault for fault in PRESETS if fault.row == row)


__all__ = [
    "ANOTHER_SET_IN_CREATION",
    "ASYNC_DEADLINE_EXCEEDED",
    "AT_ONCE",
    "CARRIES_ON_AFTER_FAILURE",
    "COMPONENTS_OBJECT_REUSED",
    "DIFF_AREA_FULL",
    "FLUSH_WRITES_TIMEOUT",
    "FREEZE_WINDOW_EXCEEDED",
    "HOLD_WRITES_TIMEOUT",
    "LEAKED_SNAPSHOT_SET",
    "MACHINE_FAULTS",
    "NOT_ADMIN",
    "PRESETS",
    "PROVIDER_VETO",
    "REBOOT_REQUIRED",
    "TOO_MANY_SHADOW_COPIES",
    "TRANSACTION_FREEZE_TIMEOUT",
    "TRANSACTION_THAW_TIMEOUT",
    "TRANSIENT_WRITER_ERROR",
    "UNTIL_RESTART",
    "VOLUME_ADDED_TWICE",
    "VOLUME_NOT_SUPPORTED",
    "VOLUME_REMOVED",
    "VSS_SERVICE_RESTARTED",
    "WRITER_CALL_OFF_THREAD",
    "WRITER_FAILS_IDENTIFY",
    "WRITER_HOST_RESTARTED",
    "WRITER_NOT_RESPONDING",
    "WRITER_VETOES_PREPARE_BACKUP",
    "WRITER_VETOES_PREPARE_SNAPSHOT",
    "Armed",
    "Fault",
    "FaultNeverFired",
    "FaultPlan",
    "Progression",
    "after",
    "by_row",
    "checked",
    "end_requester_process",
    "on_session",
]
