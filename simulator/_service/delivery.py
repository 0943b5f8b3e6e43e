"""Delivering one event to one writer: invoke its handler on this task's thread, record it (with
the virtual time it returned), and apply the row of ``WRITER_TRANSITIONS`` (docs/reference.md
§1.4, §2.2).

Policies where the documentation is silent ([INF], docs/design.md):
* A handler that raises, or returns something other than a bool, has failed the event; a raise
  leaves VSS_E_WRITERERROR_NONRETRYABLE as the writer's failure code unless it set one.
* SetWriterFailure with a failure code fails the event even when the handler returns True.
* A handler that does not return within its window (Freeze and Thaw: the Freeze→Thaw window;
  any other: ``HANDLER_WINDOW_TICKS``, 600 s) is given up on at its next scheduling point: the
  event fails with VSS_E_WRITERERROR_TIMEOUT and the event's failure state (its row of
  WRITER_TRANSITIONS; OnFreeze: FAILED_AT_FREEZE, as KB 915331 shows). A loop that never sleeps
  or waits cannot be interrupted.
* A BaseException from a handler (KeyboardInterrupt, SystemExit, …) fails the event too; the
  operation carries out its abort path and then raises it, so OnThaw or OnAbort still follows
  OnFreeze and BackupShutdown still comes once.
* Why a writer failed (what its handler raised or returned) is kept with its state, so the
  error the requester gets can say so.
* A component view handed to a handler takes writes only while that handler runs.
"""

from __future__ import annotations

from typing import Any

from .. import hresults as hr
from .._documents.component_views import IVssWriterComponents
from .._engine.scheduler import DeadlineExceeded, GreenletExit, current_context
from .._engine.threads import ThreadKey
from .._engine.trace import TraceKind, ViolationRule
from .._rules.component_calls import ComponentAccess
from .._rules.limits import HANDLER_WINDOW_TICKS
from .._rules.writer_states import WRITER_TRANSITIONS, Outcome, Timeout, WriterEvent
from .._vocabulary.clock import TICKS_PER_SECOND
from .._vocabulary.enums import VSS_WRITER_STATE
from .._vocabulary.printing import describe, describe_exception
from .machine import Machine
from .records import Invocation, Session, WriterCore, WriterInSession

__all__ = ["NO_ARGUMENT", "CompiledEvent", "EventDelivery", "compiled", "component_view"]

E = WriterEvent
#: The argument of a handler that takes none.
NO_ARGUMENT: Any = object()


class CompiledEvent:
    """One event, compiled for delivery: its handler's name and its rows of WRITER_TRANSITIONS
    as a list indexed by writer state (a view of the table, built once at import)."""

    __slots__ = ("event", "identify", "name", "outcomes")

    def __init__(self, event: WriterEvent) -> None:
        self.event = event
        self.name = event.value
        self.identify = event is E.IDENTIFY
        self.outcomes: list[Outcome | None] = [
            WRITER_TRANSITIONS.get((state, event)) for state in sorted(VSS_WRITER_STATE)
        ]


#: Every event, compiled.
compiled = {event: CompiledEvent(event) for event in WriterEvent}


