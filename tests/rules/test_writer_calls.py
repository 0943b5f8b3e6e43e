"""WRITER_CALLS swept: every writer-side method in every handler, and outside any (docs/reference.md §1.5).

A call made in a handler its rule lists works; anywhere else it raises (WrongThreadError for the
methods bound by the thread rule, VssBadState for the others) and leaves one FORBIDDEN_IN_HANDLER
violation naming the writer, the handler and the session. The value checks at the end read what
the calls return inside the handlers against what the requester set up.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from simulator import (
    VSS_APP_BACK_END,
    VSS_APP_FRONT_END,
    VSS_APP_SYSTEM,
    VSS_BT_FULL,
    VSS_BT_INCREMENTAL,
    VSS_CT_FILEGROUP,
    VSS_CTX_APP_ROLLBACK,
    VSS_CTX_BACKUP,
    VSS_E_BAD_STATE,
    VSS_E_WRITERERROR_RETRYABLE,
    VSS_RTYPE_IMPORT,
    VSS_RTYPE_UNDEFINED,
    IVssBackupComponents,
    IVssExamineWriterMetadata,
    ViolationRule,
    VssBadState,
    VssError,
    VssSystem,
    WrongThreadError,
)
from simulator._rules.calls import Phase
from simulator._rules.writer_calls import WRITER_CALLS
from simulator._rules.writer_states import WriterEvent
from tests.helpers import QuietWriter, drive_to, make_writer, settle, succeed_all

E = WriterEvent
P = Phase

#: Valid arguments for each writer-side method (docs/reference.md §1.5).
METHOD_ARGS: dict[str, tuple[Any, ...]] = {
    "GetSessionId": (),
    "SetWriterFailure": (VSS_E_WRITERERROR_RETRYABLE,),
    "SetWriterFailureEx": (VSS_E_WRITERERROR_RETRYABLE, 0, "msg"),
    "GetSnapshotDeviceName": ("C:\\",),
    "GetIdentifyInformation": (),
    "GetCurrentSnapshotSetId": (),
    "GetCurrentVolumeArray": (),
    "GetCurrentVolumeCount": (),
    "IsPathAffected": ("C:\\MyFiles",),
    "GetCurrentLevel": (),
    "GetContext": (),
    "GetBackupType": (),
    "GetRestoreType": (),
    "AreComponentsSelected": (),
    "IsBootableSystemStateBackedUp": (),
    "IsPartialFileSupportEnabled": (),
    "IsWriterShuttingDown": (),
}


class HookWriter(QuietWriter):
    """A QuietWriter whose every handler first runs ``self.hook(event)``, then returns True."""

    def __init__(self) -> None:
        self.hook: Callable[[WriterEvent], None] = lambda event: None

    def on_event(self, event: WriterEvent, arg: Any) -> bool:
        self.hook(event)
        return True


@attrs.define
class Attempt:
    """One call made inside a handler: its result or error, and the handler's session."""

    result: Any
    error: VssError | None
    session_id: uuid.UUID


def _call_once(writer: HookWriter, method: str, event: WriterEvent) -> list[Attempt]:
    """Make ``writer`` call ``method`` in the first delivery of ``event`` only."""
    attempts: list[Attempt] = []

    def hook(delivered: WriterEvent) -> None:
        if delivered is not event or attempts:
            return
        result: Any = None
        error: VssError | None = None
        try:
            result = getattr(writer, method)(*METHOD_ARGS[method])
        except VssError as exc:
            error = exc
        attempts.append(Attempt(result, error, writer.GetSessionId()))

    writer.hook = hook
    return attempts


def _deliver(system: VssSystem, event: WriterEvent) -> uuid.UUID:
    """Run what delivers ``event`` (docs/reference.md §4): a backup that goes as far as the writer lets
    it, then Release (BackupShutdown); a backup aborted after PrepareForBackup (Abort); a restore
    (PreRestore, PostRestore). Returns the session id of the object that delivered it."""
    bc = system.CreateVssBackupComponents()
    if event in (E.PRE_RESTORE, E.POST_RESTORE):
        drive_to(bc, P.POST_RESTORED)  # its first backup sends no restore event
    elif event is E.ABORT:
        drive_to(bc, P.PREPARED_FOR_BACKUP)
        bc.AbortBackup()
    else:
        drive_to(bc, P.PREPARED_FOR_BACKUP)
        settle(bc.DoSnapshotSet())
        if bc.phase is P.SNAPSHOT_SET_CREATED:
            succeed_all(bc)
            bc.BackupComplete().Wait()
        else:
            bc.AbortBackup()
    session_id = bc.GetSessionId()
    bc.Release()
    return session_id


