"""WRITER_TRANSITIONS swept row by row (docs/reference.md §2.2, §4.2).

Each row ``(state, event) -> Outcome(ok, failed)`` whose trigger is a handler event gets a real
scenario (``SCENARIOS``) that delivers the event to a writer standing in ``state``; the handler
then succeeds, returns false, calls SetWriterFailure and returns true, or raises. The state that
follows is read through GatherWriterStatus / GetWriterStatus where the object still takes it, and
otherwise from the coordinator's record of the session (``internal_state``): the state a writer
is in when its next event arrives (WAITING_FOR_FREEZE, WAITING_FOR_THAW, ...) or after Release.
"""

from __future__ import annotations

import contextlib
import enum
import uuid
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from fakes import CREATION_STEPS, provider_veto
from simulator import (
    VSS_APP_BACK_END,
    VSS_APP_FRONT_END,
    VSS_APP_SYSTEM,
    VSS_E_PROVIDER_VETO,
    VSS_E_UNEXPECTED_WRITER_ERROR,
    VSS_E_WRITERERROR_RETRYABLE,
    VSS_E_WRITERERROR_TIMEOUT,
    VSS_WRITER_STATE,
    IVssBackupComponents,
    TraceKind,
    TraceRecord,
    ViolationRule,
    VssBadState,
    VssSystem,
    current_system,
)
from simulator._rules.call_order import BACKUP_ORDER
from simulator._rules.calls import Call, Phase
from simulator._rules.writer_calls import WRITER_CALLS
from simulator._rules.writer_states import WRITER_TRANSITIONS, Timeout, WriterEvent
from tests.helpers import QuietWriter, begin_backup, drive_to, make_writer, settle, writer_status

E = WriterEvent
P = Phase
WS = VSS_WRITER_STATE
Row = tuple[VSS_WRITER_STATE, WriterEvent]


class Mode(enum.Enum):
    """How a scripted handler ends."""

    OK = "succeeds"
    FALSE = "returns-false"
    FAILURE = "SetWriterFailure-true"
    RAISE = "raises"


@attrs.frozen
class Seen:
    """A handler invocation as the probe saw it: the writer's state when the event arrived."""

    event: WriterEvent
    session_id: uuid.UUID
    state: VSS_WRITER_STATE


class ProbeWriter(QuietWriter):
    """A QuietWriter whose handlers follow a script (one Mode per delivery of each event, OK when
    the script runs out) and note the writer's state in the session when each event arrives."""

    def __init__(self) -> None:
        self.script: dict[WriterEvent, list[Mode]] = {}
        self.seen: list[Seen] = []

    def on_event(self, event: WriterEvent, arg: Any) -> bool:
        invocation = next(iter(self._vss.active.values()))  # the handler running now
        self.seen.append(Seen(event, invocation.session.session_id, invocation.ws.state))
        queue = self.script.get(event)
        mode = queue.pop(0) if queue else Mode.OK
        if mode is Mode.FALSE:
            return False
        if mode is Mode.RAISE:
            raise RuntimeError(f"scripted failure in {event.value}")
        if mode is Mode.FAILURE:
            # Refused in OnIdentify (docs/reference.md §1.5): the refusal fails nothing.
            with contextlib.suppress(VssBadState):
                self.SetWriterFailure(VSS_E_WRITERERROR_RETRYABLE)
        return True

    def entries(self, event: WriterEvent, session_id: uuid.UUID) -> list[VSS_WRITER_STATE]:
        """The states in which ``event`` reached this writer in one session, in order."""
        return [s.state for s in self.seen if s.event is event and s.session_id == session_id]


def internal_state(bc: IVssBackupComponents, writer: QuietWriter) -> VSS_WRITER_STATE:
    """The writer's state in ``bc``'s session as the coordinator keeps it: the WriterSession in
    the session's ``touched`` list (every writer that got an event of the session)."""
    for ws in bc._session.contacted:
        if ws.core is writer._vss:
            return ws.state
    raise LookupError(f"{writer._vss.name} got no event of this session")


