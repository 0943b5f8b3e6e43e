"""The requester's backup, BCD and restore calls check every argument up front: a garbage value
of each is E_INVALIDARG naming the method and the argument, never a lookup that turns it into
VSS_E_OBJECT_NOT_FOUND or VSS_E_PROVIDER_NOT_REGISTERED, never the gate's catch-all; the same
call with a value of the right kind still works (simulator/_windows/backup_components.py,
restore_calls.py, status_and_restore.py; docs/design.md "Policies where the documentation is
silent")."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from simulator import (
    GUID_NULL,
    VSS_BT_FULL,
    VSS_CT_FILEGROUP,
    VSS_OBJECT_SNAPSHOT,
    VSS_RF_PARTIAL,
    VSS_RS_ALL,
    IVssBackupComponents,
    IVssCreateWriterMetadata,
    Phase,
    VssBadState,
    VssInvalidArg,
    VssObjectNotFound,
    VssSystem,
)
from tests.helpers import QuietWriter, backup_xml, drive_to, instance_id, make_writer

#: What the gate says when a body fails with a Python error: the message this file rules out.
CATCH_ALL = "an argument is not of the kind it takes"
GARBAGE = [None, 1.5, math.nan, "zz", b"C:\\", [1], object(), -(2**70)]
FG = VSS_CT_FILEGROUP

#: The values each kind of argument takes, so they are not garbage for it.
FITS: dict[str, tuple[type, ...]] = {
    "guid": (),
    "enum": (),
    "bool": (int,),
    "text": (str,),
    "optional_text": (str, type(None)),
}


class SubWriter(QuietWriter):
    """QuietWriter plus "Files\\Sub", a nonselectable subcomponent selectable for restore."""

    def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
        super().OnIdentify(metadata)
        metadata.AddComponent(FG, "Files", "Sub", "Sub", None, 0, False, False, False, True)
        return True


@attrs.define
class Ctx:
    """What a case's calls name: the writer's class and instance, a shadow copy, a saved BCD."""

    writer_id: uuid.UUID
    instance_id: uuid.UUID
    xml: str = ""
    snapshot_id: uuid.UUID = GUID_NULL


def _prepare(system: VssSystem, bc: IVssBackupComponents, where: str) -> None:
    """Bring ``bc`` to where the case's method is taken."""
    exclude = {"Sub"}
    if where == "created":
        return
    if where == "initialized":
        drive_to(bc, Phase.BACKUP_INITIALIZED)
    elif where == "gathered-empty":
        drive_to(bc, Phase.METADATA_GATHERED, exclude={"Files", "Sub"})
    elif where == "gathered":
        drive_to(bc, Phase.METADATA_GATHERED, exclude=exclude)
    elif where == "set-open":
        drive_to(bc, Phase.METADATA_GATHERED, exclude=exclude)
        bc.StartSnapshotSet()
    elif where == "set-created":
        drive_to(bc, Phase.SNAPSHOT_SET_CREATED, exclude=exclude)
    elif where == "restore":
        drive_to(bc, Phase.RESTORE_METADATA_GATHERED, exclude=exclude)
    elif where == "pre-restored":
        drive_to(bc, Phase.PRE_RESTORED, exclude=exclude)
    else:  # pragma: no cover - a typo in the table
        raise AssertionError(where)


Invoke = Callable[[IVssBackupComponents, Ctx, Any], object]
Valid = Callable[[Ctx], object]


@attrs.frozen
class Case:
    """One argument of one method: ``call`` puts ``value`` in its place, ``valid`` is a value
    of the right kind there."""

    method: str
    where: str
    argument: str
    kind: str
    call: Invoke
    valid: Valid


def _c(method: str, where: str, argument: str, kind: str, call: Invoke, valid: Valid) -> Case:
    return Case(method, where, argument, kind, call, valid)


def _component_cases(method: str, where: str, tail: Callable[[Ctx], tuple[Any, ...]]) -> list[Case]:
    """The four arguments naming the component ("Files") of a BCD call, then ``tail``."""
    return [
        _c(method, where, "writer_id", "guid",
           lambda bc, c, v: getattr(bc, method)(v, FG, None, "Files", *tail(c)),
           lambda c: c.writer_id),
        _c(method, where, "component_type", "enum",
           lambda bc, c, v: getattr(bc, method)(c.writer_id, v, None, "Files", *tail(c)),
           lambda c: FG),
        _c(method, where, "logical_path", "optional_text",
           lambda bc, c, v: getattr(bc, method)(c.writer_id, FG, v, "Files", *tail(c)),
           lambda c: None),
        _c(method, where, "component_name", "text",
           lambda bc, c, v: getattr(bc, method)(c.writer_id, FG, None, v, *tail(c)),
           lambda c: "Files"),
    ]  # fmt: skip


