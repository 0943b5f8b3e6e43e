"""When user code misbehaves, the machine is never hurt and every failure says why (one test per
case of the robustness issue; docs/design.md "When user code misbehaves")."""

from __future__ import annotations

import concurrent.futures
import gc
import sys
import uuid
import weakref
from typing import Any

import pytest

from simulator import (
    VSS_E_BAD_STATE,
    VSS_E_UNEXPECTED_PROVIDER_ERROR,
    VSS_E_WRITERERROR_NONRETRYABLE,
    VSS_E_WRITERERROR_TIMEOUT,
    VSS_WS_FAILED_AT_FREEZE,
    CVssWriterEx2,
    IVssAsync,
    IVssBackupComponents,
    SystemProvider,
    TraceKind,
    VssBadState,
    VssError,
    VssHoldWritesTimeout,
    VssInvalidArg,
    VssSystem,
    VssUnexpectedWriterError,
    WriterEvent,
    WrongThreadError,
    current_system,
)
from tests.helpers import (
    QuietWriter,
    begin_backup,
    full_backup,
    make_writer,
    writer_status,
)

E = WriterEvent


class Scripted(QuietWriter):
    """A writer whose handlers run ``script[event](writer, arg)`` when one is set."""

    def __init__(self) -> None:
        self.script: dict[WriterEvent, Any] = {}
        self.seen: list[str] = []

    def on_event(self, event: WriterEvent, arg: Any) -> bool:
        self.seen.append(event.value)
        action = self.script.get(event)
        if action is None:
            return True
        return action(self, arg)  # type: ignore[no-any-return]


def prepared(system: VssSystem) -> IVssBackupComponents:
    bc = begin_backup(system.CreateVssBackupComponents())
    bc.StartSnapshotSet()
    bc.AddToSnapshotSet("C:\\")
    bc.PrepareForBackup().Wait()
    return bc


def shutdowns(writer: Scripted) -> int:
    return writer.seen.count(E.BACKUP_SHUTDOWN.value)


def assert_clean_backup(system: VssSystem) -> None:
    """Afterwards the same machine takes a clean backup."""
    before = len(system.shadow_copies())
    full_backup(system)
    assert system.creating_session_id is None
    assert len(system.shadow_copies()) >= before


def frozen_ends_well(writer: Scripted) -> None:
    """After OnFreeze always OnThaw or OnAbort (docs/reference.md §4.2)."""
    seen = writer.seen
    for i, name in enumerate(seen):
        if name == E.FREEZE.value:
            rest = seen[i + 1 :]
            assert E.THAW.value in rest or E.ABORT.value in rest, seen


# -- failures that explain themselves ---------------------------------------------------------


class WrongThreadFreeze(CVssWriterEx2):
    """The natural wrong writer: GetSessionId from a worker thread in OnFreeze."""

    def __init__(self) -> None:
        self.pool = concurrent.futures.ThreadPoolExecutor(1)

    def OnPrepareSnapshot(self) -> bool:
        return True

    def OnFreeze(self) -> bool:
        self.pool.submit(self.GetSessionId).result()
        return True

    def OnThaw(self) -> bool:
        return True

    def OnAbort(self) -> bool:
        return True


@pytest.mark.skipif(
    sys.version_info < (3, 11), reason="the notes it reads are PEP 678's, Python 3.11 on"
)
def test_a_wrong_thread_writer_failure_says_why_and_chains_the_cause(system: VssSystem) -> None:
    writer = make_writer(system, "My Writer", cls=WrongThreadFreeze)
    bc = prepared(system)
    with pytest.raises(VssUnexpectedWriterError) as failed:
        bc.DoSnapshotSet().Wait()
    writer.pool.shutdown()
    message = str(failed.value)
    assert "My Writer (VSS_WS_FAILED_AT_FREEZE, VSS_E_WRITERERROR_NONRETRYABLE)" in message
    assert "OnFreeze raised WrongThreadError: GetSessionId must be called on the thread" in message
    assert "the call came from 'ThreadPoolExecutor-" in message
    assert isinstance(failed.value.__cause__, WrongThreadError)
    notes = getattr(failed.value, "__notes__", [])
    assert any(note.startswith("violation [wrong-thread]") for note in notes)
    assert any(note.startswith("violation [handler-raised]") for note in notes)
    bc.AbortBackup()
    bc.Release()


