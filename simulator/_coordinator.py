"""The coordinator: delivers events to writers and drives providers, as the VSS service does.

vss-facts §4 (event sequences) and §9 (provider order). Each public function here is the body of one
asynchronous operation and runs on that operation's own simulator task, the "thread" that invokes
the handlers. The rules it applies come from ``_rules``: who takes part (§4.5), the writer state
after each event (``WRITER_TRANSITIONS``), when an Abort goes out (§4.2).

Policies where the documentation is silent ([INF], tested in tests/test_backup_sequences.py):
* Writers get one event one after another in subscription order (Freeze and Thaw by application
  level); sessions interleave at every requester call and at every event boundary.
* A writer that failed in a session gets no further events there except Abort and BackupShutdown.
* DoSnapshotSet fails with VSS_E_UNEXPECTED_WRITER_ERROR when a writer vetoes PrepareForSnapshot,
  Freeze or Thaw or overruns its Freeze→Thaw window; the writer's own code is in its status.
* A handler that raises, or returns something other than a bool, has failed the event; a raise
  leaves VSS_E_WRITERERROR_NONRETRYABLE as the writer's failure code unless it set one.
* Thaw goes out in the reverse of the Freeze order (SYSTEM, BACK_END, FRONT_END).
* BackupShutdown goes to every writer that received an event of the session.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import hresults as hr
from ._clock import TICKS_PER_MILLISECOND, TICKS_PER_SECOND
from ._components import ComponentAccess, IVssWriterComponents
from ._enums import (
    GUID_NULL,
    VSS_APPLICATION_LEVEL,
    VSS_FILE_RESTORE_STATUS,
    VSS_VOLUME_SNAPSHOT_ATTRIBUTES,
    VSS_WRITER_STATE,
    VSS_WRITERRESTORE_ENUM,
)
from ._errors import (
    VssError,
    VssHoldWritesTimeout,
    VssUnexpectedProviderError,
    VssUnexpectedWriterError,
)
from ._metadata import IVssCreateWriterMetadataEx, IVssExamineWriterMetadata, WriterIdentity
from ._provider import PROVIDER_CODES, Snapshot, VssProvider
from ._rules import FAILED_STATES, WRITER_TRANSITIONS, Lapse, Outcome, WriterEvent
from ._scheduler import current_context as _getcurrent
from ._session import Invocation, Session, WriterSession
from ._trace import TraceKind, ViolationRule

if TYPE_CHECKING:
    from ._system import VssSystem
    from ._writer import WriterCore

__all__ = ["FLUSH_AND_HOLD_TICKS", "Cancelled", "Coordinator"]

WS = VSS_WRITER_STATE
E = WriterEvent
#: The kernel's flush-and-hold window around CommitSnapshots (vss-facts §6).
FLUSH_AND_HOLD_TICKS = 10 * TICKS_PER_SECOND
#: No application stays frozen longer, whatever its timeout_freeze (vss-facts §4.2, §6).
MAX_FREEZE_TICKS = 60 * TICKS_PER_SECOND
#: Freeze goes out by level (vss-facts §4.1); SYSTEM_RM, undocumented, freezes with SYSTEM ([INF]).
FREEZE_ORDER = (
    VSS_APPLICATION_LEVEL.VSS_APP_FRONT_END,
    VSS_APPLICATION_LEVEL.VSS_APP_BACK_END,
    VSS_APPLICATION_LEVEL.VSS_APP_SYSTEM,
)
_LEVEL_RANK = {level: rank for rank, level in enumerate(FREEZE_ORDER)}
_NO_WRITERS = int(VSS_VOLUME_SNAPSHOT_ATTRIBUTES.VSS_VOLSNAP_ATTR_NO_WRITERS)
_NO_ARGUMENT: Any = object()
_get_ident = threading.get_ident
_COMPONENT_ACCESS = {
    E.PREPARE_BACKUP: ComponentAccess.PREPARE_BACKUP,
    E.POST_SNAPSHOT: ComponentAccess.POST_SNAPSHOT,
    E.BACKUP_COMPLETE: ComponentAccess.BACKUP_COMPLETE,
    E.PRE_RESTORE: ComponentAccess.PRE_RESTORE,
    E.POST_RESTORE: ComponentAccess.POST_RESTORE,
}


class Route:
    """One event, compiled for delivery: its handler's name and its rows of WRITER_TRANSITIONS
    as a list indexed by writer state (a view of the table, built once at import)."""

    __slots__ = ("event", "name", "table")

    def __init__(self, event: WriterEvent) -> None:
        self.event = event
        self.name = event.value
        self.table: list[Outcome | None] = [
            WRITER_TRANSITIONS.get((state, event)) for state in sorted(VSS_WRITER_STATE)
        ]


IDENTIFY = Route(E.IDENTIFY)
PREPARE_BACKUP = Route(E.PREPARE_BACKUP)
PREPARE_SNAPSHOT = Route(E.PREPARE_SNAPSHOT)
FREEZE = Route(E.FREEZE)
THAW = Route(E.THAW)
POST_SNAPSHOT = Route(E.POST_SNAPSHOT)
ABORT = Route(E.ABORT)
BACKUP_COMPLETE = Route(E.BACKUP_COMPLETE)
BACKUP_SHUTDOWN = Route(E.BACKUP_SHUTDOWN)
PRE_RESTORE = Route(E.PRE_RESTORE)
POST_RESTORE = Route(E.POST_RESTORE)


class Cancelled(Exception):
    """The operation stopped because the requester cancelled it or called AbortBackup."""


def _window(ws: WriterSession) -> int:
    """The writer's Freeze→Thaw window in ticks: its timeout_freeze, at most 60 s."""
    return min(ws.core.timeout_freeze_ms * TICKS_PER_MILLISECOND, MAX_FREEZE_TICKS)


