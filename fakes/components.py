"""Components for scripted writers: ``file_group`` and ``database`` build the ``ComponentMetadata``
a writer reports in OnIdentify (docs/reference.md §7.1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from simulator import (
    DEFAULT_BACKUP_TYPE_MASK,
    VSS_APPLICATION_LEVEL,
    VSS_COMPONENT_FLAGS,
    VSS_COMPONENT_TYPE,
    VSS_RESTOREMETHOD_ENUM,
    VSS_SOURCE_TYPE,
    VSS_USAGE_TYPE,
    VSS_WRITERRESTORE_ENUM,
    ComponentMetadata,
    FileDescriptor,
    WriterEvent,
)

E = WriterEvent
UT = VSS_USAGE_TYPE
ST = VSS_SOURCE_TYPE
APP = VSS_APPLICATION_LEVEL
RME = VSS_RESTOREMETHOD_ENUM
WRE = VSS_WRITERRESTORE_ENUM
FILEGROUP = VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP
DATABASE = VSS_COMPONENT_TYPE.VSS_CT_DATABASE


# ---------------------------------------------------------------------------------------------
# Components as data
# ---------------------------------------------------------------------------------------------

FileSet = tuple[str, str, bool]


def file_descriptor(
    item: FileDescriptor | Sequence[object], recursive_default: bool = False
) -> FileDescriptor:
    if isinstance(item, FileDescriptor):
        return item
    path, filespec, *rest = item
    recursive = bool(rest[0]) if rest else recursive_default
    return FileDescriptor(str(path), str(filespec), recursive, None, DEFAULT_BACKUP_TYPE_MASK)


def file_group(
    name: str,
    files: Iterable[FileDescriptor | Sequence[object]] = (),
    *,
    logical_path: str | None = None,
    caption: str | None = None,
    selectable: bool = False,
    selectable_for_restore: bool = False,
    notify_on_backup_complete: bool = False,
    restore_metadata: bool = False,
    flags: int = 0,
) -> ComponentMetadata:
    """A VSS_CT_FILEGROUP component; ``files`` are ``(path, filespec, recursive)`` (docs/reference.md §7.1)."""
    return ComponentMetadata(
        FILEGROUP,
        logical_path,
        name,
        caption=caption,
        restore_metadata=restore_metadata,
        notify_on_backup_complete=notify_on_backup_complete,
        selectable=selectable,
        selectable_for_restore=selectable_for_restore,
        component_flags=VSS_COMPONENT_FLAGS(flags),
        files=[file_descriptor(f) for f in files],
    )


def database(
    name: str,
    files: Iterable[FileDescriptor | Sequence[object]] = (),
    log_files: Iterable[FileDescriptor | Sequence[object]] = (),
    *,
    logical_path: str | None = None,
    caption: str | None = None,
    selectable: bool = True,
    selectable_for_restore: bool = False,
    notify_on_backup_complete: bool = False,
    restore_metadata: bool = False,
    flags: int = 0,
) -> ComponentMetadata:
    """A VSS_CT_DATABASE component; ``files`` / ``log_files`` are ``(path, filespec)``."""
    return ComponentMetadata(
        DATABASE,
        logical_path,
        name,
        caption=caption,
        restore_metadata=restore_metadata,
        notify_on_backup_complete=notify_on_backup_complete,
        selectable=selectable,
        selectable_for_restore=selectable_for_restore,
        component_flags=VSS_COMPONENT_FLAGS(flags),
        database_files=[file_descriptor(f) for f in files],
        database_log_files=[file_descriptor(f) for f in log_files],
    )


def files_repr(files: Sequence[FileDescriptor], with_recursive: bool) -> str:
    items = [
        f"({f.path!r}, {f.filespec!r}, {f.recursive!r})"
        if with_recursive
        else f"({f.path!r}, {f.filespec!r})"
        for f in files
    ]
    return "[" + ", ".join(items) + "]"


def component_repr(c: ComponentMetadata) -> str:
    options = []
    if c.logical_path is not None:
        options.append(f"logical_path={c.logical_path!r}")
    if c.caption is not None:
        options.append(f"caption={c.caption!r}")
    for flag in (
        "selectable",
        "selectable_for_restore",
        "notify_on_backup_complete",
        "restore_metadata",
    ):
        if getattr(c, flag):
            options.append(f"{flag}=True")
    if c.component_flags:
        options.append(f"flags={int(c.component_flags)}")
    if c.type == DATABASE:
        args = [
            repr(c.component_name),
            files_repr(c.database_files, False),
            files_repr(c.database_log_files, False),
        ]
        return f"database({', '.join(args + options)})"
    args = [repr(c.component_name), files_repr(c.files, True)]
    return f"file_group({', '.join(args + options)})"
