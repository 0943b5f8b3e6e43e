"""Ready-made requesters: VShadow's shadow copy creation (docs/field-failures.md §A.6 V-1) and restic's (§A.7 R-1).

Both are ordinary blocking functions: call them from the test's own thread, or start several at
once with ``system.spawn(vshadow_backup, system)`` and ``system.run()``. Each makes its tool's calls
in its tool's order and returns a :class:`BackupReport`; a failure is reported, never raised.

One call is the report's own and not the tool's: just before Release, a ``GatherWriterStatus``
reads every writer's final state and failure code into ``BackupReport.writer_statuses`` (skipped
when the object can't take it: writerless context, an operation still running, GatherWriterMetadata
never finished).

``retry_backup`` repeats a backup the way Microsoft advises for transient writer errors (wait 10
minutes, at most 3 retries, docs/reference.md §6, docs/field-failures.md #17) and, after VSS_E_SNAPSHOT_SET_IN_PROGRESS,
after a short wait (§B #1). ``run_scenario`` runs a list of :class:`SessionPlan` as concurrent tasks.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any, Literal

import attrs

from simulator import (
    GUID_NULL,
    VSS_BACKUP_TYPE,
    VSS_COMPONENT_TYPE,
    VSS_OBJECT_TYPE,
    VSS_SNAPSHOT_CONTEXT,
    VSS_VOLUME_SNAPSHOT_ATTRIBUTES,
    VSS_WRITER_STATE,
    Call,
    IVssAsync,
    IVssBackupComponents,
    VssError,
    VssSnapshotSetInProgress,
    VssSystem,
    VssWriterStatus,
    hresults,
)
from simulator.rules import BACKUP_ORDER, FAILED_STATES

__all__ = [
    "REQUESTERS",
    "TRANSIENT_WRITER_ERRORS",
    "BackupReport",
    "SessionOutcome",
    "SessionPlan",
    "restic_backup",
    "retry_backup",
    "run_scenario",
    "run_session",
    "vshadow_backup",
]

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
    writers that took part (VShadow: those left after component selection).
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


class _Stop(Exception):
    """The requester gives up; ``name`` is the HRESULT name it reports."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class _Run:
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
            self.statuses = _gather_status(bc)
        except VssError:
            return


def _gather_status(bc: IVssBackupComponents) -> tuple[VssWriterStatus, ...]:
    _wait_and_check(bc.GatherWriterStatus())
    return tuple(bc.GetWriterStatus(i) for i in range(bc.GetWriterStatusCount()))


def _wait_and_check(op: IVssAsync) -> None:
    """VShadow's WaitAndCheckForAsyncOperation: Wait, QueryStatus, stop on a failing code."""
    with contextlib.suppress(VssError):
        op.Wait()
    status = op.QueryStatus()
    if hresults.failed(status):
        raise _Stop(hresults.name_of(status))


# ---------------------------------------------------------------------------------------------
# VShadow (docs/field-failures.md §A.6, V-1)
# ---------------------------------------------------------------------------------------------


def _vshadow_context(persistent: bool, writers: bool) -> int:
    """VShadow's UpdateFinalContext (docs/field-failures.md §A.6 V-1 row 1)."""
    if persistent:
        return int(CTX.VSS_CTX_APP_ROLLBACK if writers else CTX.VSS_CTX_NAS_ROLLBACK)
    return int(CTX.VSS_CTX_BACKUP if writers else CTX.VSS_CTX_FILE_SHARE_BACKUP)


class _Component:
    """A component as VShadow's selection sees it (writer.cpp / select.cpp)."""

    __slots__ = (
        "affected",
        "excluded",
        "explicit",
        "full_path",
        "logical_path",
        "name",
        "selectable",
        "top_level",
        "type",
        "writer",
    )

    def __init__(
        self,
        writer: _Writer,
        type_: VSS_COMPONENT_TYPE,
        logical_path: str | None,
        name: str,
        selectable: bool,
        affected: tuple[str | None, ...],
    ) -> None:
        self.writer = writer
        self.type = type_
        self.logical_path = logical_path
        self.name = name
        self.selectable = selectable
        self.affected = affected
        # VssComponent::fullPath: AppendBackslash(logicalPath) + name, with a leading backslash.
        self.full_path = "\\" + (f"{logical_path}\\" if logical_path else "") + name
        self.excluded = False
        self.top_level = True
        self.explicit = False

    def is_ancestor_of(self, child: _Component) -> bool:
        mine = self.full_path.lower() + "\\"
        theirs = child.full_path.lower() + "\\"
        return len(theirs) > len(mine) and theirs.startswith(mine)

    def can_be_explicitly_included(self) -> bool:
        return not self.excluded and (self.selectable or self.top_level)