def test_a_handler_that_forgets_return_true_is_named(system: VssSystem) -> None:
    writer = make_writer(system, "Forgetful", cls=Scripted)
    writer.script[E.FREEZE] = lambda w, arg: None
    bc = prepared(system)
    with pytest.raises(
        VssUnexpectedWriterError, match=r"OnFreeze returned None; handlers return True or False"
    ):
        bc.DoSnapshotSet().Wait()
    bc.Release()


def test_library_frames_are_hidden_from_pytest_tracebacks(system: VssSystem) -> None:
    writer = make_writer(system, "Vetoer", cls=Scripted)
    writer.script[E.FREEZE] = lambda w, arg: False
    bc = prepared(system)
    with pytest.raises(VssUnexpectedWriterError) as failed:
        bc.DoSnapshotSet().Wait()
    hidden = [
        entry
        for entry in failed.traceback
        if "simulator" in str(entry.path) and entry.ishidden(failed)
    ]
    assert hidden, "Wait and the operation's frames carry __tracebackhide__"
    bc.Release()


# -- re-entrant calls ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "call"),
    [
        (E.FREEZE, "AbortBackup"),
        (E.FREEZE, "Release"),
        (E.FREEZE, "Wait"),
        (E.ABORT, "AbortBackup"),
        (E.ABORT, "Release"),
        (E.BACKUP_SHUTDOWN, "Release"),
    ],
)
def test_a_handler_driving_its_own_requester_is_refused_not_deadlocked(
    system: VssSystem, event: WriterEvent, call: str
) -> None:
    writer = make_writer(system, "Reentrant", cls=Scripted)
    holder: dict[str, Any] = {}
    refusals: list[VssError] = []

    def reenter(w: Scripted, arg: Any) -> bool:
        target = holder["op"] if call == "Wait" else holder["bc"]
        try:
            getattr(target, call)()
        except VssError as exc:
            refusals.append(exc)
        return True

    writer.script[event] = reenter
    bc = prepared(system)
    holder["bc"] = bc
    op = bc.DoSnapshotSet()
    holder["op"] = op
    if event is E.ABORT:
        writer.script[E.FREEZE] = lambda w, arg: False
    op_status = None
    try:
        op.Wait()
    except VssError as exc:
        op_status = exc.hresult
    if event is E.FREEZE:
        assert op_status is None or event is E.FREEZE
    if event is not E.BACKUP_SHUTDOWN:
        bc.AbortBackup()
    bc.Release()
    assert refusals and all(r.hresult == VSS_E_BAD_STATE for r in refusals)
    assert "would wait on itself" in refusals[0].message
    assert shutdowns(writer) == 1
    frozen_ends_well(writer)
    assert system.creating_session_id is None
    writer.script.clear()
    assert_clean_backup(system)


# -- two tasks, one object --------------------------------------------------------------------


@pytest.mark.parametrize("second", ["StartSnapshotSet", "DoSnapshotSet", "AbortBackup"])
@pytest.mark.parametrize("seed", range(6))
def test_release_racing_another_call_on_a_shared_object(second: str, seed: int) -> None:
    with VssSystem(seed=seed) as system:
        writer = make_writer(system, "Shared", cls=Scripted)
        bc = begin_backup(system.CreateVssBackupComponents())
        if second == "DoSnapshotSet":
            bc.StartSnapshotSet()
            bc.AddToSnapshotSet("C:\\")
            bc.PrepareForBackup().Wait()
        errors: list[BaseException] = []

        def release() -> None:
            bc.Release()

        def other() -> None:
            try:
                result = getattr(bc, second)()
                if isinstance(result, IVssAsync):
                    result.Wait()
            except VssError as exc:
                errors.append(exc)

        system.spawn(release, name="release")
        system.spawn(other, name="other")
        system.run()
        assert shutdowns(writer) == 1
        frozen_ends_well(writer)
        assert system.creating_session_id is None
        assert all(s.snapshot_set_id != bc.snapshot_set_id for s in system.shadow_copies()) or (
            second == "DoSnapshotSet" and E.POST_SNAPSHOT.value in writer.seen
        )
        if E.BACKUP_SHUTDOWN.value in writer.seen:
            shutdown_at = writer.seen.index(E.BACKUP_SHUTDOWN.value)
            assert writer.seen[shutdown_at + 1 :] == []
        assert_clean_backup(system)


