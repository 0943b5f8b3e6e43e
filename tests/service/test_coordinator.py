"""The event sequences of a backup, the abort rules, BackupShutdown and the timeouts.

docs/reference.md §4.1 (timeline), §4.2 (Abort triggers and guarantees), §4.3 (BackupShutdown), §4.5 (who
takes part), §6 (Freeze→Thaw window, flush-and-hold), §9 (provider order and code conversion),
§1.4/§1.5 (handler results, SetWriterFailure(Ex)), §3.4 (IVssAsync). Every test runs on the
``system`` fixture, whose tear-down checks the two §4.2 guarantees on the whole run.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from fakes import slow_commit_provider
from simulator import (
    E_FAIL,
    GUID_NULL,
    S_OK,
    VSS_APP_BACK_END,
    VSS_APP_FRONT_END,
    VSS_APP_SYSTEM,
    VSS_BT_FULL,
    VSS_CT_FILEGROUP,
    VSS_CTX_APP_ROLLBACK,
    VSS_E_HOLD_WRITES_TIMEOUT,
    VSS_E_PROVIDER_VETO,
    VSS_E_UNEXPECTED_PROVIDER_ERROR,
    VSS_E_UNEXPECTED_WRITER_ERROR,
    VSS_E_WRITERERROR_NONRETRYABLE,
    VSS_E_WRITERERROR_RETRYABLE,
    VSS_E_WRITERERROR_TIMEOUT,
    VSS_S_ASYNC_CANCELLED,
    VSS_S_ASYNC_FINISHED,
    VSS_S_ASYNC_PENDING,
    VSS_WS_FAILED_AT_FREEZE,
    VSS_WS_FAILED_AT_POST_SNAPSHOT,
    VSS_WS_FAILED_AT_PREPARE_BACKUP,
    VSS_WS_FAILED_AT_PREPARE_SNAPSHOT,
    VSS_WS_FAILED_AT_THAW,
    VSS_WS_STABLE,
    VSS_WS_WAITING_FOR_BACKUP_COMPLETE,
    CVssWriter,
    IVssAsync,
    IVssBackupComponents,
    IVssCreateWriterMetadata,
    IVssWriterComponents,
    Phase,
    TraceKind,
    ViolationRule,
    VssError,
    VssHoldWritesTimeout,
    VssProvider,
    VssProviderVeto,
    VssSystem,
    VssUnexpectedProviderError,
    VssUnexpectedWriterError,
    VssWriterStatusEx,
    WriterEvent,
)
from tests.helpers import FULL_BACKUP as FULL
from tests.helpers import (
    NO_ARG,
    QuietWriter,
    begin_backup,
    instance_id,
    make_writer,
    succeed_all,
)

#: A writer's events up to a veto at Freeze, then VSS's own Abort (docs/reference.md §4.2 trigger 2).
FROZEN_THEN_ABORTED = ["OnIdentify", "OnPrepareBackup", "OnPrepareSnapshot", "OnFreeze", "OnAbort"]


# ---------------------------------------------------------------------------------------------
# the guarantees of §4.2, checked on every run of this file
# ---------------------------------------------------------------------------------------------


def broken_guarantees(events_by_writer: dict[tuple[Any, Any], list[str]]) -> list[str]:
    """Breaches of docs/reference.md §4.2: after OnFreeze always OnThaw or OnAbort; never OnAbort after
    OnPostSnapshot. ``events_by_writer`` maps (session, writer) to its handler names in order."""
    problems = []
    for (session, writer), events in events_by_writer.items():
        for index, name in enumerate(events):
            later = events[index + 1 :]
            if name == "OnFreeze" and "OnThaw" not in later and "OnAbort" not in later:
                problems.append(f"{writer} in {session}: OnFreeze with no OnThaw or OnAbort after")
            if name == "OnPostSnapshot" and "OnAbort" in later:
                problems.append(f"{writer} in {session}: OnAbort after OnPostSnapshot")
    return problems


def events_by_writer(system: VssSystem) -> dict[tuple[Any, Any], list[str]]:
    """Each (session, writer)'s handler names, read from the trace."""
    found: dict[tuple[Any, Any], list[str]] = {}
    for record in system.trace:
        if record.kind is TraceKind.EVENT:
            found.setdefault((record.session_id, record.writer), []).append(record.name)
    return found


@pytest.fixture
def system() -> Iterator[VssSystem]:
    """A fresh machine; when the test ends, its whole trace must keep the §4.2 guarantees."""
    with VssSystem(seed=0) as machine:
        yield machine
        assert broken_guarantees(events_by_writer(machine)) == []


def test_the_guarantee_helper_finds_both_breaches() -> None:
    """The helper can fail: a Freeze left hanging and an Abort after PostSnapshot."""
    found = broken_guarantees(
        {
            ("s1", "w1"): ["OnPrepareSnapshot", "OnFreeze", "OnBackupShutdown"],
            ("s1", "w2"): ["OnFreeze", "OnThaw", "OnPostSnapshot", "OnAbort"],
            ("s2", "w1"): ["OnFreeze", "OnAbort", "OnAbort"],
        }
    )
    assert found == [
        "w1 in s1: OnFreeze with no OnThaw or OnAbort after",
        "w2 in s1: OnAbort after OnPostSnapshot",
    ]


# ---------------------------------------------------------------------------------------------
# writers and requesters used below
# ---------------------------------------------------------------------------------------------


