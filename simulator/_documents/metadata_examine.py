"""IVssExamineWriterMetadata and its parts: how a requester reads a writer's metadata
(docs/reference.md §7.2).

The document a view reads is frozen, so what a view builds from it (each component's
``VSS_COMPONENTINFO``, itself frozen) is made once per document and shared by every view of it
(``ComponentInfos``); the views themselves are not shared, since LoadFromXML changes one.
"""

from __future__ import annotations

import uuid

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
from .arguments import pick as _pick
from .writer_metadata import (
    ComponentDependency,
    ComponentMetadata,
    FileDescriptor,
    WriterMetadata,
)

# ---------------------------------------------------------------------------------------------
# Readers (IVssExamineWriterMetadata and friends)
# ---------------------------------------------------------------------------------------------


class IVssWMFiledesc:
    """A read-only file descriptor (docs/reference.md §7.1)."""

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
    """A read-only component dependency (docs/reference.md §7.1)."""

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


def component_info(c: ComponentMetadata) -> VSS_COMPONENTINFO:
    """What GetComponentInfo returns for ``c``."""
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


class ComponentInfos:
    """The ``VSS_COMPONENTINFO`` of each component of one document, each made when first asked
    for and then shared by every view of the document."""

    __slots__ = ("_infos", "file_counts", "identity", "metadata")

    def __init__(self, metadata: WriterMetadata) -> None:
        self.metadata = metadata
        self._infos: list[VSS_COMPONENTINFO | None] = [None] * len(metadata.components)
        i = metadata.identity
        #: what GetIdentity returns
        self.identity = (i.instance_id, i.writer_id, i.writer_name, i.usage_type, i.source_type)
        #: what GetFileCounts returns
        self.file_counts = (
            len(metadata.include_files),
            len(metadata.exclude_files),
            len(metadata.components),
        )

    def info(self, index: int) -> VSS_COMPONENTINFO:
        """The info of component ``index`` (in range)."""
        info = self._infos[index]
        if info is None:
            info = self._infos[index] = component_info(self.metadata.components[index])
        return info


class IVssWMComponent:
    """A read-only component of a WMD (docs/reference.md §7.1)."""

    __slots__ = ("_info", "_info_of", "component")

    def __init__(self, component: ComponentMetadata, info: VSS_COMPONENTINFO | None = None) -> None:
        """``info``: the component's VSS_COMPONENTINFO when the caller has it already."""
        self.component = component
        #: the info made, and the component it was made of (``component`` may be replaced)
        self._info = info
        self._info_of = component

    def __repr__(self) -> str:
        return (
            f"IVssWMComponent({self.component.logical_path!r}, {self.component.component_name!r})"
        )

    def GetComponentInfo(self) -> VSS_COMPONENTINFO:
        """The component's properties and the counts of its file sets and dependencies."""
        component = self.component
        info = self._info
        if info is None or self._info_of is not component:
            info = self._info = component_info(component)
            self._info_of = component
        return info

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
    ``…Ex`` and ``…Ex2`` (docs/reference.md §7.1). The document is ``.metadata``."""

    def __init__(self, metadata: WriterMetadata, infos: ComponentInfos | None = None) -> None:
        """``infos``: the shared component infos of ``metadata``, when there are some."""
        self.metadata = metadata
        self._infos = infos

    def __repr__(self) -> str:
        return f"<IVssExamineWriterMetadata {self.metadata.identity.writer_name!r}>"

    def GetIdentity(
        self,
    ) -> tuple[uuid.UUID, uuid.UUID, str, VSS_USAGE_TYPE, VSS_SOURCE_TYPE]:
        """(instance id, writer id, writer name, usage type, source type)."""
        infos = self._infos
        if infos is not None and infos.metadata is self.metadata:
            return infos.identity
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
        infos = self._infos
        if infos is not None and infos.metadata is self.metadata:
            return infos.file_counts
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
        metadata = self.metadata
        components = metadata.components
        if type(index) is int and 0 <= index < len(components):
            component = components[index]
        else:
            component = _pick(components, index, "component")
        infos = self._infos
        if infos is None or infos.metadata is not metadata:
            infos = self._infos = ComponentInfos(metadata)
        info = infos._infos[index]
        if info is None:
            info = infos.info(index)
        return IVssWMComponent(component, info)

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
    """Read a stored Writer Metadata Document (docs/reference.md §3.3 step 2)."""
    return IVssExamineWriterMetadata(WriterMetadata.from_xml(xml))
