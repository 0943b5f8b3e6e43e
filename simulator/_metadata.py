"""The Writer Metadata Document: its values, the writer's builder and the requester's readers.

vss-facts §7.1. A writer fills an :class:`IVssCreateWriterMetadata` (or ``…Ex``) in OnIdentify;
:meth:`IVssCreateWriterMetadata.finish` freezes it into a :class:`WriterMetadata`. A requester reads
one through :class:`IVssExamineWriterMetadata`, which also loads and saves the real XML form
(``<WRITER_METADATA xmlns="x-schema:#VssWriterMetadataInfo" version="1.2">``).

XML layout written (the real one, in this order): ``IDENTIFICATION``; ``RESTORE_METHOD`` with its
``ALTERNATE_LOCATION_MAPPING`` children; ``BACKUP_LOCATIONS`` holding the components
(``DATABASE`` with ``DATABASE_FILES`` / ``DATABASE_LOGFILES``, ``FILE_GROUP`` with ``FILE_LIST``,
each with ``DEPENDENCY`` children), then ``INCLUDE_FILES``, ``EXCLUDE_FILES``,
``EXCLUDE_FILES_FROM_SNAPSHOT``. Places the real files do not show: a writer without a restore
method keeps its alternate location mappings as ``ALTERNATE_LOCATION_MAPPING`` children of
``WRITER_METADATA``; a dependency is ``<DEPENDENCY onWriterId= onLogicalPath= onComponentName=/>``;
an icon is the base64 ``icon`` attribute of its component. Reading accepts children in any order
and ignores unknown elements and attributes.

An empty logical path is the same as none (None) everywhere in this module.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable
from typing import Any, TypeVar

import attrs

from . import _xml
from ._enums import (
    VSS_BACKUP_SCHEMA,
    VSS_COMPONENT_FLAGS,
    VSS_COMPONENT_TYPE,
    VSS_FILE_SPEC_BACKUP_TYPE,
    VSS_RESTOREMETHOD_ENUM,
    VSS_SOURCE_TYPE,
    VSS_USAGE_TYPE,
    VSS_WRITERRESTORE_ENUM,
)
from ._errors import (
    VssInvalidArg,
    VssNotImplemented,
    VssObjectAlreadyExists,
    VssObjectNotFound,
)

DEFAULT_BACKUP_TYPE_MASK = VSS_FILE_SPEC_BACKUP_TYPE(
    VSS_FILE_SPEC_BACKUP_TYPE.VSS_FSBT_ALL_BACKUP_REQUIRED
    | VSS_FILE_SPEC_BACKUP_TYPE.VSS_FSBT_ALL_SNAPSHOT_REQUIRED
)
"""The documented default ``dwBackupTypeMask`` (0xF0F, written as ``filespecBackupType="3855"``)."""

T = TypeVar("T")
E = TypeVar("E", bound=enum.IntEnum)


def _logical_path(value: str | None) -> str | None:
    return value or None


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


def _backup_schema(value: int) -> VSS_BACKUP_SCHEMA:
    """Convert to VSS_BACKUP_SCHEMA; cheap when it already is one (OnIdentify runs often)."""
    return value if type(value) is VSS_BACKUP_SCHEMA else VSS_BACKUP_SCHEMA(value)


@attrs.frozen
class FileDescriptor:
    """A file set (path, filespec, recursive) as IVssWMFiledesc describes it (vss-facts §7.1).

    For an alternate location mapping ``alternate_location`` is the destination. Exclude lists and
    mappings carry no backup type mask (0).
    """

    path: str
    filespec: str
    recursive: bool = False
    alternate_location: str | None = None
    backup_type_mask: VSS_FILE_SPEC_BACKUP_TYPE = attrs.field(
        default=VSS_FILE_SPEC_BACKUP_TYPE(0),
        converter=VSS_FILE_SPEC_BACKUP_TYPE,
        repr=lambda mask: f"0x{int(mask):X}",
    )


@attrs.frozen
class ComponentDependency:
    """A dependency of a component on a component of another writer (vss-facts §7.1)."""

    writer_id: uuid.UUID
    logical_path: str | None
    component_name: str


@attrs.frozen
class ComponentMetadata:
    """One component of a WMD, with its file sets and dependencies (vss-facts §7.1)."""

    type: VSS_COMPONENT_TYPE = attrs.field(converter=VSS_COMPONENT_TYPE)
    logical_path: str | None = attrs.field(converter=_logical_path)
    component_name: str
    caption: str | None = None
    icon: bytes | None = None
    restore_metadata: bool = False
    notify_on_backup_complete: bool = False
    selectable: bool = False
    selectable_for_restore: bool = False
    component_flags: VSS_COMPONENT_FLAGS = attrs.field(
        default=VSS_COMPONENT_FLAGS(0), converter=VSS_COMPONENT_FLAGS
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

    method: VSS_RESTOREMETHOD_ENUM = attrs.field(converter=VSS_RESTOREMETHOD_ENUM)
    service: str | None
    user_procedure: str | None
    writer_restore: VSS_WRITERRESTORE_ENUM = attrs.field(converter=VSS_WRITERRESTORE_ENUM)
    reboot_required: bool
    mappings: int = 0


@attrs.frozen
class WriterIdentity:
    """The IDENTIFICATION of a writer instance (vss-facts §1.2, §7.1)."""

    instance_id: uuid.UUID
    writer_id: uuid.UUID
    writer_name: str
    usage_type: VSS_USAGE_TYPE = attrs.field(converter=VSS_USAGE_TYPE)
    source_type: VSS_SOURCE_TYPE = attrs.field(converter=VSS_SOURCE_TYPE)
    instance_name: str | None = None
    major_version: int = 0
    minor_version: int = 0


@attrs.frozen
class WriterMetadata:
    """A whole Writer Metadata Document (vss-facts §7.1)."""

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
# Builder (IVssCreateWriterMetadata)
# ---------------------------------------------------------------------------------------------


def _invalid_arg(method: str, message: str) -> VssInvalidArg:
    return VssInvalidArg(f"{method}: {message}")


def _string(method: str, name: str, value: object, *, required: bool) -> str | None:
    if value is None:
        if required:
            raise _invalid_arg(method, f"{name} is required")
        return None
    if not isinstance(value, str):
        raise _invalid_arg(method, f"{name} must be a string, not {type(value).__name__}")
    if not _xml.is_xml_text(value):
        raise _invalid_arg(method, f"{name} holds a character an XML document cannot store")
    return value


def _required(method: str, name: str, value: object) -> str:
    text = _string(method, name, value, required=True)
    assert text is not None
    return text


def _filespec(method: str, value: object) -> str:
    text = _required(method, "filespec", value)
    if "\\" in text:
        raise _invalid_arg(method, f"filespec {text!r} may not contain a directory (backslash)")
    return text


def _flag(method: str, name: str, value: object) -> bool:
    if not isinstance(value, int):
        raise _invalid_arg(method, f"{name} must be a bool, not {type(value).__name__}")
    return bool(value)


def _mask(method: str, name: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 0xFFFFFFFF:
        raise _invalid_arg(method, f"{name} must be a 32-bit mask, got {value!r}")
    return value


def _member(method: str, name: str, value: Any, enum_type: type[E], *, allow_zero: bool) -> E:
    try:
        member = enum_type(value)
    except (ValueError, TypeError):
        member = None
    if member is None or isinstance(value, bool) or (not allow_zero and member == 0):
        raise _invalid_arg(method, f"{name} {value!r} is not a valid {enum_type.__name__}")
    return member


@attrs.define
class _ComponentDraft:
    component: ComponentMetadata
    files: list[FileDescriptor] = attrs.Factory(list)
    database_files: list[FileDescriptor] = attrs.Factory(list)
    database_log_files: list[FileDescriptor] = attrs.Factory(list)
    dependencies: list[ComponentDependency] = attrs.Factory(list)

    def freeze(self) -> ComponentMetadata:
        return attrs.evolve(
            self.component,
            files=self.files,
            database_files=self.database_files,
            database_log_files=self.database_log_files,
            dependencies=self.dependencies,
        )


class IVssCreateWriterMetadata:
    """The metadata builder a writer receives in OnIdentify (vss-facts §7.1).

    COM names and argument order; out-parameters are return values; a failing HRESULT raises its
    ``VssError`` subclass. Optional strings may be None.
    """

    def __init__(self, identity: WriterIdentity) -> None:
        self._identity = identity
        self._restore_method: RestoreMethod | None = None
        self._exclude_files: list[FileDescriptor] = []
        self._exclude_from_snapshot: list[FileDescriptor] = []
        self._mappings: list[FileDescriptor] = []
        self._components: dict[tuple[str | None, str], _ComponentDraft] = {}
        self._backup_schema = _NO_SCHEMA

    def __repr__(self) -> str:
        return f"<{type(self).__name__} for {self._identity.writer_name!r}>"

    def AddIncludeFiles(
        self, path: str, filespec: str, recursive: bool, alternate_location: str | None
    ) -> None:
        """Not supported by VSS (reserved for system use): raises ``VssNotImplemented``."""
        raise VssNotImplemented("AddIncludeFiles: not supported (reserved for system use)")

    def AddExcludeFiles(self, path: str, filespec: str, recursive: bool) -> None:
        """Exclude a file set from the backup; wildcards allowed in the filespec."""
        method = "AddExcludeFiles"
        self._exclude_files.append(
            FileDescriptor(
                _required(method, "path", path),
                _filespec(method, filespec),
                _flag(method, "recursive", recursive),
            )
        )

    def AddComponent(
        self,
        component_type: VSS_COMPONENT_TYPE,
        logical_path: str | None,
        component_name: str,
        caption: str | None,
        pb_icon: bytes | None,
        cb_icon: int,
        restore_metadata: bool,
        notify_on_backup_complete: bool,
        selectable: bool,
        selectable_for_restore: bool = False,
        component_flags: int = 0,
    ) -> None:
        """Add a database or file-group component; (logical path, name) must be new."""
        method = "AddComponent"
        ctype = _member(
            method, "component_type", component_type, VSS_COMPONENT_TYPE, allow_zero=False
        )
        path = _logical_path(_string(method, "logical_path", logical_path, required=False))
        name = _required(method, "component_name", component_name)
        if not name or "\\" in name:
            raise _invalid_arg(method, f"component_name {name!r} must be non-empty without '\\'")
        icon = self._icon(method, pb_icon, cb_icon)
        if (path, name) in self._components:
            raise VssObjectAlreadyExists(
                f"{method}: a component with logical path {path!r} and name {name!r} already exists"
            )
        self._components[(path, name)] = _ComponentDraft(
            ComponentMetadata(
                ctype,
                path,
                name,
                caption=_string(method, "caption", caption, required=False),
                icon=icon,
                restore_metadata=_flag(method, "restore_metadata", restore_metadata),
                notify_on_backup_complete=_flag(
                    method, "notify_on_backup_complete", notify_on_backup_complete
                ),
                selectable=_flag(method, "selectable", selectable),
                selectable_for_restore=_flag(
                    method, "selectable_for_restore", selectable_for_restore
                ),
                component_flags=_mask(method, "component_flags", component_flags),
            )
        )

    @staticmethod
    def _icon(method: str, pb_icon: object, cb_icon: object) -> bytes | None:
        if not isinstance(cb_icon, int) or isinstance(cb_icon, bool) or cb_icon < 0:
            raise _invalid_arg(method, f"cb_icon must be a byte count, got {cb_icon!r}")
        if pb_icon is None:
            if cb_icon:
                raise _invalid_arg(method, "cb_icon must be 0 when pb_icon is None")
            return None
        if not isinstance(pb_icon, (bytes, bytearray)) or cb_icon > len(pb_icon):
            raise _invalid_arg(method, f"pb_icon must be bytes holding at least cb_icon={cb_icon}")
        return bytes(pb_icon[:cb_icon]) if cb_icon else None

    def _component(
        self, method: str, logical_path: object, name: object, wanted: VSS_COMPONENT_TYPE
    ) -> _ComponentDraft:
        path = _logical_path(_string(method, "logical_path", logical_path, required=False))
        key = (path, _required(method, "component name", name))
        draft = self._components.get(key)
        if draft is None:
            raise VssObjectNotFound(
                f"{method}: no component with logical path {key[0]!r} and name {key[1]!r}"
            )
        if draft.component.type != wanted:
            raise _invalid_arg(
                method, f"component {key[1]!r} is {draft.component.type.name}, not {wanted.name}"
            )
        return draft

    def _database_files(
        self,
        method: str,
        logical_path: str | None,
        database_name: str,
        path: str,
        filespec: str,
        backup_type_mask: int,
    ) -> tuple[_ComponentDraft, FileDescriptor]:
        draft = self._component(
            method, logical_path, database_name, VSS_COMPONENT_TYPE.VSS_CT_DATABASE
        )
        return draft, FileDescriptor(
            _required(method, "path", path),
            _filespec(method, filespec),
            backup_type_mask=_mask(method, "backup_type_mask", backup_type_mask),
        )

    def AddDatabaseFiles(
        self,
        logical_path: str | None,
        database_name: str,
        path: str,
        filespec: str,
        backup_type_mask: int = DEFAULT_BACKUP_TYPE_MASK,
    ) -> None:
        """Add database files to a database component."""
        draft, files = self._database_files(
            "AddDatabaseFiles", logical_path, database_name, path, filespec, backup_type_mask
        )
        draft.database_files.append(files)

    def AddDatabaseLogFiles(
        self,
        logical_path: str | None,
        database_name: str,
        path: str,
        filespec: str,
        backup_type_mask: int = DEFAULT_BACKUP_TYPE_MASK,
    ) -> None:
        """Add log files to a database component (the basis of VSS_BT_LOG)."""
        draft, files = self._database_files(
            "AddDatabaseLogFiles", logical_path, database_name, path, filespec, backup_type_mask
        )
        draft.database_log_files.append(files)

    def AddFilesToFileGroup(
        self,
        logical_path: str | None,
        group_name: str,
        path: str,
        filespec: str,
        recursive: bool,
        alternate_location: str | None,
        backup_type_mask: int = DEFAULT_BACKUP_TYPE_MASK,
    ) -> None:
        """Add a file set to a file-group component.

        Unknown component: ``VssObjectNotFound``; a database component: ``VssInvalidArg``.
        """
        method = "AddFilesToFileGroup"
        draft = self._component(
            method, logical_path, group_name, VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP
        )
        draft.files.append(
            FileDescriptor(
                _required(method, "path", path),
                _filespec(method, filespec),
                _flag(method, "recursive", recursive),
                _string(method, "alternate_location", alternate_location, required=False),
                _mask(method, "backup_type_mask", backup_type_mask),
            )
        )

    def SetRestoreMethod(
        self,
        method: VSS_RESTOREMETHOD_ENUM,
        service: str | None,
        user_procedure: str | None,
        writer_restore: VSS_WRITERRESTORE_ENUM,
        reboot_required: bool,
    ) -> None:
        """Set the writer-wide restore method (a later call replaces an earlier one)."""
        name = "SetRestoreMethod"
        self._restore_method = RestoreMethod(
            _member(name, "method", method, VSS_RESTOREMETHOD_ENUM, allow_zero=True),
            _string(name, "service", service, required=False),
            _string(name, "user_procedure", user_procedure, required=False),
            _member(
                name, "writer_restore", writer_restore, VSS_WRITERRESTORE_ENUM, allow_zero=True
            ),
            _flag(name, "reboot_required", reboot_required),
        )

    def AddAlternateLocationMapping(
        self, source_path: str, source_filespec: str, recursive: bool, destination: str
    ) -> None:
        """Map a file set to the place it is restored to when it cannot go back (restore time)."""
        method = "AddAlternateLocationMapping"
        self._mappings.append(
            FileDescriptor(
                _required(method, "source_path", source_path),
                _filespec(method, source_filespec),
                _flag(method, "recursive", recursive),
                _required(method, "destination", destination),
            )
        )

    def AddComponentDependency(
        self,
        for_logical_path: str | None,
        for_component_name: str,
        on_writer_id: uuid.UUID,
        on_logical_path: str | None,
        on_component_name: str,
    ) -> None:
        """Declare that a component depends on a component of another writer."""
        method = "AddComponentDependency"
        path = _logical_path(_string(method, "for_logical_path", for_logical_path, required=False))
        key = (path, _required(method, "for_component_name", for_component_name))
        if not isinstance(on_writer_id, uuid.UUID):
            raise _invalid_arg(method, f"on_writer_id must be a UUID, got {on_writer_id!r}")
        if on_writer_id == self._identity.writer_id:
            raise _invalid_arg(
                method, "a component may not depend on a component of its own writer"
            )
        dependency = ComponentDependency(
            on_writer_id,
            _logical_path(_string(method, "on_logical_path", on_logical_path, required=False)),
            _required(method, "on_component_name", on_component_name),
        )
        draft = self._components.get(key)
        if draft is None:
            raise VssObjectNotFound(
                f"{method}: no component with logical path {key[0]!r} and name {key[1]!r}"
            )
        draft.dependencies.append(dependency)

    def SetBackupSchema(self, schema_mask: int) -> None:
        """Declare the backup types and features the writer supports (VSS_BACKUP_SCHEMA bits)."""
        self._backup_schema = VSS_BACKUP_SCHEMA(
            _mask("SetBackupSchema", "schema_mask", schema_mask)
        )

    def SaveAsXML(self) -> str:
        """The document built so far, in the real WMD XML form."""
        return self.finish().to_xml()

    def finish(self) -> WriterMetadata:
        """The document built so far as a frozen :class:`WriterMetadata`.

        Not a COM method: the simulator calls it when OnIdentify returns.
        """
        restore = self._restore_method
        if restore is not None:
            restore = attrs.evolve(restore, mappings=len(self._mappings))
        return WriterMetadata(
            self._identity,
            restore,
            exclude_files=self._exclude_files,
            exclude_from_snapshot=self._exclude_from_snapshot,
            alternate_location_mappings=self._mappings,
            components=[draft.freeze() for draft in self._components.values()],
            backup_schema=self._backup_schema,
        )


class IVssCreateWriterMetadataEx(IVssCreateWriterMetadata):
    """The builder handed to OnIdentifyEx: adds AddExcludeFilesFromSnapshot (vss-facts §7.1)."""

    def AddExcludeFilesFromSnapshot(self, path: str, filespec: str, recursive: bool) -> None:
        """Exclude a file set from the shadow copy itself."""
        method = "AddExcludeFilesFromSnapshot"
        self._exclude_from_snapshot.append(
            FileDescriptor(
                _required(method, "path", path),
                _filespec(method, filespec),
                _flag(method, "recursive", recursive),
            )
        )


# ---------------------------------------------------------------------------------------------
# Readers (IVssExamineWriterMetadata and friends)
# ---------------------------------------------------------------------------------------------


def _pick(items: tuple[T, ...], index: int, what: str) -> T:
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(items):
        raise VssObjectNotFound(f"no {what} at index {index!r}; there are {len(items)}")
    return items[index]


class IVssWMFiledesc:
    """A read-only file descriptor (vss-facts §7.1)."""

    def __init__(self, descriptor: FileDescriptor) -> None:
        self.descriptor = descriptor

    def __repr__(self) -> str:
        return f"IVssWMFiledesc({self.descriptor!r})"

    def GetPath(self) -> str:
        """The root directory (or source path of a mapping)."""
        return self.descriptor.path

    def GetFilespec(self) -> str:
        """The file specification."""
        return self.descriptor.filespec

    def GetRecursive(self) -> bool:
        """Whether subdirectories are included."""
        return self.descriptor.recursive

    def GetAlternateLocation(self) -> str | None:
        """The alternate path (or destination of a mapping), or None."""
        return self.descriptor.alternate_location

    def GetBackupTypeMask(self) -> VSS_FILE_SPEC_BACKUP_TYPE:
        """The VSS_FILE_SPEC_BACKUP_TYPE bits."""
        return self.descriptor.backup_type_mask


class IVssWMDependency:
    """A read-only component dependency (vss-facts §7.1)."""

    def __init__(self, dependency: ComponentDependency) -> None:
        self.dependency = dependency

    def __repr__(self) -> str:
        return f"IVssWMDependency({self.dependency!r})"

    def GetWriterId(self) -> uuid.UUID:
        """The class id of the writer owning the target component."""
        return self.dependency.writer_id

    def GetLogicalPath(self) -> str | None:
        """The logical path of the target component."""
        return self.dependency.logical_path

    def GetComponentName(self) -> str:
        """The name of the target component."""
        return self.dependency.component_name


@attrs.frozen
class VSS_COMPONENTINFO:
    """What IVssWMComponent::GetComponentInfo returns; ``dependencies`` is a count."""

    type: VSS_COMPONENT_TYPE
    logical_path: str | None
    component_name: str
    caption: str | None
    icon: bytes | None
    restore_metadata: bool
    notify_on_backup_complete: bool
    selectable: bool
    selectable_for_restore: bool
    component_flags: VSS_COMPONENT_FLAGS
    file_count: int
    database_count: int
    log_file_count: int
    dependencies: int


class IVssWMComponent:
    """A read-only component of a WMD (vss-facts §7.1)."""

    def __init__(self, component: ComponentMetadata) -> None:
        self.component = component

    def __repr__(self) -> str:
        return (
            f"IVssWMComponent({self.component.logical_path!r}, {self.component.component_name!r})"
        )

    def GetComponentInfo(self) -> VSS_COMPONENTINFO:
        """The component's properties and the counts of its file sets and dependencies."""
        c = self.component
        return VSS_COMPONENTINFO(
            type=c.type,
            logical_path=c.logical_path,
            component_name=c.component_name,
            caption=c.caption,
            icon=c.icon,
            restore_metadata=c.restore_metadata,
            notify_on_backup_complete=c.notify_on_backup_complete,
            selectable=c.selectable,
            selectable_for_restore=c.selectable_for_restore,
            component_flags=c.component_flags,
            file_count=len(c.files),
            database_count=len(c.database_files),
            log_file_count=len(c.database_log_files),
            dependencies=len(c.dependencies),
        )

    def GetFile(self, index: int) -> IVssWMFiledesc:
        """A file set of a file-group component."""
        return IVssWMFiledesc(_pick(self.component.files, index, "file"))

    def GetDatabaseFile(self, index: int) -> IVssWMFiledesc:
        """A database file set of a database component."""
        return IVssWMFiledesc(_pick(self.component.database_files, index, "database file"))

    def GetDatabaseLogFile(self, index: int) -> IVssWMFiledesc:
        """A log file set of a database component."""
        return IVssWMFiledesc(_pick(self.component.database_log_files, index, "log file"))

    def GetDependency(self, index: int) -> IVssWMDependency:
        """A dependency on another writer's component."""
        return IVssWMDependency(_pick(self.component.dependencies, index, "dependency"))