class Scripted(QuietWriter):
    """A QuietWriter that records the argument of each handler and whose handlers can be
    replaced one by one: ``script[name](writer)`` runs instead and its value is returned."""

    def __init__(self) -> None:
        self.script: dict[str, Callable[[Scripted], Any]] = {}
        self.args: dict[str, list[Any]] = {}

    def on_event(self, event: WriterEvent, arg: Any) -> bool:
        name = event.value
        if arg is not NO_ARG:
            self.args.setdefault(name, []).append(arg)
        action = self.script.get(name)
        if action is None:
            return True
        result: bool = action(self)  # may be a non-bool on purpose (BAD_RESULT)
        return result


def scripted(system: VssSystem, name: str, **kwargs: Any) -> Scripted:
    return make_writer(system, name, cls=Scripted, **kwargs)


def sleeper(system: VssSystem, seconds: float, result: bool = True) -> Callable[[Scripted], bool]:
    """A handler body that works for ``seconds`` of virtual time, then returns ``result``."""

    def body(writer: Scripted) -> bool:
        system.sleep(seconds)
        return result

    return body


def prepared(
    system: VssSystem,
    *,
    components: bool = True,
    include: list[CVssWriter] | None = None,
    context: int | None = None,
    volumes: tuple[str, ...] = ("C:\\",),
) -> tuple[IVssBackupComponents, uuid.UUID]:
    """A requester up to a finished PrepareForBackup (docs/reference.md §4.1 steps 1–6): every writer's
    component included unless ``include`` names the writers; returns the object and the set id."""
    bc = system.CreateVssBackupComponents()
    bc.InitializeForBackup()
    if context is not None:
        bc.SetContext(context)
    bc.SetBackupState(components, False, VSS_BT_FULL)
    bc.GatherWriterMetadata().Wait()
    if components:
        chosen = system.writers if include is None else include
        for writer in chosen:
            bc.AddComponent(
                instance_id(writer), writer._vss.writer_id, VSS_CT_FILEGROUP, None, "Files"
            )
    set_id = bc.StartSnapshotSet()
    for volume in volumes:
        bc.AddToSnapshotSet(volume)
    bc.PrepareForBackup().Wait()
    return bc, set_id


def statuses(bc: IVssBackupComponents) -> dict[str, VssWriterStatusEx]:
    """GatherWriterStatus, then every writer's status (Ex form) by writer name."""
    bc.GatherWriterStatus().Wait()
    found = {}
    for index in range(bc.GetWriterStatusCount()):
        status = bc.GetWriterStatusEx(index)
        found[status.writer_name] = status
    return found


def failed_creation(op: IVssAsync, error: type[VssError], code: int) -> None:
    """DoSnapshotSet failed with ``code``: Wait raises ``error``, QueryStatus returns the code."""
    with pytest.raises(error) as caught:
        op.Wait()
    assert caught.value.hresult == code
    assert op.QueryStatus() == code


def session_steps(system: VssSystem, session_id: uuid.UUID, writer: str) -> list[str]:
    """One writer's events and every provider call of a session, in trace order."""
    return [
        r.name
        for r in system.trace
        if r.session_id == session_id
        and (r.kind is TraceKind.PROVIDER or (r.kind is TraceKind.EVENT and r.writer == writer))
    ]


# ---------------------------------------------------------------------------------------------
# §4.1: the full sequence, who takes part, levels, provider calls
# ---------------------------------------------------------------------------------------------


def test_full_component_mode_backup_sends_the_seven_events_after_identify(
    system: VssSystem,
) -> None:
    """docs/reference.md §4.1: PrepareForBackup … BackupShutdown, after Identify; writers STABLE at the end."""
    writer = scripted(system, "Full")
    bc, set_id = prepared(system)
    bc.DoSnapshotSet().Wait()
    assert statuses(bc)["Full"].state is VSS_WS_WAITING_FOR_BACKUP_COMPLETE
    succeed_all(bc)
    bc.BackupComplete().Wait()
    assert statuses(bc)["Full"].state is VSS_WS_STABLE
    session = bc.GetSessionId()
    bc.Release()
    assert system.events(writer) == FULL
    assert system.events(writer, session_id=session) == FULL
    assert session != set_id  # distinct ids (docs/reference.md §8 [INF])
    assert writer.args["OnBackupShutdown"] == [set_id]
    for handler in ("OnPrepareBackup", "OnPostSnapshot", "OnBackupComplete"):
        (components,) = writer.args[handler]
        assert isinstance(components, IVssWriterComponents)
    assert system.violations == []


def test_non_component_mode_passes_no_components(system: VssSystem) -> None:
    """docs/reference.md §4.5: without component mode every writer takes part, with components NULL."""
    first = scripted(system, "First")
    second = scripted(system, "Second")
    bc, _ = prepared(system, components=False)
    bc.DoSnapshotSet().Wait()
    bc.BackupComplete().Wait()
    bc.Release()
    for writer in (first, second):
        assert system.events(writer) == FULL
        assert writer.args["OnPrepareBackup"] == [None]
        assert writer.args["OnPostSnapshot"] == [None]
        assert writer.args["OnBackupComplete"] == [None]


def test_component_mode_writer_without_included_component_gets_identify_and_shutdown(
    system: VssSystem,
) -> None:
    """docs/reference.md §4.5: no explicit component before PrepareForBackup → no further events, only
    the BackupShutdown VSS itself generates on Release (§4.3)."""
    chosen = scripted(system, "Chosen")
    left_out = scripted(system, "Left out")
    bc, set_id = prepared(system, include=[chosen])
    bc.DoSnapshotSet().Wait()
    bc.BackupComplete().Wait()
    bc.Release()
    assert system.events(chosen) == FULL
    assert system.events(left_out) == ["OnIdentify", "OnBackupShutdown"]
    assert left_out.args["OnBackupShutdown"] == [set_id]


