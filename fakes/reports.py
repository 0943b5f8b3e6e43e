"""What a ready-made requester reports: ``BackupReport``, and the run record every requester
shares (codes, states, copies, retries).
"""

from __future__ import annotations

import contextlib
import uuid

import attrs

from simulator import (
    VSS_SNAPSHOT_CONTEXT,
    VSS_VOLUME_SNAPSHOT_ATTRIBUTES,
    VSS_WRITER_STATE,
    Call,
    IVssAsync,
    IVssBackupComponents,
    VssError,
    VssSystem,
    VssWriterStatus,
    hresults,
)
from simulator.rules import BACKUP_ORDER, FAILED_STATES

CTX = VSS_SNAPSHOT_CONTEXT
WS = VSS_WRITER_STATE


#: Writer failure codes Microsoft calls transient: wait and retry (docs/reference.md §6, docs/field-failures.md #17).
TRANSIENT_WRITER_ERRORS = frozenset(
    {
        hresults.VSS_E_WRITERERROR_OUTOFRESOURCES,
        hresults.VSS_E_WRITERERROR_TIMEOUT,
        hresults.VSS_E_WRITERERROR_RETRYABLE,
    }
)


@attrs.frozen
class BackupReport:
    """How one backup went: ids, shadow copies, each writer's final status, the error if any.

    ``error`` is the name of the HRESULT that stopped the backup (None when it completed). Text
    errors of restic get the code of their condition: "async operation pending" and "deadline
    exceeded" are VSS_S_ASYNC_PENDING, "async operation cancelled" VSS_S_ASYNC_CANCELLED,
    "Snapshots are not supported for volume" VSS_E_VOLUME_NOT_SUPPORTED. ``retries`` counts
    StartSnapshotSet retries; ``started`` / ``ended`` are virtual seconds; ``writers`` names the
    writers that took part (VShadow: those left after component selection);
    ``backup_components`` the BCD saved after DoSnapshotSet (VShadow's ``-bc=``), if asked for.
    """

    requester: str
    session_id: uuid.UUID
    snapshot_set_id: uuid.UUID | None
    snapshot_ids: tuple[uuid.UUID, ...]
    devices: tuple[str, ...]
    writer_statuses: tuple[VssWriterStatus, ...]
    writers: tuple[str, ...]
    error: str | None
    retries: int
    started: float
    ended: float
    backup_components: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the backup completed."""
        return self.error is None

    @property
    def failures(self) -> tuple[VssWriterStatus, ...]:
        """The writer statuses with a failed state or a failure code."""
        return tuple(
            s
            for s in self.writer_statuses
            if s.state in FAILED_STATES or s.hr_failure != hresults.S_OK
        )

    def status_of(self, writer_name: str) -> VssWriterStatus | None:
        """The final status of the writer called ``writer_name``, if it was read."""
        return next((s for s in self.writer_statuses if s.writer_name == writer_name), None)


class StopRequester(Exception):
    """The requester gives up; ``name`` is the HRESULT name it reports."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class RequesterRun:
    """What a backup learned so far (filled in as it goes, frozen into the report at the end)."""

    def __init__(self, system: VssSystem, requester: str) -> None:
        self.system = system
        self.requester = requester
        self.started = system.clock.now
        self.snapshot_set_id: uuid.UUID | None = None
        self.snapshot_ids: list[uuid.UUID] = []
        self.devices: list[str] = []
        self.statuses: tuple[VssWriterStatus, ...] = ()
        self.writers: tuple[str, ...] | None = None
        self.error: str | None = None
        self.retries = 0
        self.pending: IVssAsync | None = None
        self.backup_components: str | None = None
        #: the statuses were read after the last operation (VShadow's own check ran last)
        self.current = False

    def report(self, bc: IVssBackupComponents) -> BackupReport:
        writers = self.writers
        if writers is None:
            writers = tuple(s.writer_name for s in self.statuses)
        return BackupReport(
            requester=self.requester,
            session_id=bc.session_id,
            snapshot_set_id=self.snapshot_set_id,
            snapshot_ids=tuple(self.snapshot_ids),
            devices=tuple(self.devices),
            writer_statuses=self.statuses,
            writers=writers,
            error=self.error,
            retries=self.retries,
            started=self.started,
            ended=self.system.clock.now,
            backup_components=self.backup_components,
        )

    def read_statuses(self, bc: IVssBackupComponents) -> None:
        """The report's own GatherWriterStatus, when the object can take it."""
        if self.pending is not None and not self.pending.done:
            return
        if (bc.phase, Call.GATHER_WRITER_STATUS) not in BACKUP_ORDER:
            return
        if bc.context & VSS_VOLUME_SNAPSHOT_ATTRIBUTES.VSS_VOLSNAP_ATTR_NO_WRITERS:
            return
        try:
            self.statuses = gather_status(bc)
        except VssError:
            return


def gather_status(bc: IVssBackupComponents) -> tuple[VssWriterStatus, ...]:
    wait_and_check(bc.GatherWriterStatus())
    return tuple(bc.GetWriterStatus(i) for i in range(bc.GetWriterStatusCount()))


def wait_and_check(op: IVssAsync) -> None:
    """VShadow's WaitAndCheckForAsyncOperation: Wait, QueryStatus, stop on a failing code."""
    with contextlib.suppress(VssError):
        op.Wait()
    status = op.QueryStatus()
    if hresults.failed(status):
        raise StopRequester(hresults.name_of(status))
