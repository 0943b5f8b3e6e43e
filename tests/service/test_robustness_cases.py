"""The robustness issue's cases that ``test_robustness.py`` does not show on its own: AbortBackup
racing DoSnapshotSet, handlers and providers stuck in every call, a handler that swallows the
give-up, waits that close a cycle through other tasks, a BaseException in OnAbort, a dropped
object with its operation running, a call while Release runs, handler results that cannot be
printed, and bad trace limits (docs/design.md "When user code misbehaves")."""

from __future__ import annotations

import contextlib
import math
import uuid
from typing import Any

import pytest

from simulator import (
    VSS_E_BAD_STATE,
    VSS_E_HOLD_WRITES_TIMEOUT,
    VSS_E_UNEXPECTED_PROVIDER_ERROR,
    VSS_E_UNEXPECTED_WRITER_ERROR,
    VSS_E_WRITERERROR_TIMEOUT,
    VSS_S_ASYNC_FINISHED,
    VSS_S_ASYNC_PENDING,
    IVssAsync,
    IVssBackupComponents,
    MachineLimits,
    Phase,
    SystemProvider,
    TraceKind,
    VssError,
    VssInvalidArg,
    VssSystem,
    VssUnexpectedWriterError,
    WriterEvent,
    current_system,
)
from tests.helpers import begin_backup, make_writer, settle, writer_status
from tests.service.test_robustness import (
    Scripted,
    assert_clean_backup,
    frozen_ends_well,
    prepared,
    shutdowns,
    sleep_forever,
)

E = WriterEvent


def results_of(system: VssSystem, writer: str, event: WriterEvent) -> list[str | None]:
    return [
        e.result
        for e in system.iter_entries()
        if e.kind is TraceKind.EVENT and e.writer == writer and e.name == event.value
    ]


def slow(writer: Scripted) -> Scripted:
    """Every handler works one virtual second, so the other task gets to run meanwhile."""
    for event in E:
        writer.script[event] = lambda w, arg: current_system().sleep(1) or True
    return writer


# -- two tasks, one object ----------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_abort_backup_racing_do_snapshot_set_on_a_shared_object(seed: int) -> None:
    with VssSystem(seed=seed) as system:
        writer = slow(make_writer(system, "Shared", cls=Scripted))
        bc = prepared(system)
        outcomes: list[object] = []

        def create() -> None:
            try:
                bc.DoSnapshotSet().Wait()
                outcomes.append("created")
            except VssError as exc:
                outcomes.append(exc.name)

        def abort() -> None:
            try:
                bc.AbortBackup()
                outcomes.append("aborted")
            except VssError as exc:
                outcomes.append(exc.name)

        system.spawn(create, name="creator")
        system.spawn(abort, name="aborter")
        system.run()
        assert len(outcomes) == 2
        assert system.creating_session_id is None
        frozen_ends_well(writer)
        if "aborted" in outcomes and E.FREEZE.value in writer.seen:
            assert E.ABORT.value in writer.seen
        bc.Release()
        assert shutdowns(writer) == 1
        assert writer.seen[-1] == E.BACKUP_SHUTDOWN.value
        assert system.shadow_copies() == [], "the auto-release copy went with Release"
        writer.script.clear()
        assert_clean_backup(system)


def test_a_call_while_release_runs_is_refused(system: VssSystem) -> None:
    writer = slow(make_writer(system, "Slow", cls=Scripted))
    bc = begin_backup(system.CreateVssBackupComponents())
    session_id = bc.GetSessionId()
    results: list[object] = []

    def meanwhile() -> None:
        current_system().sleep(0.5)  # Release is sending BackupShutdown now
        for call in (bc.StartSnapshotSet, bc.GatherWriterMetadata):
            try:
                results.append(call())
            except VssError as exc:
                results.append(exc.hresult)

    system.spawn(bc.Release, name="releaser")
    system.spawn(meanwhile, name="other")
    system.run()
    assert results == [VSS_E_BAD_STATE, VSS_E_BAD_STATE]
    assert writer.seen.count(E.IDENTIFY.value) == 1, "no call slipped in"
    assert {e.session_id for e in system.iter_entries() if e.writer == "Slow"} == {session_id}
    assert bc.phase is Phase.RELEASED
    assert system.creating_session_id is None
    assert shutdowns(writer) == 1


# -- writers and providers that never return ------------------------------------------------------