def observed_state(bc: IVssBackupComponents, writer: QuietWriter) -> VSS_WRITER_STATE:
    """GetWriterStatus's state when the object takes GatherWriterStatus and the writer has a
    status (it agrees with the internal one); the internal state otherwise."""
    internal = internal_state(bc, writer)
    if (bc.phase, Call.GATHER_WRITER_STATUS) in BACKUP_ORDER:
        status = writer_status(bc, writer)
        if status is not None:
            assert status.state == internal
            return status.state
    return internal


@attrs.frozen
class Scenario:
    """How to bring a writer (the probe) to a row: drive a backup or restore to ``phase``, then
    ``then`` ("snapshot": DoSnapshotSet, success or not; "abort": AbortBackup; "release").

    ``setup``: earlier deliveries the probe fails or passes (e.g. {FREEZE: [FALSE]}); ``level``:
    the probe's application level; ``helper``: a second writer at a level that fails one event;
    ``next_event``: when the probe gets this event after the trigger, the state it arrives in is
    the state the trigger left (transitional states have no status of their own)."""

    phase: Phase
    then: tuple[str, ...] = ()
    setup: dict[WriterEvent, list[Mode]] = attrs.field(factory=dict)
    level: int = VSS_APP_FRONT_END
    helper: tuple[int, WriterEvent] | None = None
    next_event: WriterEvent | None = None


