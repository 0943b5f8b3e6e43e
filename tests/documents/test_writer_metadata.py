"""The Writer Metadata Document: real documents, builder rules, readers (docs/reference.md §7.1)."""

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from fakes.strategies import writer_metadata
from simulator._documents.metadata_builder import (
    IVssCreateWriterMetadata,
    IVssCreateWriterMetadataEx,
)
from simulator._documents.metadata_examine import (
    CreateVssExamineWriterMetadata,
    IVssExamineWriterMetadata,
)
from simulator._documents.writer_metadata import (
    DEFAULT_BACKUP_TYPE_MASK,
    FileDescriptor,
    WriterIdentity,
    WriterMetadata,
)
from simulator._vocabulary.enums import (
    VSS_BACKUP_SCHEMA,
    VSS_COMPONENT_TYPE,
    VSS_FILE_SPEC_BACKUP_TYPE,
    VSS_RESTOREMETHOD_ENUM,
    VSS_SOURCE_TYPE,
    VSS_USAGE_TYPE,
    VSS_WRITERRESTORE_ENUM,
)
from simulator._vocabulary.error_base import VssError
from simulator._vocabulary.error_classes import (
    VssInvalidArg,
    VssInvalidXmlDocument,
    VssNotImplemented,
    VssObjectAlreadyExists,
    VssObjectNotFound,
)
from tests.helpers import REAL_DATA

REAL = REAL_DATA / "kevingoode-vssbackup"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"real VSS documents not found at {REAL}")
REAL_WMDS = sorted(REAL.glob("*/WM*.xml")) if REAL.is_dir() else []

DATABASE = VSS_COMPONENT_TYPE.VSS_CT_DATABASE
FILEGROUP = VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP
WRITER_ID = uuid.UUID("a65faa63-5ea8-4ebc-9dbd-a0c4db26912a")
OTHER_WRITER = uuid.UUID("d61d61c8-d73a-4eee-8cdd-f6f9786b7124")


def read(relative: str) -> IVssExamineWriterMetadata:
    return CreateVssExamineWriterMetadata((REAL / relative).read_text(encoding="utf-8"))


def identity(**changes: Any) -> WriterIdentity:
    values: dict[str, Any] = {
        "instance_id": uuid.UUID(int=1),
        "writer_id": WRITER_ID,
        "writer_name": "Test Writer",
        "usage_type": VSS_USAGE_TYPE.VSS_UT_USERDATA,
        "source_type": VSS_SOURCE_TYPE.VSS_ST_TRANSACTEDDB,
    }
    values.update(changes)
    return WriterIdentity(**values)


def builder() -> IVssCreateWriterMetadataEx:
    b = IVssCreateWriterMetadataEx(identity(instance_name="Instance A", major_version=2))
    b.AddComponent(DATABASE, "Server", "db", "Database", None, 0, False, False, True)
    b.AddComponent(FILEGROUP, None, "files", None, None, 0, False, False, True, True, 1)
    return b


# --- real documents -----------------------------------------------------------------------------