# -- requesters that die ------------------------------------------------------------------------


def test_a_requester_task_that_raises_is_buried(system: VssSystem) -> None:
    writer = make_writer(system, "Orphaned", cls=Scripted)

    def crashing() -> None:
        bc = prepared(system)
        bc.StartSnapshotSet  # noqa: B018 - the object stays referenced by the traceback
        raise RuntimeError("requester crashed")

    system.spawn(crashing)
    with pytest.raises(RuntimeError, match="requester crashed"):
        system.run()
    system.run()  # the burial ran
    assert system.creating_session_id is None
    assert writer.seen[-2:] == [E.ABORT.value, E.BACKUP_SHUTDOWN.value]
    faults = [r for r in system.trace if r.kind is TraceKind.FAULT and r.name == "requester gone"]
    assert len(faults) == 1 and "raised" in (faults[0].detail or "")
    assert_clean_backup(system)


def test_a_dropped_requester_frees_the_lock_and_its_auto_release_copies(system: VssSystem) -> None:
    writer = make_writer(system, "Dropped", cls=Scripted)
    bc: IVssBackupComponents | None = prepared(system)
    assert bc is not None
    bc.DoSnapshotSet().Wait()
    assert len(system.shadow_copies()) == 1
    again = system.CreateVssBackupComponents()
    begin_backup(again)
    bc = None  # dropped without Release
    again.StartSnapshotSet()  # the call waits for the burial first
    assert system.shadow_copies() == []
    assert shutdowns(writer) == 1
    again.Release()


def test_a_requester_dropped_mid_creation_frees_the_creation_lock(system: VssSystem) -> None:
    make_writer(system, "Writer", cls=Scripted)
    bc: IVssBackupComponents | None = begin_backup(system.CreateVssBackupComponents())
    assert bc is not None
    bc.StartSnapshotSet()
    assert system.creating_session_id is not None
    bc = None
    assert_clean_backup(system)


# -- writers and providers that never return ------------------------------------------------------


def sleep_forever(writer: Scripted, arg: Any) -> bool:
    while True:
        current_system().sleep(30)


def test_a_writer_sleeping_for_ever_in_freeze_is_given_up_on(system: VssSystem) -> None:
    writer = make_writer(system, "Sleeper", cls=Scripted)
    writer.script[E.FREEZE] = sleep_forever
    bc = prepared(system)
    with pytest.raises(VssUnexpectedWriterError, match="OnFreeze did not return within its window"):
        bc.DoSnapshotSet().Wait()
    status = writer_status(bc, writer)
    assert status is not None
    assert status.state is VSS_WS_FAILED_AT_FREEZE
    assert status.hr_failure == VSS_E_WRITERERROR_TIMEOUT
    assert system.clock.now == pytest.approx(60, abs=1e-5)
    bc.AbortBackup()
    bc.Release()
    frozen_ends_well(writer)
    writer.script.clear()
    assert_clean_backup(system)


def test_wait_deadline_cancel_abort_ends_with_a_writer_that_never_returns(
    system: VssSystem,
) -> None:
    writer = make_writer(system, "Sleeper", cls=Scripted)
    writer.script[E.PREPARE_SNAPSHOT] = sleep_forever
    bc = prepared(system)
    op = bc.DoSnapshotSet()
    op.Wait(5000)
    op.Cancel()
    bc.AbortBackup()  # ends: the handler is given up on at its window
    bc.Release()
    assert op.done
    assert system.clock.now == pytest.approx(600, abs=1e-5)
    writer.script.clear()
    assert_clean_backup(system)


class StuckProvider(SystemProvider):
    provider_id = uuid.UUID("5e1f0000-0000-4000-8000-000000000001")
    provider_name = "Stuck provider"

    def CommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        while True:
            current_system().sleep(1)