class Coordinator:
    """Event delivery and the bodies of the asynchronous operations, for one machine."""

    def __init__(self, system: VssSystem) -> None:
        self.system = system
        self._clock = system.clock
        self._entries = system._entries
        self._scheduler = system._scheduler

    # -- delivering one event -------------------------------------------------------------------

    def deliver(
        self, session: Session, ws: WriterSession, route: Route, arg: Any = _NO_ARGUMENT
    ) -> bool:
        """Invoke one handler on this task's thread; apply the state table; never raise for it."""
        core = ws.core
        task = self._scheduler.current
        inv = Invocation(
            self._clock.ticks,
            session,
            ws,
            route.event,
            route.name,
            task.name if task is not None else "MainThread",
        )
        self._entries.append(inv)
        key = (_get_ident(), _getcurrent())
        active = core.active
        active[key] = inv
        handler = core.handlers[route.name]
        try:
            result = handler() if arg is _NO_ARGUMENT else handler(arg)
        except Exception as exc:
            del active[key]
            ok = self._raised(core, ws, inv, exc)
        except BaseException:
            del active[key]
            raise
        else:
            del active[key]
            if result is True:
                ok = not inv.failed
                inv.result = "true"
            elif result is False:
                ok = False
                inv.result = "false"
            else:
                ok = self._bad_result(core, inv, result)
            if inv.failed:
                inv.result = f"{inv.result}, failure {hr.name_of(ws.hr_failure)}"
        outcome = route.table[ws.state]
        if outcome is None:
            raise AssertionError(
                f"WRITER_TRANSITIONS has no row for {ws.state.name} × {route.name}"
            )
        new_state = outcome.ok if ok else outcome.failed
        if new_state is not None:
            ws.state = new_state
        if ok and route is IDENTIFY:
            return ok  # Identify is outside the backup life cycle: the last state stays (§2.2)
        core.last_state = ws.state
        core.last_failure = ws.hr_failure
        return ok

    def _raised(self, core: WriterCore, ws: WriterSession, inv: Invocation, exc: Exception) -> bool:
        self.system._violation(
            ViolationRule.HANDLER_RAISED,
            f"{inv.name} raised {exc!r}; handlers must never throw (vss-facts §1.1): the event "
            "counts as failed",
            core,
            inv,
        )
        if ws.hr_failure == hr.S_OK:
            ws.hr_failure = hr.VSS_E_WRITERERROR_NONRETRYABLE
        inv.result = f"raised {type(exc).__name__}"
        return False

    def _bad_result(self, core: WriterCore, inv: Invocation, result: object) -> bool:
        self.system._violation(
            ViolationRule.BAD_RESULT,
            f"{inv.name} returned {result!r}; handlers return a bool (vss-facts §1.4): the event "
            "counts as failed",
            core,
            inv,
        )
        inv.result = type(result).__name__
        return False

    def _lapse(self, session: Session, ws: WriterSession, trigger: Lapse, detail: str) -> None:
        outcome = WRITER_TRANSITIONS[(ws.state, trigger)]
        if outcome.failed is not None:
            ws.state = outcome.failed
        ws.hr_failure = hr.VSS_E_WRITERERROR_TIMEOUT
        ws.core.last_state = ws.state
        ws.core.last_failure = ws.hr_failure
        self.system._record(TraceKind.FAULT, trigger.value, session, ws.core.name, detail=detail)

    def _components(self, session: Session, ws: WriterSession, event: WriterEvent) -> Any:
        if not session.select_components:
            return None
        for entry in session.bcd.writers:
            if entry.instance_id == ws.core.instance_id:
                return IVssWriterComponents(entry, _COMPONENT_ACCESS[event], ws.core.report)
        return None

    # -- Identify (GatherWriterMetadata) ---------------------------------------------------------

    def gather_writer_metadata(self, session: Session) -> None:
        """Identify goes to every subscribed writer (vss-facts §1.4, §3.2 row 5)."""
        self._scheduler.checkpoint()
        for core in list(self.system._writers):
            ws = WriterSession(core)
            session.touched.append(ws)
            builder = IVssCreateWriterMetadataEx(self._identity(core))
            if not self.deliver(session, ws, IDENTIFY, builder):
                continue
            metadata = builder.finish()
            previous = core.last_metadata
            if previous is not None and previous != metadata:
                self.system._violation(
                    ViolationRule.METADATA_CHANGED,
                    f"writer {core.name!r} reported different metadata in this Identify than in "
                    "the last one; OnIdentify must be deterministic (vss-facts §7.1)",
                    core,
                    None,
                    session=session,
                    handler=E.IDENTIFY.value,
                )
            core.last_metadata = metadata
            ws.metadata = metadata
            ws.examine = IVssExamineWriterMetadata(metadata)
            session.writers[core.instance_id] = ws

    @staticmethod
    def _identity(core: WriterCore) -> WriterIdentity:
        identity = core.identity
        if identity is None:
            identity = core.identity = WriterIdentity(
                instance_id=core.instance_id,
                writer_id=core.writer_id,
                writer_name=core.name,
                usage_type=core.usage_type,
                source_type=core.source_type,
                instance_name=core.instance_name,
                major_version=core.version[0],
                minor_version=core.version[1],
            )
        return identity

    # -- who takes part (vss-facts §4.5) ----------------------------------------------------------

    def participants(self, session: Session) -> list[WriterSession]:
        """Writers in the operation: in component mode only those with an included component."""
        if session.context & _NO_WRITERS:
            return []
        if not session.select_components:
            return [ws for ws in session.writers.values() if ws.state not in FAILED_STATES]
        chosen = {entry.instance_id for entry in session.bcd.writers if entry.components}
        return [
            ws
            for instance_id, ws in session.writers.items()
            if instance_id in chosen and ws.state not in FAILED_STATES
        ]

    # -- PrepareForBackup ------------------------------------------------------------------------

    def prepare_for_backup(self, session: Session) -> None:
        """PrepareForBackup goes to the participants (vss-facts §3.2 row 12)."""
        self._scheduler.checkpoint()
        for ws in self.participants(session):
            ws.joined = True
            self.deliver(
                session, ws, PREPARE_BACKUP, self._components(session, ws, E.PREPARE_BACKUP)
            )

    # -- DoSnapshotSet ---------------------------------------------------------------------------

    def do_snapshot_set(self, session: Session) -> None:
        """Create the set: vss-facts §4.1 steps 8–8j, with the abort rules of §4.2."""
        session.do_snapshot_called = True
        try:
            self._create(session)
        finally:
            self.system._release_creation_lock(session)

    def _create(self, session: Session) -> None:
        set_id = session.snapshot_set_id
        assert set_id is not None
        writers = self.participants(session)
        providers = self._providers(session)
        # PrepareForSnapshot: a veto stops creation, with no Abort event (§4.2).
        self._step(session)
        for ws in writers:
            ws.joined = True
            self.deliver(session, ws, PREPARE_SNAPSHOT)
        vetoed = [ws for ws in writers if ws.state is not WS.VSS_WS_WAITING_FOR_FREEZE]
        if vetoed:
            self._abort_providers(session, providers)
            raise self._writer_failure(session, vetoed, "PrepareForSnapshot")
        for plan in session.planned.values():
            self._creation_step(
                session,
                providers,
                plan.provider,
                "BeginPrepareSnapshot",
                set_id,
                plan.snapshot_id,
                session.context,
                plan.volume.name,
            )
        session.providers_prepared = True
        for provider in providers:
            self._creation_step(session, providers, provider, "EndPrepareSnapshots", set_id)
        # Freeze, by application level; the Freeze→Thaw window of each writer starts (§4.1 8b).
        by_level: list[list[WriterSession]] = [[] for _ in FREEZE_ORDER]
        for ws in writers:
            by_level[_LEVEL_RANK.get(ws.core.level, len(FREEZE_ORDER) - 1)].append(ws)
        frozen: list[WriterSession] = []
        for level, group in zip(FREEZE_ORDER, by_level, strict=True):
            if not group:
                continue
            self._step(session)
            session.current_level = level
            for ws in group:
                ws.frozen_at = self._clock.ticks
                frozen.append(ws)
                if not self.deliver(session, ws, FREEZE):
                    self._abort(session, providers, f"{ws.core.name} vetoed Freeze")
                    raise self._writer_failure(session, [ws], "Freeze")
        self._check_windows(session, frozen, providers)
        # Commit inside the kernel's flush-and-hold window (§4.1 8c–8g).
        for provider in providers:
            self._creation_step(session, providers, provider, "PreCommitSnapshots", set_id)
        hold_start = self._clock.ticks
        for provider in providers:
            self._creation_step(session, providers, provider, "CommitSnapshots", set_id)
        held = self._clock.ticks - hold_start
        if held > FLUSH_AND_HOLD_TICKS:
            message = (
                f"CommitSnapshots held writes for {held / TICKS_PER_SECOND:g} s; the kernel's "
                "flush-and-hold window is 10 s (vss-facts §6)"
            )
            self._abort(session, providers, message)
            raise VssHoldWritesTimeout(message)
        self._commit_snapshots(session)
        for provider in providers:
            self._creation_step(
                session, providers, provider, "PostCommitSnapshots", set_id, len(session.planned)
            )
        self._check_windows(session, frozen, providers)
        # Thaw in reverse level order; the windows are checked before each Thaw (§4.2). Until
        # the earliest window ends no window can have, so the full check is skipped until then.
        earliest = min(
            (w.frozen_at + _window(w) for w in frozen if w.frozen_at is not None),
            default=0,
        )
        for level, group in zip(reversed(FREEZE_ORDER), reversed(by_level), strict=True):
            session.current_level = level
            for ws in group:
                if self._clock.ticks > earliest or session.abort_requested:
                    self._check_windows(session, frozen, providers)
                if not self.deliver(session, ws, THAW):
                    self._abort(session, providers, f"{ws.core.name} failed Thaw")
                    raise self._writer_failure(session, [ws], "Thaw")
        session.current_level = None
        for provider in providers:
            self._creation_step(session, providers, provider, "PreFinalCommitSnapshots", set_id)
            self._creation_step(session, providers, provider, "PostFinalCommitSnapshots", set_id)
        # PostSnapshot: a failure here does not abort the set (§4.2).
        self._step(session)
        for ws in frozen:
            ws.post_snapshot_done = True
            self.deliver(session, ws, POST_SNAPSHOT, self._components(session, ws, E.POST_SNAPSHOT))
        session.snapshot_created = True
        self.system._publish(session)

    def _creation_step(
        self,
        session: Session,
        providers: list[VssProvider],
        provider: VssProvider,
        method: str,
        *args: Any,
    ) -> None:
        """A provider call of creation: its failure aborts the set and the writers that joined,
        so a frozen writer still gets OnAbort (vss-facts §4.2 trigger 4 and guarantee)."""
        try:
            self._provider(session, provider, method, *args)
        except VssError as exc:
            self._abort(session, providers, f"{provider.provider_name}.{method} failed: {exc.name}")
            raise

    def _step(self, session: Session) -> None:
        """A phase boundary: other tasks may run; a cancel or AbortBackup takes effect here."""
        self._scheduler.checkpoint()
        if session.abort_requested:
            self._abort(session, self._providers(session), "the requester cancelled the operation")
            raise Cancelled()

    def _check_windows(
        self, session: Session, frozen: list[WriterSession], providers: list[VssProvider]
    ) -> None:
        now = self._clock.ticks
        lapsed = [
            ws
            for ws in frozen
            if ws.state is WS.VSS_WS_WAITING_FOR_THAW
            and ws.frozen_at is not None
            and now - ws.frozen_at > _window(ws)
        ]
        if not lapsed:
            if session.abort_requested:
                self._abort(session, providers, "the requester cancelled the operation")
                raise Cancelled()
            return
        for ws in lapsed:
            assert ws.frozen_at is not None
            self._lapse(
                session,
                ws,
                Lapse.FREEZE_WINDOW,
                f"frozen at {ws.frozen_at / TICKS_PER_SECOND:g} s, timeout_freeze "
                f"{ws.core.timeout_freeze_ms} ms (at most 60 s), now {now / TICKS_PER_SECOND:g} s",
            )
        self._abort(session, providers, "a writer's Freeze→Thaw window expired")
        raise self._writer_failure(session, lapsed, "the Freeze→Thaw window")

    def _writer_failure(
        self, session: Session, writers: list[WriterSession], where: str
    ) -> VssUnexpectedWriterError:
        names = ", ".join(
            f"{ws.core.name} ({ws.state.name}, {hr.name_of(ws.hr_failure)})" for ws in writers
        )
        message = (
            f"shadow copy creation failed at {where}: {names}. Read each writer's status with "
            "GatherWriterStatus / GetWriterStatus, then call AbortBackup"
        )
        self.system._record(TraceKind.FAULT, "DoSnapshotSet failed", session, detail=message)
        return VssUnexpectedWriterError(message)

    # -- Abort (vss-facts §4.2) ------------------------------------------------------------------

    def _abort(self, session: Session, providers: list[VssProvider], reason: str) -> None:
        self.system._record(TraceKind.FAULT, "abort", session, detail=reason)
        self._abort_providers(session, providers)
        self.abort_writers(session)

    def abort_writers(self, session: Session) -> None:
        """OnAbort to every writer that joined and has not had PostSnapshot (§4.2 [INF])."""
        for ws in session.touched:
            if ws.joined and not ws.post_snapshot_done:
                self.deliver(session, ws, ABORT)

    def _abort_providers(self, session: Session, providers: list[VssProvider]) -> None:
        if not session.providers_prepared or session.snapshot_set_id is None:
            return  # before EndPrepareSnapshots a provider learns of it from a new set id (§4.2)
        for provider in providers:
            # AbortSnapshots failures are traced and otherwise ignored (vss-facts §9).
            with contextlib.suppress(VssError):
                self._provider(session, provider, "AbortSnapshots", session.snapshot_set_id)
        self.system._discard(session)

    def abort_backup(self, session: Session) -> None:
        """AbortBackup: Abort events, provider abort, and the creation lock released."""
        self._abort_providers(session, self._providers(session))
        self.abort_writers(session)
        self.system._release_creation_lock(session)

    # -- BackupComplete, BackupShutdown ----------------------------------------------------------

    def backup_complete(self, session: Session) -> None:
        """BackupComplete to writers waiting for it (vss-facts §3.2 row 17)."""
        self._scheduler.checkpoint()
        for ws in session.writers.values():
            if ws.state is WS.VSS_WS_WAITING_FOR_BACKUP_COMPLETE:
                self.deliver(
                    session, ws, BACKUP_COMPLETE, self._components(session, ws, E.BACKUP_COMPLETE)
                )

    def release(self, session: Session, in_creation: bool) -> None:
        """Release: abort a set left in creation, BackupShutdown, delete auto-release copies."""
        if in_creation:
            self.system._record(
                TraceKind.FAULT, "abort", session, detail="released while a set was in creation"
            )
            self.abort_backup(session)
        if not session.restore:
            set_id = session.snapshot_set_id if session.snapshot_created else GUID_NULL
            for ws in session.touched:
                self.deliver(session, ws, BACKUP_SHUTDOWN, set_id)
        self.system._release_snapshots(session)

    # -- Restore (vss-facts §3.3, §4.4) ----------------------------------------------------------

    def restore_participants(self, session: Session) -> list[WriterSession]:
        """Running writers with a component selected for restore and restore events wanted."""
        chosen = {
            entry.writer_id
            for entry in session.bcd.writers
            if any(c.selected_for_restore for c in entry.components)
        }
        result = []
        for ws in session.writers.values():
            if ws.core.writer_id not in chosen or ws.state in FAILED_STATES:
                continue
            method = ws.metadata.restore_method if ws.metadata else None
            if method is not None and method.writer_restore == VSS_WRITERRESTORE_ENUM.VSS_WRE_NEVER:
                continue
            result.append(ws)
        return result

    def pre_restore(self, session: Session) -> None:
        """PreRestore to the restore participants."""
        self._scheduler.checkpoint()
        for ws in self.restore_participants(session):
            ws.joined = True
            self.deliver(
                session, ws, PRE_RESTORE, self._restore_components(session, ws, E.PRE_RESTORE)
            )

    def post_restore(self, session: Session) -> None:
        """PostRestore to the writers that took PreRestore and did not fail it. A writer whose
        restore method is VSS_WRE_IF_REPLACE_FAILS gets it only when one of its selected
        components' files failed to restore (vss-facts §4.4; VSS_RS_FAILED is the sign, [INF])."""
        self._scheduler.checkpoint()
        for ws in self.restore_participants(session):
            if ws.joined and (
                not self._only_if_replace_failed(ws) or self._restore_failed(session, ws)
            ):
                self.deliver(
                    session,
                    ws,
                    POST_RESTORE,
                    self._restore_components(session, ws, E.POST_RESTORE),
                )

    @staticmethod
    def _only_if_replace_failed(ws: WriterSession) -> bool:
        method = ws.metadata.restore_method if ws.metadata else None
        return (
            method is not None
            and method.writer_restore == VSS_WRITERRESTORE_ENUM.VSS_WRE_IF_REPLACE_FAILS
        )

    @staticmethod
    def _restore_failed(session: Session, ws: WriterSession) -> bool:
        return any(
            c.selected_for_restore
            and c.file_restore_status == VSS_FILE_RESTORE_STATUS.VSS_RS_FAILED
            for entry in session.bcd.writers
            if entry.writer_id == ws.core.writer_id
            for c in entry.components
        )

    def _restore_components(self, session: Session, ws: WriterSession, event: WriterEvent) -> Any:
        for entry in session.bcd.writers:
            if entry.writer_id == ws.core.writer_id:
                return IVssWriterComponents(entry, _COMPONENT_ACCESS[event], ws.core.report)
        return None

    # -- providers (vss-facts §9) ----------------------------------------------------------------

    def _providers(self, session: Session) -> list[VssProvider]:
        seen: dict[int, VssProvider] = {}
        for plan in session.planned.values():
            seen.setdefault(id(plan.provider), plan.provider)
        return list(seen.values())

    def _provider(self, session: Session, provider: VssProvider, method: str, *args: Any) -> None:
        entry = self.system._record(TraceKind.PROVIDER, method, session, provider.provider_name)
        call: Callable[..., Any] = getattr(provider, method)
        try:
            call(*args)
        except VssError as exc:
            entry.result = exc.name
            if exc.hresult in PROVIDER_CODES or method == "AbortSnapshots":
                raise
            raise VssUnexpectedProviderError(
                f"{provider.provider_name} returned {exc.name} from {method}, which is not a "
                "provider code; VSS reports VSS_E_UNEXPECTED_PROVIDER_ERROR (vss-facts §9)"
            ) from exc
        except Exception as exc:
            entry.result = f"raised {type(exc).__name__}"
            self.system._violation(
                ViolationRule.PROVIDER_MISBEHAVED,
                f"{provider.provider_name}.{method} raised {exc!r}",
                None,
                None,
                session=session,
            )
            raise VssUnexpectedProviderError(
                f"{provider.provider_name}.{method} failed with {exc!r} (vss-facts §9)"
            ) from exc
        entry.result = "S_OK"

    def _commit_snapshots(self, session: Session) -> None:
        system = self.system
        count = len(session.planned)
        assert session.snapshot_set_id is not None
        for plan in session.planned.values():
            plan.snapshot = Snapshot(
                snapshot_id=plan.snapshot_id,
                snapshot_set_id=session.snapshot_set_id,
                snapshots_count=count,
                device=system._next_device(),
                original_volume=plan.volume.name,
                volume_guid_path=plan.volume.guid_path,
                machine=system.machine_name,
                provider_id=plan.provider.provider_id,
                attributes=(session.context & 0x7FFFFFFF) | plan.provider.extra_attributes,
                created_ticks=self._clock.ticks,
                created_timestamp=system._filetime(),
            )