@needs_real
@pytest.mark.parametrize("path", REAL_WMDS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_real_wmd_survives_save_and_reload(path: Path) -> None:
    original = CreateVssExamineWriterMetadata(path.read_text(encoding="utf-8"))
    saved = original.SaveAsXML()
    reloaded = CreateVssExamineWriterMetadata(saved)
    assert reloaded.metadata == original.metadata
    assert reloaded.SaveAsXML() == saved


@needs_real
def test_task_scheduler_writer() -> None:
    wmd = read("no_sql/WM0.xml")
    assert wmd.GetIdentity() == (
        uuid.UUID("1bddd48e-5052-49db-9b07-b96f96727e6b"),
        uuid.UUID("d61d61c8-d73a-4eee-8cdd-f6f9786b7124"),
        "Task Scheduler Writer",
        VSS_USAGE_TYPE.VSS_UT_BOOTABLESYSTEMSTATE,
        VSS_SOURCE_TYPE.VSS_ST_OTHER,
    )
    assert wmd.GetFileCounts() == (0, 0, 1)
    assert wmd.GetRestoreMethod() == (
        VSS_RESTOREMETHOD_ENUM.VSS_RME_RESTORE_AT_REBOOT_IF_CANNOT_REPLACE,
        None,
        None,
        VSS_WRITERRESTORE_ENUM.VSS_WRE_NEVER,
        False,
        0,
    )
    component = wmd.GetComponent(0)
    info = component.GetComponentInfo()
    assert (info.type, info.logical_path, info.component_name, info.caption) == (
        FILEGROUP,
        None,
        "TasksStore",
        "Tasks Store",
    )
    assert (info.selectable, info.file_count, info.database_count, info.dependencies) == (
        False,
        2,
        0,
        0,
    )
    first = component.GetFile(0)
    assert (first.GetPath(), first.GetFilespec(), first.GetRecursive()) == (
        "%WinDir%\\System32\\Tasks",
        "*",
        True,
    )
    assert first.GetAlternateLocation() is None
    assert first.GetBackupTypeMask() == DEFAULT_BACKUP_TYPE_MASK == 3855


@needs_real
def test_sql_writer_has_instance_name_schema_and_logical_paths() -> None:
    wmd = read("with_sql/WM4.xml")
    _, writer_id, name, instance_name, usage, source = wmd.GetIdentityEx()
    assert writer_id == uuid.UUID("a65faa63-5ea8-4ebc-9dbd-a0c4db26912a")
    assert (name, instance_name) == ("SqlServerWriter", "Microsoft SQL Server 2017:SQLWriter")
    assert (usage, source) == (VSS_USAGE_TYPE.VSS_UT_USERDATA, VSS_SOURCE_TYPE.VSS_ST_TRANSACTEDDB)
    assert wmd.GetBackupSchema() == 881
    assert wmd.GetFileCounts() == (0, 2, 5)
    infos = [wmd.GetComponent(i).GetComponentInfo() for i in range(5)]
    assert [i.component_name for i in infos] == [
        "master",
        "model",
        "msdb",
        "SecondServerDb",
        "local1",
    ]
    assert {i.logical_path for i in infos} == {"WIN2012-SQL17-2"}
    assert all(i.notify_on_backup_complete and i.selectable_for_restore for i in infos)
    assert wmd.GetExcludeFile(1).GetFilespec() == "NonNimbleDatabase_log.ldf"
    assert wmd.GetVersion() == (0, 0)


@needs_real
def test_writer_without_restore_method_or_components() -> None:
    wmd = read("no_sql/WM6.xml")
    assert wmd.metadata.restore_method is None
    assert wmd.GetRestoreMethod()[0] is VSS_RESTOREMETHOD_ENUM.VSS_RME_UNDEFINED
    assert wmd.GetFileCounts() == (0, 0, 0)
    assert wmd.GetExcludeFromSnapshotCount() == 17
    assert wmd.GetExcludeFromSnapshotFile(4).GetPath() == "\\System Volume Information\\Heat"


@needs_real
def test_restore_method_after_backup_locations_is_read() -> None:
    method = read("no_sql/WM8.xml").GetRestoreMethod()
    assert method[0] is VSS_RESTOREMETHOD_ENUM.VSS_RME_RESTORE_AT_REBOOT
    assert method[4] is True


@needs_real
def test_system_writer_is_large_but_parses() -> None:
    wmd = read("no_sql/WM3.xml")
    assert wmd.GetIdentity()[2] == "System Writer"
    assert sum(wmd.GetComponent(i).GetComponentInfo().file_count for i in range(2)) == 18925


@needs_real
def test_load_from_xml_replaces_the_document() -> None:
    wmd = read("no_sql/WM0.xml")
    wmd.LoadFromXML((REAL / "no_sql/WM7.xml").read_text(encoding="utf-8"))
    assert wmd.GetIdentity()[2] == "BITS Writer"


# --- builder ------------------------------------------------------------------------------------


def test_builder_result_reads_back_through_the_examiner() -> None:
    b = builder()
    b.AddDatabaseFiles("Server", "db", "D:\\data", "db.mdf")
    b.AddDatabaseLogFiles(
        "Server", "db", "L:\\logs", "db.ldf", VSS_FILE_SPEC_BACKUP_TYPE.VSS_FSBT_LOG_BACKUP_REQUIRED
    )
    b.AddFilesToFileGroup(None, "files", "C:\\files", "*", True, "C:\\spit")
    b.AddComponentDependency("Server", "db", OTHER_WRITER, None, "TasksStore")
    b.AddExcludeFiles("C:\\tmp", "*.tmp", False)
    b.AddExcludeFilesFromSnapshot("C:\\cache", "*", True)
    b.SetRestoreMethod(
        VSS_RESTOREMETHOD_ENUM.VSS_RME_STOP_RESTORE_START,
        "MSSQLSERVER",
        None,
        VSS_WRITERRESTORE_ENUM.VSS_WRE_ALWAYS,
        False,
    )
    b.AddAlternateLocationMapping("D:\\data", "*.mdf", False, "E:\\restore")
    b.SetBackupSchema(VSS_BACKUP_SCHEMA.VSS_BS_DIFFERENTIAL | VSS_BACKUP_SCHEMA.VSS_BS_LOG)
    wmd = CreateVssExamineWriterMetadata(b.SaveAsXML())
    assert wmd.metadata == b.finish()
    assert wmd.GetIdentityEx()[3] == "Instance A"
    assert wmd.GetVersion() == (2, 0)
    assert wmd.GetRestoreMethod() == (
        VSS_RESTOREMETHOD_ENUM.VSS_RME_STOP_RESTORE_START,
        "MSSQLSERVER",
        None,
        VSS_WRITERRESTORE_ENUM.VSS_WRE_ALWAYS,
        False,
        1,
    )
    assert wmd.GetAlternateLocationMapping(0).GetAlternateLocation() == "E:\\restore"
    db = wmd.GetComponent(0)
    info = db.GetComponentInfo()
    assert (info.database_count, info.log_file_count, info.dependencies) == (1, 1, 1)
    assert db.GetDatabaseFile(0).GetBackupTypeMask() == DEFAULT_BACKUP_TYPE_MASK
    assert db.GetDatabaseLogFile(0).GetBackupTypeMask() == 8
    dependency = db.GetDependency(0)
    assert (
        dependency.GetWriterId(),
        dependency.GetLogicalPath(),
        dependency.GetComponentName(),
    ) == (
        OTHER_WRITER,
        None,
        "TasksStore",
    )
    files = wmd.GetComponent(1)
    assert files.GetComponentInfo().component_flags == 1
    assert files.GetFile(0).GetAlternateLocation() == "C:\\spit"
    assert wmd.GetBackupSchema() == 0x9


def test_same_builder_calls_give_the_same_bytes() -> None:
    assert builder().SaveAsXML() == builder().SaveAsXML()


def test_icon_is_cut_to_cb_icon_and_kept() -> None:
    b = IVssCreateWriterMetadata(identity())
    b.AddComponent(FILEGROUP, None, "c", None, b"\x00\x01\x02\x03", 3, False, False, False)
    wmd = CreateVssExamineWriterMetadata(b.SaveAsXML())
    assert wmd.GetComponent(0).GetComponentInfo().icon == b"\x00\x01\x02"


def test_empty_logical_path_is_no_logical_path() -> None:
    b = IVssCreateWriterMetadata(identity())
    b.AddComponent(FILEGROUP, "", "c", None, None, 0, False, False, False)
    b.AddFilesToFileGroup(None, "c", "C:\\", "*", False, None)
    assert b.finish().components[0].logical_path is None
    with pytest.raises(VssObjectAlreadyExists):
        b.AddComponent(FILEGROUP, None, "c", None, None, 0, False, False, False)


Call = Callable[[Any], object]
"""A builder call; the builder is typed Any so that rows may pass wrongly typed arguments."""

BUILDER_ERRORS: list[tuple[str, Call, type[VssError]]] = [
    (
        "AddIncludeFiles is not supported",
        lambda b: b.AddIncludeFiles("C:\\", "*", False, None),
        VssNotImplemented,
    ),
    (
        "component name required",
        lambda b: b.AddComponent(FILEGROUP, None, None, None, None, 0, False, False, False),
        VssInvalidArg,
    ),
    (
        "component name empty",
        lambda b: b.AddComponent(FILEGROUP, None, "", None, None, 0, False, False, False),
        VssInvalidArg,
    ),
    (
        "component name with backslash",
        lambda b: b.AddComponent(FILEGROUP, None, "a\\b", None, None, 0, False, False, False),
        VssInvalidArg,
    ),
    (
        "component type undefined",
        lambda b: b.AddComponent(
            VSS_COMPONENT_TYPE.VSS_CT_UNDEFINED, None, "x", None, None, 0, False, False, False
        ),
        VssInvalidArg,
    ),
    (
        "component type unknown",
        lambda b: b.AddComponent(9, None, "x", None, None, 0, False, False, False),
        VssInvalidArg,
    ),
    (
        "duplicate component",
        lambda b: b.AddComponent(DATABASE, "Server", "db", None, None, 0, False, False, False),
        VssObjectAlreadyExists,
    ),
    (
        "same name, other type",
        lambda b: b.AddComponent(FILEGROUP, "Server", "db", None, None, 0, False, False, False),
        VssObjectAlreadyExists,
    ),
    (
        "cb_icon without pb_icon",
        lambda b: b.AddComponent(FILEGROUP, None, "x", None, None, 4, False, False, False),
        VssInvalidArg,
    ),
    (
        "cb_icon past pb_icon",
        lambda b: b.AddComponent(FILEGROUP, None, "x", None, b"ab", 4, False, False, False),
        VssInvalidArg,
    ),
    (
        "caption not XML text",
        lambda b: b.AddComponent(FILEGROUP, None, "x", "\x01", None, 0, False, False, False),
        VssInvalidArg,
    ),
    (
        "component flags not a mask",
        lambda b: b.AddComponent(
            FILEGROUP, None, "x", None, None, 0, False, False, False, False, -1
        ),
        VssInvalidArg,
    ),
    (
        "files to unknown group",
        lambda b: b.AddFilesToFileGroup(None, "nope", "C:\\", "*", False, None),
        VssObjectNotFound,
    ),
    (
        "files to unknown path",
        lambda b: b.AddFilesToFileGroup("elsewhere", "files", "C:\\", "*", False, None),
        VssObjectNotFound,
    ),
    (
        "files to a database",
        lambda b: b.AddFilesToFileGroup("Server", "db", "C:\\", "*", False, None),
        VssInvalidArg,
    ),
    (
        "filespec with a directory",
        lambda b: b.AddFilesToFileGroup(None, "files", "C:\\", "dir\\*", False, None),
        VssInvalidArg,
    ),
    (
        "path required",
        lambda b: b.AddFilesToFileGroup(None, "files", None, "*", False, None),
        VssInvalidArg,
    ),
    (
        "mask out of range",
        lambda b: b.AddFilesToFileGroup(None, "files", "C:\\", "*", False, None, 1 << 32),
        VssInvalidArg,
    ),
    (
        "database files to unknown database",
        lambda b: b.AddDatabaseFiles("Server", "nope", "D:\\", "*.mdf"),
        VssObjectNotFound,
    ),
    (
        "database files to a file group",
        lambda b: b.AddDatabaseFiles(None, "files", "D:\\", "*.mdf"),
        VssInvalidArg,
    ),
    (
        "log files to unknown database",
        lambda b: b.AddDatabaseLogFiles(None, "db", "D:\\", "*.ldf"),
        VssObjectNotFound,
    ),
    (
        "log files to a file group",
        lambda b: b.AddDatabaseLogFiles(None, "files", "D:\\", "*.ldf"),
        VssInvalidArg,
    ),
    (
        "dependency of unknown component",
        lambda b: b.AddComponentDependency(None, "nope", OTHER_WRITER, None, "x"),
        VssObjectNotFound,
    ),
    (
        "dependency on own writer",
        lambda b: b.AddComponentDependency("Server", "db", WRITER_ID, None, "files"),
        VssInvalidArg,
    ),
    (
        "dependency writer id not a UUID",
        lambda b: b.AddComponentDependency("Server", "db", str(OTHER_WRITER), None, "x"),
        VssInvalidArg,
    ),
    (
        "restore method unknown",
        lambda b: b.SetRestoreMethod(99, None, None, VSS_WRITERRESTORE_ENUM.VSS_WRE_NEVER, False),
        VssInvalidArg,
    ),
    (
        "writer restore unknown",
        lambda b: b.SetRestoreMethod(VSS_RESTOREMETHOD_ENUM.VSS_RME_CUSTOM, None, None, 7, False),
        VssInvalidArg,
    ),
    (
        "mapping destination required",
        lambda b: b.AddAlternateLocationMapping("C:\\", "*", False, None),
        VssInvalidArg,
    ),
    (
        "exclude filespec with a directory",
        lambda b: b.AddExcludeFiles("C:\\", "a\\b", False),
        VssInvalidArg,
    ),
    (
        "exclude-from-snapshot path required",
        lambda b: b.AddExcludeFilesFromSnapshot(None, "*", False),
        VssInvalidArg,
    ),
    ("backup schema not a mask", lambda b: b.SetBackupSchema("881"), VssInvalidArg),
]


@pytest.mark.parametrize(
    ("call", "error"), [row[1:] for row in BUILDER_ERRORS], ids=[row[0] for row in BUILDER_ERRORS]
)
def test_builder_refusals(call: Call, error: type[VssError]) -> None:
    b = builder()
    before = b.finish()
    with pytest.raises(error) as caught:
        call(b)
    assert type(caught.value) is error
    assert b.finish() == before


def test_restore_method_may_be_undefined_and_later_calls_replace_it() -> None:
    b = IVssCreateWriterMetadata(identity())
    b.SetRestoreMethod(
        VSS_RESTOREMETHOD_ENUM.VSS_RME_UNDEFINED,
        None,
        None,
        VSS_WRITERRESTORE_ENUM.VSS_WRE_UNDEFINED,
        False,
    )
    b.SetRestoreMethod(
        VSS_RESTOREMETHOD_ENUM.VSS_RME_CUSTOM,
        None,
        "proc.htm",
        VSS_WRITERRESTORE_ENUM.VSS_WRE_IF_REPLACE_FAILS,
        True,
    )
    restore = CreateVssExamineWriterMetadata(b.SaveAsXML()).GetRestoreMethod()
    assert restore == (
        VSS_RESTOREMETHOD_ENUM.VSS_RME_CUSTOM,
        None,
        "proc.htm",
        VSS_WRITERRESTORE_ENUM.VSS_WRE_IF_REPLACE_FAILS,
        True,
        0,
    )


def test_mappings_without_a_restore_method_survive_xml() -> None:
    b = IVssCreateWriterMetadata(identity())
    b.AddAlternateLocationMapping("C:\\a", "*", True, "D:\\b")
    wmd = CreateVssExamineWriterMetadata(b.SaveAsXML())
    assert wmd.metadata == b.finish()
    assert wmd.GetRestoreMethod()[5] == 1


# --- readers ------------------------------------------------------------------------------------

READER_INDEXES: list[Callable[[IVssExamineWriterMetadata], object]] = [
    lambda w: w.GetIncludeFile(0),
    lambda w: w.GetExcludeFile(1),
    lambda w: w.GetExcludeFromSnapshotFile(0),
    lambda w: w.GetComponent(2),
    lambda w: w.GetComponent(-1),
    lambda w: w.GetAlternateLocationMapping(0),
    lambda w: w.GetComponent(0).GetFile(0),
    lambda w: w.GetComponent(0).GetDatabaseFile(0),
    lambda w: w.GetComponent(0).GetDatabaseLogFile(0),
    lambda w: w.GetComponent(0).GetDependency(0),
]


@pytest.mark.parametrize("call", READER_INDEXES)
def test_bad_index_is_object_not_found(call: Callable[[IVssExamineWriterMetadata], object]) -> None:
    b = builder()
    b.AddExcludeFiles("C:\\", "*", False)
    with pytest.raises(VssObjectNotFound):
        call(IVssExamineWriterMetadata(b.finish()))


def test_examiner_aliases_are_the_same_class() -> None:
    from simulator._documents import metadata_examine as _metadata

    assert _metadata.IVssExamineWriterMetadataEx is IVssExamineWriterMetadata
    assert _metadata.IVssExamineWriterMetadataEx2 is IVssExamineWriterMetadata


INVALID_WMDS = {
    "no IDENTIFICATION": '<WRITER_METADATA xmlns="x-schema:#VssWriterMetadataInfo"/>',
    "bad usage": '<WRITER_METADATA><IDENTIFICATION writerId="{0}" instanceId="{0}" friendlyName="w" usage="SOMETHING" dataSource="OTHER"/></WRITER_METADATA>',
    "missing dataSource": '<WRITER_METADATA><IDENTIFICATION writerId="{0}" instanceId="{0}" friendlyName="w" usage="OTHER"/></WRITER_METADATA>',
    "bad writer id": '<WRITER_METADATA><IDENTIFICATION writerId="nope" instanceId="{0}" friendlyName="w" usage="OTHER" dataSource="OTHER"/></WRITER_METADATA>',
    "bad method": '<WRITER_METADATA><IDENTIFICATION writerId="{0}" instanceId="{0}" friendlyName="w" usage="OTHER" dataSource="OTHER"/><RESTORE_METHOD method="SOMETIMES" writerRestore="never"/></WRITER_METADATA>',
    "component without name": '<WRITER_METADATA><IDENTIFICATION writerId="{0}" instanceId="{0}" friendlyName="w" usage="OTHER" dataSource="OTHER"/><BACKUP_LOCATIONS><FILE_GROUP/></BACKUP_LOCATIONS></WRITER_METADATA>',
    "file without filespec": '<WRITER_METADATA><IDENTIFICATION writerId="{0}" instanceId="{0}" friendlyName="w" usage="OTHER" dataSource="OTHER"/><BACKUP_LOCATIONS><FILE_GROUP componentName="c"><FILE_LIST path="C:\\"/></FILE_GROUP></BACKUP_LOCATIONS></WRITER_METADATA>',
    "duplicate component": '<WRITER_METADATA><IDENTIFICATION writerId="{0}" instanceId="{0}" friendlyName="w" usage="OTHER" dataSource="OTHER"/><BACKUP_LOCATIONS><FILE_GROUP componentName="c"/><DATABASE componentName="c"/></BACKUP_LOCATIONS></WRITER_METADATA>',
    "bad icon": '<WRITER_METADATA><IDENTIFICATION writerId="{0}" instanceId="{0}" friendlyName="w" usage="OTHER" dataSource="OTHER"/><BACKUP_LOCATIONS><FILE_GROUP componentName="c" icon="@@"/></BACKUP_LOCATIONS></WRITER_METADATA>',
}


@pytest.mark.parametrize("xml", INVALID_WMDS.values(), ids=INVALID_WMDS.keys())
def test_invalid_documents(xml: str) -> None:
    with pytest.raises(VssInvalidXmlDocument):
        CreateVssExamineWriterMetadata(xml.format(uuid.UUID(int=5)))


def test_minimal_document_uses_defaults() -> None:
    xml = (
        '<WRITER_METADATA><IDENTIFICATION writerId="{0}" instanceId="{0}" friendlyName="w" usage="OTHER"'
        ' dataSource="OTHER"/><BACKUP_LOCATIONS><DATABASE componentName="d"><DATABASE_FILES path="p"'
        ' filespec="f"/></DATABASE></BACKUP_LOCATIONS></WRITER_METADATA>'
    ).format(uuid.UUID(int=5))
    metadata = CreateVssExamineWriterMetadata(xml).metadata
    component = metadata.components[0]
    assert component.database_files == (
        FileDescriptor("p", "f", False, None, DEFAULT_BACKUP_TYPE_MASK),
    )
    assert (component.selectable, component.caption, metadata.identity.major_version) == (
        False,
        None,
        0,
    )


# --- property -----------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(writer_metadata())
def test_any_built_metadata_survives_save_and_reload(metadata: WriterMetadata) -> None:
    xml = metadata.to_xml()
    assert CreateVssExamineWriterMetadata(xml).metadata == metadata
    assert IVssExamineWriterMetadata(metadata).SaveAsXML() == xml


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_components": -1},
        {"max_components": 1.5},
        {"min_components": 3, "max_components": 2},
        {"max_file_sets": True},
        {"identities": "not a strategy"},
    ],
)
def test_writer_metadata_validates_its_arguments(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument):
        writer_metadata(**kwargs)
