"""The thread rule (docs/api.md "The thread rule", docs/reference.md §1.5 and §8).

GetSessionId, SetWriterFailure and SetWriterFailureEx must be called on the thread that invoked the
running handler. A call from a worker thread, a thread pool, outside any handler, from another
session's handler thread, or SetWriterFailure(Ex) inside OnIdentify raises WrongThreadError
(VSS_E_BAD_STATE) and leaves exactly one Violation. Inside a handler GetSessionId returns the id of
the session that delivered the event, even while handlers of other sessions interleave.
"""

from __future__ import annotations

import concurrent.futures
import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from simulator import (
    VSS_E_BAD_STATE,
    VSS_E_WRITERERROR_RETRYABLE,
    VSS_WS_STABLE,
    IVssBackupComponents,
    TraceKind,
    TraceRecord,
    Violation,
    ViolationRule,
    VssSystem,
    WriterEvent,
    WrongThreadError,
)
from tests.helpers import FULL_BACKUP as FULL
from tests.helpers import QuietWriter, begin_backup, full_backup, make_writer

Hook = Callable[["Probe"], None]

#: The three thread-bound calls, each made with valid arguments.
CALLS: dict[str, Callable[[Any], object]] = {
    "GetSessionId": lambda w: w.GetSessionId(),
    "SetWriterFailure": lambda w: w.SetWriterFailure(VSS_E_WRITERERROR_RETRYABLE),
    "SetWriterFailureEx": lambda w: w.SetWriterFailureEx(
        VSS_E_WRITERERROR_RETRYABLE, 0x80004005, "reported from the wrong thread"
    ),
}


class Probe(QuietWriter):
    """A writer that keeps the rules except where a hook says otherwise: ``hooks[handler]`` runs
    inside that handler. Refused calls are kept in ``caught``; ``seen`` keeps, per handler run,
    (handler, GetSessionId() on entry, GetSessionId() on exit)."""

    def __init__(self) -> None:
        self.hooks: dict[str, Hook] = {}
        self.caught: list[WrongThreadError] = []
        self.seen: list[tuple[str, uuid.UUID, uuid.UUID]] = []
        self.work = 0.0

    def on_event(self, event: WriterEvent, arg: Any) -> bool:
        hook = self.hooks.get(event.value)
        if hook is not None:
            hook(self)
        return True


def event_record(system: VssSystem, writer: str, handler: str) -> TraceRecord:
    """The one delivery of ``handler`` to ``writer`` in the trace."""
    (record,) = [
        r
        for r in system.trace
        if r.kind is TraceKind.EVENT and r.writer == writer and r.name == handler
    ]
    return record


def only_violation(system: VssSystem) -> Violation:
    (violation,) = system.violations
    return violation


def status_of(bc: IVssBackupComponents, name: str) -> tuple[Any, int]:
    bc.GatherWriterStatus().Wait()
    for index in range(bc.GetWriterStatusCount()):
        status = bc.GetWriterStatus(index)
        if status.writer_name == name:
            return status.state, status.hr_failure
    raise AssertionError(f"no status for {name}")


# ---------------------------------------------------------------------------------------------
# (a), (b): worker threads started inside the handler
# ---------------------------------------------------------------------------------------------


def from_thread(call: Callable[[Any], object]) -> Hook:
    """Run ``call`` on a ``threading.Thread`` named "writer-worker" and wait for it."""

    def hook(writer: Probe) -> None:
        def work() -> None:
            try:
                call(writer)
            except WrongThreadError as exc:
                writer.caught.append(exc)

        worker = threading.Thread(target=work, name="writer-worker")
        worker.start()
        worker.join()

    return hook


def from_pool(call: Callable[[Any], object]) -> Hook:
    """Run ``call`` on a concurrent.futures pool thread ("writer-pool_0") and wait for it."""

    def hook(writer: Probe) -> None:
        with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="writer-pool") as pool:
            try:
                pool.submit(call, writer).result()
            except WrongThreadError as exc:
                writer.caught.append(exc)

    return hook