@pytest.mark.parametrize(
    "event",
    [E.IDENTIFY, E.PREPARE_BACKUP, E.PREPARE_SNAPSHOT, E.THAW, E.POST_SNAPSHOT, E.ABORT],
)
def test_a_writer_sleeping_for_ever_in_any_handler_is_given_up_on(
    system: VssSystem, event: WriterEvent
) -> None:
    writer = make_writer(system, "Sleeper", cls=Scripted)
    writer.script[event] = sleep_forever
    bc = prepared(system)
    if event is not E.ABORT:  # OnAbort: AbortBackup right after PrepareForBackup sends it
        with contextlib.suppress(VssUnexpectedWriterError):
            bc.DoSnapshotSet().Wait()
    bc.AbortBackup()
    bc.Release()
    assert results_of(system, "Sleeper", event) == ["timed out"]
    assert shutdowns(writer) == 1
    frozen_ends_well(writer)
    assert system.clock.now <= 2 * 600 + 60
    writer.script.clear()
    assert_clean_backup(system)


def test_a_writer_sleeping_for_ever_in_backup_shutdown_is_given_up_on(system: VssSystem) -> None:
    writer = make_writer(system, "Sleeper", cls=Scripted)
    writer.script[E.BACKUP_SHUTDOWN] = sleep_forever
    prepared(system).Release()
    assert results_of(system, "Sleeper", E.BACKUP_SHUTDOWN) == ["timed out"]
    assert system.clock.now == pytest.approx(600, abs=30)
    writer.script.clear()
    assert_clean_backup(system)


class Stuck(SystemProvider):
    """The system provider, stuck for ever in one call."""

    provider_id = uuid.UUID("5e1f0000-0000-4000-8000-0000000000b1")
    provider_name = "Stuck provider"

    def __init__(self, method: str) -> None:
        super().__init__()
        self.method = method

    def _hang(self, method: str) -> None:
        if method == self.method:
            while True:
                current_system().sleep(7)

    def BeginPrepareSnapshot(self, *args: Any) -> None:
        self._hang("BeginPrepareSnapshot")
        super().BeginPrepareSnapshot(*args)

    def EndPrepareSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self._hang("EndPrepareSnapshots")
        super().EndPrepareSnapshots(snapshot_set_id)

    def PreCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self._hang("PreCommitSnapshots")
        super().PreCommitSnapshots(snapshot_set_id)

    def CommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self._hang("CommitSnapshots")
        super().CommitSnapshots(snapshot_set_id)

    def PostCommitSnapshots(self, snapshot_set_id: uuid.UUID, count: int) -> None:
        self._hang("PostCommitSnapshots")
        super().PostCommitSnapshots(snapshot_set_id, count)


def prepared_with(system: VssSystem, provider: SystemProvider) -> IVssBackupComponents:
    system.register_provider(provider)
    bc = begin_backup(system.CreateVssBackupComponents())
    bc.StartSnapshotSet()
    bc.AddToSnapshotSet("C:\\", provider.provider_id)
    bc.PrepareForBackup().Wait()
    return bc


@pytest.mark.parametrize(
    ("method", "code"),
    [
        ("BeginPrepareSnapshot", VSS_E_UNEXPECTED_PROVIDER_ERROR),
        ("EndPrepareSnapshots", VSS_E_UNEXPECTED_PROVIDER_ERROR),
        ("PreCommitSnapshots", VSS_E_UNEXPECTED_PROVIDER_ERROR),
        ("CommitSnapshots", VSS_E_HOLD_WRITES_TIMEOUT),
        ("PostCommitSnapshots", VSS_E_UNEXPECTED_PROVIDER_ERROR),
    ],
)
def test_a_provider_stuck_in_any_call_is_given_up_on(
    system: VssSystem, method: str, code: int
) -> None:
    writer = make_writer(system, "Writer", cls=Scripted)
    provider = Stuck(method)
    bc = prepared_with(system, provider)
    assert settle(bc.DoSnapshotSet()) == code
    frozen_ends_well(writer)
    bc.Release()
    assert system.shadow_copies() == []
    assert system.clock.now <= 600 + 60
    provider.method = ""
    assert_clean_backup(system)


@pytest.mark.parametrize("stuck", ["writer in OnFreeze", "provider in CommitSnapshots"])
def test_wait_with_a_deadline_cancel_and_abort_backup_end(system: VssSystem, stuck: str) -> None:
    """The requester's deadline pattern (Wait(ms), Cancel, AbortBackup) against a writer looping
    in OnFreeze or a provider stuck in CommitSnapshots: every step returns."""
    writer = make_writer(system, "Writer", cls=Scripted)
    if stuck.startswith("writer"):
        writer.script[E.FREEZE] = sleep_forever
        bc = prepared(system)
    else:
        bc = prepared_with(system, Stuck("CommitSnapshots"))
    op = bc.DoSnapshotSet()
    op.Wait(2000)
    assert op.QueryStatus() == VSS_S_ASYNC_PENDING
    op.Cancel()
    bc.AbortBackup()
    assert op.done
    bc.Release()
    assert system.creating_session_id is None
    assert system.shadow_copies() == []
    frozen_ends_well(writer)
    assert shutdowns(writer) == 1


