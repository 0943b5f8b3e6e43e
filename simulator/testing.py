"""Property testing against the model: ``VssStateMachine``, a Hypothesis state machine to extend.

API.md "Property testing"::

    class MyWriterMachine(VssStateMachine):
        def make_writers(self, system):
            return [MyWriter()]

    TestMyWriter = MyWriterMachine.TestCase

The machine drives requesters (backup steps in order, out-of-order calls, aborts, releases,
concurrent sessions) and virtual time against a fresh ``VssSystem`` whose generator Hypothesis
draws, so failing interleavings shrink too. Its invariants fail on any ``system.violations`` entry
and on broken model invariants: after OnFreeze always OnThaw or OnAbort, never OnAbort after
OnPostSnapshot, at most one set in creation (vss-facts §4.2, §8).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    precondition,
    rule,
)

from ._enums import (
    VSS_BACKUP_TYPE,
    VSS_SOURCE_TYPE,
    VSS_USAGE_TYPE,
)
from ._errors import VssBadState, VssError, VssSnapshotSetInProgress
from ._requester import IVssBackupComponents
from ._rules import ASYNC_CALLS, Call, Phase
from ._system import VssSystem
from ._trace import TraceKind
from ._writer import CVssWriter

__all__ = ["VssStateMachine", "check_event_order", "run_backup"]

#: The next documented call of a backup in each phase (vss-facts §3.2).
NEXT_BACKUP_STEP: dict[Phase, Call] = {
    Phase.BACKUP_INITIALIZED: Call.GATHER_WRITER_METADATA,
    Phase.METADATA_GATHERED: Call.START_SNAPSHOT_SET,
    Phase.SNAPSHOT_SET_STARTED: Call.ADD_TO_SNAPSHOT_SET,
    Phase.PREPARED_FOR_BACKUP: Call.DO_SNAPSHOT_SET,
    Phase.SNAPSHOT_SET_CREATED: Call.BACKUP_COMPLETE,
}

#: Calls the machine may make out of order: every call whose arguments need nothing but the object.
_ARGLESS: dict[Call, Callable[[IVssBackupComponents], Any]] = {
    Call.SET_BACKUP_STATE: lambda bc: bc.SetBackupState(False, False, VSS_BACKUP_TYPE.VSS_BT_FULL),
    Call.GATHER_WRITER_METADATA: lambda bc: bc.GatherWriterMetadata(),
    Call.GET_WRITER_METADATA_COUNT: lambda bc: bc.GetWriterMetadataCount(),
    Call.START_SNAPSHOT_SET: lambda bc: bc.StartSnapshotSet(),
    Call.ADD_TO_SNAPSHOT_SET: lambda bc: bc.AddToSnapshotSet("C:\\"),
    Call.PREPARE_FOR_BACKUP: lambda bc: bc.PrepareForBackup(),
    Call.DO_SNAPSHOT_SET: lambda bc: bc.DoSnapshotSet(),
    Call.BACKUP_COMPLETE: lambda bc: bc.BackupComplete(),
    Call.ABORT_BACKUP: lambda bc: bc.AbortBackup(),
    Call.GATHER_WRITER_STATUS: lambda bc: bc.GatherWriterStatus(),
    Call.GET_WRITER_COMPONENTS_COUNT: lambda bc: bc.GetWriterComponentsCount(),
    Call.SAVE_AS_XML: lambda bc: bc.SaveAsXML(),
    Call.GET_SESSION_ID: lambda bc: bc.GetSessionId(),
}


def run_backup(system: VssSystem, component_mode: bool = False, retry_every: float = 5.0) -> None:
    """One complete backup of C:\\ (vss-facts §3.2), retrying while another set is in creation."""
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(component_mode, False, VSS_BACKUP_TYPE.VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        if component_mode:
            _add_all_components(bc)
        while True:
            try:
                bc.StartSnapshotSet()
                break
            except VssSnapshotSetInProgress:
                system.sleep(retry_every)
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        try:
            bc.DoSnapshotSet().Wait()
        except VssError:
            bc.AbortBackup()
            return
        bc.BackupComplete().Wait()


def _add_all_components(bc: IVssBackupComponents) -> None:
    """Include every selectable or top-level component explicitly (vss-facts §7.4)."""
    for index in range(bc.GetWriterMetadataCount()):
        instance_id, metadata = bc.GetWriterMetadata(index)
        writer_id = metadata.GetIdentity()[1]
        components = metadata.metadata.components
        paths = {
            f"{c.logical_path}\\{c.component_name}" if c.logical_path else c.component_name
            for c in components
        }
        for component in components:
            parent = component.logical_path
            if parent and parent in paths and not component.selectable:
                continue  # implicit with its ancestor: never added explicitly
            bc.AddComponent(
                instance_id,
                writer_id,
                component.type,
                component.logical_path,
                component.component_name,
            )


def check_event_order(system: VssSystem) -> list[str]:
    """Breaches of the documented event guarantees, one message each (vss-facts §4.2).

    After OnFreeze a writer always gets OnThaw or OnAbort in that session (once the session's
    object is released), and never OnAbort after OnPostSnapshot.
    """
    problems: list[str] = []
    seen: dict[tuple[uuid.UUID | None, str | None], list[str]] = {}
    for record in system.iter_entries():
        if record.kind is TraceKind.EVENT:
            seen.setdefault((record.session_id, record.writer), []).append(record.name)
    for (session, writer), events in seen.items():
        if "OnPostSnapshot" in events and "OnAbort" in events[events.index("OnPostSnapshot") :]:
            problems.append(f"{writer} got OnAbort after OnPostSnapshot in session {session}")
        if "OnFreeze" in events and "OnBackupShutdown" in events:
            after = events[events.index("OnFreeze") + 1 :]
            if "OnThaw" not in after and "OnAbort" not in after:
                problems.append(f"{writer} got OnFreeze but neither OnThaw nor OnAbort ({session})")
    return problems


class _Session:
    """A requester's object driven by the machine; repr is the name the machine gave it."""

    def __init__(self, bc: IVssBackupComponents, name: str) -> None:
        self.bc = bc
        self.name = name

    def __repr__(self) -> str:
        return self.name


