"""Property testing against the model: ``VssStateMachine``, a Hypothesis state machine to extend.

docs/api.md "Property testing"::

    class MyWriterMachine(VssStateMachine):
        def make_writers(self, system):
            return [MyWriter()]

    TestMyWriter = MyWriterMachine.TestCase

The machine drives requesters (backup steps in order, out-of-order calls, aborts, releases,
concurrent sessions, complete backups and restores of their saved BCDs), provider faults and
virtual time against a fresh ``VssSystem`` whose generator Hypothesis draws, so failing
interleavings shrink too. Its invariants fail on any ``system.violations`` entry and on broken
model invariants: after OnFreeze always OnThaw or OnAbort, never OnAbort after OnPostSnapshot,
restore events in order, at most one set in creation (docs/reference.md §4.2, §4.4, §8), and every
injected provider fault reaching its requester with the documented code (§6, §9)."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)

from simulator import (
    VSS_BACKUP_TYPE,
    VSS_FILE_RESTORE_STATUS,
    VSS_SOURCE_TYPE,
    VSS_USAGE_TYPE,
    VSS_WRITERRESTORE_ENUM,
    Call,
    CVssWriter,
    IVssBackupComponents,
    Phase,
    TraceKind,
    VssBadState,
    VssError,
    VssObjectNotFound,
    VssSnapshotSetInProgress,
    VssSystem,
    system_of,
)
from simulator import hresults as hr
from simulator.rules import ASYNC_CALLS

from .drivers import (
    ARGLESS_CALLS,
    NEXT_BACKUP_STEP,
    add_all_components,
    bcd_components,
    check_event_order,
    restore_order,
    run_backup,
)
from .fault_provider import CREATION_STEPS, PROVIDER_FAULTS, FaultProvider


class _Session:
    """A requester's object driven by the machine; repr is the name the machine gave it."""

    def __init__(self, bc: IVssBackupComponents, name: str) -> None:
        self.bc = bc
        self.name = name

    def __repr__(self) -> str:
        return self.name


class _SavedBackup:
    """The BCD a complete backup saved (SaveAsXML); repr is the name the machine gave it."""

    def __init__(self, xml: str, name: str) -> None:
        self.xml = xml
        self.name = name

    def __repr__(self) -> str:
        return self.name