def test_a_handler_that_swallows_the_give_up_still_fails(system: VssSystem) -> None:
    """A handler catching everything and returning True past its window is still given up on."""
    writer = make_writer(system, "Stubborn", cls=Scripted)

    def stubborn(w: Scripted, arg: Any) -> bool:
        for _ in range(3):
            with contextlib.suppress(BaseException):
                current_system().sleep(10_000)
        return True

    writer.script[E.PREPARE_BACKUP] = stubborn
    bc = prepared(system)
    status = writer_status(bc, writer)
    assert status is not None and status.hr_failure == VSS_E_WRITERERROR_TIMEOUT
    assert results_of(system, "Stubborn", E.PREPARE_BACKUP) == ["timed out"]
    assert system.clock.now < 3 * 600
    bc.Release()
    writer.script.clear()
    assert_clean_backup(system)


# -- waits that would close a cycle ---------------------------------------------------------------


def test_a_handler_polling_a_task_that_waits_for_its_operation(system: VssSystem) -> None:
    """OnFreeze polls a task whose Release waits for DoSnapshotSet: the model gives up on the
    handler at its window, and the Release then goes through."""
    writer = make_writer(system, "Poller", cls=Scripted)
    holder: dict[str, IVssBackupComponents] = {}
    released: list[Phase] = []

    def spawn_and_poll(w: Scripted, arg: Any) -> bool:
        bc = holder["bc"]

        def release_it() -> None:
            bc.Release()
            released.append(bc.phase)

        task = current_system().spawn(release_it, name="releaser")
        while not task.done:
            current_system().sleep(1)
        return True

    writer.script[E.FREEZE] = spawn_and_poll
    holder["bc"] = bc = prepared(system)
    with pytest.raises(VssUnexpectedWriterError, match="OnFreeze did not return within"):
        bc.DoSnapshotSet().Wait()
    system.run()
    assert released == [Phase.RELEASED]
    frozen_ends_well(writer)
    assert shutdowns(writer) == 1
    writer.script.clear()
    assert_clean_backup(system)


def test_two_operations_whose_handlers_wait_for_each_other(system: VssSystem) -> None:
    """OnFreeze of one object waits for another object's GatherWriterMetadata, whose OnIdentify
    waits for that DoSnapshotSet: no deadlock; the Freeze window ends the cycle."""
    writer = make_writer(system, "Waiter", cls=Scripted)
    ops: dict[str, IVssAsync] = {}
    outcomes: list[object] = []

    def wait_for_creation(w: Scripted, arg: Any) -> bool:
        try:
            ops["create"].Wait()
            outcomes.append("waited")
        except VssError as exc:
            outcomes.append(exc.hresult)
        return True

    def gather_and_wait(w: Scripted, arg: Any) -> bool:
        other = current_system().CreateVssBackupComponents()
        other.InitializeForBackup()
        w.script[E.IDENTIFY] = wait_for_creation
        ops["gather"] = other.GatherWriterMetadata()
        with contextlib.suppress(VssError):
            ops["gather"].Wait()
        other.Release()
        return True

    bc = prepared(system)
    writer.script[E.FREEZE] = gather_and_wait
    ops["create"] = bc.DoSnapshotSet()
    with contextlib.suppress(VssError):
        ops["create"].Wait()
    system.run()
    assert ops["create"].done and ops["gather"].done
    # The wait closes the cycle; the Freeze window breaks it: OnFreeze is given up on at 60 s.
    assert outcomes == [VSS_E_UNEXPECTED_WRITER_ERROR]
    assert ops["create"].QueryStatus() == VSS_E_UNEXPECTED_WRITER_ERROR
    assert ops["gather"].QueryStatus() == VSS_S_ASYNC_FINISHED
    assert system.clock.now == pytest.approx(60, abs=1e-3)
    with contextlib.suppress(VssError):
        bc.AbortBackup()
    bc.Release()
    frozen_ends_well(writer)
    writer.script.clear()
    assert_clean_backup(system)


# -- BaseException and requesters that die -------------------------------------------------------


class Interrupt(BaseException):
    """The user's own BaseException (as KeyboardInterrupt)."""