def test_a_provider_stuck_in_commit_fails_at_the_hold_window(system: VssSystem) -> None:
    provider = StuckProvider()
    system.register_provider(provider)
    writer = make_writer(system, "Writer", cls=Scripted)
    bc = begin_backup(system.CreateVssBackupComponents())
    bc.StartSnapshotSet()
    bc.AddToSnapshotSet("C:\\", provider.provider_id)
    bc.PrepareForBackup().Wait()
    with pytest.raises(VssHoldWritesTimeout):
        bc.DoSnapshotSet().Wait()
    assert system.clock.now == pytest.approx(10, abs=1e-5)
    assert E.ABORT.value in writer.seen
    bc.Release()
    assert_clean_backup(system)


# -- BaseException from a handler --------------------------------------------------------------


def test_a_base_exception_in_freeze_keeps_the_abort_path_and_reaches_the_requester(
    system: VssSystem,
) -> None:
    writer = make_writer(system, "Interrupted", cls=Scripted)
    other = make_writer(system, "Bystander", cls=Scripted)

    def interrupt(w: Scripted, arg: Any) -> bool:
        raise KeyboardInterrupt

    writer.script[E.FREEZE] = interrupt
    bc = prepared(system)
    with pytest.raises(KeyboardInterrupt):
        bc.DoSnapshotSet().Wait()
    with pytest.raises(KeyboardInterrupt):
        system.run()  # the operation's task failed with it too
    frozen_ends_well(writer)
    frozen_ends_well(other)
    provider_calls = [r.name for r in system.trace if r.kind is TraceKind.PROVIDER]
    assert "AbortSnapshots" in provider_calls
    writer.script[E.BACKUP_SHUTDOWN] = interrupt
    with pytest.raises(KeyboardInterrupt):
        bc.Release()
    assert shutdowns(other) == 1  # the other writers still got theirs
    bc.Release()  # a retried Release delivers nothing twice
    assert shutdowns(writer) == 1
    assert shutdowns(other) == 1
    writer.script.clear()
    assert_clean_backup(system)


# -- what handlers return and raise ------------------------------------------------------------


class Unprintable(Exception):
    def __repr__(self) -> str:
        raise RuntimeError("no repr")

    def __str__(self) -> str:
        raise RuntimeError("no str")


class Addressed:
    """Its repr holds its address (object's default repr)."""


def test_unprintable_exceptions_and_results_do_not_crash_the_coordinator(
    system: VssSystem,
) -> None:
    writer = make_writer(system, "Odd", cls=Scripted)

    def unprintable(w: Scripted, arg: Any) -> bool:
        raise Unprintable()

    writer.script[E.PREPARE_BACKUP] = unprintable
    writer.script[E.BACKUP_COMPLETE] = lambda w, arg: Addressed()
    with system.CreateVssBackupComponents() as bc:
        begin_backup(bc)
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
    messages = [v.message for v in system.violations]
    assert "its repr() raised" in messages[0]
    writer.script.clear()
    assert_clean_backup(system)


def test_addresses_never_reach_the_trace() -> None:
    def run() -> str:
        with VssSystem(seed=3) as system:
            writer = make_writer(system, "Addressed", cls=Scripted)
            writer.script[E.PREPARE_BACKUP] = lambda w, arg: Addressed()
            prepared(system).Release()
            return system.format_trace() + repr(system.violations)

    first = run()
    assert " at 0x" not in first
    assert first == run()


@pytest.mark.parametrize("code", [2147754995.0, None, "0x800423F3", True])
def test_set_writer_failure_with_garbage_is_e_invalidarg(system: VssSystem, code: Any) -> None:
    writer = make_writer(system, "Garbage", cls=Scripted)
    refused: list[VssError] = []

    def fail(w: Scripted, arg: Any) -> bool:
        try:
            w.SetWriterFailure(code)
        except VssError as exc:
            refused.append(exc)
        return True

    writer.script[E.PREPARE_BACKUP] = fail
    prepared(system).Release()
    assert [type(r) for r in refused] == [VssInvalidArg]
    assert_clean_backup(system)


# -- garbage arguments ---------------------------------------------------------------------------