def _tail_cases(
    method: str, where: str, names: list[tuple[str, str]], good: Callable[[Ctx], tuple[Any, ...]]
) -> list[Case]:
    """One case per argument after the component's four: ``good`` gives all of them valid."""
    cases = []
    for at, (argument, kind) in enumerate(names):

        def call(bc: IVssBackupComponents, c: Ctx, v: Any, at: int = at) -> object:
            values = list(good(c))
            values[at] = v
            return getattr(bc, method)(c.writer_id, FG, None, "Files", *values)

        cases.append(_c(method, where, argument, kind, call, lambda c, at=at: good(c)[at]))
    return cases


def _bcd_method(
    method: str, where: str, names: list[tuple[str, str]], good: Callable[[Ctx], tuple[Any, ...]]
) -> list[Case]:
    return _component_cases(method, where, good) + _tail_cases(method, where, names, good)


CASES: list[Case] = [
    _c("InitializeForBackup", "created", "xml", "optional_text",
       lambda bc, c, v: bc.InitializeForBackup(v), lambda c: None),
    _c("InitializeForRestore", "created", "xml", "text",
       lambda bc, c, v: bc.InitializeForRestore(v), lambda c: c.xml),
    _c("SetBackupState", "initialized", "select_components", "bool",
       lambda bc, c, v: bc.SetBackupState(v, False, VSS_BT_FULL), lambda c: True),
    _c("SetBackupState", "initialized", "backup_bootable_system_state", "bool",
       lambda bc, c, v: bc.SetBackupState(True, v, VSS_BT_FULL), lambda c: False),
    _c("SetBackupState", "initialized", "partial_file_support", "bool",
       lambda bc, c, v: bc.SetBackupState(True, False, VSS_BT_FULL, v), lambda c: 0),
    _c("AddComponent", "gathered-empty", "instance_id", "guid",
       lambda bc, c, v: bc.AddComponent(v, c.writer_id, FG, None, "Files"),
       lambda c: c.instance_id),
    _c("AddComponent", "gathered-empty", "writer_id", "guid",
       lambda bc, c, v: bc.AddComponent(c.instance_id, v, FG, None, "Files"),
       lambda c: c.writer_id),
    _c("AddComponent", "gathered-empty", "component_type", "enum",
       lambda bc, c, v: bc.AddComponent(c.instance_id, c.writer_id, v, None, "Files"),
       lambda c: int(FG)),
    _c("AddComponent", "gathered-empty", "logical_path", "optional_text",
       lambda bc, c, v: bc.AddComponent(c.instance_id, c.writer_id, FG, v, "Files"),
       lambda c: ""),
    _c("AddComponent", "gathered-empty", "component_name", "text",
       lambda bc, c, v: bc.AddComponent(c.instance_id, c.writer_id, FG, None, v),
       lambda c: "Files"),
    *_bcd_method("SetBackupOptions", "gathered", [("options", "text")], lambda c: ("opts",)),
    *_bcd_method("SetPreviousBackupStamp", "gathered", [("previous_backup_stamp", "text")],
                 lambda c: ("stamp",)),
    _c("IsVolumeSupported", "gathered", "provider_id", "guid",
       lambda bc, c, v: bc.IsVolumeSupported(v, "C:\\"), lambda c: GUID_NULL),
    _c("AddToSnapshotSet", "set-open", "provider_id", "guid",
       lambda bc, c, v: bc.AddToSnapshotSet("C:\\", v), lambda c: GUID_NULL),
    _c("GetSnapshotProperties", "set-created", "snapshot_id", "guid",
       lambda bc, c, v: bc.GetSnapshotProperties(v), lambda c: c.snapshot_id),
    _c("SetBackupSucceeded", "set-created", "instance_id", "guid",
       lambda bc, c, v: bc.SetBackupSucceeded(v, c.writer_id, FG, None, "Files", True),
       lambda c: c.instance_id),
    *[
        _c("SetBackupSucceeded", "set-created", case.argument, case.kind,
           lambda bc, c, v, case=case: case.call(_WithInstance(bc, c.instance_id), c, v),
           case.valid)
        for case in _bcd_method("SetBackupSucceeded", "set-created", [("succeeded", "bool")],
                                lambda c: (True,))
    ],
    _c("DeleteSnapshots", "set-created", "source_id", "guid",
       lambda bc, c, v: bc.DeleteSnapshots(v, VSS_OBJECT_SNAPSHOT, True),
       lambda c: c.snapshot_id),
    _c("DeleteSnapshots", "set-created", "force", "bool",
       lambda bc, c, v: bc.DeleteSnapshots(c.snapshot_id, VSS_OBJECT_SNAPSHOT, v),
       lambda c: False),
    *_bcd_method("SetSelectedForRestore", "restore", [("selected", "bool")], lambda c: (True,)),
    *_bcd_method("SetSelectedForRestoreEx", "restore",
                 [("selected", "bool"), ("instance_id", "guid")],
                 lambda c: (True, c.instance_id)),
    *_bcd_method("AddRestoreSubcomponent", "restore",
                 [("subcomponent_logical_path", "optional_text"),
                  ("subcomponent_name", "optional_text"), ("repair", "bool")],
                 lambda c: ("Files", "Sub", False)),
    *_bcd_method("SetRestoreOptions", "restore", [("options", "text")], lambda c: ("opts",)),
    *_bcd_method("SetAdditionalRestores", "restore", [("additional_restores", "bool")],
                 lambda c: (True,)),
    *_bcd_method("AddNewTarget", "restore",
                 [("path", "text"), ("filespec", "text"), ("recursive", "bool"),
                  ("alternate_path", "text")],
                 lambda c: ("C:\\MyFiles", "*", False, "D:\\Moved")),
    *_bcd_method("AddAlternativeLocationMapping", "restore",
                 [("path", "text"), ("filespec", "text"), ("recursive", "bool"),
                  ("destination", "text")],
                 lambda c: ("C:\\MyFiles", "*", False, "D:\\Alt")),
    *_bcd_method("SetAuthoritativeRestore", "restore", [("authoritative", "bool")],
                 lambda c: (True,)),
    *_bcd_method("SetRollForward", "restore",
                 [("roll_forward_type", "enum"), ("roll_forward_point", "optional_text")],
                 lambda c: (VSS_RF_PARTIAL, "lsn-42")),
    *_bcd_method("SetRestoreName", "restore", [("restore_name", "text")],
                 lambda c: ("Files (restored)",)),
    *_bcd_method("SetFileRestoreStatus", "pre-restored", [("status", "enum")],
                 lambda c: (VSS_RS_ALL,)),
]  # fmt: skip