class IVssExamineWriterMetadata:
    """A requester's view of one writer's metadata: the methods of IVssExamineWriterMetadata,
    ``…Ex`` and ``…Ex2`` (vss-facts §7.1). The document is ``.metadata``."""

    def __init__(self, metadata: WriterMetadata) -> None:
        self.metadata = metadata

    def __repr__(self) -> str:
        return f"<IVssExamineWriterMetadata {self.metadata.identity.writer_name!r}>"

    def GetIdentity(
        self,
    ) -> tuple[uuid.UUID, uuid.UUID, str, VSS_USAGE_TYPE, VSS_SOURCE_TYPE]:
        """(instance id, writer id, writer name, usage type, source type)."""
        i = self.metadata.identity
        return (i.instance_id, i.writer_id, i.writer_name, i.usage_type, i.source_type)

    def GetIdentityEx(
        self,
    ) -> tuple[uuid.UUID, uuid.UUID, str, str | None, VSS_USAGE_TYPE, VSS_SOURCE_TYPE]:
        """(instance id, writer id, writer name, instance name, usage type, source type)."""
        i = self.metadata.identity
        return (
            i.instance_id,
            i.writer_id,
            i.writer_name,
            i.instance_name,
            i.usage_type,
            i.source_type,
        )

    def GetVersion(self) -> tuple[int, int]:
        """(major, minor) version of the writer."""
        return (self.metadata.identity.major_version, self.metadata.identity.minor_version)

    def GetFileCounts(self) -> tuple[int, int, int]:
        """(include files, exclude files, components)."""
        m = self.metadata
        return (len(m.include_files), len(m.exclude_files), len(m.components))

    def GetIncludeFile(self, index: int) -> IVssWMFiledesc:
        """An include file set."""
        return IVssWMFiledesc(_pick(self.metadata.include_files, index, "include file"))

    def GetExcludeFile(self, index: int) -> IVssWMFiledesc:
        """An exclude file set."""
        return IVssWMFiledesc(_pick(self.metadata.exclude_files, index, "exclude file"))

    def GetExcludeFromSnapshotCount(self) -> int:
        """The number of file sets excluded from the shadow copy."""
        return len(self.metadata.exclude_from_snapshot)

    def GetExcludeFromSnapshotFile(self, index: int) -> IVssWMFiledesc:
        """A file set excluded from the shadow copy."""
        return IVssWMFiledesc(
            _pick(self.metadata.exclude_from_snapshot, index, "exclude-from-snapshot file")
        )

    def GetComponent(self, index: int) -> IVssWMComponent:
        """A component."""
        return IVssWMComponent(_pick(self.metadata.components, index, "component"))

    def GetRestoreMethod(
        self,
    ) -> tuple[VSS_RESTOREMETHOD_ENUM, str | None, str | None, VSS_WRITERRESTORE_ENUM, bool, int]:
        """(method, service, user procedure, writer restore, reboot required, mapping count).

        Without a restore method (COM's S_FALSE) the method and writer restore are UNDEFINED.
        """
        r = self.metadata.restore_method
        count = len(self.metadata.alternate_location_mappings)
        if r is None:
            return (
                VSS_RESTOREMETHOD_ENUM.VSS_RME_UNDEFINED,
                None,
                None,
                VSS_WRITERRESTORE_ENUM.VSS_WRE_UNDEFINED,
                False,
                count,
            )
        return (r.method, r.service, r.user_procedure, r.writer_restore, r.reboot_required, count)

    def GetAlternateLocationMapping(self, index: int) -> IVssWMFiledesc:
        """An alternate location mapping (destination in GetAlternateLocation)."""
        return IVssWMFiledesc(
            _pick(self.metadata.alternate_location_mappings, index, "alternate location mapping")
        )

    def GetBackupSchema(self) -> VSS_BACKUP_SCHEMA:
        """The VSS_BACKUP_SCHEMA bits."""
        return self.metadata.backup_schema

    def SaveAsXML(self) -> str:
        """The document in the real WMD XML form."""
        return self.metadata.to_xml()

    def LoadFromXML(self, xml: str) -> None:
        """Replace the document with one parsed from ``xml``."""
        self.metadata = WriterMetadata.from_xml(xml)


IVssExamineWriterMetadataEx = IVssExamineWriterMetadata
IVssExamineWriterMetadataEx2 = IVssExamineWriterMetadata


def CreateVssExamineWriterMetadata(xml: str) -> IVssExamineWriterMetadata:
    """Read a stored Writer Metadata Document (vss-facts §3.3 step 2)."""
    return IVssExamineWriterMetadata(WriterMetadata.from_xml(xml))


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
