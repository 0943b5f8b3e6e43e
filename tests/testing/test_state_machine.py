"""The exported Hypothesis state machine, run against writers that keep the rules and against
writers that break the thread rule only in a backup's Thaw or only in a restore's PostRestore; and
its fault rules driven by hand, with the codes requesters see (docs/reference.md §4.4, §6, §9)."""

from __future__ import annotations

import concurrent.futures
import random
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

import simulator._service.coordinator as coordinator_module
import simulator._service.provider_calls as provider_calls_module
from simulator import (
    VSS_CT_FILEGROUP,
    VSS_RME_RESTORE_IF_CAN_REPLACE,
    VSS_RS_ALL,
    VSS_RS_FAILED,
    VSS_WRE_ALWAYS,
    VSS_WRE_IF_REPLACE_FAILS,
    CVssWriterEx2,
    IVssCreateWriterMetadata,
    IVssWriterComponents,
    TraceKind,
    VssSystem,
    system_of,
)
from simulator.testing import FaultProvider, VssStateMachine

SETTINGS = settings(
    max_examples=25,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


class PoliteWriter(CVssWriterEx2):
    """Keeps every rule: one file group, restored with VSS_WRE_ALWAYS; asks for its session id on
    the handler's own thread."""

    WRITER_RESTORE = VSS_WRE_ALWAYS

    def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
        metadata.SetRestoreMethod(
            VSS_RME_RESTORE_IF_CAN_REPLACE, None, None, self.WRITER_RESTORE, False
        )
        metadata.AddComponent(
            VSS_CT_FILEGROUP, None, "Files", "Files", None, 0, False, False, False
        )
        metadata.AddFilesToFileGroup(None, "Files", "C:\\Data", "*.dat", False, None)
        return True

    def OnPrepareSnapshot(self) -> bool:
        return self.GetSessionId() != uuid.UUID(int=0)

    def OnFreeze(self) -> bool:
        system_of(self).sleep(1)
        return True

    def OnThaw(self) -> bool:
        return True

    def OnAbort(self) -> bool:
        return True

    def OnPreRestore(self, components: IVssWriterComponents | None) -> bool:
        return self.GetSessionId() != uuid.UUID(int=0)


class ReplaceFailsWriter(PoliteWriter):
    """Wants PostRestore only after a failed restore (VSS_WRE_IF_REPLACE_FAILS, docs/reference.md §4.4)."""

    WRITER_RESTORE = VSS_WRE_IF_REPLACE_FAILS


class PoliteMachine(VssStateMachine):
    def make_writers(self, system: VssSystem) -> list[CVssWriterEx2]:
        return [PoliteWriter(), ReplaceFailsWriter()]


TestPoliteWriters = PoliteMachine.TestCase
TestPoliteWriters.settings = settings(SETTINGS, max_examples=100, stateful_step_count=20)


class PoolWriter(PoliteWriter):
    """Breaks the thread rule: asks for the session id from a thread pool in OnThaw."""

    def OnThaw(self) -> bool:
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(self.GetSessionId).exception()
        return True


class PoolMachine(VssStateMachine):
    def make_writers(self, system: VssSystem) -> list[CVssWriterEx2]:
        return [PoolWriter()]


def test_the_machine_finds_a_thread_rule_breach_and_shrinks_it() -> None:
    """The breach needs a Thaw, so the shortest failing run is one complete backup."""
    machine = PoolMachine.TestCase
    machine.settings = settings(SETTINGS, max_examples=60, database=None, derandomize=True)
    with pytest.raises(AssertionError, match="wrong-thread"):
        machine().runTest()


class PostRestorePoolWriter(PoliteWriter):
    """Keeps every rule in backups; in OnPostRestore asks for the session id from a thread pool."""

    def OnPostRestore(self, components: IVssWriterComponents | None) -> bool:
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(self.GetSessionId).exception()
        return True


class PostRestorePoolMachine(VssStateMachine):
    def make_writers(self, system: VssSystem) -> list[CVssWriterEx2]:
        return [PostRestorePoolWriter()]


def test_the_machine_finds_a_breach_that_only_a_restore_shows() -> None:
    """Backups alone never reach OnPostRestore: the machine must back up, then restore."""
    machine = PostRestorePoolMachine.TestCase
    machine.settings = settings(SETTINGS, max_examples=60, database=None, derandomize=True)
    with pytest.raises(AssertionError, match=r"wrong-thread.*OnPostRestore") as caught:
        machine().runTest()
    report = "\n".join(getattr(caught.value, "__notes__", []))
    assert "backups_0 = state.backup()" in report
    assert "state.restore(saved=backups_0" in report


class _Zeros(random.Random):
    """A generator that repeats itself, as Hypothesis's shrunk randoms do."""

    def getrandbits(self, k: int) -> int:
        return 0


def test_session_ids_stay_unique_with_a_generator_that_repeats() -> None:
    """docs/reference.md §8: a session id names one session, whatever generator the system was given."""
    with VssSystem(rng=_Zeros()) as system:
        objects = [system.CreateVssBackupComponents() for _ in range(3)]
        for bc in objects:
            bc.InitializeForBackup()
        ids = [bc.GetSessionId() for bc in objects]
        assert len(set(ids)) == 3
        assert len({system.new_guid() for _ in range(50)} | set(ids)) == 53


# -- the fault rules, driven by hand -------------------------------------------------------------


@pytest.fixture
def machine() -> Iterator[PoliteMachine]:
    m = PoliteMachine()
    m.build_machine(rng=random.Random(0))
    yield m
    m.teardown()


def _snapshot_results(system: VssSystem) -> list[str | None]:
    """What each DoSnapshotSet reported to its requester, in order."""
    return [
        r.result
        for r in system.trace
        if r.kind is TraceKind.CALL and r.name == "DoSnapshotSet completed"
    ]


def test_a_provider_veto_fails_the_next_backups_then_the_provider_behaves(
    machine: PoliteMachine,
) -> None:
    """VSS_E_PROVIDER_VETO is a provider code: requesters see it unchanged (docs/reference.md §9); the
    frozen writers get OnAbort (§4.2 trigger 4)."""
    machine.inject_provider_fault("PreCommitSnapshots", "VSS_E_PROVIDER_VETO", 2)
    assert list(machine.backup()) == []
    assert list(machine.backup()) == []
    saved = machine.backup()
    assert repr(saved) == "backup_1"
    system = machine._system
    assert _snapshot_results(system) == [
        "VSS_E_PROVIDER_VETO",
        "VSS_E_PROVIDER_VETO",
        "VSS_S_ASYNC_FINISHED",
    ]
    first_session = next(r.session_id for r in system.trace if r.kind is TraceKind.EVENT)
    assert system.events("PoliteWriter 0", first_session) == [
        "OnIdentify",
        "OnPrepareBackup",
        "OnPrepareSnapshot",
        "OnFreeze",
        "OnAbort",
        "OnAbort",  # the requester's AbortBackup: writers must tolerate the duplicate (§4.2)
        "OnBackupShutdown",
    ]
    providers = {r.writer for r in system.trace if r.kind is TraceKind.PROVIDER}
    assert providers == {FaultProvider.provider_name}  # a software provider goes first (§9)


def test_a_code_outside_the_provider_list_reaches_the_requester_converted(
    machine: PoliteMachine,
) -> None:
    """E_FAIL is not a provider code: VSS reports VSS_E_UNEXPECTED_PROVIDER_ERROR (docs/reference.md §9)."""
    machine.inject_provider_fault("PostFinalCommitSnapshots", "E_FAIL", 1)
    assert list(machine.backup()) == []
    assert _snapshot_results(machine._system) == ["VSS_E_UNEXPECTED_PROVIDER_ERROR"]
    assert machine._system.shadow_copies() == []


@pytest.mark.parametrize(
    ("milliseconds", "result"),
    [(10_000, "VSS_S_ASYNC_FINISHED"), (10_001, "VSS_E_HOLD_WRITES_TIMEOUT")],
)
def test_a_commit_past_the_10_s_hold_window_fails_the_set(
    machine: PoliteMachine, milliseconds: int, result: str
) -> None:
    """The flush-and-hold window is 10 s (docs/reference.md §6); the delay hits only the next backup."""
    machine.delay_next_commit(milliseconds)
    machine.backup()
    machine.backup()
    assert _snapshot_results(machine._system) == [result, "VSS_S_ASYNC_FINISHED"]


@pytest.mark.parametrize(
    ("status", "replace_fails_events"),
    [
        (VSS_RS_ALL, ["OnIdentify", "OnPreRestore"]),
        (VSS_RS_FAILED, ["OnIdentify", "OnPreRestore", "OnPostRestore"]),
    ],
)
def test_restore_sends_the_documented_events(
    machine: PoliteMachine, status: int, replace_fails_events: list[str]
) -> None:
    """docs/reference.md §4.4: OnPreRestore then OnPostRestore, no backup events; a
    VSS_WRE_IF_REPLACE_FAILS writer gets OnPostRestore only after a failed file restore."""
    saved = machine.backup()
    before = len(machine._system.trace)
    machine.restore(saved, status)
    restore_session = machine._system.trace[before].session_id
    events = machine._system.events
    assert events("PoliteWriter 0", restore_session) == [
        "OnIdentify",
        "OnPreRestore",
        "OnPostRestore",
    ]
    assert events("ReplaceFailsWriter 1", restore_session) == replace_fails_events


def test_the_machine_catches_a_model_that_converts_an_allowed_code(
    machine: PoliteMachine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fault check can fail: a model that converted every provider code is caught."""
    monkeypatch.setattr(provider_calls_module, "PROVIDER_CODES", frozenset())
    machine.inject_provider_fault("EndPrepareSnapshots", "VSS_E_INSUFFICIENT_STORAGE", 1)
    with pytest.raises(AssertionError, match="must see VSS_E_INSUFFICIENT_STORAGE"):
        machine.backup()


def test_the_machine_catches_a_model_that_sends_postrestore_regardless(
    machine: PoliteMachine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The restore check can fail: PostRestore to a VSS_WRE_IF_REPLACE_FAILS writer after a
    restore that did not fail is caught (docs/reference.md §4.4)."""
    monkeypatch.setattr(coordinator_module, "restore_failed", lambda session, ws: True)
    saved = machine.backup()
    with pytest.raises(
        AssertionError, match=r"IF_REPLACE_FAILS.*got OnPostRestore after VSS_RS_ALL"
    ):
        machine.restore(saved, VSS_RS_ALL)


def test_the_machine_reports_a_failure_once() -> None:
    """The invariant that finds the breach reports it; teardown does not report it again."""
    machine = PoolMachine.TestCase
    machine.settings = settings(SETTINGS, max_examples=60, database=None, derandomize=True)
    with pytest.raises(AssertionError, match="wrong-thread") as caught:
        machine().runTest()
    chained = caught.value.__context__
    assert chained is None or "wrong-thread" not in str(chained)
    assert str(caught.value).count("wrong-thread") == 1
