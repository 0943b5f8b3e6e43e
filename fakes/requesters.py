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

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

import attrs

from simulator import (
    VSS_SNAPSHOT_CONTEXT,
    VSS_WRITER_STATE,
    VssSystem,
)

from .reports import TRANSIENT_WRITER_ERRORS, BackupReport
from .restic import restic_backup
from .vshadow import vshadow_backup

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