GARBAGE = [None, 123, 1.5, float("nan"), float("inf"), b"C:\\", object(), ["C:\\"]]


@pytest.mark.parametrize("value", GARBAGE, ids=repr)
@pytest.mark.parametrize(
    "call",
    [
        lambda bc, v: bc.AddToSnapshotSet(v),
        lambda bc, v: bc.IsVolumeSupported(uuid.UUID(int=0), v),
        lambda bc, v: bc.SetContext(v),
        lambda bc, v: bc.GetWriterMetadata(v),
        lambda bc, v: bc.DeleteSnapshots(v, 3, True),
        lambda bc, v: bc.AddComponent(v, v, v, v, v),
    ],
    ids=[
        "AddToSnapshotSet",
        "IsVolumeSupported",
        "SetContext",
        "GetWriterMetadata",
        "DeleteSnapshots",
        "AddComponent",
    ],
)
def test_garbage_requester_arguments_are_vss_errors(
    system: VssSystem, call: Any, value: Any
) -> None:
    make_writer(system, "Writer", cls=Scripted)
    bc = begin_backup(system.CreateVssBackupComponents())
    if call.__code__.co_consts and "SetContext" in repr(call):
        bc = system.CreateVssBackupComponents()
        bc.InitializeForBackup()
    else:
        bc.StartSnapshotSet()
    with pytest.raises(VssError):
        call(bc, value)
    bc.Release()


@pytest.mark.parametrize("value", GARBAGE, ids=repr)
def test_garbage_to_the_machine_and_wait_is_e_invalidarg(system: VssSystem, value: Any) -> None:
    bc = system.CreateVssBackupComponents()
    bc.InitializeForBackup()
    op = bc.GatherWriterMetadata()
    if not isinstance(value, int):
        with pytest.raises(VssInvalidArg):
            op.Wait(value)
    op.Wait()
    if (
        not isinstance(value, (int, float))
        or isinstance(value, bool)
        or value != value
        or value in (float("inf"),)
    ):
        with pytest.raises(VssInvalidArg):
            system.sleep(value)
    if not isinstance(value, str):
        with pytest.raises(VssInvalidArg):
            system.vssadmin(value)
    bc.Release()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"writer_name": 123},
        {"writer_name": ""},
        {"timeout_freeze": float("nan")},
        {"timeout_freeze": 1.5},
        {"timeout_freeze": -1},
        {"writer_instance_name": 7},
    ],
    ids=repr,
)
def test_initialize_with_garbage_is_e_invalidarg(system: VssSystem, kwargs: dict[str, Any]) -> None:
    arguments: dict[str, Any] = {"writer_name": "W", **kwargs}
    name = arguments.pop("writer_name")
    writer = Scripted()
    with pytest.raises(VssInvalidArg):
        writer.Initialize(uuid.uuid4(), name, 1, 1, **arguments)


def test_subscribe_and_writer_calls_with_garbage_are_e_invalidarg(system: VssSystem) -> None:
    writer = Scripted()
    writer.Initialize(uuid.uuid4(), "W", 1, 1)
    with pytest.raises(VssInvalidArg):
        writer.Subscribe("all")  # type: ignore[arg-type]
    writer.Subscribe()
    refused: list[type[VssError]] = []

    def probe(w: Scripted, arg: Any) -> bool:
        for call in (lambda: w.IsPathAffected(5), lambda: w.GetSnapshotDeviceName(None)):
            try:
                call()
            except VssError as exc:
                refused.append(type(exc))
        return True

    writer.script[E.POST_SNAPSHOT] = probe
    bc = prepared(system)
    bc.DoSnapshotSet().Wait()
    bc.Release()
    assert refused == [VssInvalidArg, VssInvalidArg]


def test_non_string_backup_options_are_refused_at_the_call(system: VssSystem) -> None:
    make_writer(system, "Writer", cls=Scripted)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(True, False, 1)
        bc.GatherWriterMetadata().Wait()
        instance, metadata = bc.GetWriterMetadata(0)
        writer_id = metadata.GetIdentity()[1]
        bc.AddComponent(instance, writer_id, 2, None, "Files")
        with pytest.raises(VssInvalidArg):
            bc.SetBackupOptions(writer_id, 2, None, "Files", 42)  # type: ignore[arg-type]
        with pytest.raises(VssInvalidArg):
            bc.SetPreviousBackupStamp(writer_id, 2, None, "Files", b"x")  # type: ignore[arg-type]
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        assert 'backupOptions="42"' not in bc.SaveAsXML()