class _Writer:
    __slots__ = ("components", "excluded", "instance_id", "name", "writer_id")

    def __init__(self, instance_id: uuid.UUID, writer_id: uuid.UUID, name: str) -> None:
        self.instance_id = instance_id
        self.writer_id = writer_id
        self.name = name
        self.components: list[_Component] = []
        self.excluded = False


def _volume_key(system: VssSystem, path: str) -> str | None:
    """The volume a (possibly %VAR%-holding) path lies on, lower-cased; None if none is known."""
    expanded = system.expand_path(path).lower() + "\\"
    best: tuple[int, str] | None = None
    for volume in system.volumes:
        for prefix in (volume.name.lower(), volume.guid_path.lower()):
            if expanded.startswith(prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), volume.name.lower())
    return best[1] if best is not None else None


def _set_key(system: VssSystem, volume: str) -> str:
    wanted = volume.lower()
    if len(wanted) == 2 and wanted[1] == ":":
        wanted += "\\"
    for known in system.volumes:
        if wanted in (known.name.lower(), known.guid_path.lower()):
            return known.name.lower()
    return wanted


def _matches_writer(writer: _Writer, entry: str) -> bool:
    text = entry.strip().strip("{}").lower()
    return text in (writer.name.lower(), str(writer.writer_id), str(writer.instance_id))


def _read_writers(system: VssSystem, bc: IVssBackupComponents) -> list[_Writer]:
    """V-1 step 3: every writer's identity and components, with the volumes their files touch."""
    writers = []
    for index in range(bc.GetWriterMetadataCount()):
        instance_id, metadata = bc.GetWriterMetadata(index)
        _, writer_id, name, _, _ = metadata.GetIdentity()
        writer = _Writer(instance_id, writer_id, name)
        _, _, count = metadata.GetFileCounts()
        for c in range(count):
            wm = metadata.GetComponent(c)
            info = wm.GetComponentInfo()
            paths = [wm.GetFile(i).GetPath() for i in range(info.file_count)]
            paths += [wm.GetDatabaseFile(i).GetPath() for i in range(info.database_count)]
            paths += [wm.GetDatabaseLogFile(i).GetPath() for i in range(info.log_file_count)]
            affected = tuple(dict.fromkeys(_volume_key(system, p) for p in paths))
            writer.components.append(
                _Component(
                    writer,
                    info.type,
                    info.logical_path,
                    info.component_name,
                    info.selectable,
                    affected,
                )
            )
        for component in writer.components:
            component.top_level = not any(
                other.is_ancestor_of(component) for other in writer.components
            )
        writers.append(writer)
    return writers


def _select_components(
    system: VssSystem,
    bc: IVssBackupComponents,
    volumes: Sequence[str],
    exclude: Collection[str],
) -> list[_Writer]:
    """V-1 step 4, done client-side as VShadow does; returns the writers, marked."""
    writers = _read_writers(system, bc)
    in_set = {_set_key(system, v) for v in volumes}
    for writer in writers:
        # (a) -wx: a writer by name, writer id or instance id; a component by writer:\path\name.
        for entry in exclude:
            if _matches_writer(writer, entry):
                writer.excluded = True
            prefix = f"{writer.name.lower()}:"
            if entry.lower().startswith(prefix):
                path = entry[len(prefix) :].lower()
                for component in writer.components:
                    if component.full_path.lower() == path:
                        component.excluded = True
        if writer.excluded:
            for component in writer.components:
                component.excluded = True
            continue
        # (b) components whose files lie on volumes outside the set.
        for component in writer.components:
            if any(v is None or v not in in_set for v in component.affected):
                component.excluded = True
        # (c) components with an excluded descendant.
        for component in writer.components:
            if any(
                component.is_ancestor_of(other) and other.excluded for other in writer.components
            ):
                component.excluded = True
        # (d) writers with nothing to include, or an excluded top-level non-selectable component.
        if not any(c.can_be_explicitly_included() for c in writer.components) or any(
            c.top_level and not c.selectable and c.excluded for c in writer.components
        ):
            writer.excluded = True
            continue
        # (e) explicitly included: includable, with no includable ancestor.
        for component in writer.components:
            component.explicit = component.can_be_explicitly_included() and not any(
                other.is_ancestor_of(component) and other.can_be_explicitly_included()
                for other in writer.components
            )
    # (g) AddComponent for each explicitly included component.
    for writer in writers:
        if writer.excluded:
            continue
        for component in writer.components:
            if component.explicit:
                bc.AddComponent(
                    writer.instance_id,
                    writer.writer_id,
                    component.type,
                    component.logical_path,
                    component.name,
                )
    return writers