def test_freeze_goes_front_end_back_end_system_and_thaw_in_reverse(system: VssSystem) -> None:
    """docs/reference.md §4.1 8b: Freeze by level FRONT_END, BACK_END, SYSTEM whatever the subscription
    order; Thaw in the reverse order ([INF], the coordinator's policy)."""
    scripted(system, "System", level=VSS_APP_SYSTEM)
    scripted(system, "BackEnd", level=VSS_APP_BACK_END)
    scripted(system, "FrontEnd", level=VSS_APP_FRONT_END)
    bc, _ = prepared(system)
    bc.DoSnapshotSet().Wait()
    bc.BackupComplete().Wait()
    bc.Release()
    order = [
        (r.name, r.writer)
        for r in system.trace
        if r.kind is TraceKind.EVENT and r.name in ("OnFreeze", "OnThaw")
    ]
    assert order == [
        ("OnFreeze", "FrontEnd"),
        ("OnFreeze", "BackEnd"),
        ("OnFreeze", "System"),
        ("OnThaw", "System"),
        ("OnThaw", "BackEnd"),
        ("OnThaw", "FrontEnd"),
    ]
    prepare = [r.writer for r in system.trace if r.name == "OnPrepareSnapshot"]
    assert prepare == ["System", "BackEnd", "FrontEnd"]


def test_provider_calls_interleave_with_the_events(system: VssSystem) -> None:
    """docs/reference.md §4.1 8–8j and §9: BeginPrepareSnapshot per volume after PrepareForSnapshot,
    EndPrepareSnapshots before Freeze, PreCommit/Commit/PostCommit between Freeze and Thaw,
    the final commits before PostSnapshot."""
    system.add_volume("D:\\")
    scripted(system, "Writer")
    bc, set_id = prepared(system, volumes=("C:\\", "D:\\"))
    bc.DoSnapshotSet().Wait()
    bc.BackupComplete().Wait()
    session = bc.GetSessionId()
    bc.Release()
    steps = session_steps(system, session, "Writer")
    assert steps[: steps.index("OnBackupComplete") + 1] == [
        "OnIdentify",
        "OnPrepareBackup",
        "OnPrepareSnapshot",
        "BeginPrepareSnapshot",
        "BeginPrepareSnapshot",
        "EndPrepareSnapshots",
        "OnFreeze",
        "PreCommitSnapshots",
        "CommitSnapshots",
        "PostCommitSnapshots",
        "OnThaw",
        "PreFinalCommitSnapshots",
        "PostFinalCommitSnapshots",
        "OnPostSnapshot",
        "OnBackupComplete",
    ]
    # Release: BackupShutdown and the two auto-release copies deleted (docs/reference.md §3.1, §4.3).
    assert sorted(steps[steps.index("OnBackupComplete") + 1 :]) == [
        "DeleteSnapshot",
        "DeleteSnapshot",
        "OnBackupShutdown",
    ]
    assert "AbortSnapshots" not in steps
    assert {s.snapshot_set_id for s in system.shadow_copies()} == set()
    assert set_id != session


# ---------------------------------------------------------------------------------------------
# §4.2: aborts
# ---------------------------------------------------------------------------------------------


def test_freeze_veto_aborts_every_joined_writer(system: VssSystem) -> None:
    """docs/reference.md §4.2 trigger 2: OnFreeze false → FAILED_AT_FREEZE, OnAbort to every writer that
    joined (even one not yet frozen), no Thaw or PostSnapshot; DoSnapshotSet fails with
    VSS_E_UNEXPECTED_WRITER_ERROR. A writer that never joined gets no OnAbort."""
    early = scripted(system, "Early", level=VSS_APP_FRONT_END)
    veto = scripted(system, "Veto", level=VSS_APP_BACK_END)
    late = scripted(system, "Late", level=VSS_APP_SYSTEM)
    outsider = scripted(system, "Outsider")
    veto.script["OnFreeze"] = lambda w: False
    bc, _ = prepared(system, include=[early, veto, late])
    op = bc.DoSnapshotSet()
    assert op.QueryStatus() == VSS_S_ASYNC_PENDING
    failed_creation(op, VssUnexpectedWriterError, VSS_E_UNEXPECTED_WRITER_ERROR)
    assert bc.phase is Phase.SNAPSHOT_SET_FAILED
    status = statuses(bc)
    assert status["Veto"].state is VSS_WS_FAILED_AT_FREEZE
    assert status["Early"].state is VSS_WS_STABLE  # OnAbort succeeded: cleaned up (§2.2 [INF])
    assert system.events(early) == FROZEN_THEN_ABORTED
    assert system.events(veto) == FROZEN_THEN_ABORTED
    assert system.events(late) == ["OnIdentify", "OnPrepareBackup", "OnPrepareSnapshot", "OnAbort"]
    assert system.events(outsider) == ["OnIdentify"]
    assert system.shadow_copies() == []
    bc.AbortBackup()
    bc.Release()
    assert system.events(outsider) == ["OnIdentify", "OnBackupShutdown"]