class VssStateMachine(RuleBasedStateMachine):
    """A Hypothesis state machine over one simulated machine; extend ``make_writers``."""

    sessions = Bundle("sessions")

    def __init__(self) -> None:
        super().__init__()
        self.system: VssSystem | None = None
        self._open: list[_Session] = []
        self._count = 0

    def make_writers(self, system: VssSystem) -> list[CVssWriter]:
        """The writers under test, built fresh for each machine. Uninitialized ones are
        initialized (a generated writer id, the class name, USERDATA/OTHER) and subscribed."""
        return []

    # -- set-up and tear-down -------------------------------------------------------------------

    @initialize(rng=st.randoms(use_true_random=False))
    def build_machine(self, rng: Any) -> None:
        system = VssSystem(rng=rng)
        system.__enter__()
        self.system = system
        for index, writer in enumerate(self.make_writers(system)):
            if "_vss" not in writer.__dict__:
                writer.Initialize(
                    system.new_guid(),
                    f"{type(writer).__name__} {index}",
                    VSS_USAGE_TYPE.VSS_UT_USERDATA,
                    VSS_SOURCE_TYPE.VSS_ST_OTHER,
                )
            if not writer._vss.subscribed:
                writer.Subscribe()

    def teardown(self) -> None:
        system = self.system
        if system is None:
            return
        try:
            for session in self._open:
                session.bc.Release()
            self._open.clear()
            problems = check_event_order(system)
            assert not problems, "\n".join(problems)
            assert not system.violations, _describe_violations(system)
        finally:
            system.__exit__(None, None, None)

    @property
    def _system(self) -> VssSystem:
        assert self.system is not None
        return self.system

    # -- rules --------------------------------------------------------------------------------

    @rule(
        target=sessions, component_mode=st.booleans(), backup_type=st.sampled_from(VSS_BACKUP_TYPE)
    )
    def start_backup(self, component_mode: bool, backup_type: VSS_BACKUP_TYPE) -> _Session:
        """A new requester: InitializeForBackup, SetBackupState, GatherWriterMetadata."""
        bc = self._system.CreateVssBackupComponents()
        self._count += 1
        session = _Session(bc, f"session_{self._count}")
        self._open.append(session)
        bc.InitializeForBackup()
        bc.SetBackupState(component_mode, False, backup_type)
        bc.GatherWriterMetadata().Wait()
        if component_mode:
            _add_all_components(bc)
        return session

    @rule(session=sessions)
    def next_step(self, session: _Session) -> None:
        """The next documented call for where the object stands."""
        bc = session.bc
        call = NEXT_BACKUP_STEP.get(bc.phase)
        if call is None:
            return
        if call is Call.ADD_TO_SNAPSHOT_SET:
            if not bc._session.planned:
                bc.AddToSnapshotSet("C:\\")
            bc.PrepareForBackup().Wait()
            return
        try:
            result = _ARGLESS[call](bc)
        except VssSnapshotSetInProgress:
            assert self._system._creating is not None
            return
        if call in ASYNC_CALLS:
            try:
                result.Wait()
            except VssError:
                assert bc.phase is Phase.SNAPSHOT_SET_FAILED

    @rule(session=sessions, call=st.sampled_from(sorted(_ARGLESS, key=lambda c: c.value)))
    def any_call(self, session: _Session, call: Call) -> None:
        """Any call at any time: it is taken exactly when the order table has a row for it."""
        bc = session.bc
        before = bc.phase
        allowed = (before, call) in bc._order
        try:
            result = _ARGLESS[call](bc)
        except VssBadState:
            assert not allowed, f"{call.value} was refused in {before.name} but the table allows it"
            assert bc.phase is before
            return
        except VssSnapshotSetInProgress:
            assert allowed and self._system._creating is not None
            return
        except VssError:
            assert allowed
            return
        assert allowed, f"{call.value} was taken in {before.name} but the table has no row for it"
        if call in ASYNC_CALLS:
            # An operation's own failure is fine: the table's Move.failed says where it leads.
            with contextlib.suppress(VssError):
                result.Wait()

    @rule(session=consumes(sessions))
    def release(self, session: _Session) -> None:
        """Release the object (BackupShutdown; auto-release copies deleted)."""
        session.bc.Release()
        self._open.remove(session)
        assert session.bc.phase is Phase.RELEASED

    @rule(seconds=st.sampled_from([0.5, 5, 59, 61, 600]))
    def advance_time(self, seconds: float) -> None:
        """Let virtual time pass."""
        before = self._system.clock.now
        self._system.sleep(seconds)
        assert self._system.clock.now >= before + seconds - 1e-6

    @precondition(lambda self: self.system is not None and self.system._creating is None)
    @rule(count=st.integers(min_value=2, max_value=4), component_mode=st.booleans())
    def concurrent_backups(self, count: int, component_mode: bool) -> None:
        """Several complete backups at once, each on its own task (vss-facts §8)."""
        system = self._system
        for _ in range(count):
            system.spawn(run_backup, system, component_mode)
        system.run()

    # -- invariants ---------------------------------------------------------------------------

    @invariant()
    def no_violations(self) -> None:
        """No writer broke a documented rule."""
        if self.system is not None:
            assert not self.system.violations, _describe_violations(self.system)

    @invariant()
    def one_set_in_creation(self) -> None:
        """At most one set is in creation, and only by an object that is still alive."""
        if self.system is not None and self.system._creating is not None:
            holders = [s for s in self._open if s.bc._session is self.system._creating]
            assert len(holders) == 1


def _describe_violations(system: VssSystem) -> str:
    lines = [f"{len(system.violations)} rule violation(s):"]
    lines += [
        f"- [{v.rule.value}] {v.writer} in {v.handler}: {v.message}" for v in system.violations
    ]
    return "\n".join(lines)
