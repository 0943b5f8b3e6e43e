"""Creating a snapshot set: DoSnapshotSet's body (docs/reference.md §4.1 steps 8–8j, with the abort
rules of §4.2 and the provider order of §9).

PrepareForSnapshot to the participants; BeginPrepareSnapshot per volume and EndPrepareSnapshots
per provider; Freeze by application level, each writer's Freeze→Thaw window starting; the
transaction managers frozen, PreCommitSnapshots, the flush, CommitSnapshots inside the kernel's
hold window, PostCommitSnapshots, the transaction managers thawed (``KERNEL_STEPS``); Thaw in
reverse level order, each window checked first; GetTargetLuns to hardware providers; Pre- and
PostFinalCommitSnapshots; PostSnapshot.

Policies where the documentation is silent ([INF], docs/design.md):
* A veto at PrepareForSnapshot, Freeze or Thaw, or an overrun Freeze→Thaw window, fails
  DoSnapshotSet with VSS_E_UNEXPECTED_WRITER_ERROR; the writer's own code is in its status.
* The Freeze→Thaw window is the smaller of the writer's timeout_freeze and 60 s.
* A provider failure during creation aborts the writers that joined.
"""

from __future__ import annotations

import sys
from typing import NoReturn

from .. import hresults as hr
from .._engine.trace import TraceKind
from .._rules.component_calls import ComponentAccess
from .._rules.event_order import FREEZE_ORDER
from .._rules.kernel import KernelStep
from .._rules.limits import FLUSH_AND_HOLD_TICKS, MAX_FREEZE_TICKS
from .._rules.writer_states import Timeout, WriterEvent
from .._vocabulary.clock import TICKS_PER_MILLISECOND, TICKS_PER_SECOND
from .._vocabulary.enums import VSS_WRITER_STATE
from .._vocabulary.errors import VssError, VssHoldWritesTimeout, VssUnexpectedWriterError
from .aborting import Aborts
from .delivery import EventDelivery, compiled, component_view
from .hardware_calls import describe_targets, is_hardware, prepare_arguments
from .machine import Machine
from .participation import backup_participants, operation_providers
from .providers import Snapshot, VssProvider
from .records import Session, WriterInSession

__all__ = ["Cancelled", "SetCreation"]

WS = VSS_WRITER_STATE
E = WriterEvent
_PREPARE_SNAPSHOT = compiled[E.PREPARE_SNAPSHOT]
_FREEZE = compiled[E.FREEZE]
_THAW = compiled[E.THAW]
_POST_SNAPSHOT = compiled[E.POST_SNAPSHOT]
_POST_SNAPSHOT_ACCESS = ComponentAccess.POST_SNAPSHOT
_WAITING_FOR_FREEZE = WS.VSS_WS_WAITING_FOR_FREEZE
_WAITING_FOR_THAW = WS.VSS_WS_WAITING_FOR_THAW
_FREEZE_TRANSACTIONS = KernelStep.FREEZE_TRANSACTIONS
_FLUSH_WRITES = KernelStep.FLUSH_WRITES
_THAW_TRANSACTIONS = KernelStep.THAW_TRANSACTIONS
_LEVEL_RANK = {level: rank for rank, level in enumerate(FREEZE_ORDER)}
#: the rank of a level FREEZE_ORDER does not name (SYSTEM_RM freezes with SYSTEM)
_LAST_RANK = len(FREEZE_ORDER) - 1
_CANCELLED = "the requester cancelled the operation"
#: ``earliest`` when no writer froze: later than any virtual time a session reaches (the full
#: window check is still made if the clock ever passes it)
_NO_WINDOW = sys.maxsize


class Cancelled(Exception):
    """The operation stopped because the requester cancelled it or called AbortBackup."""


