"""Writer-side IVssComponent calls: where each may be made, written from the documentation.

docs/reference.md §1.6 (IVssComponent / IVssComponentEx methods and when they can be called), §7.3 (the
BCD is writable in OnPrepareBackup, OnPostSnapshot and OnPreRestore, read-only in
OnBackupComplete and OnPostRestore), §3.5 (SetBackupStamp / AddPartialFile outside a backup or in
BackupComplete, SetRestoreTarget / Set*RestoreFailureMsg outside a restore: VSS_E_BAD_STATE).
One component-mode backup and one restore of its BCD deliver all five places.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from simulator import (
    VSS_E_BAD_STATE,
    VSS_RT_ALTERNATE,
    ComponentAccess,
    IVssComponent,
    Phase,
    ViolationRule,
    VssBadState,
    VssError,
    VssSystem,
    WriterEvent,
)

# -- private and table names used here -----------------------------------------------------------
from simulator._rules.component_calls import refusal_message
from simulator.rules import COMPONENT_CALLS

# -- test helpers used here ---------------------------------------------------------------------
from tests.helpers import QuietWriter, drive_to, make_writer

Setter = Callable[[IVssComponent], Any]

#: Each IVssComponent setter, called with valid arguments.
SETTERS: dict[str, Setter] = {
    "SetBackupMetadata": lambda c: c.SetBackupMetadata("backup metadata"),
    "SetBackupStamp": lambda c: c.SetBackupStamp("stamp-2026-01-01"),
    "AddPartialFile": lambda c: c.AddPartialFile("C:\\MyFiles", "data.bin", "0:4096", None),
    "AddDifferencedFilesByLastModifyTime": lambda c: c.AddDifferencedFilesByLastModifyTime(
        "C:\\MyFiles", "*", False, 133_000_000_000_000_000
    ),
    "SetRestoreMetadata": lambda c: c.SetRestoreMetadata("restore metadata"),
    "SetRestoreTarget": lambda c: c.SetRestoreTarget(VSS_RT_ALTERNATE),
    "AddDirectedTarget": lambda c: c.AddDirectedTarget(
        "C:\\MyFiles", "data.bin", "0:4096", "C:\\Elsewhere", "data.bin", "0:4096"
    ),
    "SetPreRestoreFailureMsg": lambda c: c.SetPreRestoreFailureMsg("pre-restore went wrong"),
    "SetPostRestoreFailureMsg": lambda c: c.SetPostRestoreFailureMsg("post-restore went wrong"),
    "SetPrepareForBackupFailureMsg": lambda c: c.SetPrepareForBackupFailureMsg("prepare failed"),
    "SetPostSnapshotFailureMsg": lambda c: c.SetPostSnapshotFailureMsg("post-snapshot failed"),
}

#: (setter, handler where §1.6 allows it)
ALLOWED: list[tuple[str, str]] = [
    # §1.6 / §7.3: the BCD is writable from OnPrepareBackup to OnPostSnapshot (backup).
    ("SetBackupMetadata", "OnPrepareBackup"),
    ("SetBackupMetadata", "OnPostSnapshot"),
    # §1.6: "Writer, backup only ... Usually called in OnPostSnapshot."
    ("SetBackupStamp", "OnPrepareBackup"),
    ("SetBackupStamp", "OnPostSnapshot"),
    # §1.6: "Usually in OnPrepareBackup or OnPostSnapshot."
    ("AddPartialFile", "OnPrepareBackup"),
    ("AddPartialFile", "OnPostSnapshot"),
    # §1.6: "Writer, backup (PrepareForBackup / PostSnapshot)."
    ("AddDifferencedFilesByLastModifyTime", "OnPrepareBackup"),
    ("AddDifferencedFilesByLastModifyTime", "OnPostSnapshot"),
    # §1.6: writable in OnPreRestore (restore).
    ("SetRestoreMetadata", "OnPreRestore"),
    # §1.6: "Writer, restore only (OnPreRestore)."
    ("SetRestoreTarget", "OnPreRestore"),
    ("AddDirectedTarget", "OnPreRestore"),
    # §1.6: "Writer, restore only. Explains a failure in PreRestore / PostRestore."
    ("SetPreRestoreFailureMsg", "OnPreRestore"),
    ("SetPostRestoreFailureMsg", "OnPostRestore"),
    # §1.6: IVssComponentEx "Writer, in the matching handler."
    ("SetPrepareForBackupFailureMsg", "OnPrepareBackup"),
    ("SetPostSnapshotFailureMsg", "OnPostSnapshot"),
]

#: (setter, handler where §1.6 / §3.5 refuse it with VSS_E_BAD_STATE)
REFUSED: list[tuple[str, str]] = [
    # §1.6: SetBackupMetadata "Fails in OnBackupComplete" (read-only).
    ("SetBackupMetadata", "OnBackupComplete"),
    # §1.6: SetRestoreMetadata fails in OnPostRestore (read-only).
    ("SetRestoreMetadata", "OnPostRestore"),
    # §1.6 / §3.5: SetBackupStamp not in OnBackupComplete, and outside a backup.
    ("SetBackupStamp", "OnBackupComplete"),
    ("SetBackupStamp", "OnPreRestore"),
    ("SetBackupStamp", "OnPostRestore"),
    # §1.6 / §3.5: AddPartialFile "Writer, backup only"; not inside BackupComplete.
    ("AddPartialFile", "OnBackupComplete"),
    ("AddPartialFile", "OnPreRestore"),
    # §1.6 / §3.5: SetRestoreTarget "restore only" — "not in correct state (backup or restore)".
    ("SetRestoreTarget", "OnPrepareBackup"),
    ("SetRestoreTarget", "OnPostSnapshot"),
    ("SetRestoreTarget", "OnBackupComplete"),
    # §1.6 / §3.5: Set*RestoreFailureMsg outside a restore.
    ("SetPreRestoreFailureMsg", "OnPrepareBackup"),
    ("SetPreRestoreFailureMsg", "OnPostSnapshot"),
    ("SetPostRestoreFailureMsg", "OnPrepareBackup"),
    ("SetPostRestoreFailureMsg", "OnBackupComplete"),
]


class ComponentProbe(QuietWriter):
    """Calls ``calls[handler]`` on its first component in that handler; keeps the outcome."""

    def __init__(self) -> None:
        self.calls: dict[str, Setter] = {}
        self.outcome: dict[str, Any] = {}

    def on_event(self, event: WriterEvent, arg: Any) -> bool:
        call = self.calls.get(event.value)
        if call is not None:
            assert arg is not None, f"{event.value} got no components"
            try:
                self.outcome[event.value] = call(arg.GetComponent(0))
            except VssError as exc:
                self.outcome[event.value] = exc
        return True


def _backup_and_restore(system: VssSystem, method: str, handler: str) -> ComponentProbe:
    writer = make_writer(system, "Component Probe", cls=ComponentProbe)
    writer.calls[handler] = SETTERS[method]
    with system.CreateVssBackupComponents() as bc:
        drive_to(bc, Phase.POST_RESTORED)  # component-mode backup, then a restore of its BCD
    assert handler in writer.outcome, f"{handler} was not delivered"
    return writer


@pytest.mark.parametrize(("method", "handler"), [pytest.param(*r, id="-".join(r)) for r in ALLOWED])
def test_setter_where_it_is_documented(system: VssSystem, method: str, handler: str) -> None:
    writer = _backup_and_restore(system, method, handler)
    assert not isinstance(writer.outcome[handler], VssError), writer.outcome[handler]
    assert system.violations == []


@pytest.mark.parametrize(("method", "handler"), [pytest.param(*r, id="-".join(r)) for r in REFUSED])
def test_setter_where_it_is_refused(system: VssSystem, method: str, handler: str) -> None:
    writer = _backup_and_restore(system, method, handler)
    refused = writer.outcome[handler]
    assert isinstance(refused, VssBadState)
    assert refused.hresult == VSS_E_BAD_STATE
    assert [(v.rule, v.handler) for v in system.violations] == [
        (ViolationRule.FORBIDDEN_IN_HANDLER, handler)
    ]


def test_backup_stamp_set_in_post_snapshot_reaches_the_requester(system: VssSystem) -> None:
    """§1.6 / §7.3: the writer sets the stamp (usually in OnPostSnapshot); the requester reads it
    from the BCD after DoSnapshotSet (and must save the BCD only then, §3.2 row 18)."""
    writer = make_writer(system, "Component Probe", cls=ComponentProbe)
    writer.calls["OnPostSnapshot"] = SETTERS["SetBackupStamp"]
    with system.CreateVssBackupComponents() as bc:
        drive_to(bc, Phase.SNAPSHOT_SET_CREATED)
        component = bc.GetWriterComponents(0).GetComponent(0)
        assert component.GetBackupStamp() == "stamp-2026-01-01"
        assert "stamp-2026-01-01" in bc.SaveAsXML()


def test_restore_target_set_in_pre_restore_reaches_the_requester(system: VssSystem) -> None:
    """§3.3 row 9: after PreRestore the requester reads the components again (writers may have
    changed targets)."""
    writer = make_writer(system, "Component Probe", cls=ComponentProbe)
    writer.calls["OnPreRestore"] = SETTERS["SetRestoreTarget"]
    with system.CreateVssBackupComponents() as bc:
        drive_to(bc, Phase.PRE_RESTORED)
        assert bc.GetWriterComponents(0).GetComponent(0).GetRestoreTarget() is VSS_RT_ALTERNATE


def _place(handler: str) -> ComponentAccess:
    return ComponentAccess(handler)


@pytest.mark.parametrize(("method", "handler"), [pytest.param(*r, id="-".join(r)) for r in ALLOWED])
def test_component_calls_table_allows(method: str, handler: str) -> None:
    assert _place(handler) in COMPONENT_CALLS[method]


@pytest.mark.parametrize(("method", "handler"), [pytest.param(*r, id="-".join(r)) for r in REFUSED])
def test_component_calls_table_refuses(method: str, handler: str) -> None:
    assert _place(handler) not in COMPONENT_CALLS[method]


def test_a_refused_setter_names_exactly_the_places_it_may_be_called() -> None:
    assert refusal_message("SetBackupStamp", ComponentAccess.BACKUP_COMPLETE) == (
        "IVssComponent::SetBackupStamp called in OnBackupComplete; it may be called only in "
        "OnPrepareBackup, OnPostSnapshot"
    )
