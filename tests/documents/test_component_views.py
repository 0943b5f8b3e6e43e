"""The Backup Components Document and the IVssComponent views (docs/reference.md §7.3, §1.6)."""

import copy
import uuid
from pathlib import Path
from typing import Any

import pytest

from simulator._documents.backup_document import (
    BackupComponentsDocument,
    ComponentEntry,
    ComponentFailure,
    DifferencedFile,
    DirectedTarget,
    PartialFile,
    RestoreSubcomponent,
    RollForward,
    WriterComponentsEntry,
)
from simulator._documents.component_views import (
    IVssComponent,
    IVssWriterComponents,
    IVssWriterComponentsExt,
)
from simulator._documents.writer_metadata import FileDescriptor
from simulator._rules.component_calls import COMPONENT_CALLS, ComponentAccess
from simulator._vocabulary.enums import (
    GUID_NULL,
    VSS_BACKUP_SCHEMA,
    VSS_BACKUP_TYPE,
    VSS_COMPONENT_TYPE,
    VSS_FILE_RESTORE_STATUS,
    VSS_RESTORE_TARGET,
    VSS_RESTORE_TYPE,
    VSS_ROLLFORWARD_TYPE,
)
from simulator._vocabulary.error_classes import (
    VssBadState,
    VssInvalidArg,
    VssInvalidXmlDocument,
    VssObjectAlreadyExists,
    VssObjectNotFound,
)
from simulator.hresults import E_INVALIDARG, S_OK, VSS_E_WRITERERROR_RETRYABLE
from tests.helpers import REAL_DATA

REAL = REAL_DATA / "kevingoode-vssbackup"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"real VSS documents not found at {REAL}")
REAL_BCDS = sorted(REAL.glob("*/BCDocument.xml")) if REAL.is_dir() else []

DATABASE = VSS_COMPONENT_TYPE.VSS_CT_DATABASE
FILEGROUP = VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP
SQL_WRITER = uuid.UUID("a65faa63-5ea8-4ebc-9dbd-a0c4db26912a")
WRITER = uuid.UUID(int=0xABC)
INSTANCE = uuid.UUID(int=0xDEF)


def read(relative: str) -> BackupComponentsDocument:
    return BackupComponentsDocument.from_xml((REAL / relative).read_text(encoding="utf-8"))


def entry() -> ComponentEntry:
    return ComponentEntry(WRITER, INSTANCE, DATABASE, "Server", "db")


# --- real documents -----------------------------------------------------------------------------


@needs_real
@pytest.mark.parametrize("path", REAL_BCDS, ids=lambda p: p.parent.name)
def test_every_real_bcd_survives_save_and_reload(path: Path) -> None:
    document = BackupComponentsDocument.from_xml(path.read_text(encoding="utf-8"))
    saved = document.to_xml()
    assert BackupComponentsDocument.from_xml(saved) == document
    assert BackupComponentsDocument.from_xml(saved).to_xml() == saved


@needs_real
def test_no_sql_bcd() -> None:
    document = read("no_sql/BCDocument.xml")
    assert (document.select_components, document.bootable_system_state) == (True, True)
    assert (document.backup_type, document.partial_file_support) == (
        VSS_BACKUP_TYPE.VSS_BT_FULL,
        False,
    )
    assert document.snapshot_set_id == uuid.UUID("e109943b-232e-4b52-8dc4-62b7de94761b")
    assert len(document.writers) == 7
    system = document.writer_entry(uuid.UUID("ce678d65-95d0-4bea-a43d-2a288bc94500"))
    assert [c.component_name for c in system.components] == ["System Files", "Win32 Services Files"]
    assert all(c.component_type is FILEGROUP and c.logical_path is None for c in system.components)


