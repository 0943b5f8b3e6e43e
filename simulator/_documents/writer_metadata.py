"""The Writer Metadata Document as values, and its XML form (docs/reference.md §7.1, §7.2).

A writer describes itself in OnIdentify through ``IVssCreateWriterMetadata``; what it said is kept
as the frozen ``WriterMetadata`` value here, which reads and writes the real WMD XML.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable
from typing import Any, TypeVar

import attrs

from .._vocabulary.enums import (
    VSS_BACKUP_SCHEMA,
    VSS_COMPONENT_FLAGS,
    VSS_COMPONENT_TYPE,
    VSS_FILE_SPEC_BACKUP_TYPE,
    VSS_RESTOREMETHOD_ENUM,
    VSS_SOURCE_TYPE,
    VSS_USAGE_TYPE,
    VSS_WRITERRESTORE_ENUM,
)
from . import xml_codec as _xml
from .arguments import logical_path as _logical_path

DEFAULT_BACKUP_TYPE_MASK = VSS_FILE_SPEC_BACKUP_TYPE(
    VSS_FILE_SPEC_BACKUP_TYPE.VSS_FSBT_ALL_BACKUP_REQUIRED
    | VSS_FILE_SPEC_BACKUP_TYPE.VSS_FSBT_ALL_SNAPSHOT_REQUIRED
)
"""The documented default ``dwBackupTypeMask`` (0xF0F, written as ``filespecBackupType="3855"``)."""

E = TypeVar("E", bound=enum.IntEnum)


def _files(items: Iterable[FileDescriptor]) -> tuple[FileDescriptor, ...]:
    return tuple(items)


def _dependencies(items: Iterable[ComponentDependency]) -> tuple[ComponentDependency, ...]:
    return tuple(items)


def _components(items: Iterable[ComponentMetadata]) -> tuple[ComponentMetadata, ...]:
    return tuple(items)


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------


_NO_SCHEMA = VSS_BACKUP_SCHEMA(0)
_NO_FLAGS = VSS_COMPONENT_FLAGS(0)
_NO_MASK = VSS_FILE_SPEC_BACKUP_TYPE(0)

# Converters that return a value unchanged when it already is a member of its enum: converting
# a member again costs more than the rest of a value's construction.


def _backup_schema(value: int) -> VSS_BACKUP_SCHEMA:
    return value if type(value) is VSS_BACKUP_SCHEMA else VSS_BACKUP_SCHEMA(value)


def _backup_type_mask(value: int) -> VSS_FILE_SPEC_BACKUP_TYPE:
    return value if type(value) is VSS_FILE_SPEC_BACKUP_TYPE else VSS_FILE_SPEC_BACKUP_TYPE(value)


def _component_type(value: int) -> VSS_COMPONENT_TYPE:
    return value if type(value) is VSS_COMPONENT_TYPE else VSS_COMPONENT_TYPE(value)


def _component_flags(value: int) -> VSS_COMPONENT_FLAGS:
    return value if type(value) is VSS_COMPONENT_FLAGS else VSS_COMPONENT_FLAGS(value)


def _restore_method(value: int) -> VSS_RESTOREMETHOD_ENUM:
    return value if type(value) is VSS_RESTOREMETHOD_ENUM else VSS_RESTOREMETHOD_ENUM(value)


def _writer_restore(value: int) -> VSS_WRITERRESTORE_ENUM:
    return value if type(value) is VSS_WRITERRESTORE_ENUM else VSS_WRITERRESTORE_ENUM(value)


def _usage_type(value: int) -> VSS_USAGE_TYPE:
    return value if type(value) is VSS_USAGE_TYPE else VSS_USAGE_TYPE(value)


def _source_type(value: int) -> VSS_SOURCE_TYPE:
    return value if type(value) is VSS_SOURCE_TYPE else VSS_SOURCE_TYPE(value)


@attrs.frozen
class FileDescriptor:
    """A file set (path, filespec, recursive) as IVssWMFiledesc describes it (docs/reference.md §7.1).

    For an alternate location mapping ``alternate_location`` is the destination. Exclude lists and
    mappings carry no backup type mask (0).
    """

    path: str
    filespec: str
    recursive: bool = False
    alternate_location: str | None = None
    backup_type_mask: VSS_FILE_SPEC_BACKUP_TYPE = attrs.field(
        default=_NO_MASK,
        converter=_backup_type_mask,
        repr=lambda mask: f"0x{int(mask):X}",
    )


@attrs.frozen
class ComponentDependency:
    """A dependency of a component on a component of another writer (docs/reference.md §7.1)."""

    writer_id: uuid.UUID
    logical_path: str | None
    component_name: str


@attrs.frozen
class ComponentMetadata:
    """One component of a WMD, with its file sets and dependencies (docs/reference.md §7.1)."""

    type: VSS_COMPONENT_TYPE = attrs.field(converter=_component_type)
    logical_path: str | None = attrs.field(converter=_logical_path)
    component_name: str
    caption: str | None = None
    icon: bytes | None = None
    restore_metadata: bool = False
    notify_on_backup_complete: bool = False
    selectable: bool = False
    selectable_for_restore: bool = False
    component_flags: VSS_COMPONENT_FLAGS = attrs.field(
        default=_NO_FLAGS, converter=_component_flags
    )
    files: tuple[FileDescriptor, ...] = attrs.field(default=(), converter=_files)
    database_files: tuple[FileDescriptor, ...] = attrs.field(default=(), converter=_files)
    database_log_files: tuple[FileDescriptor, ...] = attrs.field(default=(), converter=_files)
    dependencies: tuple[ComponentDependency, ...] = attrs.field(default=(), converter=_dependencies)

    @property
    def key(self) -> tuple[str | None, str]:
        """(logical path, name): unique within a writer."""
        return (self.logical_path, self.component_name)


@attrs.frozen
class RestoreMethod:
    """The writer-wide restore method; ``mappings`` counts the alternate location mappings."""

    method: VSS_RESTOREMETHOD_ENUM = attrs.field(converter=_restore_method)
    service: str | None
    user_procedure: str | None
    writer_restore: VSS_WRITERRESTORE_ENUM = attrs.field(converter=_writer_restore)
    reboot_required: bool
    mappings: int = 0


@attrs.frozen
class WriterIdentity:
    """The IDENTIFICATION of a writer instance (docs/reference.md §1.2, §7.1)."""

    instance_id: uuid.UUID
    writer_id: uuid.UUID
    writer_name: str
    usage_type: VSS_USAGE_TYPE = attrs.field(converter=_usage_type)
    source_type: VSS_SOURCE_TYPE = attrs.field(converter=_source_type)
    instance_name: str | None = None
    major_version: int = 0
    minor_version: int = 0


@attrs.frozen
class WriterMetadata:
    """A whole Writer Metadata Document (docs/reference.md §7.1)."""

    identity: WriterIdentity
    restore_method: RestoreMethod | None = None
    include_files: tuple[FileDescriptor, ...] = attrs.field(default=(), converter=_files)
    exclude_files: tuple[FileDescriptor, ...] = attrs.field(default=(), converter=_files)
    exclude_from_snapshot: tuple[FileDescriptor, ...] = attrs.field(default=(), converter=_files)
    alternate_location_mappings: tuple[FileDescriptor, ...] = attrs.field(
        default=(), converter=_files
    )
    components: tuple[ComponentMetadata, ...] = attrs.field(default=(), converter=_components)
    backup_schema: VSS_BACKUP_SCHEMA = attrs.field(default=_NO_SCHEMA, converter=_backup_schema)

    def to_xml(self) -> str:
        """The real WMD XML form; the same document always gives the same text."""
        return _write_metadata(self)

    @classmethod
    def from_xml(cls, xml: str) -> WriterMetadata:
        """Parse a WMD; malformed input raises ``VssInvalidXmlDocument``."""
        return _read_metadata(xml)


# ---------------------------------------------------------------------------------------------
# XML
# ---------------------------------------------------------------------------------------------


def _file_list(
    tag: str, files: Iterable[FileDescriptor], *, recursive: bool, mask: bool
) -> list[str]:
    return [
        _xml.element(
            tag,
            [
                ("path", f.path),
                ("filespec", f.filespec),
                ("recursive", _xml.bool_text(f.recursive) if recursive else None),
                ("alternatePath", f.alternate_location),
                ("filespecBackupType", str(int(f.backup_type_mask)) if mask else None),
            ],
        )
        for f in files
    ]


def _write_component(c: ComponentMetadata) -> str:
    children = [
        *_file_list("FILE_LIST", c.files, recursive=True, mask=True),
        *_file_list("DATABASE_FILES", c.database_files, recursive=False, mask=True),
        *_file_list("DATABASE_LOGFILES", c.database_log_files, recursive=False, mask=True),
        *(
            _xml.element(
                "DEPENDENCY",
                [
                    ("onWriterId", _xml.guid_text(d.writer_id)),
                    ("onLogicalPath", d.logical_path),
                    ("onComponentName", d.component_name),
                ],
            )
            for d in c.dependencies
        ),
    ]
    return _xml.element(
        _xml.COMPONENT_ELEMENT.text(c.type),
        [
            ("logicalPath", c.logical_path),
            ("componentName", c.component_name),
            ("caption", c.caption),
            ("icon", None if c.icon is None else _xml.blob_text(c.icon)),
            ("restoreMetadata", _xml.bool_text(c.restore_metadata)),
            ("notifyOnBackupComplete", _xml.bool_text(c.notify_on_backup_complete)),
            ("selectable", _xml.bool_text(c.selectable)),
            ("selectableForRestore", _xml.bool_text(c.selectable_for_restore)),
            ("componentFlags", str(int(c.component_flags))),
        ],
        children,
    )


def _write_metadata(m: WriterMetadata) -> str:
    i = m.identity
    identification = _xml.element(
        "IDENTIFICATION",
        [
            ("writerId", _xml.guid_text(i.writer_id)),
            ("instanceId", _xml.guid_text(i.instance_id)),
            ("instanceName", i.instance_name),
            ("friendlyName", i.writer_name),
            ("usage", _xml.USAGE.text(i.usage_type)),
            ("dataSource", _xml.DATA_SOURCE.text(i.source_type)),
            ("majorVersion", str(i.major_version)),
            ("minorVersion", str(i.minor_version)),
        ],
    )
    mappings = _file_list(
        "ALTERNATE_LOCATION_MAPPING", m.alternate_location_mappings, recursive=True, mask=False
    )
    parts = [identification]
    r = m.restore_method
    if r is not None:
        parts.append(
            _xml.element(
                "RESTORE_METHOD",
                [
                    ("method", _xml.RESTORE_METHOD.text(r.method)),
                    ("service", r.service),
                    ("userProcedure", r.user_procedure),
                    ("writerRestore", _xml.WRITER_RESTORE.text(r.writer_restore)),
                    ("rebootRequired", _xml.bool_text(r.reboot_required)),
                ],
                mappings,
            )
        )
    else:
        parts.extend(mappings)
    locations = [
        *(_write_component(c) for c in m.components),
        *_file_list("INCLUDE_FILES", m.include_files, recursive=True, mask=False),
        *_file_list("EXCLUDE_FILES", m.exclude_files, recursive=True, mask=False),
        *_file_list(
            "EXCLUDE_FILES_FROM_SNAPSHOT", m.exclude_from_snapshot, recursive=True, mask=False
        ),
    ]
    parts.append(_xml.element("BACKUP_LOCATIONS", [], locations))
    return _xml.element(
        "WRITER_METADATA",
        [
            ("xmlns", _xml.WMD_NAMESPACE),
            ("version", _xml.DOCUMENT_VERSION),
            ("backupSchema", str(int(m.backup_schema)) if m.backup_schema else None),
        ],
        parts,
    )


def _read_files(parent: _xml.XmlElement, tag: str, *, mask: bool) -> list[FileDescriptor]:
    return [
        FileDescriptor(
            e.required("path"),
            e.required("filespec"),
            e.boolean("recursive", False),
            e.text("alternatePath"),
            e.integer("filespecBackupType", int(DEFAULT_BACKUP_TYPE_MASK)) if mask else 0,
        )
        for e in parent.children(tag)
    ]


def _read_component(e: _xml.XmlElement) -> ComponentMetadata:
    ctype = _xml.COMPONENT_ELEMENT.member(e.tag, e.path)
    return ComponentMetadata(
        ctype,
        e.text("logicalPath"),
        e.required("componentName"),
        caption=e.text("caption"),
        icon=e.blob("icon"),
        restore_metadata=e.boolean("restoreMetadata", False),
        notify_on_backup_complete=e.boolean("notifyOnBackupComplete", False),
        selectable=e.boolean("selectable", False),
        selectable_for_restore=e.boolean("selectableForRestore", False),
        component_flags=e.integer("componentFlags", 0),
        files=_read_files(e, "FILE_LIST", mask=True),
        database_files=_read_files(e, "DATABASE_FILES", mask=True),
        database_log_files=_read_files(e, "DATABASE_LOGFILES", mask=True),
        dependencies=[
            ComponentDependency(
                d.guid("onWriterId"), d.text("onLogicalPath"), d.required("onComponentName")
            )
            for d in e.children("DEPENDENCY")
        ],
    )


def _read_metadata(xml: Any) -> WriterMetadata:
    root = _xml.parse_document(xml, "WRITER_METADATA", _xml.WMD_NAMESPACE)
    ident = root.child("IDENTIFICATION", required=True)
    assert ident is not None
    identity = WriterIdentity(
        ident.guid("instanceId"),
        ident.guid("writerId"),
        ident.required("friendlyName"),
        ident.enum("usage", _xml.USAGE),
        ident.enum("dataSource", _xml.DATA_SOURCE),
        ident.text("instanceName"),
        ident.integer("majorVersion", 0),
        ident.integer("minorVersion", 0),
    )
    mappings = _read_files(root, "ALTERNATE_LOCATION_MAPPING", mask=False)
    restore: RestoreMethod | None = None
    r = root.child("RESTORE_METHOD")
    if r is not None:
        mappings += _read_files(r, "ALTERNATE_LOCATION_MAPPING", mask=False)
        restore = RestoreMethod(
            r.enum("method", _xml.RESTORE_METHOD),
            r.text("service"),
            r.text("userProcedure"),
            r.enum("writerRestore", _xml.WRITER_RESTORE),
            r.boolean("rebootRequired", False),
            len(mappings),
        )
    components: dict[tuple[str | None, str], ComponentMetadata] = {}
    include: list[FileDescriptor] = []
    exclude: list[FileDescriptor] = []
    exclude_snapshot: list[FileDescriptor] = []
    for locations in root.children("BACKUP_LOCATIONS"):
        for e in locations.children("DATABASE", "FILE_GROUP"):
            component = _read_component(e)
            if component.key in components:
                raise _xml.invalid(
                    f"{e.path}: a second component with logical path {component.logical_path!r}"
                    f" and name {component.component_name!r}"
                )
            components[component.key] = component
        include += _read_files(locations, "INCLUDE_FILES", mask=False)
        exclude += _read_files(locations, "EXCLUDE_FILES", mask=False)
        exclude_snapshot += _read_files(locations, "EXCLUDE_FILES_FROM_SNAPSHOT", mask=False)
    return WriterMetadata(
        identity,
        restore,
        include_files=include,
        exclude_files=exclude,
        exclude_from_snapshot=exclude_snapshot,
        alternate_location_mappings=mappings,
        components=components.values(),
        backup_schema=root.integer("backupSchema", 0),
    )