def _cases() -> list[Any]:
    return [
        pytest.param(method, event, id=f"{method}-{event.value}")
        for method in WRITER_CALLS
        for event in WriterEvent
    ]


@pytest.mark.parametrize(("method", "event"), _cases())
def test_call_in_handler(vss_system: VssSystem, method: str, event: WriterEvent) -> None:
    """``method`` called in the handler of ``event`` works exactly when WRITER_CALLS lists the
    event; otherwise it raises WrongThreadError (thread-rule methods) or VssBadState, and one
    FORBIDDEN_IN_HANDLER violation names the writer, handler and session (docs/reference.md §1.5)."""
    writer = make_writer(vss_system, "Caller", cls=HookWriter)
    attempts = _call_once(writer, method, event)
    session_id = _deliver(vss_system, event)
    rule = WRITER_CALLS[method]
    assert len(attempts) == 1, f"{event.value} was not delivered"
    attempt = attempts[0]
    assert attempt.session_id == session_id
    if rule.events is None or event in rule.events:
        assert attempt.error is None
        assert vss_system.violations == []
        return
    expected = WrongThreadError if rule.thread_rule else VssBadState
    assert type(attempt.error) is expected
    assert attempt.error.hresult == VSS_E_BAD_STATE
    assert f"{method} may not be called in {event.value}" in attempt.error.message
    [violation] = vss_system.violations
    assert violation.rule is ViolationRule.FORBIDDEN_IN_HANDLER
    assert violation.writer == "Caller"
    assert violation.handler == event.value
    assert violation.session_id == attempt.session_id
    if isinstance(attempt.error, WrongThreadError):
        assert attempt.error.handler_thread == attempt.error.calling_thread


def test_method_args_cover_every_rule() -> None:
    """The sweep has valid arguments for every method WRITER_CALLS rules on."""
    assert set(METHOD_ARGS) == set(WRITER_CALLS)


@pytest.mark.parametrize("method", list(WRITER_CALLS))
def test_call_outside_any_handler(vss_system: VssSystem, method: str) -> None:
    """With no handler running: WrongThreadError for the thread-rule methods, VssBadState for
    the others, each recorded as OUTSIDE_HANDLER; IsWriterShuttingDown works anywhere
    (docs/reference.md §1.5, docs/api.md "The thread rule")."""
    writer = make_writer(vss_system, "Caller", cls=HookWriter)
    rule = WRITER_CALLS[method]
    if rule.events is None:
        assert getattr(writer, method)(*METHOD_ARGS[method]) is False
        assert vss_system.violations == []
        return
    with pytest.raises(VssBadState) as refused:
        getattr(writer, method)(*METHOD_ARGS[method])
    assert type(refused.value) is (WrongThreadError if rule.thread_rule else VssBadState)
    assert refused.value.hresult == VSS_E_BAD_STATE
    assert "no handler is running" in refused.value.message
    [violation] = vss_system.violations
    assert violation.rule is ViolationRule.OUTSIDE_HANDLER
    assert violation.writer == "Caller"
    assert violation.handler is None
    assert violation.session_id is None


def test_thread_rule_methods_are_the_documented_three() -> None:
    """GetSessionId, SetWriterFailure and SetWriterFailureEx are bound to the handler's thread
    (docs/reference.md §1.5 "Threading rule")."""
    bound = {name for name, rule in WRITER_CALLS.items() if rule.thread_rule}
    assert bound == {"GetSessionId", "SetWriterFailure", "SetWriterFailureEx"}


# ---------------------------------------------------------------------------------------------
# What the calls return
# ---------------------------------------------------------------------------------------------