F = Mode.FALSE
#: A scenario for every row whose trigger is a handler event and that a real sequence reaches.
SCENARIOS: dict[Row, Scenario] = {
    (WS.VSS_WS_STABLE, E.IDENTIFY): Scenario(P.METADATA_GATHERED),
    (WS.VSS_WS_STABLE, E.PREPARE_BACKUP): Scenario(P.PREPARED_FOR_BACKUP),
    (WS.VSS_WS_STABLE, E.PREPARE_SNAPSHOT): Scenario(
        P.PREPARED_FOR_BACKUP, ("snapshot",), next_event=E.FREEZE
    ),
    (WS.VSS_WS_WAITING_FOR_FREEZE, E.FREEZE): Scenario(
        P.PREPARED_FOR_BACKUP, ("snapshot",), next_event=E.THAW
    ),
    (WS.VSS_WS_WAITING_FOR_THAW, E.THAW): Scenario(
        P.PREPARED_FOR_BACKUP, ("snapshot",), next_event=E.POST_SNAPSHOT
    ),
    (WS.VSS_WS_WAITING_FOR_POST_SNAPSHOT, E.POST_SNAPSHOT): Scenario(P.SNAPSHOT_SET_CREATED),
    (WS.VSS_WS_WAITING_FOR_BACKUP_COMPLETE, E.BACKUP_COMPLETE): Scenario(P.BACKUP_COMPLETED),
    (WS.VSS_WS_STABLE, E.PRE_RESTORE): Scenario(P.PRE_RESTORED),
    (WS.VSS_WS_STABLE, E.POST_RESTORE): Scenario(P.POST_RESTORED),
    # Abort: AbortBackup, or generated by a Freeze / Thaw failure (docs/reference.md §4.2).
    (WS.VSS_WS_STABLE, E.ABORT): Scenario(P.PREPARED_FOR_BACKUP, ("abort",)),
    (WS.VSS_WS_WAITING_FOR_FREEZE, E.ABORT): Scenario(
        P.PREPARED_FOR_BACKUP, ("snapshot", "abort"), helper=(VSS_APP_FRONT_END, E.PREPARE_SNAPSHOT)
    ),
    (WS.VSS_WS_WAITING_FOR_THAW, E.ABORT): Scenario(
        P.PREPARED_FOR_BACKUP, ("snapshot",), helper=(VSS_APP_BACK_END, E.FREEZE)
    ),
    (WS.VSS_WS_WAITING_FOR_POST_SNAPSHOT, E.ABORT): Scenario(
        P.PREPARED_FOR_BACKUP,
        ("snapshot",),
        level=VSS_APP_SYSTEM,
        helper=(VSS_APP_FRONT_END, E.THAW),
    ),
    (WS.VSS_WS_UNKNOWN, E.ABORT): Scenario(
        P.PREPARED_FOR_BACKUP,
        ("snapshot", "abort"),
        setup={E.ABORT: [F]},
        helper=(VSS_APP_BACK_END, E.FREEZE),
    ),
    (WS.VSS_WS_FAILED_AT_PREPARE_BACKUP, E.ABORT): Scenario(
        P.PREPARED_FOR_BACKUP, ("abort",), setup={E.PREPARE_BACKUP: [F]}
    ),
    (WS.VSS_WS_FAILED_AT_PREPARE_SNAPSHOT, E.ABORT): Scenario(
        P.PREPARED_FOR_BACKUP, ("snapshot", "abort"), setup={E.PREPARE_SNAPSHOT: [F]}
    ),
    (WS.VSS_WS_FAILED_AT_FREEZE, E.ABORT): Scenario(
        P.PREPARED_FOR_BACKUP, ("snapshot",), setup={E.FREEZE: [F]}
    ),
    (WS.VSS_WS_FAILED_AT_THAW, E.ABORT): Scenario(
        P.PREPARED_FOR_BACKUP, ("snapshot",), setup={E.THAW: [F]}
    ),
    # BackupShutdown: Release of a backup object (docs/reference.md §4.3).
    (WS.VSS_WS_STABLE, E.BACKUP_SHUTDOWN): Scenario(P.METADATA_GATHERED, ("release",)),
    (WS.VSS_WS_WAITING_FOR_FREEZE, E.BACKUP_SHUTDOWN): Scenario(
        P.PREPARED_FOR_BACKUP,
        ("snapshot", "release"),
        helper=(VSS_APP_FRONT_END, E.PREPARE_SNAPSHOT),
    ),
    (WS.VSS_WS_UNKNOWN, E.BACKUP_SHUTDOWN): Scenario(
        P.PREPARED_FOR_BACKUP,
        ("snapshot", "release"),
        setup={E.ABORT: [F]},
        helper=(VSS_APP_BACK_END, E.FREEZE),
    ),
    (WS.VSS_WS_WAITING_FOR_BACKUP_COMPLETE, E.BACKUP_SHUTDOWN): Scenario(
        P.SNAPSHOT_SET_CREATED, ("release",)
    ),
    (WS.VSS_WS_FAILED_AT_IDENTIFY, E.BACKUP_SHUTDOWN): Scenario(
        P.METADATA_GATHERED, ("release",), setup={E.IDENTIFY: [F]}
    ),
    (WS.VSS_WS_FAILED_AT_PREPARE_BACKUP, E.BACKUP_SHUTDOWN): Scenario(
        P.PREPARED_FOR_BACKUP, ("release",), setup={E.PREPARE_BACKUP: [F]}
    ),
    (WS.VSS_WS_FAILED_AT_PREPARE_SNAPSHOT, E.BACKUP_SHUTDOWN): Scenario(
        P.PREPARED_FOR_BACKUP, ("snapshot", "release"), setup={E.PREPARE_SNAPSHOT: [F]}
    ),
    (WS.VSS_WS_FAILED_AT_FREEZE, E.BACKUP_SHUTDOWN): Scenario(
        P.PREPARED_FOR_BACKUP, ("snapshot", "release"), setup={E.FREEZE: [F]}
    ),
    (WS.VSS_WS_FAILED_AT_THAW, E.BACKUP_SHUTDOWN): Scenario(
        P.PREPARED_FOR_BACKUP, ("snapshot", "release"), setup={E.THAW: [F]}
    ),
    (WS.VSS_WS_FAILED_AT_POST_SNAPSHOT, E.BACKUP_SHUTDOWN): Scenario(
        P.SNAPSHOT_SET_CREATED, ("release",), setup={E.POST_SNAPSHOT: [F]}
    ),
    (WS.VSS_WS_FAILED_AT_BACKUP_COMPLETE, E.BACKUP_SHUTDOWN): Scenario(
        P.BACKUP_COMPLETED, ("release",), setup={E.BACKUP_COMPLETE: [F]}
    ),
}