@needs_real
def test_with_sql_bcd_has_the_sql_writer_stamps_and_metadata() -> None:
    document = read("with_sql/BCDocument.xml")
    sql = [w for w in document.writers if w.writer_id == SQL_WRITER]
    assert len(sql) == 1
    writer = sql[0]
    assert writer.instance_name == "Microsoft SQL Server 2017:SQLWriter"
    assert writer.backup_schema == 881
    [local1] = writer.components
    assert (local1.logical_path, local1.component_name) == ("WIN2012-SQL17-2", "local1")
    assert local1.backup_stamp == "CAAAAMQv3+t4udUB"
    assert local1.backup_metadata is not None and local1.backup_metadata.startswith("BCAAAFRBUEUA")
    found = document.find_component(SQL_WRITER, FILEGROUP, "WIN2012-SQL17-2", "local1")
    assert found is local1
    view = IVssWriterComponentsExt(writer, ComponentAccess.REQUESTER).GetComponent(0)
    assert view.GetBackupStamp() == "CAAAAMQv3+t4udUB"


# --- document operations ------------------------------------------------------------------------


def test_add_and_find_components() -> None:
    document = BackupComponentsDocument()
    added = document.add_component(INSTANCE, WRITER, DATABASE, "", "db")
    assert added.logical_path is None
    assert document.find_component(WRITER, DATABASE, None, "db") is added
    assert document.find_component(WRITER, DATABASE, "", "db", instance_id=INSTANCE) is added
    assert document.writer_entry(INSTANCE).components == [added]
    with pytest.raises(VssObjectAlreadyExists):
        document.add_component(INSTANCE, WRITER, FILEGROUP, None, "db")
    second = document.add_component(uuid.UUID(int=1), WRITER, DATABASE, None, "db")
    assert len(document.writers) == 2 and second is not added


@pytest.mark.parametrize(
    "lookup",
    [
        (WRITER, FILEGROUP, None, "db", None),
        (WRITER, DATABASE, "other", "db", None),
        (WRITER, DATABASE, None, "DB", None),
        (uuid.UUID(int=9), DATABASE, None, "db", None),
        (WRITER, DATABASE, None, "db", uuid.UUID(int=9)),
    ],
)
def test_find_component_misses_are_object_not_found(lookup: tuple[Any, ...]) -> None:
    document = BackupComponentsDocument()
    document.add_component(INSTANCE, WRITER, DATABASE, None, "db")
    with pytest.raises(VssObjectNotFound):
        document.find_component(*lookup)


def test_writer_entry_of_unknown_instance() -> None:
    with pytest.raises(VssObjectNotFound):
        BackupComponentsDocument().writer_entry(INSTANCE)


def test_instance_cannot_change_writer() -> None:
    document = BackupComponentsDocument()
    document.add_component(INSTANCE, WRITER, DATABASE, None, "db")
    with pytest.raises(VssInvalidArg):
        document.add_component(INSTANCE, uuid.UUID(int=9), DATABASE, None, "x")