class Asker:
    """Calls the named methods in the named handlers of a HookWriter and keeps the answers."""

    def __init__(
        self, writer: HookWriter, asks: dict[WriterEvent, list[tuple[str, tuple[Any, ...]]]]
    ):
        self.answers: dict[tuple[WriterEvent, str, tuple[Any, ...]], list[Any]] = {}

        def hook(event: WriterEvent) -> None:
            for method, args in asks.get(event, []):
                value = getattr(writer, method)(*args)
                self.answers.setdefault((event, method, args), []).append(value)

        writer.hook = hook

    def __call__(self, event: WriterEvent, method: str, *args: Any) -> list[Any]:
        return self.answers.get((event, method, args), [])


_SEQUENCE = (E.PREPARE_BACKUP, E.PREPARE_SNAPSHOT, E.FREEZE, E.THAW, E.POST_SNAPSHOT)


def _component_backup(
    bc: IVssBackupComponents, volumes: list[str], *, select: bool = True, bootable: bool = False
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """A backup of ``volumes`` of type VSS_BT_INCREMENTAL up to a created set; (set id, copies)."""
    bc.InitializeForBackup()
    bc.SetBackupState(select, bootable, VSS_BT_INCREMENTAL, True)
    bc.GatherWriterMetadata().Wait()
    if select:
        instance, examine = bc.GetWriterMetadata(0)
        bc.AddComponent(instance, examine.GetIdentity()[1], VSS_CT_FILEGROUP, None, "Files")
    set_id = bc.StartSnapshotSet()
    copies = [bc.AddToSnapshotSet(v) for v in volumes]
    bc.PrepareForBackup().Wait()
    bc.DoSnapshotSet().Wait()
    return set_id, copies


def test_volume_array_count_set_id_and_device(vss_system: VssSystem) -> None:
    """GetCurrentVolumeArray/Count list the set's volumes from OnPrepareBackup to OnPostSnapshot
    ([INF] from OnPrepareBackup); GetCurrentSnapshotSetId is StartSnapshotSet's id;
    GetSnapshotDeviceName gives the device GetSnapshotProperties reports (docs/reference.md §1.5)."""
    vss_system.add_volume("D:\\")
    writer = make_writer(vss_system, "Asker", cls=HookWriter)
    asks: dict[WriterEvent, list[tuple[str, tuple[Any, ...]]]] = {
        event: [("GetCurrentVolumeArray", ()), ("GetCurrentVolumeCount", ())] for event in _SEQUENCE
    }
    for event in _SEQUENCE[1:]:
        asks[event].append(("GetCurrentSnapshotSetId", ()))
    asks[E.POST_SNAPSHOT] += [
        ("GetSnapshotDeviceName", ("C:\\",)),
        ("GetSnapshotDeviceName", ("D:\\",)),  # the trailing backslash is required (§1.5)
    ]
    ask = Asker(writer, asks)
    with vss_system.CreateVssBackupComponents() as bc:
        set_id, (copy_c, copy_d) = _component_backup(bc, ["C:\\", "D:\\"])
        for event in _SEQUENCE:
            assert ask(event, "GetCurrentVolumeArray") == [["C:\\", "D:\\"]]
            assert ask(event, "GetCurrentVolumeCount") == [2]
        for event in _SEQUENCE[1:]:
            assert ask(event, "GetCurrentSnapshotSetId") == [set_id]
        devices = ask(E.POST_SNAPSHOT, "GetSnapshotDeviceName", "C:\\") + ask(
            E.POST_SNAPSHOT, "GetSnapshotDeviceName", "D:\\"
        )
        expected = [
            bc.GetSnapshotProperties(c).m_pwszSnapshotDeviceObject for c in (copy_c, copy_d)
        ]
        assert devices == expected
        assert len(set(devices)) == 2


def test_is_path_affected(vss_system: VssSystem) -> None:
    """IsPathAffected is true for paths on a volume of the set (environment variables expanded)
    and false for a volume left out (docs/reference.md §1.5)."""
    vss_system.add_volume("D:\\")
    writer = make_writer(vss_system, "Asker", cls=HookWriter)
    paths = ["C:\\MyFiles", "c:\\myfiles\\a.dat", "C:\\", "%SystemRoot%\\System32", "D:\\Data"]
    asks: dict[WriterEvent, list[tuple[str, tuple[Any, ...]]]] = {
        event: [("IsPathAffected", (p,)) for p in paths]
        for event in (E.PREPARE_BACKUP, E.POST_SNAPSHOT)
    }
    ask = Asker(writer, asks)
    with vss_system.CreateVssBackupComponents() as bc:
        _component_backup(bc, ["C:\\"])
    for event in (E.PREPARE_BACKUP, E.POST_SNAPSHOT):
        assert [ask(event, "IsPathAffected", p) for p in paths] == [
            [True],
            [True],
            [True],
            [True],
            [False],
        ]


def test_backup_state_as_the_writer_sees_it(vss_system: VssSystem) -> None:
    """GetBackupType, AreComponentsSelected, IsBootableSystemStateBackedUp,
    IsPartialFileSupportEnabled reflect SetBackupState; GetRestoreType is VSS_RTYPE_UNDEFINED
    during a backup; GetContext is VSS_CTX_BACKUP by default (docs/reference.md §1.5)."""
    writer = make_writer(vss_system, "Asker", cls=HookWriter)
    questions = [
        "GetBackupType",
        "AreComponentsSelected",
        "IsBootableSystemStateBackedUp",
        "IsPartialFileSupportEnabled",
        "GetRestoreType",
        "GetContext",
    ]
    events = (E.PREPARE_BACKUP, E.FREEZE, E.POST_SNAPSHOT, E.BACKUP_COMPLETE)
    ask = Asker(writer, {event: [(q, ()) for q in questions] for event in events})
    with vss_system.CreateVssBackupComponents() as bc:
        _component_backup(bc, ["C:\\"], bootable=True)
        bc.BackupComplete().Wait()
    for event in events:
        assert [ask(event, q) for q in questions] == [
            [VSS_BT_INCREMENTAL],
            [True],
            [True],
            [True],
            [VSS_RTYPE_UNDEFINED],
            [VSS_CTX_BACKUP],
        ]


def test_backup_state_without_component_mode(vss_system: VssSystem) -> None:
    """Not in component mode, AreComponentsSelected is false (docs/reference.md §1.5, §4.5)."""
    writer = make_writer(vss_system, "Asker", cls=HookWriter)
    ask = Asker(
        writer, {E.FREEZE: [("AreComponentsSelected", ()), ("IsBootableSystemStateBackedUp", ())]}
    )
    with vss_system.CreateVssBackupComponents() as bc:
        _component_backup(bc, ["C:\\"], select=False)
    assert ask(E.FREEZE, "AreComponentsSelected") == [False]
    assert ask(E.FREEZE, "IsBootableSystemStateBackedUp") == [False]


def test_get_context_after_set_context(vss_system: VssSystem) -> None:
    """GetContext returns the requester's SetContext value from OnPrepareSnapshot on (§1.5)."""
    writer = make_writer(vss_system, "Asker", cls=HookWriter)
    ask = Asker(writer, {e: [("GetContext", ())] for e in (E.PREPARE_SNAPSHOT, E.FREEZE, E.THAW)})
    with vss_system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(VSS_CTX_APP_ROLLBACK)
        bc.SetBackupState(False, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
    for event in (E.PREPARE_SNAPSHOT, E.FREEZE, E.THAW):
        assert ask(event, "GetContext") == [VSS_CTX_APP_ROLLBACK]


def test_get_restore_type_in_a_restore(vss_system: VssSystem) -> None:
    """In a restore, GetRestoreType returns SetRestoreState's type from OnPreRestore on (§1.5)."""
    writer = make_writer(vss_system, "Asker", cls=HookWriter)
    ask = Asker(writer, {e: [("GetRestoreType", ())] for e in (E.PRE_RESTORE, E.POST_RESTORE)})
    bc = drive_to(vss_system.CreateVssBackupComponents(), P.RESTORE_METADATA_GATHERED)
    bc.SetRestoreState(VSS_RTYPE_IMPORT)
    bc.PreRestore().Wait()
    bc.PostRestore().Wait()
    assert ask(E.PRE_RESTORE, "GetRestoreType") == [VSS_RTYPE_IMPORT]
    assert ask(E.POST_RESTORE, "GetRestoreType") == [VSS_RTYPE_IMPORT]


def test_get_current_level_is_the_writers_level(vss_system: VssSystem) -> None:
    """During Freeze and Thaw GetCurrentLevel is the level being frozen or thawed, which is the
    writer's own level (docs/reference.md §1.2, §1.5, §4.1)."""
    levels = {"Front": VSS_APP_FRONT_END, "Back": VSS_APP_BACK_END, "System": VSS_APP_SYSTEM}
    askers = {}
    for name, level in levels.items():
        writer = make_writer(vss_system, name, cls=HookWriter, level=level)
        askers[name] = Asker(writer, {e: [("GetCurrentLevel", ())] for e in (E.FREEZE, E.THAW)})
    with vss_system.CreateVssBackupComponents() as bc:
        drive_to(bc, P.SNAPSHOT_SET_CREATED)
    for name, level in levels.items():
        assert askers[name](E.FREEZE, "GetCurrentLevel") == [level]
        assert askers[name](E.THAW, "GetCurrentLevel") == [level]
    assert vss_system.events("Front").index("OnFreeze") < vss_system.events("Front").index("OnThaw")


def test_session_id_and_identify_information(vss_system: VssSystem) -> None:
    """GetSessionId in a handler is the requester's session id (§8); GetIdentifyInformation
    returns the metadata of this session's Identify (§1.5)."""
    writer = make_writer(vss_system, "Asker", cls=HookWriter)
    ask = Asker(
        writer,
        {
            E.IDENTIFY: [("GetSessionId", ())],
            E.FREEZE: [("GetSessionId", ())],
            E.PREPARE_BACKUP: [("GetIdentifyInformation", ())],
        },
    )
    with vss_system.CreateVssBackupComponents() as bc:
        drive_to(bc, P.SNAPSHOT_SET_CREATED)
        session_id = bc.GetSessionId()
        _, examine = bc.GetWriterMetadata(0)
    assert ask(E.IDENTIFY, "GetSessionId") == [session_id]
    assert ask(E.FREEZE, "GetSessionId") == [session_id]
    [info] = ask(E.PREPARE_BACKUP, "GetIdentifyInformation")
    assert isinstance(info, IVssExamineWriterMetadata)
    assert info.GetIdentity() == examine.GetIdentity()
    assert info.GetIdentity()[2] == "Asker"


def test_set_writer_failure_ex_reaches_the_status(vss_system: VssSystem) -> None:
    """SetWriterFailureEx's codes and message are what GetWriterStatusEx reports (§1.5)."""
    writer = make_writer(vss_system, "Caller", cls=HookWriter)
    attempts = _call_once(writer, "SetWriterFailureEx", E.POST_SNAPSHOT)
    bc = drive_to(vss_system.CreateVssBackupComponents(), P.SNAPSHOT_SET_CREATED)
    assert attempts[0].error is None
    bc.GatherWriterStatus().Wait()
    status = bc.GetWriterStatusEx(0)
    assert (status.hr_failure, status.hr_application, status.application_message) == (
        VSS_E_WRITERERROR_RETRYABLE,
        0,
        "msg",
    )


def test_is_writer_shutting_down_in_every_handler(vss_system: VssSystem) -> None:
    """IsWriterShuttingDown may be polled anywhere: false in every handler (docs/reference.md §1.5)."""
    writer = make_writer(vss_system, "Asker", cls=HookWriter)
    ask = Asker(writer, {e: [("IsWriterShuttingDown", ())] for e in WriterEvent})
    with vss_system.CreateVssBackupComponents() as bc:
        drive_to(bc, P.POST_RESTORED)
    with vss_system.CreateVssBackupComponents() as bc:
        drive_to(bc, P.SNAPSHOT_SET_FAILED)
    for event in WriterEvent:
        answers = ask(event, "IsWriterShuttingDown")
        assert answers and not any(answers), event
    assert vss_system.violations == []
