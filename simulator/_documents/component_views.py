"""IVssComponent and IVssWriterComponents: the views writers and requesters get of the Backup
Components Document (docs/reference.md §7.3, §1.6).

A view is handed out at one place (a ``ComponentAccess``); its setters are allowed only at the
places their row of ``COMPONENT_CALLS`` lists. A refused call is reported (the coordinator records
a rule violation) and raises ``VssBadState`` with a message generated from the table.
"""

from __future__ import annotations

import uuid

from .._rules.component_calls import COMPONENT_CALLS, ComponentAccess, Report, refusal_message
from .._vocabulary.enums import (
    VSS_COMPONENT_TYPE,
    VSS_FILE_RESTORE_STATUS,
    VSS_RESTORE_TARGET,
    VSS_ROLLFORWARD_TYPE,
)
from .._vocabulary.error_classes import VssBadState, VssInvalidArg
from ..hresults import S_OK
from . import xml_codec as _xml
from .arguments import pick as _pick
from .backup_document import (
    ComponentEntry,
    ComponentFailure,
    DifferencedFile,
    DirectedTarget,
    PartialFile,
    WriterComponentsEntry,
)
from .metadata_examine import IVssWMFiledesc

# ---------------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------------


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
        self,
        entry: ComponentEntry,
        access: ComponentAccess,
        report: Report | None = None,
        lease: list[bool] | None = None,
    ) -> None:
        self.entry = entry
        self.access = access
        self._report = report
        #: ``[True]`` while the handler it was handed to runs (shared with its writer view)
        self._lease = lease if lease is not None else [True]

    def __repr__(self) -> str:
        e = self.entry
        return f"<IVssComponent {e.logical_path!r} {e.component_name!r} in {self.access.value}>"

    def _allow(self, method: str) -> None:
        if not self._lease[0]:
            message = (
                f"IVssComponent::{method} called on a view handed to {self.access.value}, which "
                "has returned: a component view is valid only while its handler runs [INF]"
            )
            if self._report is not None:
                self._report(method, message)
            raise VssBadState(message)
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


#: The lease of a writer view that has handed out no component view yet (never changed: the
#: first component view gets a lease of its own), and of one expired before it handed out any.
_LIVE = [True]
_EXPIRED = [False]


class IVssWriterComponents:
    """The components of one writer instance as handed to a handler or to the requester."""

    __slots__ = ("_lease", "_report", "access", "writer_entry")

    def __init__(
        self,
        writer_entry: WriterComponentsEntry,
        access: ComponentAccess,
        report: Report | None = None,
    ) -> None:
        self.writer_entry = writer_entry
        self.access = access
        self._report = report
        #: shared with the component views it hands out (made with the first of them)
        self._lease = _LIVE

    def __repr__(self) -> str:
        return f"<IVssWriterComponents {self.writer_entry.writer_id} in {self.access.value}>"

    def expire(self) -> None:
        """The handler this view was handed to has returned: its setters (and those of the
        component views it gave out) are refused from now on [INF]."""
        lease = self._lease
        if lease is _LIVE:
            self._lease = _EXPIRED
        else:
            lease[0] = False

    def GetComponentCount(self) -> int:
        """The number of explicitly included components."""
        return len(self.writer_entry.components)

    def GetComponent(self, index: int) -> IVssComponent:
        """A component view with this object's access rules."""
        entry = _pick(self.writer_entry.components, index, "component")
        lease = self._lease
        if lease is _LIVE:
            lease = self._lease = [True]
        return IVssComponent(entry, self.access, self._report, lease)

    def GetWriterInfo(self) -> tuple[uuid.UUID, uuid.UUID]:
        """(instance id, writer id)."""
        return (self.writer_entry.instance_id, self.writer_entry.writer_id)


IVssWriterComponentsExt = IVssWriterComponents
"""The requester's view (docs/reference.md §3.3 step 5): construct it with ``ComponentAccess.REQUESTER``."""