def full_document() -> BackupComponentsDocument:
    document = BackupComponentsDocument(
        select_components=True,
        bootable_system_state=False,
        backup_type=VSS_BACKUP_TYPE.VSS_BT_LOG,
        partial_file_support=True,
        snapshot_set_id=uuid.UUID(int=77),
        restore_type=VSS_RESTORE_TYPE.VSS_RTYPE_BY_COPY,
    )
    writer = document.add_writer(INSTANCE, WRITER, "instance")
    writer.backup_schema = VSS_BACKUP_SCHEMA(0x1FF)
    e = document.add_component(INSTANCE, WRITER, DATABASE, "Server\\A", 'd"b<&>')
    e.backup_succeeded = True
    e.backup_options = "opts"
    e.previous_backup_stamp = "prev"
    e.backup_stamp = "stamp"
    e.backup_metadata = "meta\nline"
    e.restore_metadata = "rmeta"
    e.selected_for_restore = True
    e.additional_restores = True
    e.restore_options = "ropts"
    e.file_restore_status = VSS_FILE_RESTORE_STATUS.VSS_RS_FAILED
    e.restore_target = VSS_RESTORE_TARGET.VSS_RT_ORIGINAL_LOCATION
    e.pre_restore_failure_msg = "pre"
    e.post_restore_failure_msg = "post"
    e.prepare_for_backup_failure_msg = "pfb"
    e.post_snapshot_failure_msg = "ps"
    e.partial_files.append(PartialFile("C:\\d", "f.mdf", "0:512,1024:512", None))
    e.differenced_files.append(DifferencedFile("C:\\d", "*.log", True, None, 0x01D5_0000_1234_5678))
    e.differenced_files.append(DifferencedFile("C:\\d", "*.ldf", False, "lsn-1", 0))
    e.directed_targets.append(DirectedTarget("C:\\a", "a", "0:1", "D:\\b", "b", "1:1"))
    e.new_targets.append(FileDescriptor("C:\\a", "*", True, "E:\\new"))
    e.alternate_location_mappings.append(FileDescriptor("C:\\a", "*.x", False, "F:\\alt"))
    e.restore_subcomponents.append(RestoreSubcomponent("Server\\A\\db", "part", True))
    e.failure = ComponentFailure(VSS_E_WRITERERROR_RETRYABLE, E_INVALIDARG, "busy")
    e.authoritative_restore = True
    e.roll_forward = RollForward(VSS_ROLLFORWARD_TYPE.VSS_RF_PARTIAL, "point")
    e.restore_name = "renamed"
    document.add_component(INSTANCE, WRITER, FILEGROUP, None, "plain")
    return document


def test_every_field_survives_xml() -> None:
    document = full_document()
    xml = document.to_xml()
    assert BackupComponentsDocument.from_xml(xml) == document
    assert xml == full_document().to_xml()
    assert 'backupType="log"' in xml and 'backupStamp="stamp"' in xml


def test_fresh_document_writes_the_real_root() -> None:
    xml = BackupComponentsDocument().to_xml()
    assert xml == (
        '<BACKUP_COMPONENTS xmlns="x-schema:#VssComponentMetadata" version="1.2"'
        ' bootableSystemStateBackup="no" selectComponents="no" backupType="undefined"'
        f' partialFileSupport="no" snapshotSetId="{GUID_NULL}"/>'
    )


INVALID_BCDS = {
    "wrong root": "<WRITER_METADATA/>",
    "missing backupType": '<BACKUP_COMPONENTS selectComponents="yes" bootableSystemStateBackup="no"/>',
    "bad backupType": '<BACKUP_COMPONENTS selectComponents="yes" bootableSystemStateBackup="no" backupType="weekly"/>',
    "bad snapshot set id": '<BACKUP_COMPONENTS selectComponents="yes" bootableSystemStateBackup="no" backupType="full" snapshotSetId="x"/>',
    "writer without instance": '<BACKUP_COMPONENTS selectComponents="yes" bootableSystemStateBackup="no" backupType="full"><WRITER_COMPONENTS writerId="{0}"/></BACKUP_COMPONENTS>',
    "duplicate instance": '<BACKUP_COMPONENTS selectComponents="yes" bootableSystemStateBackup="no" backupType="full"><WRITER_COMPONENTS writerId="{0}" instanceId="{0}"/><WRITER_COMPONENTS writerId="{0}" instanceId="{0}"/></BACKUP_COMPONENTS>',
    "component without type": '<BACKUP_COMPONENTS selectComponents="yes" bootableSystemStateBackup="no" backupType="full"><WRITER_COMPONENTS writerId="{0}" instanceId="{0}"><COMPONENT componentName="c"/></WRITER_COMPONENTS></BACKUP_COMPONENTS>',
    "duplicate component": '<BACKUP_COMPONENTS selectComponents="yes" bootableSystemStateBackup="no" backupType="full"><WRITER_COMPONENTS writerId="{0}" instanceId="{0}"><COMPONENT componentName="c" componentType="database"/><COMPONENT componentName="c" componentType="filegroup"/></WRITER_COMPONENTS></BACKUP_COMPONENTS>',
    "metadata without value": '<BACKUP_COMPONENTS selectComponents="yes" bootableSystemStateBackup="no" backupType="full"><WRITER_COMPONENTS writerId="{0}" instanceId="{0}"><COMPONENT componentName="c" componentType="database"><BACKUP_METADATA/></COMPONENT></WRITER_COMPONENTS></BACKUP_COMPONENTS>',
    "bad failure code": '<BACKUP_COMPONENTS selectComponents="yes" bootableSystemStateBackup="no" backupType="full"><WRITER_COMPONENTS writerId="{0}" instanceId="{0}"><COMPONENT componentName="c" componentType="database"><FAILURE hr="-1" hrApplication="0x0"/></COMPONENT></WRITER_COMPONENTS></BACKUP_COMPONENTS>',
}


