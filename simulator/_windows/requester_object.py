"""The gate every IVssBackupComponents method passes, and the state the object keeps
(docs/reference.md §3).

The object is thin over two things: a ``RequesterCallState`` (the call-order tables; it alone
moves the phase) and the machine's coordinator (it alone takes and frees the creation lock). Every
method first passes its call's gate: a scheduling point, a trace record, the call-order check,
then the rows of ``CALL_REQUIREMENTS``. A refusal raises the VssError the tables name, with a
message generated from them. Asynchronous methods start an operation on its own simulator task
(the thread that invokes the writers' handlers) and return an ``IVssAsync``.

Policies where the documentation is silent ([INF], docs/design.md):
* A call on the object from inside a handler of one of its own operations is refused with
  VSS_E_BAD_STATE (the operation would wait on itself); GetSessionId is still answered.
* A call from an OS thread the simulator does not schedule is refused with VSS_E_BAD_STATE.
* Once Release has begun, every other call is refused (VSS_E_BAD_STATE); a second Release waits
  for the first and returns.
* While a synchronous call that sends events (AbortBackup, Release) runs, the object counts as
  busy: other tasks' calls are refused as they are during an asynchronous operation.
* An argument of the wrong kind is E_INVALIDARG at the call, never a Python error from inside.
* A requester that dies (the task that made the object ends, or the object is collected) without
  Release is buried as COM releases a dead client's objects: what was under way is aborted, the
  creation lock freed, auto-release copies deleted and BackupShutdown sent.
"""

from __future__ import annotations

import functools
import inspect
import threading
import weakref
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from .. import hresults as hr
from .._engine.scheduler import Task, current_context
from .._engine.trace import TraceKind
from .._rules.call_order import CALLS_WHILE_PENDING
from .._rules.call_state import RequesterCallState
from .._rules.calls import Call, Phase
from .._rules.requirements import explain_need
from .._service.coordinator import Coordinator
from .._service.creation import Cancelled
from .._service.records import Session
from .._vocabulary.errors import VssBadState, VssError, VssInvalidArg
from .._vocabulary.printing import describe_exception
from .async_operation import IVssAsync
from .call_checks import checks_of
from .writer_status import VssWriterStatusEx

__all__ = ["RequesterObject", "requester_call"]

P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S", bound="RequesterObject")
_get_ident = threading.get_ident
_getcurrent = current_context
#: Members read on every call (an enum member read from its class is a slow lookup).
_CALL = TraceKind.CALL
_GET_SESSION_ID = Call.GET_SESSION_ID
_RELEASE = Call.RELEASE
_RELEASED = Phase.RELEASED
#: the trace name of each call's "completed" record, and an operation's usual result
_COMPLETED = {call: f"{call.value} completed" for call in Call}
_FINISHED = hr.name_of(hr.VSS_S_ASYNC_FINISHED)
#: What a bad argument raises from deep inside a method body; the gate turns it into E_INVALIDARG.
_ARGUMENT_ERRORS = (TypeError, AttributeError, ValueError, OverflowError, KeyError, IndexError)