class _WithInstance:
    """``bc`` whose SetBackupSucceeded takes the instance id first, so the component cases of
    the other BCD calls serve it."""

    def __init__(self, bc: IVssBackupComponents, instance: uuid.UUID) -> None:
        self._bc = bc
        self._instance = instance

    def SetBackupSucceeded(self, *args: Any) -> None:
        self._bc.SetBackupSucceeded(self._instance, *args)


def _shown(value: object) -> str:
    return "object()" if type(value) is object else repr(value)


def _garbage_for(kind: str) -> list[Any]:
    fits = FITS[kind]
    return [v for v in GARBAGE if not (isinstance(v, fits) and not isinstance(v, float))]


def _param(case: Case) -> Any:
    return pytest.param(case, id=f"{case.method}-{case.argument}")


@pytest.fixture(scope="module")
def saved_bcd() -> str:
    with VssSystem(seed=2) as system:
        make_writer(system, "Writer", cls=SubWriter)
        return backup_xml(system, exclude={"Sub"})


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_garbage_is_refused_naming_the_argument_and_a_good_value_works(
    case: Case, saved_bcd: str
) -> None:
    with VssSystem(seed=1) as system:
        writer = make_writer(system, "Writer", cls=SubWriter)
        bc = system.CreateVssBackupComponents()
        _prepare(system, bc, case.where)
        ctx = Ctx(writer._vss.writer_id, instance_id(writer), saved_bcd)
        copies = system.shadow_copies()
        if copies:
            ctx.snapshot_id = copies[0].snapshot_id
        phase = bc.phase
        garbage = _garbage_for(case.kind)
        assert garbage
        for value in garbage:
            with pytest.raises(VssInvalidArg) as refused:
                case.call(bc, ctx, value)
            message = refused.value.message
            assert message.startswith(f"{case.method}: {case.argument} must be "), (
                _shown(value),
                message,
            )
            assert CATCH_ALL not in message
            assert " at 0x" not in message
            assert bc.phase is phase
        result = case.call(bc, ctx, case.valid(ctx))
        if hasattr(result, "Wait"):
            result.Wait()
        bc.Release()
        assert system.violations == []