def _check_selected_writer_status(
    run: _Run, bc: IVssBackupComponents, writers: list[_Writer]
) -> None:
    """VShadow's CheckSelectedWriterStatus: a selected writer in a failed state is E_UNEXPECTED."""
    selected = {w.instance_id for w in writers if not w.excluded}
    run.statuses = _gather_status(bc)
    run.current = True
    if any(s.instance_id in selected and s.state in FAILED_STATES for s in run.statuses):
        raise _Stop(hresults.name_of(hresults.E_UNEXPECTED))


def vshadow_backup(
    system: VssSystem,
    volumes: Sequence[str] = ("C:\\",),
    *,
    persistent: bool = False,
    writers: bool = True,
    exclude: Collection[str] = (),
    hold: float = 0.0,
) -> BackupReport:
    """``vshadow [-p] [-nw] [-wx=...] C: ...``: create a shadow copy set (docs/field-failures.md §A.6 V-1).

    Init (no SetContext for VSS_CTX_BACKUP; SetBackupState(true, true, VSS_BT_FULL, false)) →
    GatherWriterMetadata → metadata → client-side component selection (``exclude``: writers by
    name, writer id or instance id, components as ``writer:\\logical\\name``) → AddComponent →
    StartSnapshotSet → AddToSnapshotSet → PrepareForBackup + CheckSelectedWriterStatus →
    DoSnapshotSet + CheckSelectedWriterStatus → Query → (``hold`` virtual seconds copying files) →
    SetBackupSucceeded per included component → BackupComplete + CheckSelectedWriterStatus →
    Release. ``writers=False`` (``-nw``) skips every writer step. An async failure reports the
    operation's code; a selected writer found failed reports E_UNEXPECTED, as VShadow throws.
    """
    run = _Run(system, "vshadow")

    def step(op: IVssAsync) -> None:
        run.current = False
        _wait_and_check(op)

    context = _vshadow_context(persistent, writers)
    with system.CreateVssBackupComponents() as bc:
        selection: list[_Writer] = []
        try:
            bc.InitializeForBackup()
            if context != int(CTX.VSS_CTX_BACKUP):
                bc.SetContext(context)
            bc.SetBackupState(True, True, VSS_BACKUP_TYPE.VSS_BT_FULL, False)
            if writers:
                step(bc.GatherWriterMetadata())
                selection = _select_components(system, bc, volumes, exclude)
                run.writers = tuple(w.name for w in selection if not w.excluded)
            run.snapshot_set_id = bc.StartSnapshotSet()
            for volume in volumes:
                run.snapshot_ids.append(bc.AddToSnapshotSet(volume, GUID_NULL))
            if writers:
                step(bc.PrepareForBackup())
                _check_selected_writer_status(run, bc, selection)
            step(bc.DoSnapshotSet())
            if writers:
                _check_selected_writer_status(run, bc, selection)
            # QuerySnapshotSet: the set's copies, listed (V-1 row 10).
            copies = {
                p.m_SnapshotId: p for p in bc.Query() if p.m_SnapshotSetId == run.snapshot_set_id
            }
            run.devices = [copies[s].m_pwszSnapshotDeviceObject for s in run.snapshot_ids]
            if hold:
                system.sleep(hold)
            if writers and bc.GetWriterComponentsCount() > 0:
                for writer in selection:
                    if writer.excluded:
                        continue
                    for component in writer.components:
                        if component.explicit:
                            bc.SetBackupSucceeded(
                                writer.instance_id,
                                writer.writer_id,
                                component.type,
                                component.logical_path,
                                component.name,
                                True,
                            )
                step(bc.BackupComplete())
                _check_selected_writer_status(run, bc, selection)
        except _Stop as stop:
            run.error = stop.name
        except VssError as exc:
            run.error = exc.name
        if writers and not run.current:
            run.read_statuses(bc)
    return run.report(bc)


