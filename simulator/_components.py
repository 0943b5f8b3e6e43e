# Where-callable rules (vss-facts §1.6).
#
# A component view is handed out at one place, a ``ComponentAccess``. During a backup the writer
# handlers OnPrepareBackup and OnPostSnapshot see the document writable and OnBackupComplete sees
# it read-only; during a restore OnPreRestore sees it writable and OnPostRestore read-only; the
# requester reads it through IVssWriterComponentsExt. Getters work everywhere. A setter works
# only at the places its row of ``COMPONENT_CALLS`` lists:
#
#     COMPONENT_CALLS["SetBackupStamp"] == {PREPARE_BACKUP, POST_SNAPSHOT}
#
# reads "IVssComponent::SetBackupStamp may be called in OnPrepareBackup and OnPostSnapshot". A
# call anywhere else is passed to the view's ``report`` callback (the coordinator records a rule
# violation) and then raises ``VssBadState``; the message, generated from the table, names the
# method, where it was called and where it may be called.

"""The Backup Components Document and the IVssComponent views writers get of it.

vss-facts §7.3 (the document) and §1.6 (where each IVssComponent method may be called).

XML: the real BCD form, ``<BACKUP_COMPONENTS xmlns="x-schema:#VssComponentMetadata" version="1.2"
…>`` with ``WRITER_COMPONENTS`` and ``COMPONENT`` children. Element and attribute names are those
of the Windows Server 2012 documents and of the VSS component metadata format (``backupSucceeded``,
``backupOptions``, ``restoreOptions``, ``backupStamp``, ``previousBackupStamp``,
``selectedForRestore``, ``additionalRestores``, ``restoreTarget``, ``preRestoreFailureMsg``,
``postRestoreFailureMsg``, ``filesRestored``; children ``BACKUP_METADATA`` / ``RESTORE_METADATA``
(``metadata``), ``PARTIAL_FILE``, ``DIFFERENCED_FILE``, ``DIRECTED_TARGET``, ``RESTORE_TARGET``
(new targets), ``ALTERNATE_LOCATION_MAPPING``, ``RESTORE_SUBCOMPONENT``; root ``restoreType``).
Fields with no known place are simulator attributes of ``COMPONENT``:
``prepareForBackupFailureMsg``, ``postSnapshotFailureMsg``, ``authoritativeRestore``,
``rollForwardType``, ``rollForwardPoint``, ``restoreName``, and a ``FAILURE`` child
(``hr``, ``hrApplication`` as ``0x%08X``, ``message``). Unset values are left out.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

import attrs

from . import _xml
from ._enums import (
    GUID_NULL,
    VSS_BACKUP_SCHEMA,
    VSS_BACKUP_TYPE,
    VSS_COMPONENT_TYPE,
    VSS_FILE_RESTORE_STATUS,
    VSS_RESTORE_TARGET,
    VSS_RESTORE_TYPE,
    VSS_ROLLFORWARD_TYPE,
)
from ._errors import VssBadState, VssInvalidArg, VssObjectAlreadyExists, VssObjectNotFound
from ._metadata import FileDescriptor, IVssWMFiledesc
from .hresults import S_OK

T = TypeVar("T")

Report = Callable[[str, str], None]
"""Called with (method name, message) just before a refused call raises."""


class ComponentAccess(enum.Enum):
    """The place a component view is handed out (vss-facts §1.6, §7.3); the value names it."""

    PREPARE_BACKUP = "OnPrepareBackup"
    POST_SNAPSHOT = "OnPostSnapshot"
    BACKUP_COMPLETE = "OnBackupComplete"
    PRE_RESTORE = "OnPreRestore"
    POST_RESTORE = "OnPostRestore"
    REQUESTER = "the requester"


_A = ComponentAccess
_BACKUP_WRITABLE = frozenset({_A.PREPARE_BACKUP, _A.POST_SNAPSHOT})
_WRITER_PLACES = frozenset(_A) - {_A.REQUESTER}

COMPONENT_CALLS: Mapping[str, frozenset[ComponentAccess]] = MappingProxyType(
    {
        "SetBackupMetadata": _BACKUP_WRITABLE,
        "SetBackupStamp": _BACKUP_WRITABLE,
        "AddPartialFile": _BACKUP_WRITABLE,
        "AddDifferencedFilesByLastModifyTime": _BACKUP_WRITABLE,
        "AddDifferencedFilesByLastModifyLSN": _BACKUP_WRITABLE,
        "SetRestoreMetadata": frozenset({_A.PRE_RESTORE}),
        "SetRestoreTarget": frozenset({_A.PRE_RESTORE}),
        "AddDirectedTarget": frozenset({_A.PRE_RESTORE}),
        "SetPreRestoreFailureMsg": frozenset({_A.PRE_RESTORE}),
        "SetPostRestoreFailureMsg": frozenset({_A.POST_RESTORE}),
        "SetPrepareForBackupFailureMsg": frozenset({_A.PREPARE_BACKUP}),
        "SetPostSnapshotFailureMsg": frozenset({_A.POST_SNAPSHOT}),
        "SetFailure": _WRITER_PLACES,
    }
)
"""Each IVssComponent(Ex, Ex2) setter's COM name → the places it may be called (vss-facts §1.6)."""


