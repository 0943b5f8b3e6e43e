"""Property testing against the model: ``VssStateMachine``, a Hypothesis state machine to extend.

API.md "Property testing"::

    class MyWriterMachine(VssStateMachine):
        def make_writers(self, system):
            return [MyWriter()]

    TestMyWriter = MyWriterMachine.TestCase

The machine drives requesters (backup steps in order, out-of-order calls, aborts, releases,
concurrent sessions, complete backups and restores of their saved BCDs), provider faults and
virtual time against a fresh ``VssSystem`` whose generator Hypothesis draws, so failing
interleavings shrink too. Its invariants fail on any ``system.violations`` entry and on broken
model invariants: after OnFreeze always OnThaw or OnAbort, never OnAbort after OnPostSnapshot,
restore events in order, at most one set in creation (vss-facts §4.2, §4.4, §8), and every
injected provider fault reaching its requester with the documented code (§6, §9).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterator, Sequence
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

from . import hresults as hr
from ._enums import (
    VSS_BACKUP_TYPE,
    VSS_COMPONENT_TYPE,
    VSS_FILE_RESTORE_STATUS,
    VSS_PROVIDER_TYPE,
    VSS_SOURCE_TYPE,
    VSS_USAGE_TYPE,
    VSS_WRITERRESTORE_ENUM,
)
from ._errors import (
    VssBadState,
    VssError,
    VssObjectNotFound,
    VssSnapshotSetInProgress,
    make_error,
)
from ._harness.explore import explore
from ._provider import PROVIDER_CODES, VssProvider
from ._requester import IVssBackupComponents
from ._rules import ASYNC_CALLS, Call, Phase
from ._system import VssSystem
from ._trace import TraceKind
from ._writer import CVssWriter

__all__ = [
    "CREATION_STEPS",
    "PROVIDER_FAULTS",
    "FaultProvider",
    "VssStateMachine",
    "check_event_order",
    "explore",
    "run_backup",
]

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


#: Observes one DoSnapshotSet: the requester's object and the error it raised, or None.
Observer = Callable[[IVssBackupComponents, VssError | None], None]


def run_backup(
    system: VssSystem,
    component_mode: bool = False,
    retry_every: float = 5.0,
    *,
    observe: Observer | None = None,
) -> None:
    """One complete backup of C:\\ (vss-facts §3.2), retrying while another set is in creation.

    ``observe(bc, error)`` is told how DoSnapshotSet ended; a failed set is aborted (§4.2).
    """
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
        except VssError as exc:
            if observe is not None:
                observe(bc, exc)
            bc.AbortBackup()
            return
        if observe is not None:
            observe(bc, None)
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


#: One component of a BCD: (instance id, writer id, type, logical path, name).
_BcdComponent = tuple[uuid.UUID, uuid.UUID, VSS_COMPONENT_TYPE, str | None, str]


def _bcd_components(bc: IVssBackupComponents) -> Iterator[_BcdComponent]:
    """The components of the object's BCD, through GetWriterComponents (vss-facts §3.3 row 5)."""
    for index in range(bc.GetWriterComponentsCount()):
        writer_components = bc.GetWriterComponents(index)
        instance_id, writer_id = writer_components.GetWriterInfo()
        for position in range(writer_components.GetComponentCount()):
            component = writer_components.GetComponent(position)
            yield (
                instance_id,
                writer_id,
                component.GetComponentType(),
                component.GetLogicalPath(),
                component.GetComponentName(),
            )


#: Events of the backup life cycle: none belongs in a restore session (vss-facts §4.4).
_BACKUP_EVENTS = frozenset(
    {
        "OnPrepareBackup",
        "OnPrepareSnapshot",
        "OnFreeze",
        "OnThaw",
        "OnPostSnapshot",
        "OnAbort",
        "OnBackupComplete",
        "OnBackupShutdown",
    }
)
_RESTORE_EVENTS = ("OnPreRestore", "OnPostRestore")


def check_event_order(system: VssSystem) -> list[str]:
    """Breaches of the documented event guarantees, one message each (vss-facts §4.2, §4.4).

    After OnFreeze a writer always gets OnThaw or OnAbort in that session (once the session's
    object is released), and never OnAbort after OnPostSnapshot. In a session with restore events,
    no backup event, and OnPostRestore only after OnPreRestore.
    """
    problems: list[str] = []
    seen: dict[tuple[uuid.UUID | None, str | None], list[str]] = {}
    for record in system.iter_entries():
        if record.kind is TraceKind.EVENT:
            seen.setdefault((record.session_id, record.writer), []).append(record.name)
    restores = {
        session
        for (session, _), events in seen.items()
        if any(e in _RESTORE_EVENTS for e in events)
    }
    for (session, writer), events in seen.items():
        if "OnPostSnapshot" in events and "OnAbort" in events[events.index("OnPostSnapshot") :]:
            problems.append(f"{writer} got OnAbort after OnPostSnapshot in session {session}")
        if "OnFreeze" in events and "OnBackupShutdown" in events:
            after = events[events.index("OnFreeze") + 1 :]
            if "OnThaw" not in after and "OnAbort" not in after:
                problems.append(f"{writer} got OnFreeze but neither OnThaw nor OnAbort ({session})")
        if session in restores:
            problems += _restore_order(writer, events, session)
    return problems


