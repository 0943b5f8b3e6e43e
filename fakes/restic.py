"""restic's VSS snapshot, call for call (docs/field-failures.md §A.7 R-1): a deadline on every
asynchronous call, and a retry of StartSnapshotSet while another set is in creation.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from simulator import (
    GUID_NULL,
    VSS_BACKUP_TYPE,
    VSS_OBJECT_TYPE,
    VSS_SNAPSHOT_CONTEXT,
    VSS_WRITER_STATE,
    IVssAsync,
    VssError,
    VssSnapshotSetInProgress,
    VssSystem,
    hresults,
)

from .reports import BackupReport, RequesterRun, StopRequester

CTX = VSS_SNAPSHOT_CONTEXT
WS = VSS_WRITER_STATE


# ---------------------------------------------------------------------------------------------
# restic (docs/field-failures.md §A.7, R-1)
# ---------------------------------------------------------------------------------------------


def _await_until(run: RequesterRun, op: IVssAsync, deadline: float) -> None:
    """restic's callAsyncFunctionAndWait: Wait(time left), QueryStatus, Cancel when pending."""
    run.pending = op
    milliseconds = int((deadline - run.system.clock.now) * 1000)
    if milliseconds <= 0:
        raise StopRequester("VSS_S_ASYNC_PENDING")  # "deadline exceeded"
    with contextlib.suppress(VssError):
        op.Wait(milliseconds)
    status = op.QueryStatus()
    if status == hresults.VSS_S_ASYNC_PENDING:
        op.Cancel()
        raise StopRequester("VSS_S_ASYNC_PENDING")  # "async operation pending"
    if status == hresults.VSS_S_ASYNC_CANCELLED:
        raise StopRequester("VSS_S_ASYNC_CANCELLED")
    if status != hresults.VSS_S_ASYNC_FINISHED:
        raise StopRequester(hresults.name_of(status))


def restic_backup(
    system: VssSystem,
    volumes: Sequence[str] = ("C:\\",),
    *,
    timeout: float = 120.0,
    retry_every: float = 5.0,
    hold: float = 0.0,
) -> BackupReport:
    """restic's VSS snapshot, component-less VSS_BT_COPY (docs/field-failures.md §A.7 R-1, ``vss_windows.go``).

    InitializeForBackup → SetContext(VSS_CTX_BACKUP) → SetBackupState(false, false, VSS_BT_COPY,
    false) → GatherWriterMetadata → IsVolumeSupported per volume → StartSnapshotSet, retried every
    ``retry_every`` virtual seconds on VSS_E_SNAPSHOT_SET_IN_PROGRESS while ``now - retry_every``
    is before the deadline → AddToSnapshotSet → PrepareForBackup → DoSnapshotSet (either failing:
    AbortBackup) → GetSnapshotProperties → (``hold`` virtual seconds reading files) → BackupComplete
    → DeleteSnapshots per copy → Release. The deadline is ``timeout`` seconds after the start; each
    async wait is ``Wait(time left)`` + QueryStatus, and a still pending operation is cancelled.
    BackupComplete gets the time that was left when creation ended, counted from its own start.
    """
    run = RequesterRun(system, "restic")
    deadline = run.started + timeout
    with system.CreateVssBackupComponents() as bc:
        try:
            bc.InitializeForBackup()
            bc.SetContext(int(CTX.VSS_CTX_BACKUP))
            bc.SetBackupState(False, False, VSS_BACKUP_TYPE.VSS_BT_COPY, False)
            _await_until(run, bc.GatherWriterMetadata(), deadline)
            for volume in volumes:
                if not bc.IsVolumeSupported(GUID_NULL, volume):
                    raise StopRequester("VSS_E_VOLUME_NOT_SUPPORTED")
            while True:
                try:
                    run.snapshot_set_id = bc.StartSnapshotSet()
                    break
                except VssSnapshotSetInProgress:
                    if system.clock.now - retry_every < deadline:
                        system.sleep(retry_every)
                        run.retries += 1
                        continue
                    raise
            for volume in volumes:
                run.snapshot_ids.append(bc.AddToSnapshotSet(volume, GUID_NULL))
            try:
                _await_until(run, bc.PrepareForBackup(), deadline)
                _await_until(run, bc.DoSnapshotSet(), deadline)
                properties = [bc.GetSnapshotProperties(s) for s in run.snapshot_ids]
            except (StopRequester, VssError):
                # "After calling PrepareForBackup one needs to call AbortBackup()" (vss_windows.go).
                bc.AbortBackup()
                raise
            run.devices = [p.m_pwszSnapshotDeviceObject for p in properties]
            left = deadline - system.clock.now
            if hold:
                system.sleep(hold)
            _await_until(run, bc.BackupComplete(), system.clock.now + left)
            for snapshot_id in run.snapshot_ids:
                try:
                    bc.DeleteSnapshots(snapshot_id, VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT, True)
                except VssError:
                    bc.AbortBackup()
                    raise
        except StopRequester as stop:
            run.error = stop.name
        except VssError as exc:
            run.error = exc.name
        run.read_statuses(bc)
    return run.report(bc)