def _places(access: Iterable[ComponentAccess]) -> str:
    return ", ".join(a.value for a in ComponentAccess if a in set(access))


def refusal_message(method: str, access: ComponentAccess) -> str:
    """Why ``method`` is refused at ``access``, generated from :data:`COMPONENT_CALLS`."""
    return (
        f"IVssComponent::{method} called in {access.value}; it may be called only in "
        f"{_places(COMPONENT_CALLS[method])}"
    )


# ---------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------


@attrs.frozen
class PartialFile:
    """A file backed up in part (AddPartialFile): ranges are ``"offset:length,…"`` or a file."""

    path: str
    filename: str
    ranges: str
    metadata: str | None = None


@attrs.frozen
class DifferencedFile:
    """A file set to back up differentially (AddDifferencedFilesBy…); time is a FILETIME."""

    path: str
    filespec: str
    recursive: bool
    lsn: str | None = None
    last_modify_time: int = 0


@attrs.frozen
class DirectedTarget:
    """A directed restore of file ranges to another file (AddDirectedTarget)."""

    source_path: str
    source_filename: str
    source_ranges: str
    destination_path: str
    destination_filename: str
    destination_ranges: str


@attrs.frozen
class RestoreSubcomponent:
    """A subcomponent selected for restore (AddRestoreSubcomponent)."""

    logical_path: str | None
    component_name: str
    repair: bool = False


@attrs.frozen
class ComponentFailure:
    """A component-level failure (IVssComponentEx2::SetFailure)."""

    hr: int
    hr_application: int
    message: str | None


@attrs.frozen
class RollForward:
    """How far a restore rolls forward (IVssComponentEx::GetRollForward)."""

    type: VSS_ROLLFORWARD_TYPE = attrs.field(converter=VSS_ROLLFORWARD_TYPE)
    point: str | None = None


def _logical_path(value: str | None) -> str | None:
    return value or None


@attrs.define
class ComponentEntry:
    """One explicitly included component in the BCD, with every per-component field (§7.3)."""

    writer_id: uuid.UUID
    instance_id: uuid.UUID
    component_type: VSS_COMPONENT_TYPE = attrs.field(converter=VSS_COMPONENT_TYPE)
    logical_path: str | None = attrs.field(converter=_logical_path)
    component_name: str
    backup_succeeded: bool = False
    backup_options: str | None = None
    previous_backup_stamp: str | None = None
    backup_stamp: str | None = None
    backup_metadata: str | None = None
    restore_metadata: str | None = None
    selected_for_restore: bool = False
    additional_restores: bool = False
    restore_options: str | None = None
    file_restore_status: VSS_FILE_RESTORE_STATUS = attrs.field(
        default=VSS_FILE_RESTORE_STATUS.VSS_RS_UNDEFINED, converter=VSS_FILE_RESTORE_STATUS
    )
    restore_target: VSS_RESTORE_TARGET = attrs.field(
        default=VSS_RESTORE_TARGET.VSS_RT_UNDEFINED, converter=VSS_RESTORE_TARGET
    )
    pre_restore_failure_msg: str | None = None
    post_restore_failure_msg: str | None = None
    prepare_for_backup_failure_msg: str | None = None
    post_snapshot_failure_msg: str | None = None
    partial_files: list[PartialFile] = attrs.Factory(list)
    differenced_files: list[DifferencedFile] = attrs.Factory(list)
    directed_targets: list[DirectedTarget] = attrs.Factory(list)
    new_targets: list[FileDescriptor] = attrs.Factory(list)
    alternate_location_mappings: list[FileDescriptor] = attrs.Factory(list)
    restore_subcomponents: list[RestoreSubcomponent] = attrs.Factory(list)
    failure: ComponentFailure | None = None
    authoritative_restore: bool = False
    roll_forward: RollForward = RollForward(VSS_ROLLFORWARD_TYPE.VSS_RF_UNDEFINED)
    restore_name: str | None = None

    def matches(self, component_type: int, logical_path: str | None, component_name: str) -> bool:
        """True when this entry is the component (type, logical path, name)."""
        return (
            self.component_type == component_type
            and self.logical_path == _logical_path(logical_path)
            and self.component_name == component_name
        )


@attrs.define
class WriterComponentsEntry:
    """The components of one writer instance (``WRITER_COMPONENTS``)."""

    instance_id: uuid.UUID
    writer_id: uuid.UUID
    instance_name: str | None = None
    backup_schema: VSS_BACKUP_SCHEMA = attrs.field(
        default=VSS_BACKUP_SCHEMA(0), converter=VSS_BACKUP_SCHEMA
    )
    components: list[ComponentEntry] = attrs.Factory(list)