def _restore_order(writer: str | None, events: list[str], session: uuid.UUID | None) -> list[str]:
    """Breaches of the restore timeline by one writer's events of one session (vss-facts §4.4)."""
    problems = [
        f"{writer} got backup event {e} in restore session {session}"
        for e in events
        if e in _BACKUP_EVENTS
    ]
    pre = events.index("OnPreRestore") if "OnPreRestore" in events else len(events)
    if "OnPostRestore" in events[:pre]:
        problems.append(f"{writer} got OnPostRestore before OnPreRestore ({session})")
    if "OnIdentify" in events[pre:]:
        problems.append(f"{writer} got OnIdentify after OnPreRestore ({session})")
    return problems


# -- faults (vss-facts §6, §9) ----------------------------------------------------------------

#: The provider calls of shadow copy creation, in the order VSS makes them (vss-facts §9).
CREATION_STEPS = (
    "BeginPrepareSnapshot",
    "EndPrepareSnapshots",
    "PreCommitSnapshots",
    "CommitSnapshots",
    "PostCommitSnapshots",
    "PreFinalCommitSnapshots",
    "PostFinalCommitSnapshots",
)

#: Codes the model raises for the kernel, not a provider's to return (vss-facts §6).
_KERNEL_CODES = frozenset({hr.VSS_E_FLUSH_WRITES_TIMEOUT, hr.VSS_E_HOLD_WRITES_TIMEOUT})

#: Fault codes a provider may return, by name, each with the code its requester sees: the
#: allowed codes pass unchanged, any other becomes VSS_E_UNEXPECTED_PROVIDER_ERROR (vss-facts §9).
PROVIDER_FAULTS: dict[str, tuple[int, int]] = {
    **{hr.name_of(code): (code, code) for code in sorted(PROVIDER_CODES - _KERNEL_CODES)},
    **{
        hr.name_of(code): (code, hr.VSS_E_UNEXPECTED_PROVIDER_ERROR)
        for code in (hr.E_FAIL, hr.E_UNEXPECTED, hr.E_NOTIMPL, hr.VSS_E_UNEXPECTED)
    },
}

#: The kernel's flush-and-hold window around CommitSnapshots, in ms (vss-facts §6).
HOLD_WINDOW_MS = 10_000