#: Rows no real sequence reaches, with the documented reason. A new row must land in one of the
#: two lists (test_every_event_row_is_decided).
UNREACHABLE: dict[Row, str] = {
    (WS.VSS_WS_WAITING_FOR_THAW, E.BACKUP_SHUTDOWN): "after OnFreeze a writer gets OnThaw or "
    "OnAbort before DoSnapshotSet returns (§4.2 guarantee), and Release waits for DoSnapshotSet",
    (WS.VSS_WS_WAITING_FOR_POST_SNAPSHOT, E.BACKUP_SHUTDOWN): "after OnThaw the same DoSnapshotSet "
    "sends OnPostSnapshot, or OnAbort when it fails (§4.2 trigger 4)",
    (WS.VSS_WS_FAILED_AT_IDENTIFY, E.ABORT): "a writer that failed Identify is left out of the "
    "session (§1.4, §4.5): it never joins, so no Abort reaches it",
    (
        WS.VSS_WS_FAILED_AT_POST_SNAPSHOT,
        E.ABORT,
    ): "OnAbort is never sent after OnPostSnapshot (§1.4)",
    (WS.VSS_WS_FAILED_AT_BACKUP_COMPLETE, E.ABORT): "OnAbort is never sent after OnPostSnapshot "
    "(§1.4)",
    (WS.VSS_WS_FAILED_AT_PRE_RESTORE, E.ABORT): "aborts are not supported for restores (§3.3)",
    (WS.VSS_WS_FAILED_AT_POST_RESTORE, E.ABORT): "aborts are not supported for restores (§3.3)",
    (WS.VSS_WS_FAILED_AT_PRE_RESTORE, E.BACKUP_SHUTDOWN): "no BackupShutdown after a restore "
    "(§3.3 row 11 [INF])",
    (WS.VSS_WS_FAILED_AT_POST_RESTORE, E.BACKUP_SHUTDOWN): "no BackupShutdown after a restore "
    "(§3.3 row 11 [INF])",
    (WS.VSS_WS_FAILED_AT_BACKUPSHUTDOWN, E.ABORT): "BackupShutdown is the last event of a session "
    "(§4.3)",
    (WS.VSS_WS_FAILED_AT_BACKUPSHUTDOWN, E.BACKUP_SHUTDOWN): "BackupShutdown is sent once per "
    "session (§4.3)",
}

EVENT_ROWS = [key for key in WRITER_TRANSITIONS if isinstance(key[1], WriterEvent)]


def _row_id(row: Row) -> str:
    return f"{row[0].name.removeprefix('VSS_WS_')}-{row[1].value}"


@attrs.frozen
class Result:
    before: VSS_WRITER_STATE
    after: VSS_WRITER_STATE
    bc: IVssBackupComponents
    probe: ProbeWriter


def run_scenario(system: VssSystem, row: Row, mode: Mode) -> Result:
    """Play the row's scenario with the trigger's handler ending as ``mode``."""
    scenario = SCENARIOS[row]
    trigger = row[1]
    probe = make_writer(system, "Probe", cls=ProbeWriter, level=scenario.level)
    probe.script = {event: list(modes) for event, modes in scenario.setup.items()}
    nth = len(probe.script.get(trigger, []))
    probe.script.setdefault(trigger, []).append(mode)
    if scenario.helper is not None:
        level, event = scenario.helper
        helper = make_writer(system, "Helper", cls=ProbeWriter, level=level)
        helper.script = {event: [Mode.FALSE]}
    bc = drive_to(system.CreateVssBackupComponents(), scenario.phase)
    session_id = bc.GetSessionId()
    for step in scenario.then:
        if step == "snapshot":
            settle(bc.DoSnapshotSet())
        elif step == "abort":
            bc.AbortBackup()
        else:
            bc.Release()
    before = probe.entries(trigger, session_id)[nth]
    following = probe.entries(scenario.next_event, session_id) if scenario.next_event else []
    if following:
        after = following[0]
    elif bc.phase is P.RELEASED:
        after = internal_state(bc, probe)
    else:
        after = observed_state(bc, probe)
    return Result(before, after, bc, probe)