class EventDelivery:
    """Invokes handlers for one machine and applies their outcome."""

    def __init__(self, machine: Machine) -> None:
        self.machine = machine
        self._clock = machine.clock
        self._recorder = machine.recorder
        self._scheduler = machine.scheduler
        self._append = machine.recorder.entries.append
        self._owner = machine.scheduler.owner
        #: the thread identity of the last delivered event (``deliver``)
        self._key: ThreadKey = (self._owner, None)

    def deliver(
        self,
        session: Session,
        ws: WriterInSession,
        event: CompiledEvent,
        arg: Any = NO_ARGUMENT,
        *,
        deadline: int | None = None,
    ) -> bool:
        """Invoke one handler on this task's thread; apply the state table; never raise for it.

        The handler must return by ``deadline`` (ticks; by default ``HANDLER_WINDOW_TICKS`` from
        now): past it the model gives up on the writer (VSS_E_WRITERERROR_TIMEOUT). A
        BaseException the handler raises fails the event like any other, and is kept on the
        session to be raised once the operation has carried out its abort path."""
        delivered_in = ws.state
        outcome = event.outcomes[delivered_in]
        if outcome is None:
            return self._not_delivered(session, ws, event)
        core = ws.core
        clock = self._clock
        context = current_context()
        task = self._scheduler.current
        if task is not None and task._glet is not context:
            task = None
        start = clock.ticks
        name = event.name
        inv = Invocation()  # an entry, filled in here (``trace.new_entry``): one per event
        inv.ticks = start
        inv.name = name
        inv.session_id = session.session_id
        inv.thread = "MainThread" if task is None else task.name
        inv.writer = core.name
        inv.result = inv.end_ticks = None
        inv.session = session
        inv.ws = ws
        inv.event = event.event
        inv.failed = False
        self._append(inv)
        # The handler's thread identity (it runs on the scheduler's own thread): the last
        # event's key while the same task delivers, to build and hash no new tuple.
        key = self._key
        if key[1] is not context:
            key = self._key = (self._owner, context)
        active = core.active
        active[key] = inv
        handler = core.handlers[name]
        if task is None:
            limit = outer = None
        else:
            outer = task.deadline
            limit = start + HANDLER_WINDOW_TICKS if deadline is None else deadline
            if outer is not None and outer < limit:
                limit = outer
            task.deadline = limit
        try:
            try:
                result = handler() if arg is NO_ARGUMENT else handler(arg)
            finally:
                active.pop(key, None)
                inv.end_ticks = now = clock.ticks
                if task is not None:
                    task.deadline = outer
        except GreenletExit:
            raise  # the machine is closing: the task ends here
        except BaseException as exc:
            if (limit is not None and now >= limit) or isinstance(exc, DeadlineExceeded):
                ok = self._timed_out(session, ws, inv)
            else:
                ok = self._raised(core, ws, inv, exc)
                if not isinstance(exc, Exception) and session.escaped is None:
                    session.escaped = exc
        else:
            if result is True and (limit is None or now < limit) and not inv.failed:
                ok = True
                inv.result = "true"
            else:
                ok = self._ended(ws, inv, result, limit is not None and now >= limit)
        if type(arg) is IVssWriterComponents:
            arg.expire()  # a view kept past its handler takes no more writes
        del inv.session, inv.ws  # the trace keeps plain values, not the live session
        # The row of the state the writer is in now (the handler may have moved it), else the
        # row it was delivered in; ``WriterInSession.apply``, inline.
        state = ws.state
        row = outcome if state is delivered_in else event.outcomes[state] or outcome
        new_state = row.ok if ok else row.failed
        if new_state is not None:
            ws.state = new_state
        if not ok or not event.identify:
            core.last_state = ws.state
            core.last_failure = ws.hr_failure
        return ok

    def _not_delivered(self, session: Session, ws: WriterInSession, event: CompiledEvent) -> bool:
        """The writer's state takes no such event (it failed or was aborted meanwhile): it is not
        delivered, and the writer counts as failing it."""
        message = f"{event.name} not delivered: the writer is {ws.state.name}"
        ws.explain(message, None)
        self.machine.record(
            TraceKind.FAULT, "event not delivered", session, ws.core.name, detail=message
        )
        return False

    def _ended(self, ws: WriterInSession, inv: Invocation, result: object, overran: bool) -> bool:
        """A handler returned anything but a plain success: say how it ended."""
        if overran:
            ok = self._timed_out(inv.session, ws, inv)
        elif result is True:
            ok = not inv.failed
            inv.result = "true"
            if inv.failed:
                ws.explain(f"{inv.name} called SetWriterFailure({hr.name_of(ws.hr_failure)})", None)
        elif result is False:
            ok = False
            inv.result = "false"
            ws.explain(f"{inv.name} returned False (a veto)", None)
        else:
            ok = self._bad_result(ws.core, ws, inv, result)
        if inv.failed:
            inv.result = f"{inv.result}, failure {hr.name_of(ws.hr_failure)}"
        return ok

    def _raised(
        self, core: WriterCore, ws: WriterInSession, inv: Invocation, exc: BaseException
    ) -> bool:
        raised = describe_exception(exc)
        self.machine.violation(
            ViolationRule.HANDLER_RAISED,
            f"{inv.name} raised {describe(exc)}; handlers must never throw (docs/reference.md §1.1): "
            "the event counts as failed",
            core,
            inv,
        )
        if ws.hr_failure == hr.S_OK:
            ws.fail(hr.VSS_E_WRITERERROR_NONRETRYABLE)
        ws.explain(f"{inv.name} raised {raised}", exc)
        inv.result = f"raised {type(exc).__name__}"
        return False

    def _bad_result(
        self, core: WriterCore, ws: WriterInSession, inv: Invocation, result: object
    ) -> bool:
        shown = describe(result)
        self.machine.violation(
            ViolationRule.BAD_RESULT,
            f"{inv.name} returned {shown}; handlers return a bool (docs/reference.md §1.4): "
            "the event counts as failed",
            core,
            inv,
        )
        ws.explain(f"{inv.name} returned {shown}; handlers return True or False", None)
        inv.result = type(result).__name__
        return False

    def _timed_out(self, session: Session, ws: WriterInSession, inv: Invocation) -> bool:
        """The handler did not return in its window: the model gave up on the writer."""
        waited = (self._clock.ticks - inv.ticks) / TICKS_PER_SECOND
        message = (
            f"{inv.name} did not return within its window ({waited:g} s of virtual time); VSS "
            "gives up on the writer with VSS_E_WRITERERROR_TIMEOUT (docs/reference.md §6)"
        )
        ws.fail(hr.VSS_E_WRITERERROR_TIMEOUT)
        ws.explain(message, None)
        inv.result = "timed out"
        self.machine.record(
            TraceKind.FAULT, "handler timed out", session, ws.core.name, detail=message
        )
        return False

    def time_out(
        self, session: Session, ws: WriterInSession, trigger: Timeout, detail: str
    ) -> None:
        """A window of the writer ran out: its row of WRITER_TRANSITIONS, VSS_E_WRITERERROR_TIMEOUT."""
        ws.fail(hr.VSS_E_WRITERERROR_TIMEOUT)
        ws.explain(f"the writer's {trigger.value} ({detail})", None)
        ws.apply(WRITER_TRANSITIONS[(ws.state, trigger)], False)
        self.machine.record(TraceKind.FAULT, trigger.value, session, ws.core.name, detail=detail)


def component_view(session: Session, ws: WriterInSession, access: ComponentAccess) -> Any:
    """The writer's component view for a handler with ``access``; None outside component mode
    or when the BCD has no entry of the writer."""
    bcd = session.bcd
    if not bcd.select_components:
        return None
    core = ws.core
    entry = bcd.writer_entry_or_none(core.instance_id)
    if entry is None:
        return None
    return IVssWriterComponents(entry, access, core.report)