class FaultProvider(VssProvider):
    """A software provider for C:\\ only, chosen before the system provider (vss-facts §9).

    ``arm(step, fault, times)`` makes creation step ``step`` fail ``times`` times with
    ``PROVIDER_FAULTS[fault]``; ``delay(ms)`` makes the next CommitSnapshots take ``ms``
    of virtual time (past 10 s the hold window is overrun, §6). ``expected`` maps each set it
    broke to the code that set's requester must see.
    """

    provider_id = uuid.UUID("0f6c3b52-9e1d-4a7b-8c25-3d4e5f607182")
    provider_name = "Fault-injecting provider"
    provider_type = VSS_PROVIDER_TYPE.VSS_PROV_SOFTWARE

    def __init__(self, system: VssSystem) -> None:
        self.system = system
        self.step: str | None = None
        self.fault = ""
        self.failures_left = 0
        self.delay_ms = 0
        self.expected: dict[uuid.UUID, int] = {}

    def arm(self, step: str, fault: str, times: int) -> None:
        """Fail ``step`` with ``fault`` the next ``times`` times it is called."""
        if step not in CREATION_STEPS or fault not in PROVIDER_FAULTS:
            raise ValueError(f"no such creation step or fault: {step!r}, {fault!r}")
        self.step, self.fault, self.failures_left = step, fault, times

    def delay(self, milliseconds: int) -> None:
        """Sleep ``milliseconds`` of virtual time inside the next CommitSnapshots."""
        self.delay_ms = milliseconds

    def IsVolumeSupported(self, volume: str) -> bool:
        return volume.upper() == "C:\\"

    def _maybe_fail(self, step: str, snapshot_set_id: uuid.UUID) -> None:
        if step != self.step or self.failures_left <= 0:
            return
        self.failures_left -= 1
        code, seen = PROVIDER_FAULTS[self.fault]
        self.expected[snapshot_set_id] = seen
        raise make_error(code, f"{self.provider_name} fails {step} with {self.fault}")

    def BeginPrepareSnapshot(
        self, snapshot_set_id: uuid.UUID, snapshot_id: uuid.UUID, context: int, volume: str
    ) -> None:
        self._maybe_fail("BeginPrepareSnapshot", snapshot_set_id)

    def EndPrepareSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self._maybe_fail("EndPrepareSnapshots", snapshot_set_id)

    def PreCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self._maybe_fail("PreCommitSnapshots", snapshot_set_id)

    def CommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        delay, self.delay_ms = self.delay_ms, 0
        if delay:
            self.system.sleep(delay / 1000)
        self._maybe_fail("CommitSnapshots", snapshot_set_id)
        if delay > HOLD_WINDOW_MS:
            self.expected[snapshot_set_id] = hr.VSS_E_HOLD_WRITES_TIMEOUT

    def PostCommitSnapshots(self, snapshot_set_id: uuid.UUID, snapshots_count: int) -> None:
        self._maybe_fail("PostCommitSnapshots", snapshot_set_id)

    def PreFinalCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self._maybe_fail("PreFinalCommitSnapshots", snapshot_set_id)

    def PostFinalCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self._maybe_fail("PostFinalCommitSnapshots", snapshot_set_id)


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

    def _check_creation(self, bc: IVssBackupComponents, error: VssError | None) -> None:
        """The requester sees the code of the fault the provider injected (vss-facts §6, §9)."""
        set_id = bc._session.snapshot_set_id
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
            f"{hr.name_of(expected)} (vss-facts §6, §9)"
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
            except VssError as exc:
                assert bc.phase is Phase.SNAPSHOT_SET_FAILED
                if call is Call.DO_SNAPSHOT_SET:
                    self._check_creation(bc, exc)
            else:
                if call is Call.DO_SNAPSHOT_SET:
                    self._check_creation(bc, None)

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

    @precondition(lambda self: self.system is not None and self.system._creating is None)
    @rule(count=st.integers(min_value=2, max_value=4), component_mode=st.booleans())
    def concurrent_backups(self, count: int, component_mode: bool) -> None:
        """Several complete backups at once, each on its own task (vss-facts §8)."""
        system = self._system
        outcomes: list[tuple[IVssBackupComponents, VssError | None]] = []

        def observe(bc: IVssBackupComponents, error: VssError | None) -> None:
            outcomes.append((bc, error))

        for _ in range(count):
            system.spawn(functools.partial(run_backup, observe=observe), system, component_mode)
        system.run()
        for bc, error in outcomes:
            self._check_creation(bc, error)

    @precondition(lambda self: self.system is not None and self.system._creating is None)
    @rule(target=backups)
    def backup(self) -> _SavedBackup | MultipleResults[_SavedBackup]:
        """One complete component-mode backup on the main thread (vss-facts §3.2); its BCD
        (SaveAsXML) is kept for ``restore``. A failed set is aborted and keeps nothing."""
        with self._system.CreateVssBackupComponents() as bc:
            bc.InitializeForBackup()
            bc.SetBackupState(True, False, VSS_BACKUP_TYPE.VSS_BT_FULL)
            bc.GatherWriterMetadata().Wait()
            _add_all_components(bc)
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
            for instance_id, writer_id, kind, path, name in _bcd_components(bc):
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
        """A complete restore of a saved BCD on the main thread (vss-facts §3.3), every component
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
            for _, writer_id, kind, path, name in _bcd_components(bc):
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
                    "running (vss-facts §3.3 row 6: VSS_E_OBJECT_NOT_FOUND)"
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
        then behaves (vss-facts §9)."""
        self._fault_armed = True
        self._fault_provider().arm(step, fault, times)

    @rule(milliseconds=st.sampled_from([0, 500, 2_000, 9_999, 10_000, 10_001, 12_000]))
    def delay_next_commit(self, milliseconds: int) -> None:
        """The next CommitSnapshots of the C:\\ provider takes ``milliseconds`` of virtual time;
        past 10 s the set fails with VSS_E_HOLD_WRITES_TIMEOUT (vss-facts §6)."""
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
        if self.system is not None:
            assert not self.system.violations, _describe_violations(self.system)

    @invariant()
    def one_set_in_creation(self) -> None:
        """At most one set is in creation, and only by an object that is still alive."""
        if self.system is not None and self.system._creating is not None:
            holders = [s for s in self._open if s.bc._session is self.system._creating]
            assert len(holders) == 1

    @invariant()
    def faults_reach_requesters(self) -> None:
        """Every set the provider broke was reported to its requester (vss-facts §9)."""
        if self.provider is not None:
            unseen = {str(k): hr.name_of(v) for k, v in self.provider.expected.items()}
            assert not unseen, f"provider faults no requester saw: {unseen}"


def _check_restore(
    system: VssSystem,
    session_id: uuid.UUID,
    chosen: set[tuple[str, VSS_WRITERRESTORE_ENUM]],
    status: VSS_FILE_RESTORE_STATUS,
) -> list[str]:
    """Breaches of the restore timeline in one session (vss-facts §4.4): the order of each
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
        problems += _restore_order(writer, [name for name, _ in got], session_id)
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