def _fails(event: WriterEvent, mode: Mode) -> bool:
    """Whether ``mode`` fails the event: SetWriterFailure counts only where it may be called."""
    allowed = WRITER_CALLS["SetWriterFailure"].events
    assert allowed is not None
    return mode in (Mode.FALSE, Mode.RAISE) or (mode is Mode.FAILURE and event in allowed)


@pytest.mark.parametrize("mode", list(Mode), ids=[m.value for m in Mode])
@pytest.mark.parametrize("row", list(SCENARIOS), ids=[_row_id(r) for r in SCENARIOS])
def test_transition(vss_system: VssSystem, row: Row, mode: Mode) -> None:
    """The writer stands in the row's state when the event arrives, and afterwards in
    ``Outcome.ok`` (handler succeeded) or ``Outcome.failed`` (false, raised, or SetWriterFailure
    then true: a veto, docs/reference.md §1.4); None keeps the state (docs/reference.md §2.2)."""
    result = run_scenario(vss_system, row, mode)
    outcome = WRITER_TRANSITIONS[row]
    expected = outcome.failed if _fails(row[1], mode) else outcome.ok
    assert result.before is row[0]
    assert result.after is (row[0] if expected is None else expected)


def test_failed_identify_leaves_no_status(vss_system: VssSystem) -> None:
    """A writer whose OnIdentify fails is not in the metadata list and has no status (§1.4)."""
    result = run_scenario(vss_system, (WS.VSS_WS_STABLE, E.IDENTIFY), Mode.FALSE)
    assert result.bc.GetWriterMetadataCount() == 0
    assert writer_status(result.bc, result.probe) is None
    assert result.after is WS.VSS_WS_FAILED_AT_IDENTIFY


def test_set_writer_failure_in_identify_is_refused_and_fails_nothing(vss_system: VssSystem) -> None:
    """SetWriterFailure is not allowed in OnIdentify (docs/reference.md §1.5): the call is refused and
    recorded, and a handler that goes on to return true has not failed Identify."""
    result = run_scenario(vss_system, (WS.VSS_WS_STABLE, E.IDENTIFY), Mode.FAILURE)
    assert result.after is WS.VSS_WS_STABLE
    status = writer_status(result.bc, result.probe)
    assert status is not None
    assert status.hr_failure == 0
    assert [v.rule for v in vss_system.violations] == [ViolationRule.FORBIDDEN_IN_HANDLER]


@pytest.mark.parametrize(
    "row",
    [
        pytest.param(r, id=_row_id(r))
        for r in SCENARIOS
        if WRITER_TRANSITIONS[r].failed and r[1] is not E.IDENTIFY
    ],
)
def test_set_writer_failure_code_is_reported(vss_system: VssSystem, row: Row) -> None:
    """The code given to SetWriterFailure is the writer's failure code in its status, or in
    vssadmin's "Last error" once the object is released (docs/reference.md §1.4, §2.3)."""
    result = run_scenario(vss_system, row, Mode.FAILURE)
    if result.bc.phase is not P.RELEASED:
        status = writer_status(result.bc, result.probe)
        assert status is not None
        assert status.hr_failure == VSS_E_WRITERERROR_RETRYABLE
    assert result.probe._vss.last_failure == VSS_E_WRITERERROR_RETRYABLE