def test_thaw_failure_aborts(system: VssSystem) -> None:
    """docs/reference.md §4.2 trigger 2: OnThaw false → FAILED_AT_THAW, Abort, no PostSnapshot."""
    fine = scripted(system, "Fine")
    bad = scripted(system, "Bad")
    bad.script["OnThaw"] = lambda w: False
    bc, _ = prepared(system)
    failed_creation(bc.DoSnapshotSet(), VssUnexpectedWriterError, VSS_E_UNEXPECTED_WRITER_ERROR)
    assert statuses(bc)["Bad"].state is VSS_WS_FAILED_AT_THAW
    thawed_then_aborted = [*FROZEN_THEN_ABORTED[:-1], "OnThaw", "OnAbort"]
    assert system.events(bad) == thawed_then_aborted
    assert system.events(fine) == thawed_then_aborted
    assert system.shadow_copies() == []
    bc.AbortBackup()
    bc.Release()


def test_prepare_snapshot_veto_sends_no_abort_until_the_requester_aborts(
    system: VssSystem,
) -> None:
    """docs/reference.md §4.2: a PrepareForSnapshot failure generates no Abort; the requester's
    AbortBackup then delivers it. No Freeze follows the veto."""
    other = scripted(system, "Other")
    veto = scripted(system, "Veto")
    veto.script["OnPrepareSnapshot"] = lambda w: False
    bc, _ = prepared(system)
    failed_creation(bc.DoSnapshotSet(), VssUnexpectedWriterError, VSS_E_UNEXPECTED_WRITER_ERROR)
    before = ["OnIdentify", "OnPrepareBackup", "OnPrepareSnapshot"]
    assert system.events(veto) == before
    assert system.events(other) == before
    assert statuses(bc)["Veto"].state is VSS_WS_FAILED_AT_PREPARE_SNAPSHOT
    session = bc.GetSessionId()
    assert "BeginPrepareSnapshot" not in session_steps(system, session, "Veto")
    bc.AbortBackup()
    assert system.events(veto) == [*before, "OnAbort"]
    assert system.events(other) == [*before, "OnAbort"]
    bc.Release()
    assert veto.args["OnBackupShutdown"] == [GUID_NULL]


def test_post_snapshot_failure_keeps_the_set(system: VssSystem) -> None:
    """docs/reference.md §4.2: a PostSnapshot failure generates no Abort; the set exists ([INF]:
    DoSnapshotSet succeeds) and the writer shows FAILED_AT_POST_SNAPSHOT."""
    writer = scripted(system, "Post")
    writer.script["OnPostSnapshot"] = lambda w: False
    bc, set_id = prepared(system)
    op = bc.DoSnapshotSet()
    op.Wait()
    assert op.QueryStatus() == VSS_S_ASYNC_FINISHED
    assert [s.snapshot_set_id for s in system.shadow_copies()] == [set_id]
    assert statuses(bc)["Post"].state is VSS_WS_FAILED_AT_POST_SNAPSHOT
    bc.BackupComplete().Wait()
    bc.Release()
    # Every event but OnBackupComplete: the writer failed PostSnapshot.
    assert system.events(writer) == [e for e in FULL if e != "OnBackupComplete"]
    assert writer.args["OnBackupShutdown"] == [set_id]


def test_abort_backup_after_prepare_for_backup(system: VssSystem) -> None:
    """docs/reference.md §3.1, §4.2 trigger 1: AbortBackup after PrepareForBackup → OnAbort; the
    following BackupShutdown carries GUID_NULL (no copy was made, §4.3)."""
    writer = scripted(system, "Writer")
    bc, _ = prepared(system)
    bc.AbortBackup()
    assert bc.phase is Phase.BACKUP_ABORTED
    assert system.events(writer) == ["OnIdentify", "OnPrepareBackup", "OnAbort"]
    bc.Release()
    assert system.events(writer) == ["OnIdentify", "OnPrepareBackup", "OnAbort", "OnBackupShutdown"]
    assert writer.args["OnBackupShutdown"] == [GUID_NULL]


def test_abort_backup_after_failed_creation_delivers_abort_twice(system: VssSystem) -> None:
    """docs/reference.md §4.2: the requester cannot tell whether VSS already aborted, so it calls
    AbortBackup anyway; OnAbort may come more than once and writers must tolerate it."""
    writer = scripted(system, "Veto")
    writer.script["OnFreeze"] = lambda w: False
    bc, _ = prepared(system)
    failed_creation(bc.DoSnapshotSet(), VssUnexpectedWriterError, VSS_E_UNEXPECTED_WRITER_ERROR)
    bc.AbortBackup()
    bc.Release()
    assert system.events(writer) == [*FROZEN_THEN_ABORTED, "OnAbort", "OnBackupShutdown"]
    assert [r.result for r in system.trace if r.name == "OnAbort"] == ["true", "true"]


# ---------------------------------------------------------------------------------------------
# §4.3: BackupShutdown and Release
# ---------------------------------------------------------------------------------------------