# ---------------------------------------------------------------------------------------------
# restic (docs/field-failures.md §A.7, R-1)
# ---------------------------------------------------------------------------------------------


def _await_until(run: _Run, op: IVssAsync, deadline: float) -> None:
    """restic's callAsyncFunctionAndWait: Wait(time left), QueryStatus, Cancel when pending."""
    run.pending = op
    milliseconds = int((deadline - run.system.clock.now) * 1000)
    if milliseconds <= 0:
        raise _Stop("VSS_S_ASYNC_PENDING")  # "deadline exceeded"
    with contextlib.suppress(VssError):
        op.Wait(milliseconds)
    status = op.QueryStatus()
    if status == hresults.VSS_S_ASYNC_PENDING:
        op.Cancel()
        raise _Stop("VSS_S_ASYNC_PENDING")  # "async operation pending"
    if status == hresults.VSS_S_ASYNC_CANCELLED:
        raise _Stop("VSS_S_ASYNC_CANCELLED")
    if status != hresults.VSS_S_ASYNC_FINISHED:
        raise _Stop(hresults.name_of(status))


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
    run = _Run(system, "restic")
    deadline = run.started + timeout
    with system.CreateVssBackupComponents() as bc:
        try:
            bc.InitializeForBackup()
            bc.SetContext(int(CTX.VSS_CTX_BACKUP))
            bc.SetBackupState(False, False, VSS_BACKUP_TYPE.VSS_BT_COPY, False)
            _await_until(run, bc.GatherWriterMetadata(), deadline)
            for volume in volumes:
                if not bc.IsVolumeSupported(GUID_NULL, volume):
                    raise _Stop("VSS_E_VOLUME_NOT_SUPPORTED")
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
            except (_Stop, VssError):
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
        except _Stop as stop:
            run.error = stop.name
        except VssError as exc:
            run.error = exc.name
        run.read_statuses(bc)
    return run.report(bc)


# ---------------------------------------------------------------------------------------------
# Retries and scenarios
# ---------------------------------------------------------------------------------------------


#: The requesters a :class:`SessionPlan` may name.
REQUESTERS: dict[str, Callable[..., BackupReport]] = {
    "vshadow": vshadow_backup,
    "restic": restic_backup,
}


def _retry_delay(report: BackupReport, wait: float, busy_wait: float) -> float | None:
    if report.ok:
        return None
    if report.error == "VSS_E_SNAPSHOT_SET_IN_PROGRESS":
        return busy_wait
    if any(s.hr_failure in TRANSIENT_WRITER_ERRORS for s in report.writer_statuses):
        return wait
    return None


def retry_backup(
    backup: Callable[..., BackupReport],
    system: VssSystem,
    volumes: Sequence[str] = ("C:\\",),
    *,
    attempts: int = 4,
    wait: float = 600.0,
    busy_wait: float = 5.0,
    on_attempt: Callable[[BackupReport, bool], None] | None = None,
    **options: Any,
) -> tuple[BackupReport, ...]:
    """Run ``backup`` until it completes, for at most ``attempts`` tries.

    A try is repeated after ``wait`` virtual seconds when a writer reported a transient failure
    (VSS_E_WRITERERROR_OUTOFRESOURCES, _TIMEOUT, _RETRYABLE: wait 10 minutes, retry up to 3
    times, docs/reference.md §6), and after ``busy_wait`` seconds when another set was in creation
    (VSS_E_SNAPSHOT_SET_IN_PROGRESS, docs/field-failures.md #1); any other failure ends it. ``on_attempt``
    gets each report and whether another try follows.
    """
    if attempts < 1:
        raise ValueError(f"attempts={attempts!r} must be at least 1")
    reports: list[BackupReport] = []
    for number in range(1, attempts + 1):
        report = backup(system, volumes, **options)
        reports.append(report)
        delay = _retry_delay(report, wait, busy_wait)
        again = delay is not None and number < attempts
        if on_attempt is not None:
            on_attempt(report, again)
        if not again:
            break
        assert delay is not None
        system.sleep(delay)
    return tuple(reports)


