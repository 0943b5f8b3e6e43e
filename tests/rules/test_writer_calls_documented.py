"""Writer-side calls: where and on which thread they may be made, written from the documentation.

docs/reference.md §1.5 (the "Where / when callable" column and the threading rule), §2.3 (failure codes),
§3.5 (GetSnapshotDeviceName outside PostSnapshot is VSS_E_BAD_STATE), §8 (session ids). Each call
is made from inside a real handler of a real backup or restore on a ``VssSystem``.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from simulator import (
    S_OK,
    VSS_APP_BACK_END,
    VSS_BT_FULL,
    VSS_BT_INCREMENTAL,
    VSS_CT_FILEGROUP,
    VSS_CTX_APP_ROLLBACK,
    VSS_CTX_BACKUP,
    VSS_E_BAD_STATE,
    VSS_E_OBJECT_NOT_FOUND,
    VSS_E_WRITERERROR_RETRYABLE,
    VSS_RTYPE_BY_COPY,
    VSS_SNAPSHOT_PROP,
    Phase,
    ViolationRule,
    VssBadState,
    VssError,
    VssObjectNotFound,
    VssSystem,
    WriterEvent,
    WrongThreadError,
)

# -- private and table names used here -----------------------------------------------------------
from simulator.rules import WRITER_CALLS, WRITER_FAILURE_CODES, WRITER_FAILURE_CODES_EX

# -- test helpers used here ---------------------------------------------------------------------
from tests.helpers import QuietWriter, backup_xml, drive_to, make_writer, settle, writer_status

Hook = Callable[["Hooked"], Any]
PROBE_ID = uuid.UUID("7e3a9b10-2c4d-4e5f-8a6b-9c0d1e2f3a4b")


class Hooked(QuietWriter):
    """Runs ``hooks[handler]`` inside that handler and keeps what it returned or raised in
    ``results[handler]`` (one entry per delivery). Handlers return true."""

    def __init__(self) -> None:
        self.hooks: dict[str, Hook] = {}
        self.results: dict[str, list[Any]] = {}

    def on_event(self, event: WriterEvent, arg: Any) -> bool:
        hook = self.hooks.get(event.value)
        if hook is not None:
            try:
                result: Any = hook(self)
            except VssError as exc:
                result = exc
            self.results.setdefault(event.value, []).append(result)
        return True

    def first(self, handler: str) -> Any:
        assert handler in self.results, f"{handler} was not delivered"
        return self.results[handler][0]


ALL_HANDLERS = [
    "OnIdentify",
    "OnPrepareBackup",
    "OnPrepareSnapshot",
    "OnFreeze",
    "OnThaw",
    "OnPostSnapshot",
    "OnAbort",
    "OnBackupComplete",
    "OnBackupShutdown",
    "OnPreRestore",
    "OnPostRestore",
]
#: §1.5: "The rule applies to all 10 non-Identify handlers."
NON_IDENTIFY_HANDLERS = [h for h in ALL_HANDLERS if h != "OnIdentify"]


@attrs.frozen
class Session:
    """What the requester knew of a session before releasing its object."""

    session_id: uuid.UUID
    copies: list[VSS_SNAPSHOT_PROP]


def run_session(system: VssSystem, handler: str) -> Session:
    """A session in which ``handler`` is delivered (component mode, C:\\ in the set)."""
    with system.CreateVssBackupComponents() as bc:
        if handler in ("OnPreRestore", "OnPostRestore"):
            drive_to(bc, Phase.POST_RESTORED)  # a component-mode backup first, then a restore
        elif handler == "OnAbort":
            drive_to(bc, Phase.PREPARED_FOR_BACKUP)
            bc.AbortBackup()
        else:
            drive_to(bc, Phase.BACKUP_COMPLETED)
        if bc.phase is Phase.POST_RESTORED:  # Query is a backup call (docs/reference.md §3.6)
            return Session(bc.GetSessionId(), [s.properties() for s in system.shadow_copies()])
        return Session(bc.GetSessionId(), bc.Query())


# ---------------------------------------------------------------------------------------------
# The thread rule (§1.5)
# ---------------------------------------------------------------------------------------------

#: The three thread-bound calls (§1.5), with valid arguments.
THREAD_BOUND: dict[str, Hook] = {
    "GetSessionId": lambda w: w.GetSessionId(),
    "SetWriterFailure": lambda w: w.SetWriterFailure(VSS_E_WRITERERROR_RETRYABLE),
    "SetWriterFailureEx": lambda w: w.SetWriterFailureEx(
        VSS_E_WRITERERROR_RETRYABLE, 0x80004005, "from a worker"
    ),
}
#: (method, handler) — §1.5: GetSessionId in any handler including OnIdentify; SetWriterFailure(Ex)
#: in the 10 non-Identify handlers; each on the handler's own thread.
THREAD_RULE_ROWS = [("GetSessionId", h) for h in ALL_HANDLERS] + [
    (m, h) for m in ("SetWriterFailure", "SetWriterFailureEx") for h in NON_IDENTIFY_HANDLERS
]


def on_worker(call: Hook) -> Hook:
    """A hook that makes ``call`` on a new thread and returns what it returned or raised."""

    def hook(writer: Hooked) -> Any:
        box: list[Any] = []

        def work() -> None:
            try:
                box.append(call(writer))
            except VssError as exc:
                box.append(exc)

        worker = threading.Thread(target=work, name="writer-worker")
        worker.start()
        worker.join()
        return box[0]

    return hook


@pytest.mark.parametrize(
    ("method", "handler"), [pytest.param(m, h, id=f"{m}-{h}") for m, h in THREAD_RULE_ROWS]
)
def test_thread_bound_call_from_a_worker_thread(
    system: VssSystem, method: str, handler: str
) -> None:
    writer = make_writer(system, "Threaded", cls=Hooked)
    writer.hooks[handler] = on_worker(THREAD_BOUND[method])
    run_session(system, handler)
    refused = writer.first(handler)
    assert isinstance(refused, WrongThreadError)
    assert isinstance(refused, VssBadState)
    assert refused.hresult == VSS_E_BAD_STATE
    rules = {(v.rule, v.handler) for v in system.violations}
    assert (ViolationRule.WRONG_THREAD, handler) in rules
    assert all(v.rule is ViolationRule.WRONG_THREAD for v in system.violations)


@pytest.mark.parametrize("handler", ALL_HANDLERS)
def test_get_session_id_on_the_handler_thread(system: VssSystem, handler: str) -> None:
    """§1.5 / §8: GetSessionId in any handler, including OnIdentify, on the handler's thread:
    the id of the session that delivered the event."""
    writer = make_writer(system, "Threaded", cls=Hooked)
    writer.hooks[handler] = lambda w: w.GetSessionId()
    session = run_session(system, handler)
    assert writer.results[handler][-1] == session.session_id
    assert system.violations == []


def test_thread_bound_call_outside_any_handler(system: VssSystem) -> None:
    """§1.5 [INF] policy: raise when called with no handler active on the calling thread."""
    writer = make_writer(system, "Idle")
    with pytest.raises(WrongThreadError) as refused:
        writer.GetSessionId()
    assert refused.value.hresult == VSS_E_BAD_STATE
    assert [v.rule for v in system.violations] == [ViolationRule.OUTSIDE_HANDLER]


@pytest.mark.parametrize("method", ["SetWriterFailure", "SetWriterFailureEx"])
def test_set_writer_failure_is_refused_in_identify(system: VssSystem, method: str) -> None:
    """§1.5: SetWriterFailure(Ex) inside any handler except OnIdentify / OnIdentifyEx."""
    writer = make_writer(system, "Identify", cls=Hooked)
    writer.hooks["OnIdentify"] = THREAD_BOUND[method]
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(False, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        status = writer_status(bc, writer)
    refused = writer.first("OnIdentify")
    assert isinstance(refused, VssError)
    assert refused.hresult == VSS_E_BAD_STATE
    assert [v.rule for v in system.violations] == [ViolationRule.FORBIDDEN_IN_HANDLER]
    assert status is not None  # Identify did not fail: the writer is listed
    assert status.hr_failure == S_OK


# ---------------------------------------------------------------------------------------------
# Where each call may be made (§1.5 "Where / when callable")
# ---------------------------------------------------------------------------------------------

#: (method, handler) that §1.5 allows.
WHERE_ALLOWED = [
    ("GetSnapshotDeviceName", "OnPostSnapshot"),  # "Only while handling PostSnapshot"
    ("GetIdentifyInformation", "OnPrepareBackup"),  # "Only in OnPrepareBackup, OnPrepareSnapshot,
    ("GetIdentifyInformation", "OnPrepareSnapshot"),  # OnPostSnapshot"
    ("GetIdentifyInformation", "OnPostSnapshot"),
    ("GetCurrentSnapshotSetId", "OnFreeze"),  # "Reliable only inside ... OnFreeze, OnThaw,
    ("GetCurrentSnapshotSetId", "OnThaw"),  # OnPostSnapshot"
    ("GetCurrentSnapshotSetId", "OnPostSnapshot"),
    ("GetCurrentVolumeArray", "OnPrepareSnapshot"),  # "OnPrepareSnapshot, OnFreeze and OnThaw.
    ("GetCurrentVolumeArray", "OnFreeze"),  # OnPostSnapshot uses them with GetSnapshotDeviceName"
    ("GetCurrentVolumeArray", "OnThaw"),
    ("GetCurrentVolumeArray", "OnPostSnapshot"),
    ("GetCurrentVolumeCount", "OnFreeze"),
    ("IsPathAffected", "OnPrepareBackup"),  # "The conceptual docs use it in OnPrepareBackup
    ("IsPathAffected", "OnPostSnapshot"),  # and OnPostSnapshot"
    ("GetCurrentLevel", "OnPrepareSnapshot"),  # "See-also links: OnPrepareSnapshot, OnFreeze,
    ("GetCurrentLevel", "OnFreeze"),  # OnThaw"
    ("GetCurrentLevel", "OnThaw"),
    ("GetContext", "OnPrepareSnapshot"),  # "Definitive only from OnPrepareSnapshot on"
    ("GetContext", "OnPostSnapshot"),
    ("GetBackupType", "OnPrepareBackup"),  # "See-also links: OnPrepareBackup, OnBackupComplete,
    ("GetBackupType", "OnBackupComplete"),  # OnPreRestore, OnPostRestore"
    ("GetRestoreType", "OnPreRestore"),  # "Correct only from OnPreRestore on"
    ("GetRestoreType", "OnPostRestore"),
    ("AreComponentsSelected", "OnPrepareBackup"),
    ("IsBootableSystemStateBackedUp", "OnPrepareBackup"),
    ("IsPartialFileSupportEnabled", "OnPrepareBackup"),
    ("IsWriterShuttingDown", "OnFreeze"),  # "Poll it during long handlers"
]
#: (method, handler) that §1.5 / §3.5 refuse.
WHERE_REFUSED = [
    # §1.5 / §3.5: GetSnapshotDeviceName outside PostSnapshot → VSS_E_BAD_STATE.
    ("GetSnapshotDeviceName", "OnPrepareBackup"),
    ("GetSnapshotDeviceName", "OnPrepareSnapshot"),
    ("GetSnapshotDeviceName", "OnFreeze"),
    ("GetSnapshotDeviceName", "OnThaw"),
    ("GetSnapshotDeviceName", "OnBackupComplete"),
    ("GetSnapshotDeviceName", "OnBackupShutdown"),
    # §1.5: GetIdentifyInformation only in OnPrepareBackup, OnPrepareSnapshot, OnPostSnapshot.
    ("GetIdentifyInformation", "OnFreeze"),
    ("GetIdentifyInformation", "OnThaw"),
    ("GetIdentifyInformation", "OnBackupComplete"),
    # §1.5: GetCurrentSnapshotSetId cannot be called after OnPostSnapshot returns; not in
    # OnBackupShutdown.
    ("GetCurrentSnapshotSetId", "OnBackupComplete"),
    ("GetCurrentSnapshotSetId", "OnBackupShutdown"),
]

CALLS: dict[str, Hook] = {
    "GetSnapshotDeviceName": lambda w: w.GetSnapshotDeviceName("C:\\"),
    "GetIdentifyInformation": lambda w: w.GetIdentifyInformation().GetIdentity()[2],
    "GetCurrentSnapshotSetId": lambda w: w.GetCurrentSnapshotSetId(),
    "GetCurrentVolumeArray": lambda w: list(w.GetCurrentVolumeArray()),
    "GetCurrentVolumeCount": lambda w: w.GetCurrentVolumeCount(),
    "IsPathAffected": lambda w: (
        w.IsPathAffected("C:\\MyFiles\\data.bin"),
        w.IsPathAffected("D:\\Other\\data.bin"),
    ),
    "GetCurrentLevel": lambda w: w.GetCurrentLevel().name,
    "GetContext": lambda w: w.GetContext(),
    "GetBackupType": lambda w: w.GetBackupType().name,
    "GetRestoreType": lambda w: w.GetRestoreType().name,
    "AreComponentsSelected": lambda w: w.AreComponentsSelected(),
    "IsBootableSystemStateBackedUp": lambda w: w.IsBootableSystemStateBackedUp(),
    "IsPartialFileSupportEnabled": lambda w: w.IsPartialFileSupportEnabled(),
    "IsWriterShuttingDown": lambda w: w.IsWriterShuttingDown(),
}


def _expected(method: str, session: Session) -> Any:
    """What the call returns where it is allowed (docs/reference.md §1.5, §7.6)."""
    # Component-mode backups of C:\\ only: one copy; none left from the restore's backup.
    copy = session.copies[0] if session.copies else None
    return {
        # §7.6: the device object of the copy, as GetSnapshotProperties gives it.
        "GetSnapshotDeviceName": copy.m_pwszSnapshotDeviceObject if copy else None,
        "GetIdentifyInformation": "Probe",  # the writer name it reported in OnIdentify
        "GetCurrentSnapshotSetId": copy.m_SnapshotSetId if copy else None,
        "GetCurrentVolumeArray": ["C:\\"],
        "GetCurrentVolumeCount": 1,
        "IsPathAffected": (True, False),  # C:\\ is in the set, D:\\ is not
        "GetCurrentLevel": "VSS_APP_BACK_END",  # the level it was initialized with
        "GetContext": int(VSS_CTX_BACKUP),  # §1.5 "Default is VSS_CTX_BACKUP"
        "GetBackupType": "VSS_BT_FULL",  # drive_to's SetBackupState
        "GetRestoreType": "VSS_RTYPE_UNDEFINED",  # §1.5 default; drive_to sets none
        "AreComponentsSelected": True,  # drive_to runs in component mode
        "IsBootableSystemStateBackedUp": False,
        "IsPartialFileSupportEnabled": False,
        "IsWriterShuttingDown": False,
    }[method]


def _probe(system: VssSystem) -> Hooked:
    system.add_volume("D:\\")
    return make_writer(system, "Probe", cls=Hooked, level=VSS_APP_BACK_END)


@pytest.mark.parametrize(
    ("method", "handler"), [pytest.param(m, h, id=f"{m}-{h}") for m, h in WHERE_ALLOWED]
)
def test_call_where_it_is_documented(system: VssSystem, method: str, handler: str) -> None:
    writer = _probe(system)
    writer.hooks[handler] = CALLS[method]
    session = run_session(system, handler)
    result = writer.first(handler)
    assert not isinstance(result, VssError), result
    assert result == _expected(method, session)
    assert system.violations == []


@pytest.mark.parametrize(
    ("method", "handler"), [pytest.param(m, h, id=f"{m}-{h}") for m, h in WHERE_REFUSED]
)
def test_call_where_it_is_refused(system: VssSystem, method: str, handler: str) -> None:
    writer = _probe(system)
    writer.hooks[handler] = CALLS[method]
    run_session(system, handler)
    refused = writer.first(handler)
    assert isinstance(refused, VssError)
    if method == "GetSnapshotDeviceName":
        assert isinstance(refused, VssBadState)  # §1.5 / §3.5: VSS_E_BAD_STATE
        assert refused.hresult == VSS_E_BAD_STATE
    assert [(v.rule, v.handler) for v in system.violations] == [
        (ViolationRule.FORBIDDEN_IN_HANDLER, handler)
    ]


def test_snapshot_device_name_of_a_volume_not_in_the_set(system: VssSystem) -> None:
    """§1.5: VSS_E_OBJECT_NOT_FOUND (volume not in the set)."""
    writer = _probe(system)
    writer.hooks["OnPostSnapshot"] = lambda w: w.GetSnapshotDeviceName("D:\\")
    run_session(system, "OnPostSnapshot")
    refused = writer.first("OnPostSnapshot")
    assert isinstance(refused, VssObjectNotFound)
    assert refused.hresult == VSS_E_OBJECT_NOT_FOUND


def test_snapshot_device_name_form(system: VssSystem) -> None:
    """§7.6 [OBS]: \\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopyN, no trailing backslash."""
    writer = _probe(system)
    writer.hooks["OnPostSnapshot"] = CALLS["GetSnapshotDeviceName"]
    run_session(system, "OnPostSnapshot")
    device = writer.first("OnPostSnapshot")
    assert device.startswith("\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy")
    assert not device.endswith("\\")


def _backup(
    system: VssSystem,
    *,
    context: int | None = None,
    backup_type: Any = VSS_BT_FULL,
    bootable: bool = False,
    partial: bool = False,
    components: bool = False,
) -> None:
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        if context is not None:
            bc.SetContext(context)
        bc.SetBackupState(components, bootable, backup_type, partial)
        bc.GatherWriterMetadata().Wait()
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
        bc.BackupComplete().Wait()


def test_set_backup_state_is_what_the_writer_reads(system: VssSystem) -> None:
    """§1.5: GetBackupType, IsBootableSystemStateBackedUp, AreComponentsSelected,
    IsPartialFileSupportEnabled reflect SetBackupState; GetContext the SetContext value from
    OnPrepareSnapshot on; GetRestoreType is UNDEFINED during a backup."""
    writer = _probe(system)
    writer.hooks["OnPrepareBackup"] = lambda w: (
        w.GetBackupType().name,
        w.IsBootableSystemStateBackedUp(),
        w.AreComponentsSelected(),
        w.IsPartialFileSupportEnabled(),
        w.GetRestoreType().name,
    )
    writer.hooks["OnPrepareSnapshot"] = lambda w: w.GetContext()
    _backup(
        system,
        context=VSS_CTX_APP_ROLLBACK,
        backup_type=VSS_BT_INCREMENTAL,
        bootable=True,
        partial=True,
    )
    assert writer.first("OnPrepareBackup") == (
        "VSS_BT_INCREMENTAL",
        True,
        False,
        True,
        "VSS_RTYPE_UNDEFINED",
    )
    assert writer.first("OnPrepareSnapshot") == 0x09  # §7.6 VSS_CTX_APP_ROLLBACK
    assert int(VSS_CTX_APP_ROLLBACK) == 0x09


def test_restore_type_in_pre_restore(system: VssSystem) -> None:
    """§1.5: GetRestoreType is correct from OnPreRestore on; it is SetRestoreState's value."""
    writer = make_writer(system, "Probe", cls=Hooked, writer_id=PROBE_ID)
    writer.hooks["OnPreRestore"] = CALLS["GetRestoreType"]
    xml = backup_xml(system)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForRestore(xml)
        bc.SetRestoreState(VSS_RTYPE_BY_COPY)
        bc.GatherWriterMetadata().Wait()
        bc.SetSelectedForRestore(PROBE_ID, VSS_CT_FILEGROUP, None, "Files", True)
        bc.PreRestore().Wait()
    assert writer.first("OnPreRestore") == "VSS_RTYPE_BY_COPY"