def test_release_before_any_set_sends_guid_null(system: VssSystem) -> None:
    """docs/reference.md §4.3: released before StartSnapshotSet → BackupShutdown(GUID_NULL)."""
    writer = scripted(system, "Writer")
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(True, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
    assert bc.phase is Phase.RELEASED
    assert system.events(writer) == ["OnIdentify", "OnBackupShutdown"]
    assert writer.args["OnBackupShutdown"] == [GUID_NULL]


def test_release_deletes_auto_release_copies(system: VssSystem) -> None:
    """docs/reference.md §3.1: Release deletes the auto-release copies (default VSS_CTX_BACKUP)."""
    scripted(system, "Writer")
    bc, set_id = prepared(system)
    bc.DoSnapshotSet().Wait()
    bc.BackupComplete().Wait()
    assert [s.snapshot_set_id for s in system.shadow_copies()] == [set_id]
    bc.Release()
    assert system.shadow_copies() == []


def test_release_keeps_persistent_copies(system: VssSystem) -> None:
    """docs/reference.md §3.1, §7.6: VSS_CTX_APP_ROLLBACK is persistent with no auto-release, so the
    copy outlives the object; BackupShutdown still carries the set id."""
    writer = scripted(system, "Writer")
    bc, set_id = prepared(system, context=VSS_CTX_APP_ROLLBACK)
    bc.DoSnapshotSet().Wait()
    bc.BackupComplete().Wait()
    bc.Release()
    (copy,) = system.shadow_copies()
    assert copy.snapshot_set_id == set_id
    assert not copy.auto_release
    assert writer.args["OnBackupShutdown"] == [set_id]


def test_with_block_that_raises_still_releases(system: VssSystem) -> None:
    """docs/reference.md §3.1: leaving ``with`` by an exception releases the object: the set left in
    creation is aborted (OnAbort), BackupShutdown(GUID_NULL) follows, the creation lock is free."""
    writer = scripted(system, "Writer")
    bc = system.CreateVssBackupComponents()
    with pytest.raises(RuntimeError, match="requester crashed"), bc:
        begin_backup(bc)
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        raise RuntimeError("requester crashed")
    assert bc.phase is Phase.RELEASED
    assert system.events(writer) == ["OnIdentify", "OnPrepareBackup", "OnAbort", "OnBackupShutdown"]
    assert writer.args["OnBackupShutdown"] == [GUID_NULL]
    with system.CreateVssBackupComponents() as again:
        begin_backup(again)
        assert isinstance(again.StartSnapshotSet(), uuid.UUID)


# ---------------------------------------------------------------------------------------------
# §6: the Freeze→Thaw window and the flush-and-hold window, on virtual time
# ---------------------------------------------------------------------------------------------


def test_freeze_overrunning_the_default_window_times_out(system: VssSystem) -> None:
    """docs/reference.md §6, KB 915331: OnFreeze working 90 s with the default 60000 ms window →
    FAILED_AT_FREEZE with VSS_E_WRITERERROR_TIMEOUT, OnAbort, DoSnapshotSet fails; 90 virtual
    seconds pass in almost no wall time."""
    slow = scripted(system, "Slow")
    slow.script["OnFreeze"] = sleeper(system, 90)
    bc, _ = prepared(system)
    started = time.perf_counter()
    failed_creation(bc.DoSnapshotSet(), VssUnexpectedWriterError, VSS_E_UNEXPECTED_WRITER_ERROR)
    assert time.perf_counter() - started < 2.0
    assert system.clock.now == 60.000001  # given up on one tick past its 60 s window
    status = statuses(bc)["Slow"]
    assert status.state is VSS_WS_FAILED_AT_FREEZE
    assert status.hr_failure == VSS_E_WRITERERROR_TIMEOUT
    assert system.events(slow) == FROZEN_THEN_ABORTED
    faults = [r for r in system.trace if r.kind is TraceKind.FAULT and r.writer == "Slow"]
    assert [f.name for f in faults] == ["handler timed out"]
    assert "OnFreeze did not return within its window (60 s of virtual time" in (
        faults[0].detail or ""
    )
    bc.AbortBackup()
    bc.Release()


def test_short_window_overrun_by_another_writers_thaw(system: VssSystem) -> None:
    """docs/reference.md §6: Exchange-style timeout_freeze=20000; a SYSTEM writer thaws first (reverse
    order) and works 30 s in OnThaw, so the FRONT_END writer's window has run out by its Thaw."""
    exchange = scripted(system, "Exchange", level=VSS_APP_FRONT_END, timeout_freeze=20000)
    busy = scripted(system, "Busy", level=VSS_APP_SYSTEM)
    busy.script["OnThaw"] = sleeper(system, 30)
    bc, _ = prepared(system)
    failed_creation(bc.DoSnapshotSet(), VssUnexpectedWriterError, VSS_E_UNEXPECTED_WRITER_ERROR)
    status = statuses(bc)
    assert status["Exchange"].state is VSS_WS_FAILED_AT_FREEZE
    assert status["Exchange"].hr_failure == VSS_E_WRITERERROR_TIMEOUT
    assert status["Busy"].hr_failure == S_OK
    assert system.events(exchange) == FROZEN_THEN_ABORTED
    assert system.events(busy) == [*FROZEN_THEN_ABORTED[:-1], "OnThaw", "OnAbort"]
    assert system.clock.now == 30.0
    bc.AbortBackup()
    bc.Release()


def test_freeze_within_the_window_passes(system: VssSystem) -> None:
    """docs/reference.md §6: 59 s of Freeze work stays inside the 60 s window."""
    slow = scripted(system, "Slow")
    slow.script["OnFreeze"] = sleeper(system, 59)
    bc, _ = prepared(system)
    op = bc.DoSnapshotSet()
    op.Wait()
    assert op.QueryStatus() == VSS_S_ASYNC_FINISHED
    assert statuses(bc)["Slow"].hr_failure == S_OK
    bc.BackupComplete().Wait()
    bc.Release()
    assert system.events(slow) == FULL
    assert system.clock.now == 59.0


class FaultyProvider(VssProvider):
    """A software provider (chosen before the system provider, docs/reference.md §9) with one scripted
    fault: ``fault(method)`` runs at the start of every creation call."""

    provider_id = uuid.UUID("5a0f4c9e-0000-4000-8000-00000000f001")
    provider_name = "Faulty provider"

    def __init__(self, fault: Callable[[str], None]) -> None:
        self.fault = fault

    def PreCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self.fault("PreCommitSnapshots")

    def CommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self.fault("CommitSnapshots")


def test_commit_over_the_flush_and_hold_window_fails(system: VssSystem) -> None:
    """docs/reference.md §6, §4.1 8e: CommitSnapshots holding writes 11 s → VSS_E_HOLD_WRITES_TIMEOUT,
    AbortSnapshots, OnAbort to the frozen writer and no Thaw."""
    system.register_provider(slow_commit_provider(11))
    writer = scripted(system, "Writer")
    bc, _ = prepared(system)
    failed_creation(bc.DoSnapshotSet(), VssHoldWritesTimeout, VSS_E_HOLD_WRITES_TIMEOUT)
    assert system.events(writer) == FROZEN_THEN_ABORTED
    steps = session_steps(system, bc.GetSessionId(), "Writer")
    assert steps[steps.index("OnFreeze") :] == [
        "OnFreeze",
        "PreCommitSnapshots",
        "CommitSnapshots",
        "AbortSnapshots",
        "OnAbort",
    ]
    assert system.shadow_copies() == []
    bc.AbortBackup()
    bc.Release()


def test_commit_inside_the_flush_and_hold_window_passes(system: VssSystem) -> None:
    """docs/reference.md §6: 9.5 s of CommitSnapshots stays inside the 10 s window."""
    system.register_provider(slow_commit_provider(9.5))
    writer = scripted(system, "Writer")
    bc, _ = prepared(system)
    bc.DoSnapshotSet().Wait()
    bc.BackupComplete().Wait()
    bc.Release()
    assert system.events(writer) == FULL


@pytest.mark.parametrize(
    ("raised", "error", "code", "misbehaved", "traced"),
    [
        (
            VssError("the array is busy", E_FAIL),
            VssUnexpectedProviderError,
            VSS_E_UNEXPECTED_PROVIDER_ERROR,
            False,
            "E_FAIL",
        ),
        (
            VssProviderVeto("internal error, event logged"),
            VssProviderVeto,
            VSS_E_PROVIDER_VETO,
            False,
            "VSS_E_PROVIDER_VETO",
        ),
        (
            RuntimeError("driver crashed"),
            VssUnexpectedProviderError,
            VSS_E_UNEXPECTED_PROVIDER_ERROR,
            True,
            "raised RuntimeError",
        ),
    ],
    ids=["E_FAIL-converted", "PROVIDER_VETO-kept", "plain-exception"],
)
def test_provider_failure_during_commit(
    system: VssSystem,
    raised: Exception,
    error: type[VssError],
    code: int,
    misbehaved: bool,
    traced: str,
) -> None:
    """docs/reference.md §9: a code outside the provider list (E_FAIL) becomes
    VSS_E_UNEXPECTED_PROVIDER_ERROR, a listed one (VSS_E_PROVIDER_VETO) is kept; a plain
    exception is converted too and recorded as PROVIDER_MISBEHAVED. §4.2 trigger 4: Abort."""

    def fail(method: str) -> None:
        if method == "PreCommitSnapshots":
            raise raised

    system.register_provider(FaultyProvider(fail))
    writer = scripted(system, "Writer")
    bc, _ = prepared(system)
    failed_creation(bc.DoSnapshotSet(), error, code)
    assert system.events(writer) == FROZEN_THEN_ABORTED
    rules = [v.rule for v in system.violations]
    assert rules == ([ViolationRule.PROVIDER_MISBEHAVED] if misbehaved else [])
    if misbehaved:
        assert "RuntimeError('driver crashed')" in system.violations[0].message
        assert system.violations[0].session_id == bc.GetSessionId()
    results = [
        (r.name, r.result)
        for r in system.trace
        if r.kind is TraceKind.PROVIDER and r.writer == "Faulty provider"
    ]
    assert results[-2:] == [("PreCommitSnapshots", traced), ("AbortSnapshots", "S_OK")]
    bc.AbortBackup()
    bc.Release()


# ---------------------------------------------------------------------------------------------
# §1.1, §1.4, §1.5: handler results, raised exceptions, SetWriterFailure(Ex)
# ---------------------------------------------------------------------------------------------


def test_handler_that_raises_fails_its_event_and_the_others_carry_on(system: VssSystem) -> None:
    """docs/reference.md §1.1: a handler must not throw; the coordinator survives, the writer is
    FAILED_AT_PREPARE_BACKUP with VSS_E_WRITERERROR_NONRETRYABLE and gets no further events of
    the session but BackupShutdown; the other writer completes its backup."""
    good = scripted(system, "Good")
    thrower = scripted(system, "Thrower")

    def boom(writer: Scripted) -> bool:
        raise KeyError("missing database")

    thrower.script["OnPrepareBackup"] = boom
    bc, _ = prepared(system)
    status = statuses(bc)["Thrower"]
    assert status.state is VSS_WS_FAILED_AT_PREPARE_BACKUP
    assert status.hr_failure == VSS_E_WRITERERROR_NONRETRYABLE
    (violation,) = system.violations
    assert violation.rule is ViolationRule.HANDLER_RAISED
    assert violation.writer == "Thrower"
    assert violation.handler == "OnPrepareBackup"
    assert violation.session_id == bc.GetSessionId()
    assert "KeyError('missing database')" in violation.message
    bc.DoSnapshotSet().Wait()
    bc.BackupComplete().Wait()
    bc.Release()
    assert system.events(good) == FULL
    assert system.events(thrower) == ["OnIdentify", "OnPrepareBackup", "OnBackupShutdown"]


def test_freeze_that_raises_aborts_and_the_next_backup_works(system: VssSystem) -> None:
    """docs/reference.md §1.1, §4.2: a raise in OnFreeze is a failed Freeze (Abort, FAILED_AT_FREEZE,
    NONRETRYABLE); the machine takes the next backup normally."""
    writer = scripted(system, "Writer")

    def boom(w: Scripted) -> bool:
        raise RuntimeError("freeze failed")

    writer.script["OnFreeze"] = boom
    bc, _ = prepared(system)
    failed_creation(bc.DoSnapshotSet(), VssUnexpectedWriterError, VSS_E_UNEXPECTED_WRITER_ERROR)
    status = statuses(bc)["Writer"]
    assert (status.state, status.hr_failure) == (
        VSS_WS_FAILED_AT_FREEZE,
        VSS_E_WRITERERROR_NONRETRYABLE,
    )
    bc.AbortBackup()
    bc.Release()
    del writer.script["OnFreeze"]
    again, _ = prepared(system)
    again.DoSnapshotSet().Wait()
    succeed_all(again)
    again.BackupComplete().Wait()
    assert statuses(again)["Writer"].state is VSS_WS_STABLE
    session = again.GetSessionId()
    again.Release()
    assert system.events(writer, session_id=session) == FULL
    assert [v.rule for v in system.violations] == [ViolationRule.HANDLER_RAISED]


def test_handler_returning_none_is_a_bad_result(system: VssSystem) -> None:
    """docs/reference.md §1.4: handlers return a bool; None fails the event (BAD_RESULT)."""
    writer = scripted(system, "Writer")
    writer.script["OnPrepareSnapshot"] = lambda w: None
    bc, _ = prepared(system)
    failed_creation(bc.DoSnapshotSet(), VssUnexpectedWriterError, VSS_E_UNEXPECTED_WRITER_ERROR)
    assert statuses(bc)["Writer"].state is VSS_WS_FAILED_AT_PREPARE_SNAPSHOT
    (violation,) = system.violations
    assert violation.rule is ViolationRule.BAD_RESULT
    assert (violation.writer, violation.handler) == ("Writer", "OnPrepareSnapshot")
    assert "returned None" in violation.message
    bc.AbortBackup()
    bc.Release()


def test_set_writer_failure_and_return_true_is_a_veto(system: VssSystem) -> None:
    """docs/reference.md §1.4 (writer-errors-and-vetoes): SetWriterFailure + return TRUE vetoes; the
    state is failed and the code kept."""
    writer = scripted(system, "Writer")

    def veto(w: Scripted) -> bool:
        w.SetWriterFailure(VSS_E_WRITERERROR_RETRYABLE)
        return True

    writer.script["OnPrepareSnapshot"] = veto
    bc, _ = prepared(system)
    failed_creation(bc.DoSnapshotSet(), VssUnexpectedWriterError, VSS_E_UNEXPECTED_WRITER_ERROR)
    status = statuses(bc)["Writer"]
    assert status.state is VSS_WS_FAILED_AT_PREPARE_SNAPSHOT
    assert status.hr_failure == VSS_E_WRITERERROR_RETRYABLE
    bc.AbortBackup()
    bc.Release()
    assert system.violations == []


def test_set_writer_failure_ex_with_s_ok_is_no_veto(system: VssSystem) -> None:
    """docs/reference.md §1.5: SetWriterFailureEx(S_OK, hrApplication, message) reports without failing;
    GetWriterStatusEx carries the application's code and message."""
    writer = scripted(system, "Writer")

    def note(w: Scripted) -> bool:
        w.SetWriterFailureEx(S_OK, 0x80070020, "log file was in use, retried")
        return True

    writer.script["OnPrepareSnapshot"] = note
    bc, _ = prepared(system)
    bc.DoSnapshotSet().Wait()
    status = statuses(bc)["Writer"]
    assert status.state is VSS_WS_WAITING_FOR_BACKUP_COMPLETE
    assert status.hr_failure == S_OK
    assert status.hr_application == 0x80070020
    assert status.application_message == "log file was in use, retried"
    bc.BackupComplete().Wait()
    bc.Release()
    assert system.events(writer) == FULL


def test_set_writer_failure_ex_reaches_get_writer_status_ex(system: VssSystem) -> None:
    """docs/reference.md §1.5: a failing SetWriterFailureEx in OnPrepareBackup: GetWriterStatusEx shows
    the state, the writer code, the application's code and its message; GetWriterStatus the
    first three fields the same."""
    writer = scripted(system, "Writer")

    def fail(w: Scripted) -> bool:
        w.SetWriterFailureEx(VSS_E_WRITERERROR_NONRETRYABLE, 0x80070005, "access denied to D:\\db")
        return False

    writer.script["OnPrepareBackup"] = fail
    bc, _ = prepared(system)
    status = statuses(bc)["Writer"]
    assert status.state is VSS_WS_FAILED_AT_PREPARE_BACKUP
    assert status.hr_failure == VSS_E_WRITERERROR_NONRETRYABLE
    assert status.hr_application == 0x80070005
    assert status.application_message == "access denied to D:\\db"
    plain = bc.GetWriterStatus(0)
    assert (plain.state, plain.hr_failure) == (status.state, status.hr_failure)
    bc.AbortBackup()
    bc.Release()


def test_metadata_changed_between_identify_events(system: VssSystem) -> None:
    """docs/reference.md §7.1: OnIdentify must describe the same metadata each time; a second Identify
    with different metadata is recorded as METADATA_CHANGED."""

    class Drifting(QuietWriter):
        calls = 0

        def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
            super().OnIdentify(metadata)
            Drifting.calls += 1
            if Drifting.calls > 1:
                metadata.AddComponent(
                    VSS_CT_FILEGROUP,
                    None,
                    f"Extra{Drifting.calls}",
                    "Extra",
                    None,
                    0,
                    False,
                    False,
                    True,
                )
            return True

    make_writer(system, "Drifting", cls=Drifting)
    steady = scripted(system, "Steady")
    sessions = []
    for _ in range(2):
        with system.CreateVssBackupComponents() as bc:
            bc.InitializeForBackup()
            bc.GatherWriterMetadata().Wait()
            sessions.append(bc.GetSessionId())
    (violation,) = system.violations
    assert violation.rule is ViolationRule.METADATA_CHANGED
    assert violation.writer == "Drifting"
    assert violation.handler == "OnIdentify"
    assert violation.session_id == sessions[1]
    assert system.events(steady) == ["OnIdentify", "OnBackupShutdown"] * 2


# ---------------------------------------------------------------------------------------------
# §3.4: IVssAsync
# ---------------------------------------------------------------------------------------------


def test_query_status_before_and_after_wait(system: VssSystem) -> None:
    """docs/reference.md §3.4 (restic #3390): QueryStatus before completion is VSS_S_ASYNC_PENDING,
    after Wait VSS_S_ASYNC_FINISHED; Cancel of a finished operation returns FINISHED."""
    scripted(system, "Writer")
    bc = system.CreateVssBackupComponents()
    bc.InitializeForBackup()
    op = bc.GatherWriterMetadata()
    assert op.QueryStatus() == VSS_S_ASYNC_PENDING
    assert not op.done
    op.Wait()
    assert op.QueryStatus() == VSS_S_ASYNC_FINISHED
    assert op.Cancel() == VSS_S_ASYNC_FINISHED
    assert bc.GetWriterMetadataCount() == 1
    bc.Release()


def test_wait_with_a_timeout_returns_while_pending(system: VssSystem) -> None:
    """docs/reference.md §3.4 and docs/field-failures.md #3: Wait(5000) on PrepareForBackup held up by a handler
    working 300 s returns at +5 s with QueryStatus still PENDING; an infinite Wait ends at 300 s."""
    writer = scripted(system, "Slow")
    writer.script["OnPrepareBackup"] = sleeper(system, 300)
    bc = begin_backup(system.CreateVssBackupComponents())
    bc.StartSnapshotSet()
    bc.AddToSnapshotSet("C:\\")
    op = bc.PrepareForBackup()
    op.Wait(5000)
    assert system.clock.now == 5.0
    assert op.QueryStatus() == VSS_S_ASYNC_PENDING
    op.Wait()
    assert system.clock.now == 300.0
    assert op.QueryStatus() == VSS_S_ASYNC_FINISHED
    bc.AbortBackup()
    bc.Release()


def test_cancel_of_a_pending_do_snapshot_set(system: VssSystem) -> None:
    """docs/reference.md §3.4: Cancel on a DoSnapshotSet that has not run yet → S_OK, then
    VSS_S_ASYNC_CANCELLED; the joined writers get OnAbort and no copy is made."""
    writer = scripted(system, "Writer")
    bc, _ = prepared(system)
    op = bc.DoSnapshotSet()
    assert op.Cancel() == S_OK
    op.Wait()
    assert op.QueryStatus() == VSS_S_ASYNC_CANCELLED
    assert op.Cancel() == VSS_S_ASYNC_CANCELLED
    assert bc.phase is Phase.SNAPSHOT_SET_FAILED
    assert system.events(writer) == ["OnIdentify", "OnPrepareBackup", "OnAbort"]
    assert system.shadow_copies() == []
    bc.Release()


def test_cancel_while_frozen_aborts_instead_of_thawing(system: VssSystem) -> None:
    """docs/reference.md §3.4, §4.2: Cancel while a writer works in OnFreeze: the operation stops at its
    next step, the frozen writers get OnAbort (not Thaw), QueryStatus says CANCELLED."""
    slow = scripted(system, "Slow", level=VSS_APP_FRONT_END)
    other = scripted(system, "Other", level=VSS_APP_BACK_END)
    slow.script["OnFreeze"] = sleeper(system, 10)
    bc, _ = prepared(system)
    op = bc.DoSnapshotSet()
    op.Wait(2000)
    assert op.QueryStatus() == VSS_S_ASYNC_PENDING
    assert op.Cancel() == S_OK
    op.Wait()
    assert op.QueryStatus() == VSS_S_ASYNC_CANCELLED
    assert system.events(slow) == FROZEN_THEN_ABORTED
    assert system.events(other) == ["OnIdentify", "OnPrepareBackup", "OnPrepareSnapshot", "OnAbort"]
    bc.Release()