def test_a_base_exception_in_on_abort_during_abort_backup(system: VssSystem) -> None:
    writer = make_writer(system, "Interrupted", cls=Scripted)

    def interrupt(w: Scripted, arg: Any) -> bool:
        raise Interrupt("Ctrl-C")

    writer.script[E.ABORT] = interrupt
    bc = prepared(system)
    with pytest.raises(Interrupt):
        bc.AbortBackup()
    assert system.creating_session_id is None
    bc.Release()
    assert writer.seen[-2:] == [E.ABORT.value, E.BACKUP_SHUTDOWN.value]
    assert shutdowns(writer) == 1
    writer.script.clear()
    assert_clean_backup(system)


def test_a_dropped_object_with_its_operation_running(system: VssSystem) -> None:
    """Object and IVssAsync dropped while DoSnapshotSet runs: the operation keeps the object
    until it ends, then the object is buried (no copy survives, BackupShutdown once)."""
    writer = make_writer(system, "Writer", cls=Scripted)
    writer.script[E.FREEZE] = lambda w, arg: current_system().sleep(5) or True

    def start_and_drop() -> None:
        prepared(current_system()).DoSnapshotSet()

    system.spawn(start_and_drop, name="dropper")
    system.run()
    system.run()
    assert writer.seen[-1] == E.BACKUP_SHUTDOWN.value
    assert shutdowns(writer) == 1
    assert system.shadow_copies() == []
    assert system.creating_session_id is None
    frozen_ends_well(writer)
    writer.script.clear()
    assert_clean_backup(system)


# -- what handlers return ----------------------------------------------------------------------


class UnprintableResult:
    def __repr__(self) -> str:
        raise ValueError("no repr")


class Truthy:
    """A result whose truth value raises (as a NumPy array's)."""

    def __bool__(self) -> bool:
        raise ValueError("ambiguous truth value")

    def __eq__(self, other: object) -> bool:
        raise ValueError("no comparison")

    __hash__ = object.__hash__


@pytest.mark.parametrize(
    "result",
    [UnprintableResult(), Truthy(), 1, "True", math.nan],
    ids=["repr-raises", "bool-raises", "1", "'True'", "nan"],
)
def test_a_handler_result_that_is_not_a_bool_fails_the_event_and_says_so(
    system: VssSystem, result: object
) -> None:
    writer = make_writer(system, "Odd", cls=Scripted)
    writer.script[E.FREEZE] = lambda w, arg: result
    bc = prepared(system)
    with pytest.raises(VssUnexpectedWriterError, match="handlers return True or False"):
        bc.DoSnapshotSet().Wait()
    bc.AbortBackup()
    bc.Release()
    assert " at 0x" not in system.format_trace()
    frozen_ends_well(writer)
    writer.script.clear()
    assert_clean_backup(system)


# -- machine settings --------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [-1, 2.5, "10", True, math.nan], ids=repr)
def test_a_bad_trace_limit_is_e_invalidarg(limit: object) -> None:
    with pytest.raises(VssInvalidArg, match="trace_limit"):
        VssSystem(trace_limit=limit)  # type: ignore[arg-type]


def test_a_release_interrupted_while_it_waits_can_be_retried() -> None:
    with VssSystem(seed=1, limits=MachineLimits(writer_session_slots=2)) as system:
        writer = make_writer(system, "Writer", cls=Scripted)
        shared = prepared(system)
        shared_session = shared.GetSessionId()
        outcome: list[str] = []

        def release_shared(w: Scripted, arg: Any) -> bool:
            current_system().sleep(10)
            try:
                shared.Release()
            except BaseException as exc:
                outcome.append(type(exc).__name__)
                raise
            return True

        def stuck_in_the_shared_session(w: Scripted, arg: Any) -> bool:
            while w.GetSessionId() == shared_session:
                current_system().sleep(30)
            return True

        writer.script[E.IDENTIFY] = release_shared  # of another object's session
        writer.script[E.PREPARE_SNAPSHOT] = stuck_in_the_shared_session

        def create() -> None:
            current_system().sleep(5)
            with contextlib.suppress(VssError):
                shared.DoSnapshotSet().Wait()

        def other() -> None:
            with current_system().CreateVssBackupComponents() as bc:
                bc.InitializeForBackup()
                bc.GatherWriterMetadata().Wait()

        system.spawn(create)
        system.spawn(other)
        system.run()
        assert outcome == ["DeadlineExceeded"]  # the handler was given up on inside Release
        writer.script.clear()
        shared.Release()  # the retry
        shutdowns_in_shared = system.events(writer, shared_session).count("OnBackupShutdown")
        assert shutdowns_in_shared == 1
        assert shared.phase is Phase.RELEASED