@pytest.mark.parametrize("xml", INVALID_BCDS.values(), ids=INVALID_BCDS.keys())
def test_invalid_bcds(xml: str) -> None:
    with pytest.raises(VssInvalidXmlDocument):
        BackupComponentsDocument.from_xml(xml.format(uuid.UUID(int=3)))


# --- where-callable rules -----------------------------------------------------------------------

SETTER_ARGS: dict[str, tuple[Any, ...]] = {
    "SetBackupMetadata": ("metadata",),
    "SetBackupStamp": ("stamp",),
    "AddPartialFile": ("C:\\d", "f", "0:10", None),
    "AddDifferencedFilesByLastModifyTime": ("C:\\d", "*", False, 132_000_000_000_000_000),
    "AddDifferencedFilesByLastModifyLSN": ("C:\\d", "*", False, "lsn"),
    "SetRestoreMetadata": ("restore metadata",),
    "SetRestoreTarget": (VSS_RESTORE_TARGET.VSS_RT_ALTERNATE,),
    "AddDirectedTarget": ("C:\\a", "a", "0:1", "D:\\b", "b", "0:1"),
    "SetPreRestoreFailureMsg": ("pre",),
    "SetPostRestoreFailureMsg": ("post",),
    "SetPrepareForBackupFailureMsg": ("pfb",),
    "SetPostSnapshotFailureMsg": ("ps",),
    "SetFailure": (VSS_E_WRITERERROR_RETRYABLE, S_OK, "message"),
}

SWEEP = [(method, access) for method in SETTER_ARGS for access in ComponentAccess]


def test_the_table_lists_every_setter_and_the_sweep_covers_it() -> None:
    setters = {
        name
        for name in dir(IVssComponent)
        if name.startswith(("Set", "Add")) and callable(getattr(IVssComponent, name))
    }
    assert setters == set(COMPONENT_CALLS) == set(SETTER_ARGS)


def test_the_table_follows_vss_facts() -> None:
    a = ComponentAccess
    assert COMPONENT_CALLS["SetBackupStamp"] == {a.PREPARE_BACKUP, a.POST_SNAPSHOT}
    assert COMPONENT_CALLS["SetRestoreTarget"] == {a.PRE_RESTORE}
    assert COMPONENT_CALLS["SetPostRestoreFailureMsg"] == {a.POST_RESTORE}
    assert COMPONENT_CALLS["SetFailure"] == set(a) - {a.REQUESTER}
    assert all(a.REQUESTER not in places for places in COMPONENT_CALLS.values())