@pytest.mark.parametrize("handler", ["OnPrepareBackup", "OnFreeze"])
@pytest.mark.parametrize("method", sorted(CALLS))
@pytest.mark.parametrize(
    ("make_hook", "calling"),
    [(from_thread, "writer-worker"), (from_pool, "writer-pool_0")],
    ids=["threading.Thread", "ThreadPoolExecutor"],
)
def test_call_from_a_worker_thread_is_refused(
    system: VssSystem,
    make_hook: Callable[[Callable[[Any], object]], Hook],
    calling: str,
    method: str,
    handler: str,
) -> None:
    """docs/reference.md §1.5: work may go to worker threads, error reporting may not. The refused call
    changes nothing: the writer finishes its backup STABLE with no failure code."""
    writer = make_writer(system, "Worker", cls=Probe)
    writer.hooks[handler] = make_hook(CALLS[method])
    with system.CreateVssBackupComponents() as bc:
        begin_backup(bc)
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
        bc.BackupComplete().Wait()
        assert status_of(bc, "Worker") == (VSS_WS_STABLE, 0)
        session = bc.GetSessionId()
    assert system.events(writer) == FULL
    handler_thread = event_record(system, "Worker", handler).thread
    assert handler_thread is not None
    assert handler_thread.endswith(
        ":DoSnapshotSet" if handler == "OnFreeze" else ":PrepareForBackup"
    )

    (error,) = writer.caught
    assert error.hresult == VSS_E_BAD_STATE
    assert error.handler_thread == handler_thread
    assert error.calling_thread == calling
    assert repr(handler_thread) in error.message
    assert repr(calling) in error.message
    assert handler in error.message
    assert method in error.message

    violation = only_violation(system)
    assert violation.rule is ViolationRule.WRONG_THREAD
    assert (violation.writer, violation.handler) == ("Worker", handler)
    assert violation.session_id == session
    assert violation.thread == calling
    assert violation.message == error.message


# ---------------------------------------------------------------------------------------------
# (c): outside any handler
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", sorted(CALLS))
def test_call_from_the_test_body_after_the_backup_is_refused(
    system: VssSystem, method: str
) -> None:
    """docs/reference.md §1.5 [INF] policy: with no handler running the call is refused (OUTSIDE_HANDLER),
    naming the calling thread; no handler thread exists."""
    writer = make_writer(system, "Idle", cls=Probe)
    full_backup(system)
    with pytest.raises(WrongThreadError) as caught:
        CALLS[method](writer)
    error = caught.value
    assert error.hresult == VSS_E_BAD_STATE
    assert error.handler_thread is None
    assert error.calling_thread == "MainThread"
    assert method in error.message
    assert "no handler is running" in error.message
    assert "'MainThread'" in error.message
    violation = only_violation(system)
    assert violation.rule is ViolationRule.OUTSIDE_HANDLER
    assert (violation.writer, violation.handler, violation.session_id) == ("Idle", None, None)
    assert violation.thread == "MainThread"


@pytest.mark.parametrize("method", sorted(CALLS))
def test_call_from_a_simulator_task_that_is_no_handler_is_refused(
    system: VssSystem, method: str
) -> None:
    """docs/reference.md §1.5: a task of the simulation (here a requester task) is not a handler thread."""
    writer = make_writer(system, "Idle", cls=Probe)
    errors: list[WrongThreadError] = []

    def requester() -> None:
        full_backup(system)
        try:
            CALLS[method](writer)
        except WrongThreadError as exc:
            errors.append(exc)

    system.spawn(requester, name="requester-task")
    system.run()
    (error,) = errors
    assert (error.handler_thread, error.calling_thread) == (None, "requester-task")
    assert "'requester-task'" in error.message
    violation = only_violation(system)
    assert (violation.rule, violation.thread) == (ViolationRule.OUTSIDE_HANDLER, "requester-task")