class VssStateMachine(RuleBasedStateMachine):
    """A Hypothesis state machine over one simulated machine; extend ``make_writers``."""

    sessions = Bundle("sessions")
    backups = Bundle("backups")

    def __init__(self) -> None:
        super().__init__()
        self.system: VssSystem | None = None
        self.provider: FaultProvider | None = None
        self._open: list[_Session] = []
        self._count = 0
        self._saved = 0
        self._fault_armed = False
        self._failure_reported = False

    def make_writers(self, system: VssSystem) -> Sequence[CVssWriter]:
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
            if not _initialized(writer):
                writer.Initialize(
                    system.new_guid(),
                    f"{type(writer).__name__} {index}",
                    VSS_USAGE_TYPE.VSS_UT_USERDATA,
                    VSS_SOURCE_TYPE.VSS_ST_OTHER,
                )
            if writer not in system.writers:
                writer.Subscribe()

    def teardown(self) -> None:
        system = self.system
        if system is None:
            return
        try:
            for session in self._open:
                session.bc.Release()
            self._open.clear()
            if not self._failure_reported:
                # An invariant that failed has reported this already: report each failure once.
                problems = check_event_order(system)
                assert not problems, "\n".join(problems)
                assert not system.violations, _describe_violations(system)
        finally:
            system.__exit__(None, None, None)

    @property
    def _system(self) -> VssSystem:
        assert self.system is not None
        return self.system

    def _check_creation(self, bc: IVssBackupComponents, error: VssError | None) -> None:
        """The requester sees the code of the fault the provider injected (docs/reference.md §6, §9)."""
        set_id = bc.snapshot_set_id
        expected = None
        if self.provider is not None and set_id is not None:
            expected = self.provider.expected.pop(set_id, None)
        if expected is None:
            assert error is None or error.hresult != hr.VSS_E_HOLD_WRITES_TIMEOUT, (
                f"DoSnapshotSet failed with {error!r} though no commit overran the 10 s window"
            )
            return
        assert error is not None, (
            f"DoSnapshotSet succeeded though the provider failed set {set_id}: "
            f"expected {hr.name_of(expected)}"
        )
        assert isinstance(error, VssError) and error.hresult == expected, (
            f"DoSnapshotSet failed with {error.name} ({error}); the requester must see "
            f"{hr.name_of(expected)} (docs/reference.md §6, §9)"
        )

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
            add_all_components(bc)
        return session

    @rule(session=sessions)
    def next_step(self, session: _Session) -> None:
        """The next documented call for where the object stands."""
        bc = session.bc
        call = NEXT_BACKUP_STEP.get(bc.phase)
        if call is None:
            return
        if call is Call.ADD_TO_SNAPSHOT_SET:
            if not bc.volumes_in_set:
                bc.AddToSnapshotSet("C:\\")
            bc.PrepareForBackup().Wait()
            return
        try:
            result = ARGLESS_CALLS[call](bc)
        except VssSnapshotSetInProgress:
            assert self._system.creating_session_id is not None
            return
        if call in ASYNC_CALLS:
            try:
                result.Wait()
            except VssError as exc:
                assert bc.phase is Phase.SNAPSHOT_SET_FAILED
                if call is Call.DO_SNAPSHOT_SET:
                    self._check_creation(bc, exc)
            else:
                if call is Call.DO_SNAPSHOT_SET:
                    self._check_creation(bc, None)

    @rule(session=sessions, call=st.sampled_from(sorted(ARGLESS_CALLS, key=lambda c: c.value)))
    def any_call(self, session: _Session, call: Call) -> None:
        """Any call at any time: it is taken exactly when the order table has a row for it."""
        bc = session.bc
        before = bc.phase
        allowed = (before, call) in bc.call_order
        try:
            result = ARGLESS_CALLS[call](bc)
        except VssBadState:
            assert not allowed, f"{call.value} was refused in {before.name} but the table allows it"
            assert bc.phase is before
            return
        except VssSnapshotSetInProgress:
            assert allowed and self._system.creating_session_id is not None
            return
        except VssError:
            assert allowed
            return
        assert allowed, f"{call.value} was taken in {before.name} but the table has no row for it"
        if call in ASYNC_CALLS:
            # An operation's own failure is fine: the table's Move.failed says where it leads.
            error: VssError | None = None
            try:
                result.Wait()
            except VssError as exc:
                error = exc
            if call is Call.DO_SNAPSHOT_SET:
                self._check_creation(bc, error)

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

    @precondition(lambda self: self.system is not None and self.system.creating_session_id is None)
    @rule(count=st.integers(min_value=2, max_value=4), component_mode=st.booleans())
    def concurrent_backups(self, count: int, component_mode: bool) -> None:
        """Several complete backups at once, each on its own task (docs/reference.md §8)."""
        system = self._system
        outcomes: list[tuple[IVssBackupComponents, VssError | None]] = []

        def observe(bc: IVssBackupComponents, error: VssError | None) -> None:
            outcomes.append((bc, error))

        for _ in range(count):
            system.spawn(functools.partial(run_backup, observe=observe), system, component_mode)
        system.run()
        for bc, error in outcomes:
            self._check_creation(bc, error)

    @precondition(lambda self: self.system is not None and self.system.creating_session_id is None)
    @rule(target=backups)
    def backup(self) -> _SavedBackup | MultipleResults[_SavedBackup]:
        """One complete component-mode backup on the main thread (docs/reference.md §3.2); its BCD
        (SaveAsXML) is kept for ``restore``. A failed set is aborted and keeps nothing."""
        with self._system.CreateVssBackupComponents() as bc:
            bc.InitializeForBackup()
            bc.SetBackupState(True, False, VSS_BACKUP_TYPE.VSS_BT_FULL)
            bc.GatherWriterMetadata().Wait()
            add_all_components(bc)
            bc.StartSnapshotSet()
            bc.AddToSnapshotSet("C:\\")
            bc.PrepareForBackup().Wait()
            try:
                bc.DoSnapshotSet().Wait()
            except VssError as exc:
                self._check_creation(bc, exc)
                bc.AbortBackup()
                return multiple()
            self._check_creation(bc, None)
            for instance_id, writer_id, kind, path, name in bcd_components(bc):
                bc.SetBackupSucceeded(instance_id, writer_id, kind, path, name, True)
            bc.BackupComplete().Wait()
            xml = bc.SaveAsXML()
        self._saved += 1
        return _SavedBackup(xml, f"backup_{self._saved}")

    @rule(
        saved=backups,
        status=st.sampled_from(
            [VSS_FILE_RESTORE_STATUS.VSS_RS_ALL, VSS_FILE_RESTORE_STATUS.VSS_RS_FAILED]
        ),
    )
    def restore(self, saved: _SavedBackup, status: VSS_FILE_RESTORE_STATUS) -> None:
        """A complete restore of a saved BCD on the main thread (docs/reference.md §3.3), every component
        of a running writer selected; each writer's events checked against §4.4."""
        system = self._system
        with system.CreateVssBackupComponents() as bc:
            bc.InitializeForRestore(saved.xml)
            session_id = bc.GetSessionId()
            bc.GatherWriterMetadata().Wait()
            running: dict[uuid.UUID, tuple[str, VSS_WRITERRESTORE_ENUM]] = {}
            for index in range(bc.GetWriterMetadataCount()):
                metadata = bc.GetWriterMetadata(index)[1]
                writer_id, writer_name = metadata.GetIdentity()[1:3]
                running[writer_id] = (writer_name, metadata.GetRestoreMethod()[3])
            selected = []
            for _, writer_id, kind, path, name in bcd_components(bc):
                if writer_id in running:
                    bc.SetSelectedForRestore(writer_id, kind, path, name, True)
                    selected.append((writer_id, kind, path, name))
                    continue
                try:
                    bc.SetSelectedForRestore(writer_id, kind, path, name, True)
                except VssObjectNotFound:
                    continue
                raise AssertionError(
                    f"SetSelectedForRestore took {name!r} of writer {writer_id}, which is not "
                    "running (docs/reference.md §3.3 row 6: VSS_E_OBJECT_NOT_FOUND)"
                )
            bc.PreRestore().Wait()
            for writer_id, kind, path, name in selected:
                bc.SetFileRestoreStatus(writer_id, kind, path, name, status)
            bc.PostRestore().Wait()
        chosen = {running[writer_id] for writer_id, *_ in selected}
        problems = _check_restore(system, session_id, chosen, status)
        assert not problems, "\n".join(problems)

    @precondition(lambda self: self.system is not None and not self._fault_armed)
    @rule(
        step=st.sampled_from(CREATION_STEPS),
        fault=st.sampled_from(sorted(PROVIDER_FAULTS)),
        times=st.integers(min_value=1, max_value=3),
    )
    def inject_provider_fault(self, step: str, fault: str, times: int) -> None:
        """Once per machine: the C:\\ provider fails ``step`` with ``fault`` ``times`` times,
        then behaves (docs/reference.md §9)."""
        self._fault_armed = True
        self._fault_provider().arm(step, fault, times)

    @rule(milliseconds=st.sampled_from([0, 500, 2_000, 9_999, 10_000, 10_001, 12_000]))
    def delay_next_commit(self, milliseconds: int) -> None:
        """The next CommitSnapshots of the C:\\ provider takes ``milliseconds`` of virtual time;
        past 10 s the set fails with VSS_E_HOLD_WRITES_TIMEOUT (docs/reference.md §6)."""
        self._fault_provider().delay(milliseconds)

    def _fault_provider(self) -> FaultProvider:
        if self.provider is None:
            self.provider = FaultProvider(self._system)
            self._system.register_provider(self.provider)
        return self.provider

    # -- invariants ---------------------------------------------------------------------------

    @invariant()
    def no_violations(self) -> None:
        """No writer broke a documented rule."""
        if self.system is not None and self.system.violations:
            self._failure_reported = True
            raise AssertionError(_describe_violations(self.system))

    @invariant()
    def one_set_in_creation(self) -> None:
        """At most one set is in creation, and only by an object that is still alive."""
        if self.system is not None and self.system.creating_session_id is not None:
            holders = [s for s in self._open if s.bc.session_id == self.system.creating_session_id]
            assert len(holders) == 1

    @invariant()
    def faults_reach_requesters(self) -> None:
        """Every set the provider broke was reported to its requester (docs/reference.md §9)."""
        if self.provider is not None:
            unseen = {str(k): hr.name_of(v) for k, v in self.provider.expected.items()}
            assert not unseen, f"provider faults no requester saw: {unseen}"