# -- run() reports every failed task -----------------------------------------------------------


@pytest.mark.skipif(sys.version_info < (3, 11), reason="exception groups are Python 3.11 on")
def test_run_reports_every_failed_task(system: VssSystem) -> None:
    def boom(number: int) -> None:
        raise ValueError(f"task {number} failed")

    system.spawn(boom, 1, name="one")
    system.spawn(boom, 2, name="two")
    with pytest.raises(BaseExceptionGroup) as group:  # noqa: F821
        system.run()
    assert sorted(str(e) for e in group.value.exceptions) == ["task 1 failed", "task 2 failed"]
    assert any("raised by task 'one'" in n for e in group.value.exceptions for n in e.__notes__)


# -- memory ------------------------------------------------------------------------------------


def test_machines_left_behind_are_all_collected() -> None:
    refs = []
    for seed in range(300):
        with VssSystem(seed=seed) as system:
            writer = make_writer(system, "Writer", cls=Scripted)
            if seed % 3 == 0:
                writer.script[E.FREEZE] = sleep_forever  # parked tasks at the end
            bc = prepared(system)
            op = bc.DoSnapshotSet()
            op.Wait(1000)
            refs.append(weakref.ref(system))
        del system, writer, bc, op
    gc.collect()
    alive = sum(1 for ref in refs if ref() is not None)
    assert alive == 0


def test_trace_records_hold_plain_values(system: VssSystem) -> None:
    make_writer(system, "Writer", cls=Scripted)
    full_backup(system)
    events = [e for e in system.iter_entries() if e.kind is TraceKind.EVENT]
    assert events
    for entry in events:
        assert not hasattr(entry, "session") and not hasattr(entry, "ws")


def test_trace_limit_keeps_the_last_records_and_every_violation() -> None:
    with VssSystem(seed=1, trace_limit=50) as system:
        writer = make_writer(system, "Forgetful", cls=Scripted)
        writer.script[E.PREPARE_BACKUP] = lambda w, arg: None
        for _ in range(20):
            full_backup(system)
        assert len(system.trace) == 50
        assert len(system.violations) == 20
    with pytest.raises(VssInvalidArg):
        VssSystem(trace_limit=-1)


def test_provider_base_exception_is_reported_and_aborts(system: VssSystem) -> None:
    class Exiting(SystemProvider):
        provider_id = uuid.UUID("5e1f0000-0000-4000-8000-000000000002")
        provider_name = "Exiting provider"

        def PreCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
            raise SystemExit(3)

    provider = Exiting()
    system.register_provider(provider)
    writer = make_writer(system, "Writer", cls=Scripted)
    bc = begin_backup(system.CreateVssBackupComponents())
    bc.StartSnapshotSet()
    bc.AddToSnapshotSet("C:\\", provider.provider_id)
    bc.PrepareForBackup().Wait()
    op = bc.DoSnapshotSet()
    with pytest.raises(SystemExit):
        op.Wait()
    with pytest.raises(SystemExit):
        system.run()
    frozen_ends_well(writer)
    bc.Release()
    assert shutdowns(writer) == 1
    assert system.violations[0].message.startswith("Exiting provider.PreCommitSnapshots raised")
    assert_clean_backup(system)
    assert VSS_E_UNEXPECTED_PROVIDER_ERROR and VSS_E_WRITERERROR_NONRETRYABLE


def test_calls_from_a_foreign_os_thread_are_refused(system: VssSystem) -> None:
    bc = system.CreateVssBackupComponents()

    def from_worker() -> VssError | None:
        try:
            bc.InitializeForBackup()
        except VssError as exc:
            return exc
        return None

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        refused = pool.submit(from_worker).result()
    assert isinstance(refused, VssBadState)
    assert "does not schedule" in str(refused)
    bc.InitializeForBackup()
    bc.Release()