@attrs.define
class BackupComponentsDocument:
    """The requester's Backup Components Document (vss-facts §7.3)."""

    select_components: bool = False
    bootable_system_state: bool = False
    backup_type: VSS_BACKUP_TYPE = attrs.field(
        default=VSS_BACKUP_TYPE.VSS_BT_UNDEFINED, converter=VSS_BACKUP_TYPE
    )
    partial_file_support: bool = False
    snapshot_set_id: uuid.UUID = GUID_NULL
    writers: list[WriterComponentsEntry] = attrs.Factory(list)
    restore_type: VSS_RESTORE_TYPE = attrs.field(
        default=VSS_RESTORE_TYPE.VSS_RTYPE_UNDEFINED, converter=VSS_RESTORE_TYPE
    )

    def add_writer(
        self, instance_id: uuid.UUID, writer_id: uuid.UUID, instance_name: str | None = None
    ) -> WriterComponentsEntry:
        """The entry of writer instance ``instance_id``, created when missing."""
        for entry in self.writers:
            if entry.instance_id == instance_id:
                if entry.writer_id != writer_id:
                    raise VssInvalidArg(
                        f"instance {instance_id} belongs to writer {entry.writer_id}, not {writer_id}"
                    )
                return entry
        entry = WriterComponentsEntry(instance_id, writer_id, instance_name)
        self.writers.append(entry)
        return entry

    def writer_entry(self, instance_id: uuid.UUID) -> WriterComponentsEntry:
        """The entry of writer instance ``instance_id``; VssObjectNotFound when absent."""
        for entry in self.writers:
            if entry.instance_id == instance_id:
                return entry
        raise VssObjectNotFound(
            f"no writer instance {instance_id} in the Backup Components Document"
        )

    def add_component(
        self,
        instance_id: uuid.UUID,
        writer_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE,
        logical_path: str | None,
        component_name: str,
    ) -> ComponentEntry:
        """Include a component explicitly; a second (logical path, name) raises
        VssObjectAlreadyExists (vss-facts §3.2 step 7)."""
        writer = self.add_writer(instance_id, writer_id)
        path = _logical_path(logical_path)
        for existing in writer.components:
            if existing.logical_path == path and existing.component_name == component_name:
                raise VssObjectAlreadyExists(
                    f"AddComponent: component {component_name!r} (logical path {path!r}) of writer"
                    f" instance {instance_id} is already in the Backup Components Document"
                )
        entry = ComponentEntry(writer_id, instance_id, component_type, path, component_name)
        writer.components.append(entry)
        return entry

    def find_component(
        self,
        writer_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE,
        logical_path: str | None,
        component_name: str,
        instance_id: uuid.UUID | None = None,
    ) -> ComponentEntry:
        """The entry for a component; VssObjectNotFound when the BCD does not hold it."""
        for writer in self.writers:
            if writer.writer_id != writer_id:
                continue
            if instance_id is not None and writer.instance_id != instance_id:
                continue
            for entry in writer.components:
                if entry.matches(component_type, logical_path, component_name):
                    return entry
        raise VssObjectNotFound(
            f"component {component_name!r} (logical path {_logical_path(logical_path)!r}, "
            f"{VSS_COMPONENT_TYPE(component_type).name}) of writer {writer_id} is not in the"
            " Backup Components Document"
        )

    def to_xml(self) -> str:
        """The real BCD XML form; the same document always gives the same text."""
        return _write_document(self)

    @classmethod
    def from_xml(cls, xml: str) -> BackupComponentsDocument:
        """Parse a BCD; malformed input raises ``VssInvalidXmlDocument``."""
        return _read_document(xml)


# ---------------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------------


def _pick(items: list[T], index: int, what: str) -> T:
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(items):
        raise VssObjectNotFound(f"no {what} at index {index!r}; there are {len(items)}")
    return items[index]


