"""The Backup Components Document: the requester's record of what was backed up and how
(docs/reference.md §7.3), and its real XML form.

The document keeps an index of its writer entries by instance id and by writer class, so a
lookup costs the same at one writer as at a thousand. ``writers`` stays a plain list in BCD
order; the index follows it as it grows or shrinks (a change of its length is indexed again).
The entries themselves are in ``backup_entries``.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable
from typing import Any

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
from .._vocabulary.error_classes import VssInvalidArg, VssObjectNotFound
from . import xml_codec as _xml
from .arguments import logical_path as _logical_path
from .backup_entries import (
    ComponentEntry,
    ComponentFailure,
    DifferencedFile,
    DirectedTarget,
    PartialFile,
    RestoreSubcomponent,
    RollForward,
    ValueRecord,
    WriterComponentsEntry,
)
from .writer_metadata import FileDescriptor

__all__ = [
    "BackupComponentsDocument",
    "ComponentEntry",
    "ComponentFailure",
    "DifferencedFile",
    "DirectedTarget",
    "PartialFile",
    "RestoreSubcomponent",
    "RollForward",
    "WriterComponentsEntry",
]

_DOCUMENT_FIELDS = (
    "select_components",
    "bootable_system_state",
    "backup_type",
    "partial_file_support",
    "snapshot_set_id",
    "writers",
    "restore_type",
)
_UUID = uuid.UUID
_BT_UNDEFINED = VSS_BACKUP_TYPE.VSS_BT_UNDEFINED
_NO_SCHEMA = VSS_BACKUP_SCHEMA(0)
_RTYPE_UNDEFINED = VSS_RESTORE_TYPE.VSS_RTYPE_UNDEFINED


class BackupComponentsDocument(ValueRecord):
    """The requester's Backup Components Document (docs/reference.md §7.3)."""

    _SHOWN = _DOCUMENT_FIELDS

    __slots__ = (
        "_backup_type",
        "_by_class",
        "_by_instance",
        "_classed",
        "_indexed",
        "_restore_type",
        "bootable_system_state",
        "partial_file_support",
        "select_components",
        "snapshot_set_id",
        "writers",
    )

    def __init__(
        self,
        select_components: bool = False,
        bootable_system_state: bool = False,
        backup_type: VSS_BACKUP_TYPE | int = _BT_UNDEFINED,
        partial_file_support: bool = False,
        snapshot_set_id: uuid.UUID = GUID_NULL,
        writers: list[WriterComponentsEntry] | None = None,
        restore_type: VSS_RESTORE_TYPE | int = _RTYPE_UNDEFINED,
    ) -> None:
        self.select_components = select_components
        self.bootable_system_state = bootable_system_state
        # The ``backup_type`` and ``restore_type`` setters, inline: a member is stored as it is.
        self._backup_type = (
            backup_type if type(backup_type) is VSS_BACKUP_TYPE else VSS_BACKUP_TYPE(backup_type)
        )
        self.partial_file_support = partial_file_support
        self.snapshot_set_id = snapshot_set_id
        self.writers: list[WriterComponentsEntry] = [] if writers is None else writers
        self._restore_type = (
            restore_type
            if type(restore_type) is VSS_RESTORE_TYPE
            else VSS_RESTORE_TYPE(restore_type)
        )
        self._by_instance: dict[int, WriterComponentsEntry] = {}
        self._by_class: dict[uuid.UUID, list[WriterComponentsEntry]] = {}
        #: how long ``writers`` was when each index was made (made again when it differs)
        self._indexed = 0
        self._classed = 0

    @property
    def backup_type(self) -> VSS_BACKUP_TYPE:
        """The backup type SetBackupState chose."""
        return self._backup_type

    @backup_type.setter
    def backup_type(self, value: VSS_BACKUP_TYPE | int) -> None:
        self._backup_type = value if type(value) is VSS_BACKUP_TYPE else VSS_BACKUP_TYPE(value)

    @property
    def restore_type(self) -> VSS_RESTORE_TYPE:
        """The restore type SetRestoreState chose."""
        return self._restore_type

    @restore_type.setter
    def restore_type(self, value: VSS_RESTORE_TYPE | int) -> None:
        self._restore_type = value if type(value) is VSS_RESTORE_TYPE else VSS_RESTORE_TYPE(value)

    def _values(self) -> tuple[object, ...]:
        return (
            self.select_components,
            self.bootable_system_state,
            self._backup_type,
            self.partial_file_support,
            self.snapshot_set_id,
            self.writers,
            self._restore_type,
        )

    # -- the index ------------------------------------------------------------------------------

    def _index(self) -> dict[int, WriterComponentsEntry]:
        """The entries by the integer of their instance id (an int hashes in C, a UUID in
        Python), indexed again when ``writers`` changed length."""
        by_instance = self._by_instance
        writers = self.writers
        if self._indexed != len(writers):
            by_instance.clear()
            for entry in writers:
                instance_id = entry.instance_id
                if isinstance(instance_id, _UUID):
                    by_instance.setdefault(instance_id.int, entry)
            self._indexed = len(writers)
        return by_instance

    def _append(self, entry: WriterComponentsEntry) -> WriterComponentsEntry:
        """Append a new entry and keep the indexes that are up to date so."""
        writers = self.writers
        count = len(writers)
        if self._indexed == count:
            instance_id = entry.instance_id
            if isinstance(instance_id, _UUID):
                self._by_instance[instance_id.int] = entry
            self._indexed += 1
        if self._classed == count and count:
            self._by_class.setdefault(entry.writer_id, []).append(entry)
            self._classed += 1
        writers.append(entry)
        return entry

    def entries_of_class(self, writer_id: uuid.UUID) -> list[WriterComponentsEntry]:
        """The entries of writer class ``writer_id``, in BCD order."""
        writers = self.writers
        if self._classed != len(writers):
            by_class = self._by_class
            by_class.clear()
            seen: set[object] = set()
            for entry in writers:
                instance_id = entry.instance_id
                key = instance_id.int if isinstance(instance_id, _UUID) else (instance_id,)
                if key in seen:
                    continue  # a second entry of one instance is never found
                seen.add(key)
                by_class.setdefault(entry.writer_id, []).append(entry)
            self._classed = len(writers)
        try:
            return self._by_class.get(writer_id) or []
        except TypeError:  # an unhashable argument names no writer
            return []

    # -- the operations -------------------------------------------------------------------------

    def add_writer(
        self,
        instance_id: uuid.UUID,
        writer_id: uuid.UUID,
        instance_name: str | None = None,
        backup_schema: VSS_BACKUP_SCHEMA | int = _NO_SCHEMA,
    ) -> WriterComponentsEntry:
        """The entry of writer instance ``instance_id``, created when missing (with
        ``instance_name`` and ``backup_schema``; an entry found keeps its own)."""
        if type(instance_id) is _UUID and self._indexed == len(self.writers):
            entry = self._by_instance.get(instance_id.int)
        else:
            entry = self.writer_entry_or_none(instance_id)
        if entry is not None:
            if entry.writer_id is not writer_id and entry.writer_id != writer_id:
                raise VssInvalidArg(
                    f"instance {instance_id} belongs to writer {entry.writer_id}, not {writer_id}"
                )
            return entry
        return self._append(
            WriterComponentsEntry(instance_id, writer_id, instance_name, backup_schema)
        )

    def writer_entry_or_none(self, instance_id: uuid.UUID) -> WriterComponentsEntry | None:
        """The entry of writer instance ``instance_id``, or None."""
        if type(instance_id) is _UUID:
            if self._indexed == len(self.writers):
                return self._by_instance.get(instance_id.int)
            return self._index().get(instance_id.int)
        for entry in self.writers:  # not a GUID: compared, as the index would
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
        return writer.add(
            ComponentEntry(writer_id, instance_id, component_type, logical_path, component_name)
        )

    def find_component(
        self,
        writer_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE,
        logical_path: str | None,
        component_name: str,
        instance_id: uuid.UUID | None = None,
    ) -> ComponentEntry:
        """The entry for a component; VssObjectNotFound when the BCD does not hold it."""
        if instance_id is not None:
            writer = self.writer_entry_or_none(instance_id)
            writers = [writer] if writer is not None and writer.writer_id == writer_id else []
        else:
            writers = self.entries_of_class(writer_id)
        for writer in writers:
            entry = writer.component_named(logical_path, component_name)
            if entry is not None and entry.component_type == component_type:
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
    partial_files, differenced_files, directed_targets, new_targets, mappings, subcomponents = (
        c.made_lists()
    )
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
            for p in partial_files
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
            for d in differenced_files
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
            for d in directed_targets
        ),
        *_descriptors("RESTORE_TARGET", new_targets),
        *_descriptors("ALTERNATE_LOCATION_MAPPING", mappings),
        *(
            _xml.element(
                "RESTORE_SUBCOMPONENT",
                [
                    ("logicalPath", s.logical_path),
                    ("componentName", s.component_name),
                    ("repair", _xml.bool_text(s.repair)),
                ],
            )
            for s in subcomponents
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


def _read_descriptors(parent: _xml.XmlElement, tag: str) -> list[FileDescriptor] | None:
    return [
        FileDescriptor(
            e.required("path"),
            e.required("filespec"),
            e.boolean("recursive", False),
            e.text("alternatePath"),
        )
        for e in parent.children(tag)
    ] or None


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
        ]
        or None,
        differenced_files=[
            DifferencedFile(
                d.required("path"),
                d.required("filespec"),
                d.boolean("recursive", False),
                d.text("lastModifyLSN"),
                d.integer("lastModifyTimeLow", 0) | d.integer("lastModifyTimeHigh", 0) << 32,
            )
            for d in e.children("DIFFERENCED_FILE")
        ]
        or None,
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
        ]
        or None,
        new_targets=_read_descriptors(e, "RESTORE_TARGET"),
        alternate_location_mappings=_read_descriptors(e, "ALTERNATE_LOCATION_MAPPING"),
        restore_subcomponents=[
            RestoreSubcomponent(
                _logical_path(s.text("logicalPath")),
                s.required("componentName"),
                s.boolean("repair", False),
            )
            for s in e.children("RESTORE_SUBCOMPONENT")
        ]
        or None,
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
        if document.writer_entry_or_none(instance_id) is not None:
            raise _xml.invalid(f"{w.path}: writer instance {instance_id} appears twice")
        writer = WriterComponentsEntry(
            instance_id,
            w.guid("writerId"),
            w.text("instanceName"),
            w.integer("backupSchema", 0),
        )
        for c in w.children("COMPONENT"):
            entry = _read_component(c, writer)
            if writer.component_named(entry.logical_path, entry.component_name) is not None:
                raise _xml.invalid(
                    f"{c.path}: component {entry.component_name!r} (logical path"
                    f" {entry.logical_path!r}) appears twice in one writer"
                )
            writer.add(entry)
        document._append(writer)
    return document