def test_the_table_covers_every_argument_the_issue_names() -> None:
    covered = {(case.method, case.argument) for case in CASES}
    for method in ("AddComponent", "SetBackupSucceeded"):
        assert {(method, "instance_id"), (method, "writer_id")} <= covered
    for method in ("SetBackupOptions", "SetPreviousBackupStamp", "SetSelectedForRestore"):
        assert {(method, "writer_id"), (method, "logical_path"), (method, "component_name")} <= (
            covered
        )
    assert ("IsVolumeSupported", "provider_id") in covered
    assert ("AddToSnapshotSet", "provider_id") in covered
    assert ("SetFileRestoreStatus", "status") in covered
    restore_methods = {
        "SetSelectedForRestoreEx", "AddRestoreSubcomponent", "SetRestoreOptions",
        "SetAdditionalRestores", "AddNewTarget", "AddAlternativeLocationMapping",
        "SetAuthoritativeRestore", "SetRollForward", "SetRestoreName",
    }  # fmt: skip
    assert restore_methods <= {method for method, _ in covered}
    assert len(covered) == len(CASES)


def test_the_wrong_phase_is_bad_state_before_the_arguments(system: VssSystem) -> None:
    """The gate runs first: a call in the wrong phase is VSS_E_BAD_STATE whatever its arguments."""
    make_writer(system, "Writer")
    bc = system.CreateVssBackupComponents()
    with pytest.raises(VssBadState):
        bc.SetBackupState(None, None, "full")  # type: ignore[arg-type]
    drive_to(bc, Phase.BACKUP_INITIALIZED)
    with pytest.raises(VssBadState):
        bc.AddComponent("x", "y", 99, 5, None)  # type: ignore[arg-type]
    with pytest.raises(VssBadState):
        bc.SetFileRestoreStatus([1], 2, None, "Files", "all")  # type: ignore[arg-type]
    bc.Release()


def test_a_well_formed_argument_naming_nothing_is_still_object_not_found(
    system: VssSystem,
) -> None:
    """The kind is checked first; a GUID or a name the document does not hold is still
    VSS_E_OBJECT_NOT_FOUND."""
    make_writer(system, "Writer")
    bc = system.CreateVssBackupComponents()
    drive_to(bc, Phase.METADATA_GATHERED)
    _, examine = bc.GetWriterMetadata(0)
    writer_id = examine.GetIdentity()[1]
    with pytest.raises(VssObjectNotFound):
        bc.AddComponent(uuid.UUID(int=7), writer_id, FG, None, "Files")
    with pytest.raises(VssObjectNotFound):
        bc.SetBackupOptions(writer_id, FG, None, "Nothing", "x")
    with pytest.raises(VssObjectNotFound):
        bc.SetPreviousBackupStamp(uuid.UUID(int=7), FG, None, "Files", "stamp")
    bc.Release()


def test_a_saved_bcd_that_is_not_a_string_is_invalid_arg_and_bad_text_is_invalid_xml(
    system: VssSystem,
) -> None:
    from simulator import VssInvalidXmlDocument

    bc = system.CreateVssBackupComponents()
    with pytest.raises(VssInvalidArg, match="InitializeForRestore: xml must be a string"):
        bc.InitializeForRestore(b"<x/>")  # type: ignore[arg-type]
    with pytest.raises(VssInvalidXmlDocument):
        bc.InitializeForRestore("not a document")
    bc.Release()


def test_a_requirement_row_reads_keyword_arguments_too(system: VssSystem) -> None:
    """The WRITER_RUNNING row reads the writer id whether it is given by position or by keyword
    (docs/reference.md §3.3 row 6)."""
    make_writer(system, "Writer")
    bc = drive_to(system.CreateVssBackupComponents(), Phase.RESTORE_METADATA_GATHERED)
    writer_id = bc.GetWriterMetadata(0)[1].GetIdentity()[1]
    with pytest.raises(VssObjectNotFound, match="did not answer GatherWriterMetadata"):
        bc.SetSelectedForRestore(
            writer_id=uuid.UUID(int=7),
            component_type=FG,
            logical_path=None,
            component_name="Files",
            selected=True,
        )
    bc.SetSelectedForRestore(
        writer_id=writer_id,
        component_type=FG,
        logical_path=None,
        component_name="Files",
        selected=True,
    )
    with pytest.raises(VssInvalidArg):  # positional-only: Python's own refusal, as E_INVALIDARG
        bc.SetSelectedForRestoreEx(writer_id=writer_id)  # type: ignore[call-arg]
    bc.Release()