def requester_call(
    call: Call,
) -> Callable[[Callable[Concatenate[S, P], R]], Callable[Concatenate[S, P], R]]:
    """The gate of one IVssBackupComponents method: who calls, the call order and the
    requirements before the body, the trace record and the phase move after it.

    What is constant per method (its name, its checks, whether it is taken while an operation
    runs) is read once here; the common path is one look-up in the call-order table, and
    ``RequesterCallState.admit`` explains a refusal."""

    checks = checks_of(call)
    name = call.value
    taken_while_pending = call in CALLS_WHILE_PENDING
    is_release = call is _RELEASE

    def decorate(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
        signature = inspect.signature(method)
        body: Callable[..., R] = method

        # ``given`` is the object, then the call's positional arguments: the body is called with
        # it as it came (no new tuple), and without a keyword dict in the usual case.
        @functools.wraps(method)
        def gate(*given: Any, **kwargs: Any) -> R:
            __tracebackhide__ = True
            self: S = given[0]
            scheduler = self._scheduler
            if _get_ident() != scheduler.owner:
                raise _foreign_thread(name)
            running = scheduler.current
            if running is not None and running._glet is not _getcurrent():
                running = None  # the owner's thread, outside any task
            if running is not None:
                self._from_task(call, name, running)
            elif self._machine.burials:
                self._machine.settle()
            session = self._session
            entry = self._recorder.call(name, session.session_id, running)
            state = self._state
            pending = state.pending
            move = state.moves.get((state.phase, call))
            try:
                if session.released and not is_release and state.phase is not _RELEASED:
                    raise VssBadState(
                        f"{name} is not allowed: Release has begun on this object (the "
                        "object is single-use; make a new one)"
                    )
                if move is None or (
                    pending is not None and not taken_while_pending and not pending.done
                ):
                    move = state.admit(call)  # raises the refusal the tables explain
                if checks:
                    args = given[1:]
                    if kwargs:
                        args = _positional(signature, self, args, kwargs)
                    for need, holds in checks:
                        seen = holds(self, args)
                        if seen is not None:
                            raise explain_need(name, need, seen)
            except VssError as exc:
                entry.result = exc.name
                raise
            state.history.append(name)
            try:
                result = body(*given, **kwargs) if kwargs else body(*given)
            except VssError as exc:
                entry.result = exc.name
                raise
            except _ARGUMENT_ERRORS as exc:
                entry.result = "E_INVALIDARG"
                raise VssInvalidArg(
                    f"{name}: an argument is not of the kind it takes ({describe_exception(exc)})"
                ) from exc
            if type(result) is IVssAsync:
                entry.result = "IVssAsync"
            else:
                # ``RequesterCallState.finished``, inline: the row is read again, since AbortBackup
                # and Release may have waited for an operation that moved the phase meanwhile.
                state.phase = state.moves.get((state.phase, call), move).next_phase
                entry.result = "S_OK"
            return result

        return cast("Callable[Concatenate[S, P], R]", gate)

    return decorate


def _foreign_thread(name: str) -> VssBadState:
    return VssBadState(
        f"{name} was called from OS thread {threading.current_thread().name!r}, "
        "which the simulator does not schedule; call IVssBackupComponents from the "
        "thread that owns the VssSystem or from a simulator task"
    )


def _positional(
    signature: inspect.Signature, obj: object, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, ...]:
    """A call's arguments in parameter order, keywords included (the requirement rows read them
    by position); as given when they do not fit the method (the call itself refuses them)."""
    try:
        bound = signature.bind(obj, *args, **kwargs)
    except TypeError:
        return args
    bound.apply_defaults()
    return tuple(bound.arguments.values())[1:]


class RequesterObject:
    """The state of one IVssBackupComponents object and the machinery its methods share."""

    def __init__(self, coordinator: Coordinator) -> None:
        self._coordinator = coordinator
        self._machine = machine = coordinator.machine
        self._recorder = machine.recorder
        self._scheduler = machine.scheduler
        self._state = state = RequesterCallState()
        self._session = session = machine.new_session()
        self._status: list[VssWriterStatusEx] | None = None
        #: InitializeForBackup was given a saved BCD (ImportSnapshots needs it)
        self._bcd_loaded = False
        #: the shadow copies AddSnapshotToRecoverySet added (RecoverSet needs one)
        self._recovery_set: list[Any] = []
        # A requester's death is modelled as COM does it (module docstring).
        refs = machine.requester_refs

        def collected(ref: object) -> None:
            refs.discard(ref)
            if _needs_burial(session, state):
                session.burial_asked = True
                machine.bury(
                    lambda: _bury(coordinator, session, state, "its object was collected"),
                    "Release (requester gone)",
                )

        refs.add(weakref.ref(self, collected))
        task = machine.scheduler.running_task()
        if task is not None:

            def task_ended() -> None:
                if _needs_burial(session, state):
                    session.burial_asked = True
                    machine.bury(
                        lambda: _bury(
                            coordinator, session, state, f"its task {task.name!r} raised"
                        ),
                        "Release (requester gone)",
                    )

            machine.task_end_hooks.setdefault(task, []).append(task_ended)

    def __repr__(self) -> str:
        return f"<IVssBackupComponents session={self._session.session_id} {self.phase.name}>"

    @property
    def phase(self) -> Phase:
        """Where the object stands in the call order (``simulator.rules``, docs/rules.md)."""
        return self._state.phase

    # -- the gate -------------------------------------------------------------------------------

    def _from_task(self, call: Call, name: str, running: Task) -> None:
        """The gate's steps for a call made from a simulator task: refused from inside one of
        this object's own operations, then a scheduling point (after any burial under way)."""
        __tracebackhide__ = True
        if call is not _GET_SESSION_ID and running in self._session.operation_tasks:
            raise VssBadState(
                f"{name} was called from inside a handler of this object's own "
                f"operation (on {running.name!r}): the operation would wait on itself. A "
                "writer's handler must not drive the requester; call it from the requester's "
                "own task"
            )
        machine = self._machine
        if machine.burials:
            machine.settle()
        self._scheduler.checkpoint()

    def _start(self, call: Call, body: Callable[[Session], None]) -> IVssAsync:
        """Run ``body`` as an asynchronous operation on its own task."""
        machine = self._machine
        name = call.value
        session = self._session
        # A running operation keeps its object alive (a requester holding only the IVssAsync is
        # not dead); the reference is dropped when the operation ends [INF].
        op = IVssAsync(machine, name, session, self)
        # A Cancel or AbortBackup aimed at an earlier operation does not carry over to this one.
        session.abort_requested = session.cancel_requested = False
        state = self._state
        move = state.table[(state.phase, call)]
        tasks = session.operation_tasks
        record = self._recorder.record
        completed = _COMPLETED[call]

        def run() -> None:
            __tracebackhide__ = True
            me = op._task
            tasks.add(me)
            try:
                try:
                    body(session)
                except Cancelled:
                    op.cancelled = True
                except Exception as exc:
                    op.error = exc
                if session.escaped is not None:
                    # A handler raised a BaseException: the operation carried out its abort
                    # path; now it ends with the user's exception.
                    op.cancelled = False
                    escaped = session.take_escaped()
                    assert escaped is not None
                    raise escaped
            except BaseException as exc:
                op.error = exc  # the operation failed; the scheduler reports it too
                raise
            finally:
                op._owner = None
                tasks.discard(me)
                if op._error is None and not op.cancelled:
                    state.operation_ended(move, False)
                    result = _FINISHED
                else:
                    state.operation_ended(move, True)
                    result = hr.name_of(op._final_status())
                record(_CALL, completed, session.session_id, result=result)

        op._task = machine.spawn_operation(run, name)
        state.pending = op
        return op

    def _run_now(self, name: str, body: Callable[[], None]) -> None:
        """Run ``body`` on an operation task and wait for it: synchronous calls that send events.
        Meanwhile the object is busy (other tasks' calls are refused as during an operation)."""
        __tracebackhide__ = True
        machine = self._machine
        scheduler = machine.scheduler
        session = self._session
        tasks = session.operation_tasks
        busy = _Busy(name)

        def run() -> None:
            tasks.add(busy.task)
            try:
                body()
                escaped = session.take_escaped()
                if escaped is not None:
                    raise escaped
            finally:
                tasks.discard(busy.task)

        task = busy.task = machine.spawn_operation(run, name)
        state = self._state
        if state.pending is None or state.pending.done:
            state.pending = busy
        try:
            scheduler.join(task)
        finally:
            # Done only now, with the caller running again: until its phase moves, no other
            # task's call may slip in between the body's end and the move.
            busy.finished = True
            if state.pending is busy:
                state.pending = None
        if task.error is not None:
            error = task.error
            if task in scheduler.failed:
                scheduler.failed.remove(task)
            raise error

    def _join_pending(self) -> IVssAsync | None:
        """Wait for a running operation of this object; the operation, if there was one."""
        pending = self._state.pending
        if isinstance(pending, IVssAsync) and not pending.done:
            assert pending._task is not None
            self._machine.scheduler.join(pending._task)
            return pending
        if isinstance(pending, _Busy) and not pending.done and pending.task is not None:
            self._machine.scheduler.join(pending.task)
        return None


class _Busy:
    """A synchronous call that sends events (AbortBackup, Release), as a pending operation."""

    __slots__ = ("finished", "name", "task")

    def __init__(self, name: str) -> None:
        self.name = name
        self.task: Task | None = None
        self.finished = False

    @property
    def done(self) -> bool:
        return self.finished


def _needs_burial(session: Session, state: RequesterCallState) -> bool:
    return (
        not session.released
        and not session.burial_asked
        and state.phase not in (Phase.CREATED, Phase.RELEASED)
    )


def _bury(
    coordinator: Coordinator, session: Session, state: RequesterCallState, reason: str
) -> None:
    """Release a dead requester's object as COM does (module docstring): abort what was under
    way, then Release. Runs on its own operation task."""
    if session.released or state.phase in (Phase.CREATED, Phase.RELEASED):
        return
    machine = coordinator.machine
    scheduler = machine.scheduler
    machine.record(
        TraceKind.FAULT, "requester gone", session, detail=f"released without Release: {reason}"
    )
    session.released = True
    pending = state.pending
    if pending is not None and not pending.done:
        session.abort_requested = True
        task = pending._task if isinstance(pending, IVssAsync) else getattr(pending, "task", None)
        if isinstance(task, Task):
            scheduler.join(task)
    tasks = session.operation_tasks
    me = scheduler.running_task()
    if me is not None:
        tasks.add(me)
    try:
        if not state.would_stay(Call.ABORT_BACKUP):
            coordinator.abort_backup(session)
        coordinator.release(session)
        escaped = session.take_escaped()
    finally:
        tasks.discard(me)
        state.end()
    if escaped is not None:
        raise escaped