def _text(method: str, name: str, value: object, *, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise VssInvalidArg(f"{method}: {name} must be a string, got {value!r}")
    if not _xml.is_xml_text(value):
        raise VssInvalidArg(f"{method}: {name} holds a character an XML document cannot store")
    return value


def _required(method: str, name: str, value: object) -> str:
    text = _text(method, name, value)
    assert text is not None
    return text


class IVssComponent:
    """A writer's view of one BCD component: IVssComponent, IVssComponentEx, IVssComponentEx2.

    Setters obey :data:`COMPONENT_CALLS` for the place ``access`` the view was handed out.
    """

    def __init__(
        self, entry: ComponentEntry, access: ComponentAccess, report: Report | None = None
    ) -> None:
        self.entry = entry
        self.access = access
        self._report = report

    def __repr__(self) -> str:
        e = self.entry
        return f"<IVssComponent {e.logical_path!r} {e.component_name!r} in {self.access.value}>"

    def _allow(self, method: str) -> None:
        if self.access not in COMPONENT_CALLS[method]:
            message = refusal_message(method, self.access)
            if self._report is not None:
                self._report(method, message)
            raise VssBadState(message)

    # identity ---------------------------------------------------------------------------------

    def GetLogicalPath(self) -> str | None:
        """The logical path, or None."""
        return self.entry.logical_path

    def GetComponentType(self) -> VSS_COMPONENT_TYPE:
        """VSS_CT_DATABASE or VSS_CT_FILEGROUP."""
        return self.entry.component_type

    def GetComponentName(self) -> str:
        """The component name."""
        return self.entry.component_name

    # backup -----------------------------------------------------------------------------------

    def GetBackupSucceeded(self) -> bool:
        """Whether the requester reported the component backed up."""
        return self.entry.backup_succeeded

    def GetBackupOptions(self) -> str | None:
        """The requester's backup options string."""
        return self.entry.backup_options

    def GetBackupStamp(self) -> str | None:
        """The stamp the writer set in this backup."""
        return self.entry.backup_stamp

    def GetPreviousBackupStamp(self) -> str | None:
        """The stamp of the backup this one builds on (set by the requester)."""
        return self.entry.previous_backup_stamp

    def GetBackupMetadata(self) -> str | None:
        """The writer's private backup metadata."""
        return self.entry.backup_metadata

    def SetBackupMetadata(self, data: str) -> None:
        """Store private backup metadata (OnPrepareBackup, OnPostSnapshot)."""
        self._allow("SetBackupMetadata")
        self.entry.backup_metadata = _required("SetBackupMetadata", "data", data)

    def SetBackupStamp(self, backup_stamp: str) -> None:
        """Store the opaque backup stamp (OnPrepareBackup, OnPostSnapshot)."""
        self._allow("SetBackupStamp")
        self.entry.backup_stamp = _required("SetBackupStamp", "backup_stamp", backup_stamp)

    def AddPartialFile(self, path: str, filename: str, ranges: str, metadata: str | None) -> None:
        """Back up only ranges of a file (OnPrepareBackup, OnPostSnapshot)."""
        method = "AddPartialFile"
        self._allow(method)
        self.entry.partial_files.append(
            PartialFile(
                _required(method, "path", path),
                _required(method, "filename", filename),
                _required(method, "ranges", ranges),
                _text(method, "metadata", metadata, required=False),
            )
        )

    def GetPartialFileCount(self) -> int:
        """The number of partial files."""
        return len(self.entry.partial_files)

    def GetPartialFile(self, index: int) -> tuple[str, str, str, str | None]:
        """(path, filename, ranges, metadata)."""
        p = _pick(self.entry.partial_files, index, "partial file")
        return (p.path, p.filename, p.ranges, p.metadata)

    def AddDifferencedFilesByLastModifyTime(
        self, path: str, filespec: str, recursive: bool, last_modify_time: int
    ) -> None:
        """Back up only files changed since a FILETIME (OnPrepareBackup, OnPostSnapshot)."""
        method = "AddDifferencedFilesByLastModifyTime"
        self._allow(method)
        if not isinstance(last_modify_time, int) or not 0 <= last_modify_time < 1 << 64:
            raise VssInvalidArg(f"{method}: last_modify_time must be a FILETIME (64-bit count)")
        self.entry.differenced_files.append(
            DifferencedFile(
                _required(method, "path", path),
                _required(method, "filespec", filespec),
                bool(recursive),
                last_modify_time=last_modify_time,
            )
        )

    def AddDifferencedFilesByLastModifyLSN(
        self, path: str, filespec: str, recursive: bool, lsn_string: str
    ) -> None:
        """Back up only files changed since an LSN (reserved by VSS; kept for completeness)."""
        method = "AddDifferencedFilesByLastModifyLSN"
        self._allow(method)
        self.entry.differenced_files.append(
            DifferencedFile(
                _required(method, "path", path),
                _required(method, "filespec", filespec),
                bool(recursive),
                lsn=_required(method, "lsn_string", lsn_string),
            )
        )

    def GetDifferencedFilesCount(self) -> int:
        """The number of differenced file sets."""
        return len(self.entry.differenced_files)

    def GetDifferencedFile(self, index: int) -> tuple[str, str, bool, str | None, int]:
        """(path, filespec, recursive, LSN string, last modify FILETIME)."""
        d = _pick(self.entry.differenced_files, index, "differenced file")
        return (d.path, d.filespec, d.recursive, d.lsn, d.last_modify_time)

    # restore ----------------------------------------------------------------------------------

    def IsSelectedForRestore(self) -> bool:
        """Whether the requester selected the component for restore."""
        return self.entry.selected_for_restore

    def GetAdditionalRestores(self) -> bool:
        """Whether more (incremental/differential) restores will follow."""
        return self.entry.additional_restores

    def GetRestoreOptions(self) -> str | None:
        """The requester's restore options string."""
        return self.entry.restore_options

    def GetRestoreMetadata(self) -> str | None:
        """The writer's private restore metadata."""
        return self.entry.restore_metadata

    def SetRestoreMetadata(self, restore_metadata: str) -> None:
        """Store private restore metadata (OnPreRestore)."""
        self._allow("SetRestoreMetadata")
        self.entry.restore_metadata = _required(
            "SetRestoreMetadata", "restore_metadata", restore_metadata
        )

    def GetRestoreTarget(self) -> VSS_RESTORE_TARGET:
        """The restore target the writer chose."""
        return self.entry.restore_target

    def SetRestoreTarget(self, target: VSS_RESTORE_TARGET) -> None:
        """Choose where files are restored (OnPreRestore)."""
        self._allow("SetRestoreTarget")
        try:
            self.entry.restore_target = VSS_RESTORE_TARGET(target)
        except ValueError:
            raise VssInvalidArg(
                f"SetRestoreTarget: {target!r} is not a VSS_RESTORE_TARGET"
            ) from None

    def GetFileRestoreStatus(self) -> VSS_FILE_RESTORE_STATUS:
        """How the requester's file restore went."""
        return self.entry.file_restore_status

    def AddDirectedTarget(
        self,
        source_path: str,
        source_filename: str,
        source_range_list: str,
        destination_path: str,
        destination_filename: str,
        destination_range_list: str,
    ) -> None:
        """Restore ranges of a file into another file (OnPreRestore)."""
        method = "AddDirectedTarget"
        self._allow(method)
        self.entry.directed_targets.append(
            DirectedTarget(
                _required(method, "source_path", source_path),
                _required(method, "source_filename", source_filename),
                _required(method, "source_range_list", source_range_list),
                _required(method, "destination_path", destination_path),
                _required(method, "destination_filename", destination_filename),
                _required(method, "destination_range_list", destination_range_list),
            )
        )

    def GetDirectedTargetCount(self) -> int:
        """The number of directed targets."""
        return len(self.entry.directed_targets)

    def GetDirectedTarget(self, index: int) -> tuple[str, str, str, str, str, str]:
        """(source path, source filename, source ranges, destination path, filename, ranges)."""
        d = _pick(self.entry.directed_targets, index, "directed target")
        return (
            d.source_path,
            d.source_filename,
            d.source_ranges,
            d.destination_path,
            d.destination_filename,
            d.destination_ranges,
        )

    def GetNewTargetCount(self) -> int:
        """The number of new targets the requester added."""
        return len(self.entry.new_targets)

    def GetNewTarget(self, index: int) -> IVssWMFiledesc:
        """A new restore target (destination in GetAlternateLocation)."""
        return IVssWMFiledesc(_pick(self.entry.new_targets, index, "new target"))

    def GetAlternateLocationMappingCount(self) -> int:
        """The number of alternate location mappings the requester recorded."""
        return len(self.entry.alternate_location_mappings)

    def GetAlternateLocationMapping(self, index: int) -> IVssWMFiledesc:
        """An alternate location mapping (destination in GetAlternateLocation)."""
        return IVssWMFiledesc(
            _pick(self.entry.alternate_location_mappings, index, "alternate location mapping")
        )

    def GetRestoreSubcomponentCount(self) -> int:
        """The number of subcomponents selected for restore."""
        return len(self.entry.restore_subcomponents)

    def GetRestoreSubcomponent(self, index: int) -> tuple[str | None, str, bool]:
        """(logical path, component name, repair)."""
        s = _pick(self.entry.restore_subcomponents, index, "restore subcomponent")
        return (s.logical_path, s.component_name, s.repair)

    def GetPreRestoreFailureMsg(self) -> str | None:
        """The writer's explanation of a PreRestore failure."""
        return self.entry.pre_restore_failure_msg

    def SetPreRestoreFailureMsg(self, failure_message: str) -> None:
        """Explain a PreRestore failure (OnPreRestore)."""
        self._allow("SetPreRestoreFailureMsg")
        self.entry.pre_restore_failure_msg = _required(
            "SetPreRestoreFailureMsg", "failure_message", failure_message
        )

    def GetPostRestoreFailureMsg(self) -> str | None:
        """The writer's explanation of a PostRestore failure."""
        return self.entry.post_restore_failure_msg

    def SetPostRestoreFailureMsg(self, failure_message: str) -> None:
        """Explain a PostRestore failure (OnPostRestore)."""
        self._allow("SetPostRestoreFailureMsg")
        self.entry.post_restore_failure_msg = _required(
            "SetPostRestoreFailureMsg", "failure_message", failure_message
        )

    # IVssComponentEx --------------------------------------------------------------------------

    def GetPrepareForBackupFailureMsg(self) -> str | None:
        """The writer's explanation of a PrepareForBackup failure."""
        return self.entry.prepare_for_backup_failure_msg

    def SetPrepareForBackupFailureMsg(self, failure_message: str) -> None:
        """Explain a PrepareForBackup failure (OnPrepareBackup)."""
        self._allow("SetPrepareForBackupFailureMsg")
        self.entry.prepare_for_backup_failure_msg = _required(
            "SetPrepareForBackupFailureMsg", "failure_message", failure_message
        )

    def GetPostSnapshotFailureMsg(self) -> str | None:
        """The writer's explanation of a PostSnapshot failure."""
        return self.entry.post_snapshot_failure_msg

    def SetPostSnapshotFailureMsg(self, failure_message: str) -> None:
        """Explain a PostSnapshot failure (OnPostSnapshot)."""
        self._allow("SetPostSnapshotFailureMsg")
        self.entry.post_snapshot_failure_msg = _required(
            "SetPostSnapshotFailureMsg", "failure_message", failure_message
        )

    def GetAuthoritativeRestore(self) -> bool:
        """Whether the requester asked for an authoritative restore."""
        return self.entry.authoritative_restore

    def GetRollForward(self) -> tuple[VSS_ROLLFORWARD_TYPE, str | None]:
        """(roll-forward type, roll-forward point)."""
        return (self.entry.roll_forward.type, self.entry.roll_forward.point)

    def GetRestoreName(self) -> str | None:
        """The name the requester gave the restored component."""
        return self.entry.restore_name

    # IVssComponentEx2 -------------------------------------------------------------------------

    def SetFailure(
        self, hr: int, hr_application: int, application_message: str | None, reserved: int = 0
    ) -> None:
        """Report a component-level failure (any writer handler that gets components)."""
        method = "SetFailure"
        self._allow(method)
        if not isinstance(hr, int) or not isinstance(hr_application, int):
            raise VssInvalidArg(f"{method}: hr and hr_application must be HRESULTs")
        self.entry.failure = ComponentFailure(
            hr & 0xFFFFFFFF,
            hr_application & 0xFFFFFFFF,
            _text(method, "application_message", application_message, required=False),
        )

    def GetFailure(self) -> tuple[int, int, str | None, int]:
        """(hr, hr_application, application message, reserved 0); S_OK when none was set."""
        f = self.entry.failure
        if f is None:
            return (S_OK, S_OK, None, 0)
        return (f.hr, f.hr_application, f.message, 0)


class IVssWriterComponents:
    """The components of one writer instance as handed to a handler or to the requester."""

    def __init__(
        self,
        writer_entry: WriterComponentsEntry,
        access: ComponentAccess,
        report: Report | None = None,
    ) -> None:
        self.writer_entry = writer_entry
        self.access = access
        self._report = report

    def __repr__(self) -> str:
        return f"<IVssWriterComponents {self.writer_entry.writer_id} in {self.access.value}>"

    def GetComponentCount(self) -> int:
        """The number of explicitly included components."""
        return len(self.writer_entry.components)

    def GetComponent(self, index: int) -> IVssComponent:
        """A component view with this object's access rules."""
        entry = _pick(self.writer_entry.components, index, "component")
        return IVssComponent(entry, self.access, self._report)

    def GetWriterInfo(self) -> tuple[uuid.UUID, uuid.UUID]:
        """(instance id, writer id)."""
        return (self.writer_entry.instance_id, self.writer_entry.writer_id)


IVssWriterComponentsExt = IVssWriterComponents
"""The requester's view (vss-facts §3.3 step 5): construct it with ``ComponentAccess.REQUESTER``."""


# ---------------------------------------------------------------------------------------------
# XML
# ---------------------------------------------------------------------------------------------


def _opt_bool(value: bool) -> str | None:
    return _xml.bool_text(True) if value else None


def _opt_enum(spelling: _xml.Spelling[Any], value: enum.IntEnum) -> str | None:
    return spelling.text(value) if value else None


def _descriptors(tag: str, items: Iterable[FileDescriptor]) -> list[str]:
    return [
        _xml.element(
            tag,
            [
                ("path", f.path),
                ("filespec", f.filespec),
                ("recursive", _xml.bool_text(f.recursive)),
                ("alternatePath", f.alternate_location),
            ],
        )
        for f in items
    ]


def _write_component(c: ComponentEntry) -> str:
    children = [
        *(
            _xml.element(tag, [("metadata", value)])
            for tag, value in (
                ("BACKUP_METADATA", c.backup_metadata),
                ("RESTORE_METADATA", c.restore_metadata),
            )
            if value is not None
        ),
        *(
            _xml.element(
                "PARTIAL_FILE",
                [
                    ("path", p.path),
                    ("filespec", p.filename),
                    ("ranges", p.ranges),
                    ("metadata", p.metadata),
                ],
            )
            for p in c.partial_files
        ),
        *(
            _xml.element(
                "DIFFERENCED_FILE",
                [
                    ("path", d.path),
                    ("filespec", d.filespec),
                    ("recursive", _xml.bool_text(d.recursive)),
                    ("lastModifyTimeLow", str(d.last_modify_time & 0xFFFFFFFF)),
                    ("lastModifyTimeHigh", str(d.last_modify_time >> 32)),
                    ("lastModifyLSN", d.lsn),
                ],
            )
            for d in c.differenced_files
        ),
        *(
            _xml.element(
                "DIRECTED_TARGET",
                [
                    ("path", d.source_path),
                    ("filespec", d.source_filename),
                    ("sourceRanges", d.source_ranges),
                    ("targetPath", d.destination_path),
                    ("targetFilespec", d.destination_filename),
                    ("targetRanges", d.destination_ranges),
                ],
            )
            for d in c.directed_targets
        ),
        *_descriptors("RESTORE_TARGET", c.new_targets),
        *_descriptors("ALTERNATE_LOCATION_MAPPING", c.alternate_location_mappings),
        *(
            _xml.element(
                "RESTORE_SUBCOMPONENT",
                [
                    ("logicalPath", s.logical_path),
                    ("componentName", s.component_name),
                    ("repair", _xml.bool_text(s.repair)),
                ],
            )
            for s in c.restore_subcomponents
        ),
    ]
    if c.failure is not None:
        children.append(
            _xml.element(
                "FAILURE",
                [
                    ("hr", _xml.hresult_text(c.failure.hr)),
                    ("hrApplication", _xml.hresult_text(c.failure.hr_application)),
                    ("message", c.failure.message),
                ],
            )
        )
    return _xml.element(
        "COMPONENT",
        [
            ("logicalPath", c.logical_path),
            ("componentName", c.component_name),
            ("componentType", _xml.COMPONENT_TYPE.text(c.component_type)),
            ("backupSucceeded", _opt_bool(c.backup_succeeded)),
            ("backupOptions", c.backup_options),
            ("restoreOptions", c.restore_options),
            ("backupStamp", c.backup_stamp),
            ("previousBackupStamp", c.previous_backup_stamp),
            ("selectedForRestore", _opt_bool(c.selected_for_restore)),
            ("additionalRestores", _opt_bool(c.additional_restores)),
            ("restoreTarget", _opt_enum(_xml.RESTORE_TARGET, c.restore_target)),
            ("preRestoreFailureMsg", c.pre_restore_failure_msg),
            ("postRestoreFailureMsg", c.post_restore_failure_msg),
            ("filesRestored", _opt_enum(_xml.FILE_RESTORE_STATUS, c.file_restore_status)),
            ("prepareForBackupFailureMsg", c.prepare_for_backup_failure_msg),
            ("postSnapshotFailureMsg", c.post_snapshot_failure_msg),
            ("authoritativeRestore", _opt_bool(c.authoritative_restore)),
            ("rollForwardType", _opt_enum(_xml.ROLLFORWARD_TYPE, c.roll_forward.type)),
            ("rollForwardPoint", c.roll_forward.point),
            ("restoreName", c.restore_name),
        ],
        children,
    )


def _write_document(d: BackupComponentsDocument) -> str:
    writers = [
        _xml.element(
            "WRITER_COMPONENTS",
            [
                ("instanceId", _xml.guid_text(w.instance_id)),
                ("writerId", _xml.guid_text(w.writer_id)),
                ("instanceName", w.instance_name),
                ("backupSchema", str(int(w.backup_schema))),
            ],
            [_write_component(c) for c in w.components],
        )
        for w in d.writers
    ]
    return _xml.element(
        "BACKUP_COMPONENTS",
        [
            ("xmlns", _xml.BCD_NAMESPACE),
            ("version", _xml.DOCUMENT_VERSION),
            ("bootableSystemStateBackup", _xml.bool_text(d.bootable_system_state)),
            ("selectComponents", _xml.bool_text(d.select_components)),
            ("backupType", _xml.BACKUP_TYPE.text(d.backup_type)),
            ("partialFileSupport", _xml.bool_text(d.partial_file_support)),
            ("snapshotSetId", _xml.guid_text(d.snapshot_set_id)),
            ("restoreType", _opt_enum(_xml.RESTORE_TYPE, d.restore_type)),
        ],
        writers,
    )


def _read_descriptors(parent: _xml.XmlElement, tag: str) -> list[FileDescriptor]:
    return [
        FileDescriptor(
            e.required("path"),
            e.required("filespec"),
            e.boolean("recursive", False),
            e.text("alternatePath"),
        )
        for e in parent.children(tag)
    ]


def _metadata_child(parent: _xml.XmlElement, tag: str) -> str | None:
    found = parent.child(tag)
    return None if found is None else found.required("metadata")


def _read_component(e: _xml.XmlElement, writer: WriterComponentsEntry) -> ComponentEntry:
    failure = e.child("FAILURE")
    return ComponentEntry(
        writer.writer_id,
        writer.instance_id,
        e.enum("componentType", _xml.COMPONENT_TYPE),
        e.text("logicalPath"),
        e.required("componentName"),
        backup_succeeded=e.boolean("backupSucceeded", False),
        backup_options=e.text("backupOptions"),
        previous_backup_stamp=e.text("previousBackupStamp"),
        backup_stamp=e.text("backupStamp"),
        backup_metadata=_metadata_child(e, "BACKUP_METADATA"),
        restore_metadata=_metadata_child(e, "RESTORE_METADATA"),
        selected_for_restore=e.boolean("selectedForRestore", False),
        additional_restores=e.boolean("additionalRestores", False),
        restore_options=e.text("restoreOptions"),
        file_restore_status=e.enum(
            "filesRestored", _xml.FILE_RESTORE_STATUS, VSS_FILE_RESTORE_STATUS.VSS_RS_UNDEFINED
        ),
        restore_target=e.enum(
            "restoreTarget", _xml.RESTORE_TARGET, VSS_RESTORE_TARGET.VSS_RT_UNDEFINED
        ),
        pre_restore_failure_msg=e.text("preRestoreFailureMsg"),
        post_restore_failure_msg=e.text("postRestoreFailureMsg"),
        prepare_for_backup_failure_msg=e.text("prepareForBackupFailureMsg"),
        post_snapshot_failure_msg=e.text("postSnapshotFailureMsg"),
        partial_files=[
            PartialFile(
                p.required("path"), p.required("filespec"), p.required("ranges"), p.text("metadata")
            )
            for p in e.children("PARTIAL_FILE")
        ],
        differenced_files=[
            DifferencedFile(
                d.required("path"),
                d.required("filespec"),
                d.boolean("recursive", False),
                d.text("lastModifyLSN"),
                d.integer("lastModifyTimeLow", 0) | d.integer("lastModifyTimeHigh", 0) << 32,
            )
            for d in e.children("DIFFERENCED_FILE")
        ],
        directed_targets=[
            DirectedTarget(
                d.required("path"),
                d.required("filespec"),
                d.required("sourceRanges"),
                d.required("targetPath"),
                d.required("targetFilespec"),
                d.required("targetRanges"),
            )
            for d in e.children("DIRECTED_TARGET")
        ],
        new_targets=_read_descriptors(e, "RESTORE_TARGET"),
        alternate_location_mappings=_read_descriptors(e, "ALTERNATE_LOCATION_MAPPING"),
        restore_subcomponents=[
            RestoreSubcomponent(
                _logical_path(s.text("logicalPath")),
                s.required("componentName"),
                s.boolean("repair", False),
            )
            for s in e.children("RESTORE_SUBCOMPONENT")
        ],
        failure=None
        if failure is None
        else ComponentFailure(
            failure.hresult("hr"), failure.hresult("hrApplication"), failure.text("message")
        ),
        authoritative_restore=e.boolean("authoritativeRestore", False),
        roll_forward=RollForward(
            e.enum("rollForwardType", _xml.ROLLFORWARD_TYPE, VSS_ROLLFORWARD_TYPE.VSS_RF_UNDEFINED),
            e.text("rollForwardPoint"),
        ),
        restore_name=e.text("restoreName"),
    )


def _read_document(xml: Any) -> BackupComponentsDocument:
    root = _xml.parse_document(xml, "BACKUP_COMPONENTS", _xml.BCD_NAMESPACE)
    document = BackupComponentsDocument(
        select_components=root.boolean("selectComponents"),
        bootable_system_state=root.boolean("bootableSystemStateBackup"),
        backup_type=root.enum("backupType", _xml.BACKUP_TYPE),
        partial_file_support=root.boolean("partialFileSupport", False),
        snapshot_set_id=root.optional_guid("snapshotSetId", GUID_NULL),
        restore_type=root.enum(
            "restoreType", _xml.RESTORE_TYPE, VSS_RESTORE_TYPE.VSS_RTYPE_UNDEFINED
        ),
    )
    for w in root.children("WRITER_COMPONENTS"):
        instance_id = w.guid("instanceId")
        if any(existing.instance_id == instance_id for existing in document.writers):
            raise _xml.invalid(f"{w.path}: writer instance {instance_id} appears twice")
        writer = WriterComponentsEntry(
            instance_id,
            w.guid("writerId"),
            w.text("instanceName"),
            w.integer("backupSchema", 0),
        )
        seen: set[tuple[str | None, str]] = set()
        for c in w.children("COMPONENT"):
            entry = _read_component(c, writer)
            key = (entry.logical_path, entry.component_name)
            if key in seen:
                raise _xml.invalid(
                    f"{c.path}: component {entry.component_name!r} (logical path"
                    f" {entry.logical_path!r}) appears twice in one writer"
                )
            seen.add(key)
            writer.components.append(entry)
        document.writers.append(writer)
    return document