# ---------------------------------------------------------------------------------------------
# (d): SetWriterFailure(Ex) inside OnIdentify
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["SetWriterFailure", "SetWriterFailureEx"])
def test_set_writer_failure_in_identify_is_refused(system: VssSystem, method: str) -> None:
    """docs/reference.md §1.5: SetWriterFailure(Ex) is allowed in every handler but OnIdentify(Ex); the
    refusal is FORBIDDEN_IN_HANDLER, on the handler's own thread. Identify itself succeeds."""

    def attempt(writer: Probe) -> None:
        try:
            CALLS[method](writer)
        except WrongThreadError as exc:
            writer.caught.append(exc)

    writer = make_writer(system, "Identify", cls=Probe)
    writer.hooks["OnIdentify"] = attempt
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.GatherWriterMetadata().Wait()
        assert bc.GetWriterMetadataCount() == 1
        session = bc.GetSessionId()
    thread = event_record(system, "Identify", "OnIdentify").thread
    assert thread is not None and thread.endswith(":GatherWriterMetadata")
    (error,) = writer.caught
    assert error.hresult == VSS_E_BAD_STATE
    assert (error.handler_thread, error.calling_thread) == (thread, thread)
    assert f"{method} may not be called in OnIdentify" in error.message
    assert repr(thread) in error.message
    violation = only_violation(system)
    assert violation.rule is ViolationRule.FORBIDDEN_IN_HANDLER
    assert (violation.writer, violation.handler, violation.session_id) == (
        "Identify",
        "OnIdentify",
        session,
    )


def test_get_session_id_in_every_handler_is_the_requesters(system: VssSystem) -> None:
    """docs/reference.md §1.5, §8: GetSessionId works in every handler, OnIdentify included, and returns
    the requester's session id (IVssBackupComponentsEx3::GetSessionId)."""

    def ask(writer: Probe) -> None:
        sid = writer.GetSessionId()
        writer.seen.append(("", sid, sid))

    writer = make_writer(system, "Asker", cls=Probe)
    for handler in FULL:
        writer.hooks[handler] = ask
    session = full_backup(system)
    assert [sid for _, sid, _ in writer.seen] == [session] * len(FULL)
    assert system.violations == []


# ---------------------------------------------------------------------------------------------
# (e): another session's handler thread
# ---------------------------------------------------------------------------------------------


def shutdown_only(system: VssSystem, start_after: float) -> uuid.UUID:
    """A requester that gathers metadata and releases: Identify, then BackupShutdown (§4.3)."""
    system.sleep(start_after)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.GatherWriterMetadata().Wait()
        return bc.GetSessionId()


@pytest.mark.parametrize("method", sorted(CALLS))
def test_callback_called_from_another_sessions_handler_is_refused(
    system: VssSystem, method: str
) -> None:
    """docs/reference.md §1.5, §8 ("one session cannot corrupt another"): writer Holder stores a callback
    in session A's OnBackupShutdown and keeps working there for 10 s; at 1 s session B's handler
    (of writer Caller) runs the callback. Holder's only running handler is A's, on A's thread,
    so the call is refused and names both threads."""
    shared: dict[str, Callable[[], object]] = {}
    holder = make_writer(system, "Holder", cls=Probe)
    caller = make_writer(system, "Caller", cls=Probe)

    def store(writer: Probe) -> None:
        if "callback" not in shared:
            shared["callback"] = lambda: CALLS[method](writer)
            system.sleep(10)

    def call(writer: Probe) -> None:
        callback = shared.pop("callback", None)
        if callback is not None:
            try:
                callback()
            except WrongThreadError as exc:
                writer.caught.append(exc)

    holder.hooks["OnBackupShutdown"] = store
    caller.hooks["OnBackupShutdown"] = call
    ids: dict[str, uuid.UUID] = {}
    system.spawn(lambda: ids.setdefault("A", shutdown_only(system, 0)), name="session-A")
    system.spawn(lambda: ids.setdefault("B", shutdown_only(system, 1)), name="session-B")
    system.run()

    shutdowns = [
        r for r in system.trace if r.kind is TraceKind.EVENT and r.name == "OnBackupShutdown"
    ]
    thread_a = next(r.thread for r in shutdowns if r.session_id == ids["A"])
    thread_b = next(r.thread for r in shutdowns if r.session_id == ids["B"])
    assert thread_a is not None and thread_b is not None and thread_a != thread_b
    # The handlers overlap: B's ran at 1 s while A's Holder handler worked until 10 s.
    times = {(r.writer, r.session_id): r.time for r in shutdowns}
    assert times[("Holder", ids["A"])] == 0.0
    assert times[("Caller", ids["B"])] == 1.0
    assert times[("Caller", ids["A"])] == 10.0

    (error,) = caller.caught
    assert holder.caught == []
    assert error.hresult == VSS_E_BAD_STATE
    assert (error.handler_thread, error.calling_thread) == (thread_a, thread_b)
    assert repr(thread_a) in error.message and repr(thread_b) in error.message
    assert f"OnBackupShutdown of session {ids['A']}" in error.message
    violation = only_violation(system)
    assert violation.rule is ViolationRule.WRONG_THREAD
    assert (violation.writer, violation.handler, violation.session_id) == (
        "Holder",
        "OnBackupShutdown",
        ids["A"],
    )
    assert violation.thread == thread_b


