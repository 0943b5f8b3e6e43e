"""The Backup Components Document: the requester's record of what was backed up and how
(docs/reference.md §7.3), and its real XML form.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable
from typing import Any

import attrs

from .._vocabulary.enums import (
    GUID_NULL,
    VSS_BACKUP_SCHEMA,
    VSS_BACKUP_TYPE,
    VSS_COMPONENT_TYPE,
    VSS_FILE_RESTORE_STATUS,
    VSS_RESTORE_TARGET,
    VSS_RESTORE_TYPE,
    VSS_ROLLFORWARD_TYPE,
)
from .._vocabulary.error_classes import VssInvalidArg, VssObjectAlreadyExists, VssObjectNotFound
from . import xml_codec as _xml
from .arguments import logical_path as _logical_path
from .writer_metadata import FileDescriptor

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
    """The requester's Backup Components Document (docs/reference.md §7.3)."""

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

    def writer_entry_or_none(self, instance_id: uuid.UUID) -> WriterComponentsEntry | None:
        """The entry of writer instance ``instance_id``, or None."""
        for entry in self.writers:
            if entry.instance_id == instance_id:
                return entry
        return None

    def writer_entry(self, instance_id: uuid.UUID) -> WriterComponentsEntry:
        """The entry of writer instance ``instance_id``; VssObjectNotFound when absent."""
        entry = self.writer_entry_or_none(instance_id)
        if entry is not None:
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
        VssObjectAlreadyExists (docs/reference.md §3.2 step 7)."""
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