def _volumes(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _writers(value: Iterable[str] | None) -> tuple[str, ...] | None:
    return None if value is None else tuple(value)


@attrs.frozen
class SessionPlan:
    """One session of a scenario: which requester, on which volumes, with which writers.

    ``writers``: the writers a VShadow session keeps (the others are excluded by name, ``-wx``);
    None keeps all. restic selects no components, so its sessions take None. ``attempts``: tries
    under :func:`retry_backup`; ``start``: virtual seconds to wait before starting; ``hold``:
    virtual seconds spent copying files from the shadow copies.
    """

    kind: Literal["vshadow", "restic"]
    volumes: tuple[str, ...] = attrs.field(default=("C:\\",), converter=_volumes)
    writers: tuple[str, ...] | None = attrs.field(default=None, converter=_writers)
    attempts: int = 1
    start: float = 0.0
    hold: float = 0.0

    def __attrs_post_init__(self) -> None:
        if self.kind not in REQUESTERS:
            raise ValueError(f"kind={self.kind!r} must be one of {', '.join(REQUESTERS)}")
        if self.kind == "restic" and self.writers is not None:
            raise ValueError("restic selects no components: its sessions take writers=None")
        if not self.volumes:
            raise ValueError("a session needs at least one volume")
        if self.attempts < 1 or self.start < 0 or self.hold < 0:
            raise ValueError("attempts must be >= 1, start and hold >= 0")


@attrs.frozen
class SessionOutcome:
    """What one planned session did: every attempt's report, in order."""

    index: int
    plan: SessionPlan
    reports: tuple[BackupReport, ...]

    @property
    def final(self) -> BackupReport:
        """The last attempt's report."""
        return self.reports[-1]

    @property
    def ok(self) -> bool:
        """Whether the last attempt completed."""
        return self.final.ok

    @property
    def started(self) -> float:
        return self.reports[0].started

    @property
    def ended(self) -> float:
        return self.final.ended


AttemptHook = Callable[[int, SessionPlan, BackupReport, bool], None]


def run_session(
    system: VssSystem,
    plan: SessionPlan,
    *,
    index: int = 0,
    wait: float = 600.0,
    busy_wait: float = 5.0,
    on_attempt: AttemptHook | None = None,
) -> SessionOutcome:
    """Run one planned session now (blocking), with :func:`retry_backup`."""
    options: dict[str, Any] = {"hold": plan.hold}
    if plan.kind == "vshadow" and plan.writers is not None:
        keep = set(plan.writers)
        options["exclude"] = [n for n in system.writer_names() if n not in keep]

    def hook(report: BackupReport, again: bool) -> None:
        if on_attempt is not None:
            on_attempt(index, plan, report, again)

    reports = retry_backup(
        REQUESTERS[plan.kind],
        system,
        plan.volumes,
        attempts=plan.attempts,
        wait=wait,
        busy_wait=busy_wait,
        on_attempt=hook,
        **options,
    )
    return SessionOutcome(index, plan, reports)


def run_scenario(
    system: VssSystem,
    plans: Sequence[SessionPlan],
    *,
    wait: float = 600.0,
    busy_wait: float = 5.0,
    on_attempt: AttemptHook | None = None,
    on_finish: Callable[[SessionOutcome], None] | None = None,
) -> list[SessionOutcome]:
    """Run every plan as its own task (``session-1``, ``session-2``, ...) until all end.

    The sessions interleave under the system's scheduler (docs/reference.md §8); ``on_finish`` is called
    as each one ends. Returns the outcomes in plan order.
    """
    outcomes: list[SessionOutcome | None] = [None] * len(plans)

    def body(index: int, plan: SessionPlan) -> None:
        if plan.start:
            system.sleep(plan.start)
        outcome = run_session(
            system, plan, index=index, wait=wait, busy_wait=busy_wait, on_attempt=on_attempt
        )
        outcomes[index] = outcome
        if on_finish is not None:
            on_finish(outcome)

    for index, plan in enumerate(plans):
        system.spawn(body, index, plan, name=f"session-{index + 1}")
    system.run()
    return [outcome for outcome in outcomes if outcome is not None]