def test_every_event_row_is_decided() -> None:
    """Every row triggered by a handler event has a scenario or is listed as unreachable."""
    assert set(SCENARIOS).isdisjoint(UNREACHABLE)
    assert set(SCENARIOS) | set(UNREACHABLE) == set(EVENT_ROWS)
    assert sorted(UNREACHABLE, key=_row_id) == sorted(
        [
            (WS.VSS_WS_WAITING_FOR_THAW, E.BACKUP_SHUTDOWN),
            (WS.VSS_WS_WAITING_FOR_POST_SNAPSHOT, E.BACKUP_SHUTDOWN),
            (WS.VSS_WS_FAILED_AT_IDENTIFY, E.ABORT),
            (WS.VSS_WS_FAILED_AT_POST_SNAPSHOT, E.ABORT),
            (WS.VSS_WS_FAILED_AT_BACKUP_COMPLETE, E.ABORT),
            (WS.VSS_WS_FAILED_AT_PRE_RESTORE, E.ABORT),
            (WS.VSS_WS_FAILED_AT_POST_RESTORE, E.ABORT),
            (WS.VSS_WS_FAILED_AT_PRE_RESTORE, E.BACKUP_SHUTDOWN),
            (WS.VSS_WS_FAILED_AT_POST_RESTORE, E.BACKUP_SHUTDOWN),
            (WS.VSS_WS_FAILED_AT_BACKUPSHUTDOWN, E.ABORT),
            (WS.VSS_WS_FAILED_AT_BACKUPSHUTDOWN, E.BACKUP_SHUTDOWN),
        ],
        key=_row_id,
    )


# ---------------------------------------------------------------------------------------------
# The Freeze→Thaw window (Timeout.FREEZE_WINDOW)
# ---------------------------------------------------------------------------------------------


class SlowFreeze(ProbeWriter):
    """Works 2 virtual seconds in OnFreeze."""

    def OnFreeze(self) -> bool:
        current_system().sleep(2)
        return super().OnFreeze()


def test_freeze_window_lapse(vss_system: VssSystem) -> None:
    """A Freeze→Thaw window longer than timeout_freeze: FAILED_AT_FREEZE with
    VSS_E_WRITERERROR_TIMEOUT and OnAbort instead of OnThaw (KB 915331, docs/reference.md §2.2, §6)."""
    row = (WS.VSS_WS_WAITING_FOR_THAW, Timeout.FREEZE_WINDOW)
    assert WRITER_TRANSITIONS[row].failed is WS.VSS_WS_FAILED_AT_FREEZE
    probe = make_writer(vss_system, "Probe", cls=ProbeWriter, timeout_freeze=1000)
    # The next writer of the level works 2 s in OnFreeze (within its own 60 s window), so the
    # probe's 1 s window lapses after its OnFreeze returned.
    make_writer(vss_system, "Slow", cls=SlowFreeze)
    bc = drive_to(vss_system.CreateVssBackupComponents(), P.PREPARED_FOR_BACKUP)
    assert settle(bc.DoSnapshotSet()) == VSS_E_UNEXPECTED_WRITER_ERROR
    status = writer_status(bc, probe)
    assert status is not None
    assert status.state is WS.VSS_WS_FAILED_AT_FREEZE
    assert status.hr_failure == VSS_E_WRITERERROR_TIMEOUT
    session = bc.GetSessionId()
    assert probe.entries(E.ABORT, session) == [WS.VSS_WS_FAILED_AT_FREEZE]
    assert probe.entries(E.THAW, session) == []
    faults = [r for r in vss_system.trace if r.kind is TraceKind.FAULT and r.writer == "Probe"]
    assert [r.name for r in faults] == [Timeout.FREEZE_WINDOW.value]


# ---------------------------------------------------------------------------------------------
# Provider failures during creation (why two BackupShutdown rows are unreachable)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("step", CREATION_STEPS)
def test_provider_failure_after_prepare_snapshot_aborts_the_writers(
    vss_system: VssSystem, step: str
) -> None:
    """Any provider failure during creation after the PrepareForSnapshot event generates an
    Abort (docs/reference.md §4.2 trigger 4): every joined writer gets OnAbort before DoSnapshotSet
    returns, so none is left WAITING_FOR_FREEZE/THAW/POST_SNAPSHOT for BackupShutdown."""
    provider = provider_veto(at=step)
    vss_system.register_provider(provider)
    probe = make_writer(vss_system, "Probe", cls=ProbeWriter)
    bc = begin_backup(vss_system.CreateVssBackupComponents())
    bc.StartSnapshotSet()
    bc.AddToSnapshotSet("C:\\", provider.provider_id)
    bc.PrepareForBackup().Wait()
    op = bc.DoSnapshotSet()
    assert settle(op) == VSS_E_PROVIDER_VETO
    session = bc.GetSessionId()
    events = [s.event for s in probe.seen if s.session_id == session]
    assert events[-1] is E.ABORT
    assert E.POST_SNAPSHOT not in events
    assert vss_system.shadow_copies() == []
    bc.Release()
    assert probe.entries(E.BACKUP_SHUTDOWN, session) == [WS.VSS_WS_STABLE]