@pytest.mark.parametrize(("method", "access"), SWEEP, ids=[f"{m}-{a.name}" for m, a in SWEEP])
def test_setter_at_place(method: str, access: ComponentAccess) -> None:
    target = entry()
    reports: list[tuple[str, str]] = []
    view = IVssComponent(target, access, lambda name, message: reports.append((name, message)))
    before = copy.deepcopy(target)
    if access in COMPONENT_CALLS[method]:
        getattr(view, method)(*SETTER_ARGS[method])
        assert target != before
        assert reports == []
    else:
        with pytest.raises(VssBadState) as caught:
            getattr(view, method)(*SETTER_ARGS[method])
        message = caught.value.message
        assert reports == [(method, message)]
        assert method in message and f"called in {access.value}" in message
        for place in COMPONENT_CALLS[method]:
            assert place.value in message
        assert target == before


def test_refusal_without_report_callback_still_raises() -> None:
    with pytest.raises(VssBadState, match=r"SetBackupStamp called in OnBackupComplete"):
        IVssComponent(entry(), ComponentAccess.BACKUP_COMPLETE).SetBackupStamp("x")


def test_setters_are_seen_by_getters() -> None:
    target = entry()
    backup = IVssComponent(target, ComponentAccess.POST_SNAPSHOT)
    backup.SetBackupStamp("s1")
    backup.SetBackupMetadata("m1")
    backup.AddPartialFile("C:\\d", "f", "0:10", "pm")
    backup.AddDifferencedFilesByLastModifyTime("C:\\d", "*", True, 5)
    backup.SetPostSnapshotFailureMsg("ps")
    backup.SetFailure(VSS_E_WRITERERROR_RETRYABLE, E_INVALIDARG, "busy")
    restore = IVssComponent(target, ComponentAccess.PRE_RESTORE)
    restore.SetRestoreMetadata("r1")
    restore.SetRestoreTarget(VSS_RESTORE_TARGET.VSS_RT_DIRECTED)
    restore.AddDirectedTarget("C:\\a", "a", "0:1", "D:\\b", "b", "2:1")
    reader = IVssComponent(target, ComponentAccess.REQUESTER)
    assert (reader.GetLogicalPath(), reader.GetComponentName(), reader.GetComponentType()) == (
        "Server",
        "db",
        DATABASE,
    )
    assert (reader.GetBackupStamp(), reader.GetBackupMetadata(), reader.GetRestoreMetadata()) == (
        "s1",
        "m1",
        "r1",
    )
    assert reader.GetPartialFileCount() == 1 and reader.GetPartialFile(0) == (
        "C:\\d",
        "f",
        "0:10",
        "pm",
    )
    assert reader.GetDifferencedFilesCount() == 1 and reader.GetDifferencedFile(0) == (
        "C:\\d",
        "*",
        True,
        None,
        5,
    )
    assert reader.GetDirectedTargetCount() == 1 and reader.GetDirectedTarget(0) == (
        "C:\\a",
        "a",
        "0:1",
        "D:\\b",
        "b",
        "2:1",
    )
    assert reader.GetRestoreTarget() is VSS_RESTORE_TARGET.VSS_RT_DIRECTED
    assert reader.GetPostSnapshotFailureMsg() == "ps"
    assert reader.GetFailure() == (VSS_E_WRITERERROR_RETRYABLE, E_INVALIDARG, "busy", 0)