def test_callback_run_by_the_same_writer_in_another_session_reports_that_session(
    system: VssSystem,
) -> None:
    """docs/reference.md §8: GetSessionId names the session whose handler runs on the calling thread, so a
    callback stored in session A and run inside the same writer's handler of session B gets B's
    id (the hazard the thread rule exists for); no violation, each session sees its own id."""
    shared: dict[str, Callable[[], uuid.UUID]] = {}
    writer = make_writer(system, "Both", cls=Probe)
    got: dict[str, uuid.UUID] = {}

    def shutdown(w: Probe) -> None:
        if "callback" not in shared:
            shared["callback"] = w.GetSessionId
            got["own A"] = w.GetSessionId()
            system.sleep(10)
        else:
            got["callback in B"] = shared["callback"]()

    writer.hooks["OnBackupShutdown"] = shutdown
    ids: dict[str, uuid.UUID] = {}
    system.spawn(lambda: ids.setdefault("A", shutdown_only(system, 0)), name="session-A")
    system.spawn(lambda: ids.setdefault("B", shutdown_only(system, 1)), name="session-B")
    system.run()
    assert got == {"own A": ids["A"], "callback in B": ids["B"]}
    assert system.violations == []


# ---------------------------------------------------------------------------------------------
# concurrent sessions: each handler sees its own session
# ---------------------------------------------------------------------------------------------


def interleaved(sessions: list[uuid.UUID | None]) -> bool:
    """Whether some session's events are split by another's (A … B … A)."""
    finished: set[uuid.UUID | None] = set()
    previous: uuid.UUID | None = None
    for sid in sessions:
        if sid != previous:
            if sid in finished:
                return True
            if previous is not None:
                finished.add(previous)
            previous = sid
    return False


def test_interleaving_helper() -> None:
    a, b = uuid.UUID(int=1), uuid.UUID(int=2)
    assert interleaved([a, a, b, a])
    assert not interleaved([a, a, b, b])


@pytest.mark.parametrize("sessions", [2, 8])
def test_concurrent_sessions_each_see_their_own_id(system: VssSystem, sessions: int) -> None:
    """docs/reference.md §8: parallel sessions never see each other's id. Each handler asks on entry and
    again after 1.5 s of work, while other sessions' handlers of the same writer run."""

    def observe(writer: Probe) -> None:
        first = writer.GetSessionId()
        entry = len(writer.seen)
        writer.seen.append(("", first, first))
        system.sleep(1.5)
        writer.seen[entry] = ("", first, writer.GetSessionId())

    writers = [make_writer(system, f"Writer {i}", cls=Probe) for i in range(2)]
    for writer in writers:
        for handler in FULL:
            writer.hooks[handler] = observe
    requester_ids: list[uuid.UUID] = []
    for index in range(sessions):
        system.spawn(lambda: requester_ids.append(full_backup(system)), name=f"requester-{index}")
    system.run()

    assert len(set(requester_ids)) == sessions
    assert system.violations == []
    for writer in writers:
        name = writer._vss.name
        delivered = [
            r.session_id for r in system.trace if r.kind is TraceKind.EVENT and r.writer == name
        ]
        assert len(delivered) == sessions * len(FULL)
        assert [first for _, first, _ in writer.seen] == delivered
        assert all(first == last for _, first, last in writer.seen)
        assert set(delivered) == set(requester_ids)
        for sid in requester_ids:
            assert system.events(writer, session_id=sid) == FULL
    events = [r.session_id for r in system.trace if r.kind is TraceKind.EVENT]
    assert interleaved(events)