def _check_restore(
    system: VssSystem,
    session_id: uuid.UUID,
    chosen: set[tuple[str, VSS_WRITERRESTORE_ENUM]],
    status: VSS_FILE_RESTORE_STATUS,
) -> list[str]:
    """Breaches of the restore timeline in one session (docs/reference.md §4.4): the order of each
    writer's events; OnPreRestore to the writers with a selected component (unless their restore
    method is VSS_WRE_NEVER) and to no other; OnPostRestore to each that took OnPreRestore, a
    VSS_WRE_IF_REPLACE_FAILS writer only after VSS_RS_FAILED (the model's [INF] sign of a failed
    restore)."""
    events: dict[str, list[tuple[str, str | None]]] = {}
    for record in system.iter_entries():
        if record.kind is TraceKind.EVENT and record.session_id == session_id:
            events.setdefault(record.writer or "", []).append((record.name, record.result))
    problems: list[str] = []
    for writer, got in events.items():
        problems += restore_order(writer, [name for name, _ in got], session_id)
    wanted = {name for name, method in chosen if method != VSS_WRITERRESTORE_ENUM.VSS_WRE_NEVER}
    for writer, got in events.items():
        names = [name for name, _ in got]
        if "OnPreRestore" in names and writer not in wanted:
            problems.append(f"{writer} got OnPreRestore: nothing selected, or VSS_WRE_NEVER")
    for writer, method in sorted(chosen):
        if writer not in wanted:
            continue
        got = events.get(writer, [])
        pre = [result for name, result in got if name == "OnPreRestore"]
        post = [name for name, _ in got if name == "OnPostRestore"]
        if not pre:
            problems.append(f"{writer} has a component selected but got no OnPreRestore")
            continue
        if not all(result == "true" for result in pre):
            continue  # a writer that failed PreRestore: no PostRestore is promised
        replace_fails = method == VSS_WRITERRESTORE_ENUM.VSS_WRE_IF_REPLACE_FAILS
        if replace_fails and status != VSS_FILE_RESTORE_STATUS.VSS_RS_FAILED:
            if post:
                problems.append(
                    f"{writer} (VSS_WRE_IF_REPLACE_FAILS) got OnPostRestore after {status.name}"
                )
        elif not post:
            problems.append(f"{writer} took OnPreRestore but got no OnPostRestore")
    return problems


def _describe_violations(system: VssSystem) -> str:
    lines = [f"{len(system.violations)} rule violation(s):"]
    lines += [
        f"- [{v.rule.value}] {v.writer} in {v.handler}: {v.message}" for v in system.violations
    ]
    return "\n".join(lines)


def _initialized(writer: CVssWriter) -> bool:
    try:
        system_of(writer)
    except VssBadState:
        return False
    return True