def test_requester_fields_are_read_through_the_writer_view() -> None:
    target = entry()
    target.backup_succeeded = True
    target.previous_backup_stamp = "p"
    target.backup_options = "b"
    target.restore_options = "r"
    target.selected_for_restore = True
    target.additional_restores = True
    target.file_restore_status = VSS_FILE_RESTORE_STATUS.VSS_RS_ALL
    target.new_targets.append(FileDescriptor("C:\\", "*", False, "D:\\"))
    target.alternate_location_mappings.append(FileDescriptor("C:\\", "*", True, "E:\\"))
    target.restore_subcomponents.append(RestoreSubcomponent(None, "sub", False))
    target.authoritative_restore = True
    target.roll_forward = RollForward(VSS_ROLLFORWARD_TYPE.VSS_RF_ALL)
    target.restore_name = "n"
    view = IVssComponent(target, ComponentAccess.POST_RESTORE)
    assert (
        view.GetBackupSucceeded() and view.IsSelectedForRestore() and view.GetAdditionalRestores()
    )
    assert (view.GetPreviousBackupStamp(), view.GetBackupOptions(), view.GetRestoreOptions()) == (
        "p",
        "b",
        "r",
    )
    assert view.GetFileRestoreStatus() is VSS_FILE_RESTORE_STATUS.VSS_RS_ALL
    assert view.GetNewTargetCount() == 1 and view.GetNewTarget(0).GetAlternateLocation() == "D:\\"
    assert view.GetAlternateLocationMappingCount() == 1
    assert view.GetAlternateLocationMapping(0).GetRecursive() is True
    assert view.GetRestoreSubcomponentCount() == 1 and view.GetRestoreSubcomponent(0) == (
        None,
        "sub",
        False,
    )
    assert view.GetAuthoritativeRestore() is True
    assert view.GetRollForward() == (VSS_ROLLFORWARD_TYPE.VSS_RF_ALL, None)
    assert view.GetRestoreName() == "n"


def test_unset_values() -> None:
    view = IVssComponent(entry(), ComponentAccess.PREPARE_BACKUP)
    assert view.GetFailure() == (S_OK, S_OK, None, 0)
    assert view.GetBackupStamp() is None and view.GetPreRestoreFailureMsg() is None
    assert view.GetPostRestoreFailureMsg() is None and view.GetPrepareForBackupFailureMsg() is None


@pytest.mark.parametrize(
    "call",
    [
        lambda v: v.GetPartialFile(0),
        lambda v: v.GetDifferencedFile(0),
        lambda v: v.GetDirectedTarget(0),
        lambda v: v.GetNewTarget(0),
        lambda v: v.GetAlternateLocationMapping(0),
        lambda v: v.GetRestoreSubcomponent(0),
    ],
)
def test_bad_indexes_are_object_not_found(call: Any) -> None:
    with pytest.raises(VssObjectNotFound):
        call(IVssComponent(entry(), ComponentAccess.REQUESTER))


@pytest.mark.parametrize(
    ("access", "method", "args"),
    [
        (ComponentAccess.POST_SNAPSHOT, "SetBackupStamp", (None,)),
        (ComponentAccess.POST_SNAPSHOT, "SetBackupMetadata", ("\x00",)),
        (
            ComponentAccess.PREPARE_BACKUP,
            "AddDifferencedFilesByLastModifyTime",
            ("C:\\", "*", False, -1),
        ),
        (ComponentAccess.PRE_RESTORE, "SetRestoreTarget", (42,)),
        (ComponentAccess.PRE_RESTORE, "SetFailure", ("hr", 0, None)),
    ],
)
def test_bad_arguments_are_invalid_arg(
    access: ComponentAccess, method: str, args: tuple[Any, ...]
) -> None:
    with pytest.raises(VssInvalidArg):
        getattr(IVssComponent(entry(), access), method)(*args)


def test_writer_components_view() -> None:
    writer = WriterComponentsEntry(INSTANCE, WRITER, components=[entry()])
    reports: list[tuple[str, str]] = []
    view = IVssWriterComponents(
        writer, ComponentAccess.BACKUP_COMPLETE, lambda *r: reports.append(r)
    )
    assert view.GetComponentCount() == 1
    assert view.GetWriterInfo() == (INSTANCE, WRITER)
    component = view.GetComponent(0)
    assert component.access is ComponentAccess.BACKUP_COMPLETE
    with pytest.raises(VssBadState):
        component.SetBackupStamp("late")
    assert [name for name, _ in reports] == ["SetBackupStamp"]
    with pytest.raises(VssObjectNotFound):
        view.GetComponent(1)
    assert IVssWriterComponentsExt is IVssWriterComponents