class SetCreation:
    """The creation sequence of one machine."""

    def __init__(self, machine: Machine, delivery: EventDelivery, aborts: Aborts) -> None:
        self.machine = machine
        self.delivery = delivery
        self.aborts = aborts
        self._clock = machine.clock
        self._recorder = machine.recorder
        self._kernel = machine.kernel
        self._scheduler = machine.scheduler
        self._deliver = delivery.deliver
        self._call_provider = machine.provider_calls.call
        #: what a failed provider call of creation is reported to (bound once)
        self._provider_failed = self._abort_for_provider

    def run(self, session: Session) -> None:
        """Create ``session``'s set; raise the VssError DoSnapshotSet reports, or Cancelled."""
        aborts = self.aborts
        set_id = session.snapshot_set_id
        assert set_id is not None
        writers = backup_participants(session)
        providers = operation_providers(session)
        deliver = self._deliver
        clock = self._clock
        # Each provider call of creation: a failure aborts the set and the writers that joined,
        # so a frozen writer still gets OnAbort (§4.2 trigger 4 and guarantee).
        call = self._call_provider
        failed = self._provider_failed
        kernel = self._kernel
        # PrepareForSnapshot: a veto stops creation, with no Abort event (§4.2).
        self._step(session)
        for ws in writers:
            ws.joined = True
            deliver(session, ws, _PREPARE_SNAPSHOT)
        for ws in writers:
            if ws.state is not _WAITING_FOR_FREEZE:
                vetoed = [ws for ws in writers if ws.state is not _WAITING_FOR_FREEZE]
                aborts.abort_providers(session, providers)
                raise self._writer_failure(session, vetoed, "PrepareForSnapshot")
        context = session.context
        for plan in session.planned.values():
            provider = plan.provider
            arguments = prepare_arguments(provider, set_id, plan.snapshot_id, plan.volume, context)
            call(session, provider, "BeginPrepareSnapshot", arguments, None, failed)
        session.providers_prepared = True
        set_only = (set_id,)
        for provider in providers:
            call(session, provider, "EndPrepareSnapshots", set_only, None, failed)
        # Freeze, by application level; the Freeze→Thaw window of each writer starts (§4.1 8b).
        by_rank: dict[int, list[WriterInSession]] = {}
        for ws in writers:
            rank = _LEVEL_RANK.get(ws.core.level, _LAST_RANK)
            group = by_rank.get(rank)
            if group is None:
                by_rank[rank] = [ws]
            else:
                group.append(ws)
        levels = [(FREEZE_ORDER[rank], by_rank[rank]) for rank in sorted(by_rank)]
        # Each frozen writer, in freeze order -> the first tick past its Freeze→Thaw window,
        # where OnFreeze and OnThaw are given up on if they have not returned.
        window_ends: dict[WriterInSession, int] = {}
        for level, group in levels:
            self._step(session)
            session.current_level = level
            for ws in group:
                # The writer's Freeze→Thaw window: its timeout_freeze, at most 60 s.
                window = ws.core.timeout_freeze_ms * TICKS_PER_MILLISECOND
                if window > MAX_FREEZE_TICKS:
                    window = MAX_FREEZE_TICKS
                ws.frozen_at = now = clock.ticks
                window_ends[ws] = end = now + window + 1
                if not deliver(session, ws, _FREEZE, deadline=end):
                    aborts.abort(session, providers, f"{ws.core.name} vetoed Freeze")
                    raise self._writer_failure(session, [ws], "Freeze")
        # No window can have ended before the earliest end: the full check is skipped till then.
        earliest = min(window_ends.values(), default=_NO_WINDOW)
        if clock.ticks >= earliest or session.abort_requested:
            self._check_windows(session, window_ends, earliest, providers)
        # Commit inside the kernel's flush-and-hold window (§4.1 8c–8g).
        if not kernel.idle:
            self._kernel_step(session, providers, _FREEZE_TRANSACTIONS)
        for provider in providers:
            call(session, provider, "PreCommitSnapshots", set_only, None, failed)
        if not kernel.idle:
            self._kernel_step(session, providers, _FLUSH_WRITES)
        hold_start = clock.ticks
        hold_end = hold_start + FLUSH_AND_HOLD_TICKS + 1
        for provider in providers:
            call(session, provider, "CommitSnapshots", set_only, hold_end, failed)
        held = clock.ticks - hold_start
        if held > FLUSH_AND_HOLD_TICKS:
            message = (
                f"CommitSnapshots held writes for {held / TICKS_PER_SECOND:g} s; the kernel's "
                "flush-and-hold window is 10 s (docs/reference.md §6)"
            )
            aborts.abort(session, providers, message)
            raise VssHoldWritesTimeout(message)
        self._commit_snapshots(session)
        committed = (set_id, len(session.planned))
        for provider in providers:
            call(session, provider, "PostCommitSnapshots", committed, None, failed)
        if not kernel.idle:
            self._kernel_step(session, providers, _THAW_TRANSACTIONS)
        if clock.ticks >= earliest or session.abort_requested:
            self._check_windows(session, window_ends, earliest, providers)
        # Thaw in reverse level order; the windows are checked before each Thaw (§4.2).
        for level, group in reversed(levels):
            session.current_level = level
            for ws in group:
                if clock.ticks >= earliest or session.abort_requested:
                    self._check_windows(session, window_ends, earliest, providers)
                if not deliver(session, ws, _THAW, deadline=window_ends[ws]):
                    aborts.abort(session, providers, f"{ws.core.name} failed Thaw")
                    raise self._writer_failure(session, [ws], "Thaw")
        session.current_level = None
        for provider in providers:
            if is_hardware(provider):
                self._describe_targets(session, providers)
                break
        for provider in providers:
            call(session, provider, "PreFinalCommitSnapshots", set_only, None, failed)
        for provider in providers:
            call(session, provider, "PostFinalCommitSnapshots", set_only, None, failed)
        # PostSnapshot: a failure here does not abort the set (§4.2).
        self._step(session)
        for ws in window_ends:
            ws.post_snapshot_done = True
            deliver(session, ws, _POST_SNAPSHOT, component_view(session, ws, _POST_SNAPSHOT_ACCESS))
        session.snapshot_created = True
        self.machine.publish(session)

    def _abort_for_provider(
        self, session: Session, provider: VssProvider, method: str, error: VssError
    ) -> None:
        """A provider call of creation failed: the set and the writers that joined are aborted
        before its error propagates (§4.2 trigger 4 and guarantee)."""
        reason = f"{provider.provider_name}.{method} failed: {error.name}"
        self.aborts.abort(session, operation_providers(session), reason)

    def _kernel_step(
        self, session: Session, providers: list[VssProvider], step: KernelStep
    ) -> None:
        """One of the kernel's steps (``KERNEL_STEPS``) when the kernel is not idle; past its
        window the set is aborted and DoSnapshotSet fails with the step's code
        (docs/reference.md §5)."""
        if step is not _FLUSH_WRITES and not self.machine.windows.transaction_managers:
            return
        kernel = self._kernel
        volumes = [plan.volume.name for plan in session.planned.values()]
        error = kernel.run(step, volumes, self._recorder, session.session_id)
        if error is not None:
            self.aborts.abort(session, providers, f"{step.value}: timed out")
            raise error

    def _describe_targets(self, session: Session, providers: list[VssProvider]) -> None:
        """GetTargetLuns to the hardware providers; a failure aborts the set (§9)."""
        try:
            describe_targets(self._recorder, session)
        except VssError as exc:
            self.aborts.abort(session, providers, f"GetTargetLuns failed: {exc.name}")
            raise

    def _step(self, session: Session) -> None:
        """A phase boundary: other tasks may run; a cancel or AbortBackup takes effect here."""
        self._scheduler.checkpoint()
        if session.abort_requested:
            self.aborts.abort(session, operation_providers(session), _CANCELLED)
            raise Cancelled()

    def _check_windows(
        self,
        session: Session,
        window_ends: dict[WriterInSession, int],
        earliest: int,
        providers: list[VssProvider],
    ) -> None:
        """Time out the frozen writers whose Freeze→Thaw window ended and fail the set; else a
        cancel or AbortBackup takes effect here."""
        now = self._clock.ticks
        if now >= earliest:
            lapsed = [
                ws
                for ws, end in window_ends.items()
                if now >= end and ws.state is _WAITING_FOR_THAW
            ]
            if lapsed:
                self._time_out(session, lapsed, now, providers)
        if session.abort_requested:
            self.aborts.abort(session, providers, _CANCELLED)
            raise Cancelled()

    def _time_out(
        self,
        session: Session,
        lapsed: list[WriterInSession],
        now: int,
        providers: list[VssProvider],
    ) -> NoReturn:
        for ws in lapsed:
            assert ws.frozen_at is not None
            self.delivery.time_out(
                session,
                ws,
                Timeout.FREEZE_WINDOW,
                f"frozen at {ws.frozen_at / TICKS_PER_SECOND:g} s, timeout_freeze "
                f"{ws.core.timeout_freeze_ms} ms (at most 60 s), now {now / TICKS_PER_SECOND:g} s",
            )
        self.aborts.abort(session, providers, "a writer's Freeze→Thaw window expired")
        raise self._writer_failure(session, lapsed, "the Freeze→Thaw window")

    def _writer_failure(
        self, session: Session, writers: list[WriterInSession], where: str
    ) -> VssUnexpectedWriterError:
        """The error DoSnapshotSet reports for failed writers. It says why each failed (what its
        handler raised or returned), chains the exception a handler raised, and lists the rule
        violations of those writers in this session as notes (PEP 678)."""
        parts = []
        for ws in writers:
            part = f"{ws.core.name} ({ws.state.name}, {hr.name_of(ws.hr_failure)})"
            if ws.cause:
                part += f": {ws.cause.rstrip('.')}"
            parts.append(part)
        message = (
            f"shadow copy creation failed at {where}: {'; '.join(parts)}. Read each writer's "
            "status with GatherWriterStatus / GetWriterStatus, then call AbortBackup"
        )
        self.machine.record(TraceKind.FAULT, "DoSnapshotSet failed", session, detail=message)
        error = VssUnexpectedWriterError(message)
        causes = [ws.cause_error for ws in writers if ws.cause_error is not None]
        if causes:
            error.__cause__ = causes[0]
        names = {ws.core.name for ws in writers}
        if sys.version_info >= (3, 11):
            for violation in self.machine.recorder.violations:
                if violation.session_id == session.session_id and violation.writer in names:
                    error.add_note(f"violation [{violation.rule.value}] {violation.message}")
        return error

    def _commit_snapshots(self, session: Session) -> None:
        """The copies of the set exist now (``Snapshot``, built with its fields in their
        declared order: positional arguments are the cheapest to pass)."""
        machine = self.machine
        set_id = session.snapshot_set_id
        assert set_id is not None
        count = len(session.planned)
        context = session.context & 0x7FFFFFFF
        for plan in session.planned.values():
            volume = plan.volume
            provider = plan.provider
            plan.snapshot = Snapshot(
                plan.snapshot_id,  # snapshot_id
                set_id,  # snapshot_set_id
                count,  # snapshots_count
                machine.next_device(),  # device
                volume.name,  # original_volume
                volume.guid_path,  # volume_guid_path
                machine.machine_name,  # machine
                provider.provider_id,  # provider_id
                context | provider.extra_attributes,  # attributes
                self._clock.ticks,  # created_ticks
                machine.filetime(),  # created_timestamp
            )