# ---------------------------------------------------------------------------------------------
# Totality: every (state, trigger) the coordinator produces is a row
# ---------------------------------------------------------------------------------------------


def _replay(trace: list[TraceRecord]) -> Iterator[tuple[tuple[Any, Any], tuple[Any, Any]]]:
    """Replay WRITER_TRANSITIONS over a trace: per (session, writer), from STABLE, each event
    record and each Freeze-window fault gives the (state, trigger) it met; the handler's result
    ("true" = success) picks the outcome. Yields ((session, writer), (state, trigger))."""
    states: dict[tuple[Any, Any], VSS_WRITER_STATE] = {}
    lapse = Timeout.FREEZE_WINDOW
    for record in trace:
        key = (record.session_id, record.writer)
        if record.kind is TraceKind.EVENT:
            trigger: WriterEvent | Timeout = WriterEvent(record.name)
            ok = record.result == "true"
        elif record.kind is TraceKind.FAULT and record.name == lapse.value:
            trigger, ok = lapse, False
        else:
            continue
        state = states.get(key, WS.VSS_WS_STABLE)
        yield key, (state, trigger)
        outcome = WRITER_TRANSITIONS[(state, trigger)]
        new = outcome.ok if ok else outcome.failed
        states[key] = state if new is None else new


def test_totality_over_varied_runs() -> None:
    """Every (state, trigger) met in the scenarios of this module (each with every handler
    outcome, each with its own seed), the Freeze-window lapse and the provider failures is a row
    of WRITER_TRANSITIONS; the rows met are exactly the ones SCENARIOS claims, and the states the
    replay computes agree with what the writers saw when each event arrived."""
    met: set[tuple[Any, Any]] = set()
    seed = 0
    runs: list[tuple[VssSystem, list[ProbeWriter]]] = []
    for row in SCENARIOS:
        for mode in Mode:
            seed += 1
            with VssSystem(seed=seed) as system:
                result = run_scenario(system, row, mode)
                runs.append((system, [w for w in system.writers if isinstance(w, ProbeWriter)]))
                assert result.before is row[0]
    with VssSystem(seed=seed + 1) as system:
        lapsed = make_writer(system, "Probe", cls=ProbeWriter, timeout_freeze=1000)
        make_writer(system, "Slow", cls=SlowFreeze)
        settle(drive_to(system.CreateVssBackupComponents(), P.PREPARED_FOR_BACKUP).DoSnapshotSet())
        runs.append((system, [lapsed]))
    for step in CREATION_STEPS:
        with VssSystem(seed=seed + 2) as system:
            provider = provider_veto(at=step)
            system.register_provider(provider)
            vetoed = make_writer(system, "Probe", cls=ProbeWriter)
            with system.CreateVssBackupComponents() as bc:
                drive_to(bc, P.METADATA_GATHERED)
                bc.StartSnapshotSet()
                bc.AddToSnapshotSet("C:\\", provider.provider_id)
                bc.PrepareForBackup().Wait()
                settle(bc.DoSnapshotSet())
            runs.append((system, [vetoed]))
    for system, probes in runs:
        replayed = list(_replay(system.trace))
        for _, pair in replayed:
            assert pair in WRITER_TRANSITIONS, f"no row for {pair}"
            met.add(pair)
        for probe in probes:
            name = probe._vss.name
            seen_by_replay = [(k[0], p) for k, p in replayed if k[1] == name]
            seen_by_writer = [(s.session_id, (s.state, s.event)) for s in probe.seen]
            assert [x for x in seen_by_replay if isinstance(x[1][1], WriterEvent)] == seen_by_writer
    assert met == set(SCENARIOS) | {(WS.VSS_WS_WAITING_FOR_THAW, Timeout.FREEZE_WINDOW)}