def test_is_writer_shutting_down(system: VssSystem) -> None:
    """§1.5: IsWriterShuttingDown; true once the writer's host is shutting down."""
    writer = _probe(system)
    writer.hooks["OnFreeze"] = lambda w: w.IsWriterShuttingDown()
    assert writer.IsWriterShuttingDown() is False  # "poll it": callable anywhere
    system.shut_down_writer(writer)
    _backup(system)
    assert writer.first("OnFreeze") is True


# ---------------------------------------------------------------------------------------------
# Writer failure codes (§1.5 SetWriterFailure / SetWriterFailureEx, §2.3)
# ---------------------------------------------------------------------------------------------

#: §1.5: "Allowed codes: VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT, _NONRETRYABLE, _OUTOFRESOURCES,
#: _RETRYABLE, _TIMEOUT" (values §2.3).
SET_WRITER_FAILURE_CODES = [
    ("VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT", 0x800423F0),
    ("VSS_E_WRITERERROR_OUTOFRESOURCES", 0x800423F1),
    ("VSS_E_WRITERERROR_TIMEOUT", 0x800423F2),
    ("VSS_E_WRITERERROR_RETRYABLE", 0x800423F3),
    ("VSS_E_WRITERERROR_NONRETRYABLE", 0x800423F4),
]
#: §1.5: SetWriterFailureEx's hrWriter "may also be S_OK or VSS_E_WRITERERROR_PARTIAL_FAILURE".
EX_ONLY_CODES = [("S_OK", 0x00000000), ("VSS_E_WRITERERROR_PARTIAL_FAILURE", 0x80042336)]
#: Not in §1.5's list: VSS sets NOT_RESPONDING / STATUS_NOT_AVAILABLE itself (§2.3), RECOVERY_FAILED
#: is not among the SetWriterFailure codes, E_FAIL is no writer error.
NOT_WRITER_CODES = [
    ("VSS_E_WRITER_NOT_RESPONDING", 0x80042319),
    ("VSS_E_WRITER_STATUS_NOT_AVAILABLE", 0x80042409),
    ("VSS_E_WRITERERROR_RECOVERY_FAILED", 0x800423F5),
    ("E_FAIL", 0x80004005),
]


def _status_after_failure(system: VssSystem, hook: Hook) -> tuple[Any, Any]:
    writer = make_writer(system, "Failing", cls=Hooked)
    writer.hooks["OnPrepareSnapshot"] = hook
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(False, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        settle(bc.DoSnapshotSet())
        bc.GatherWriterStatus().Wait()
        status = next(
            bc.GetWriterStatusEx(i)
            for i in range(bc.GetWriterStatusCount())
            if bc.GetWriterStatusEx(i).writer_name == "Failing"
        )
        bc.AbortBackup()
    return writer.first("OnPrepareSnapshot"), status


@pytest.mark.parametrize(
    ("name", "code"), [pytest.param(*r, id=r[0]) for r in SET_WRITER_FAILURE_CODES]
)
def test_set_writer_failure_code_is_reported(system: VssSystem, name: str, code: int) -> None:
    result, status = _status_after_failure(system, lambda w: w.SetWriterFailure(code))
    assert result is None
    assert status.hr_failure == code
    assert status.state.name == "VSS_WS_FAILED_AT_PREPARE_SNAPSHOT"


@pytest.mark.parametrize(
    ("name", "code"), [pytest.param(*r, id=r[0]) for r in SET_WRITER_FAILURE_CODES + EX_ONLY_CODES]
)
def test_set_writer_failure_ex_code_is_reported(system: VssSystem, name: str, code: int) -> None:
    """§1.5: hrApplication and the message are read with GetWriterStatusEx."""
    result, status = _status_after_failure(
        system, lambda w: w.SetWriterFailureEx(code, 0x8007000E, "the application says why")
    )
    assert result is None
    assert status.hr_failure == code
    assert status.hr_application == 0x8007000E
    assert status.application_message == "the application says why"
    # S_OK reports no failure: creation goes on (§1.5); any other code fails the event (§2.2).
    expected = (
        "VSS_WS_WAITING_FOR_BACKUP_COMPLETE"
        if code == S_OK
        else ("VSS_WS_FAILED_AT_PREPARE_SNAPSHOT")
    )
    assert status.state.name == expected


@pytest.mark.parametrize(("name", "code"), [pytest.param(*r, id=r[0]) for r in NOT_WRITER_CODES])
def test_other_code_is_refused(system: VssSystem, name: str, code: int) -> None:
    result, status = _status_after_failure(system, lambda w: w.SetWriterFailure(code))
    assert isinstance(result, VssError)
    assert status.hr_failure != code


@pytest.mark.parametrize(
    ("name", "code"), [pytest.param(*r, id=r[0]) for r in SET_WRITER_FAILURE_CODES]
)
def test_failure_code_table_has_the_documented_code(name: str, code: int) -> None:
    assert code in WRITER_FAILURE_CODES
    assert code in WRITER_FAILURE_CODES_EX


def test_failure_code_table_is_exactly_the_documented_list() -> None:
    assert set(WRITER_FAILURE_CODES) == {code for _, code in SET_WRITER_FAILURE_CODES}
    assert set(WRITER_FAILURE_CODES_EX) == {
        code for _, code in SET_WRITER_FAILURE_CODES + EX_ONLY_CODES
    }


# ---------------------------------------------------------------------------------------------
# The WRITER_CALLS table holds the documented rows
# ---------------------------------------------------------------------------------------------

#: (method, handlers where §1.5 allows it, handlers where §1.5 forbids it, thread rule)
DOCUMENTED_WRITER_CALLS: list[tuple[str, set[str], set[str], bool]] = [
    ("GetSessionId", set(ALL_HANDLERS), set(), True),
    ("SetWriterFailure", set(NON_IDENTIFY_HANDLERS), {"OnIdentify"}, True),
    ("SetWriterFailureEx", set(NON_IDENTIFY_HANDLERS), {"OnIdentify"}, True),
    (
        "GetSnapshotDeviceName",
        {"OnPostSnapshot"},
        set(ALL_HANDLERS) - {"OnPostSnapshot"},
        False,
    ),
    (
        "GetIdentifyInformation",
        {"OnPrepareBackup", "OnPrepareSnapshot", "OnPostSnapshot"},
        set(ALL_HANDLERS) - {"OnPrepareBackup", "OnPrepareSnapshot", "OnPostSnapshot"},
        False,
    ),
    (
        "GetCurrentSnapshotSetId",
        {"OnFreeze", "OnThaw", "OnPostSnapshot"},
        {"OnBackupComplete", "OnBackupShutdown"},
        False,
    ),
    ("GetCurrentLevel", {"OnPrepareSnapshot", "OnFreeze", "OnThaw"}, set(), False),
    (
        "GetCurrentVolumeArray",
        {"OnPrepareSnapshot", "OnFreeze", "OnThaw", "OnPostSnapshot"},
        set(),
        False,
    ),
]


@pytest.mark.parametrize(
    ("method", "allowed", "forbidden", "thread_rule"),
    [pytest.param(*row, id=row[0]) for row in DOCUMENTED_WRITER_CALLS],
)
def test_writer_calls_table_has_the_documented_row(
    method: str, allowed: set[str], forbidden: set[str], thread_rule: bool
) -> None:
    rule = WRITER_CALLS[method]
    assert rule.events is not None
    where = {event.value for event in rule.events}
    assert allowed <= where
    assert not forbidden & where
    assert rule.thread_rule is thread_rule
