"""The entries of the Backup Components Document: one per writer instance and one per explicitly
included component, with every per-component field (docs/reference.md §7.3).

They sit on the hot path (AddComponent makes one per component; every event with components
reads them), so they are plain slotted records made cheaply: a component entry stores the five
values that name it and leaves every other field at its default; the six lists are made when one
is first read; an enum field converts only a value that is not already its member. The small
frozen values a list holds (``PartialFile``, ``RollForward``, …) are made only when a caller adds
one. Entries compare equal when every field does (an unmade list equals an empty one).

The fields that name a component (writer, instance, type, logical path, name) and a writer entry
(instance, writer) are fixed once the entry is made: the document's indexes are keyed on them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

import attrs

from .._vocabulary.enums import (
    VSS_BACKUP_SCHEMA,
    VSS_COMPONENT_TYPE,
    VSS_FILE_RESTORE_STATUS,
    VSS_RESTORE_TARGET,
    VSS_ROLLFORWARD_TYPE,
)
from .._vocabulary.error_classes import VssObjectAlreadyExists
from .arguments import logical_path as _logical_path
from .writer_metadata import FileDescriptor

__all__ = [
    "ComponentEntry",
    "ComponentFailure",
    "DifferencedFile",
    "DirectedTarget",
    "PartialFile",
    "RestoreSubcomponent",
    "RollForward",
    "WriterComponentsEntry",
]


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


NO_ROLL_FORWARD = RollForward(VSS_ROLLFORWARD_TYPE.VSS_RF_UNDEFINED)
"""The roll-forward of a component the requester set none for (shared: the value is frozen)."""

_RS_UNDEFINED = VSS_FILE_RESTORE_STATUS.VSS_RS_UNDEFINED
_RT_UNDEFINED = VSS_RESTORE_TARGET.VSS_RT_UNDEFINED
_NO_SCHEMA = VSS_BACKUP_SCHEMA(0)
#: a writer entry with at most this many components is searched, not indexed
_SCAN_AT_MOST = 8

#: ComponentEntry's fields in constructor order (what equality compares and repr shows)
COMPONENT_FIELDS = (
    "writer_id",
    "instance_id",
    "component_type",
    "logical_path",
    "component_name",
    "backup_succeeded",
    "backup_options",
    "previous_backup_stamp",
    "backup_stamp",
    "backup_metadata",
    "restore_metadata",
    "selected_for_restore",
    "additional_restores",
    "restore_options",
    "file_restore_status",
    "restore_target",
    "pre_restore_failure_msg",
    "post_restore_failure_msg",
    "prepare_for_backup_failure_msg",
    "post_snapshot_failure_msg",
    "partial_files",
    "differenced_files",
    "directed_targets",
    "new_targets",
    "alternate_location_mappings",
    "restore_subcomponents",
    "failure",
    "authoritative_restore",
    "roll_forward",
    "restore_name",
)


def record_repr(record: object, names: Iterable[str]) -> str:
    """``Name(field=value, …)``, as attrs writes it."""
    shown = ", ".join(f"{name}={getattr(record, name)!r}" for name in names)
    return f"{type(record).__name__}({shown})"


class ValueRecord:
    """A mutable record compared by its values, as the attrs classes it replaces were: equal to
    another of its class with equal ``_values()``, unhashable, shown with its ``_SHOWN`` fields."""

    __slots__ = ()
    _SHOWN: tuple[str, ...] = ()

    def _values(self) -> tuple[object, ...]:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, ValueRecord)
        return self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return record_repr(self, self._SHOWN)


class ComponentEntry(ValueRecord):
    """One explicitly included component in the BCD, with every per-component field (§7.3)."""

    _SHOWN = COMPONENT_FIELDS

    __slots__ = (
        "_alternate_location_mappings",
        "_differenced_files",
        "_directed_targets",
        "_file_restore_status",
        "_new_targets",
        "_partial_files",
        "_restore_subcomponents",
        "_restore_target",
        "additional_restores",
        "authoritative_restore",
        "backup_metadata",
        "backup_options",
        "backup_stamp",
        "backup_succeeded",
        "component_name",
        "component_type",
        "failure",
        "instance_id",
        "logical_path",
        "post_restore_failure_msg",
        "post_snapshot_failure_msg",
        "pre_restore_failure_msg",
        "prepare_for_backup_failure_msg",
        "previous_backup_stamp",
        "requester_marks",
        "restore_metadata",
        "restore_name",
        "restore_options",
        "roll_forward",
        "selected_for_restore",
        "writer_id",
    )

    def __init__(
        self,
        writer_id: uuid.UUID,
        instance_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE | int,
        logical_path: str | None,
        component_name: str,
        backup_succeeded: bool = False,
        backup_options: str | None = None,
        previous_backup_stamp: str | None = None,
        backup_stamp: str | None = None,
        backup_metadata: str | None = None,
        restore_metadata: str | None = None,
        selected_for_restore: bool = False,
        additional_restores: bool = False,
        restore_options: str | None = None,
        file_restore_status: VSS_FILE_RESTORE_STATUS | int = _RS_UNDEFINED,
        restore_target: VSS_RESTORE_TARGET | int = _RT_UNDEFINED,
        pre_restore_failure_msg: str | None = None,
        post_restore_failure_msg: str | None = None,
        prepare_for_backup_failure_msg: str | None = None,
        post_snapshot_failure_msg: str | None = None,
        partial_files: list[PartialFile] | None = None,
        differenced_files: list[DifferencedFile] | None = None,
        directed_targets: list[DirectedTarget] | None = None,
        new_targets: list[FileDescriptor] | None = None,
        alternate_location_mappings: list[FileDescriptor] | None = None,
        restore_subcomponents: list[RestoreSubcomponent] | None = None,
        failure: ComponentFailure | None = None,
        authoritative_restore: bool = False,
        roll_forward: RollForward = NO_ROLL_FORWARD,
        restore_name: str | None = None,
    ) -> None:
        self.writer_id = writer_id
        self.instance_id = instance_id
        self.component_type = (
            component_type
            if type(component_type) is VSS_COMPONENT_TYPE
            else VSS_COMPONENT_TYPE(component_type)
        )
        self.logical_path = logical_path or None
        self.component_name = component_name
        self.backup_succeeded = backup_succeeded
        self.backup_options = backup_options
        self.previous_backup_stamp = previous_backup_stamp
        self.backup_stamp = backup_stamp
        self.backup_metadata = backup_metadata
        self.restore_metadata = restore_metadata
        self.selected_for_restore = selected_for_restore
        self.additional_restores = additional_restores
        self.restore_options = restore_options
        self._file_restore_status = (
            file_restore_status
            if type(file_restore_status) is VSS_FILE_RESTORE_STATUS
            else VSS_FILE_RESTORE_STATUS(file_restore_status)
        )
        self._restore_target = (
            restore_target
            if type(restore_target) is VSS_RESTORE_TARGET
            else VSS_RESTORE_TARGET(restore_target)
        )
        self.pre_restore_failure_msg = pre_restore_failure_msg
        self.post_restore_failure_msg = post_restore_failure_msg
        self.prepare_for_backup_failure_msg = prepare_for_backup_failure_msg
        self.post_snapshot_failure_msg = post_snapshot_failure_msg
        self._partial_files = partial_files
        self._differenced_files = differenced_files
        self._directed_targets = directed_targets
        self._new_targets = new_targets
        self._alternate_location_mappings = alternate_location_mappings
        self._restore_subcomponents = restore_subcomponents
        self.failure = failure
        self.authoritative_restore = authoritative_restore
        self.roll_forward = roll_forward
        self.restore_name = restore_name
        #: the requester's obligations met for this component, one bit per call (kept by the
        #: requester object; not part of the document: equality, repr and XML ignore it)
        self.requester_marks = 0

    @classmethod
    def included(
        cls,
        writer_id: uuid.UUID,
        instance_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE,
        logical_path: str | None,
        component_name: str,
    ) -> ComponentEntry:
        """``ComponentEntry(...)`` of AddComponent's checked values, without its 30 parameters."""
        entry = object.__new__(cls)
        entry.writer_id = writer_id
        entry.instance_id = instance_id
        entry.component_type = component_type
        entry.logical_path = logical_path
        entry.component_name = component_name
        entry.backup_succeeded = False
        entry.backup_options = None
        entry.previous_backup_stamp = None
        entry.backup_stamp = None
        entry.backup_metadata = None
        entry.restore_metadata = None
        entry.selected_for_restore = False
        entry.additional_restores = False
        entry.restore_options = None
        entry._file_restore_status = _RS_UNDEFINED
        entry._restore_target = _RT_UNDEFINED
        entry.pre_restore_failure_msg = None
        entry.post_restore_failure_msg = None
        entry.prepare_for_backup_failure_msg = None
        entry.post_snapshot_failure_msg = None
        entry._partial_files = None
        entry._differenced_files = None
        entry._directed_targets = None
        entry._new_targets = None
        entry._alternate_location_mappings = None
        entry._restore_subcomponents = None
        entry.failure = None
        entry.authoritative_restore = False
        entry.roll_forward = NO_ROLL_FORWARD
        entry.restore_name = None
        entry.requester_marks = 0
        return entry

    # enum fields: a value that is not yet a member is converted --------------------------------

    @property
    def file_restore_status(self) -> VSS_FILE_RESTORE_STATUS:
        """How the requester's file restore went (SetFileRestoreStatus)."""
        return self._file_restore_status

    @file_restore_status.setter
    def file_restore_status(self, value: VSS_FILE_RESTORE_STATUS | int) -> None:
        self._file_restore_status = (
            value if type(value) is VSS_FILE_RESTORE_STATUS else VSS_FILE_RESTORE_STATUS(value)
        )

    @property
    def restore_target(self) -> VSS_RESTORE_TARGET:
        """Where the writer chose to restore the files (SetRestoreTarget)."""
        return self._restore_target

    @restore_target.setter
    def restore_target(self, value: VSS_RESTORE_TARGET | int) -> None:
        self._restore_target = (
            value if type(value) is VSS_RESTORE_TARGET else VSS_RESTORE_TARGET(value)
        )

    # lists, made when first read ---------------------------------------------------------------

    @property
    def partial_files(self) -> list[PartialFile]:
        """Files backed up in part (AddPartialFile)."""
        made = self._partial_files
        if made is None:
            made = self._partial_files = []
        return made

    @partial_files.setter
    def partial_files(self, value: list[PartialFile]) -> None:
        self._partial_files = value

    @property
    def differenced_files(self) -> list[DifferencedFile]:
        """File sets backed up differentially (AddDifferencedFilesBy…)."""
        made = self._differenced_files
        if made is None:
            made = self._differenced_files = []
        return made

    @differenced_files.setter
    def differenced_files(self, value: list[DifferencedFile]) -> None:
        self._differenced_files = value

    @property
    def directed_targets(self) -> list[DirectedTarget]:
        """Directed restores of file ranges (AddDirectedTarget)."""
        made = self._directed_targets
        if made is None:
            made = self._directed_targets = []
        return made

    @directed_targets.setter
    def directed_targets(self, value: list[DirectedTarget]) -> None:
        self._directed_targets = value

    @property
    def new_targets(self) -> list[FileDescriptor]:
        """Restore targets the requester added (AddNewTarget)."""
        made = self._new_targets
        if made is None:
            made = self._new_targets = []
        return made

    @new_targets.setter
    def new_targets(self, value: list[FileDescriptor]) -> None:
        self._new_targets = value

    @property
    def alternate_location_mappings(self) -> list[FileDescriptor]:
        """Where the requester restored files it could not put back (AddAlternativeLocationMapping)."""
        made = self._alternate_location_mappings
        if made is None:
            made = self._alternate_location_mappings = []
        return made

    @alternate_location_mappings.setter
    def alternate_location_mappings(self, value: list[FileDescriptor]) -> None:
        self._alternate_location_mappings = value

    @property
    def restore_subcomponents(self) -> list[RestoreSubcomponent]:
        """Subcomponents selected for restore (AddRestoreSubcomponent)."""
        made = self._restore_subcomponents
        if made is None:
            made = self._restore_subcomponents = []
        return made

    @restore_subcomponents.setter
    def restore_subcomponents(self, value: list[RestoreSubcomponent]) -> None:
        self._restore_subcomponents = value

    def made_lists(
        self,
    ) -> tuple[
        Sequence[PartialFile],
        Sequence[DifferencedFile],
        Sequence[DirectedTarget],
        Sequence[FileDescriptor],
        Sequence[FileDescriptor],
        Sequence[RestoreSubcomponent],
    ]:
        """The six lists, an unmade one as ``()``, without making any (for writing XML)."""
        return (
            self._partial_files or (),
            self._differenced_files or (),
            self._directed_targets or (),
            self._new_targets or (),
            self._alternate_location_mappings or (),
            self._restore_subcomponents or (),
        )

    # identity and comparison -------------------------------------------------------------------

    def matches(self, component_type: int, logical_path: str | None, component_name: str) -> bool:
        """True when this entry is the component (type, logical path, name)."""
        return (
            self.component_type == component_type
            and self.logical_path == _logical_path(logical_path)
            and self.component_name == component_name
        )

    def _values(self) -> tuple[object, ...]:
        return (
            self.writer_id,
            self.instance_id,
            self.component_type,
            self.logical_path,
            self.component_name,
            self.backup_succeeded,
            self.backup_options,
            self.previous_backup_stamp,
            self.backup_stamp,
            self.backup_metadata,
            self.restore_metadata,
            self.selected_for_restore,
            self.additional_restores,
            self.restore_options,
            self._file_restore_status,
            self._restore_target,
            self.pre_restore_failure_msg,
            self.post_restore_failure_msg,
            self.prepare_for_backup_failure_msg,
            self.post_snapshot_failure_msg,
            *(made or None for made in self.made_lists()),
            self.failure,
            self.authoritative_restore,
            self.roll_forward,
            self.restore_name,
        )


class WriterComponentsEntry(ValueRecord):
    """The components of one writer instance (``WRITER_COMPONENTS``); once there are more than a
    few, an index of them by (logical path, name) follows ``components`` as it grows."""

    _SHOWN = ("instance_id", "writer_id", "instance_name", "backup_schema", "components")

    __slots__ = (
        "_backup_schema",
        "_by_name",
        "components",
        "instance_id",
        "instance_name",
        "writer_id",
    )

    def __init__(
        self,
        instance_id: uuid.UUID,
        writer_id: uuid.UUID,
        instance_name: str | None = None,
        backup_schema: VSS_BACKUP_SCHEMA | int = _NO_SCHEMA,
        components: list[ComponentEntry] | None = None,
    ) -> None:
        self.instance_id = instance_id
        self.writer_id = writer_id
        self.instance_name = instance_name
        self._backup_schema = (
            backup_schema
            if type(backup_schema) is VSS_BACKUP_SCHEMA
            else VSS_BACKUP_SCHEMA(backup_schema)
        )
        self.components: list[ComponentEntry] = [] if components is None else components
        self._by_name: dict[tuple[str | None, str], ComponentEntry] | None = None

    @property
    def backup_schema(self) -> VSS_BACKUP_SCHEMA:
        """The writer's backup schema, as AddComponent copied it from its metadata."""
        return self._backup_schema

    @backup_schema.setter
    def backup_schema(self, value: VSS_BACKUP_SCHEMA | int) -> None:
        self._backup_schema = (
            value if type(value) is VSS_BACKUP_SCHEMA else VSS_BACKUP_SCHEMA(value)
        )

    def _index(self) -> dict[tuple[str | None, str], ComponentEntry]:
        index = self._by_name
        components = self.components
        if index is None or len(index) != len(components):
            # First use, or ``components`` changed other than through ``add`` (first wins).
            index = self._by_name = {}
            for entry in components:
                index.setdefault((entry.logical_path, entry.component_name), entry)
        return index

    def component_named(
        self, logical_path: str | None, component_name: str
    ) -> ComponentEntry | None:
        """The entry at (logical path, name), or None; a key that cannot be one is None too. A
        writer with a few components is searched, one with more is indexed."""
        path = logical_path or None
        components = self.components
        if len(components) <= _SCAN_AT_MOST:
            for entry in components:
                if entry.component_name == component_name and entry.logical_path == path:
                    return entry
            return None
        try:
            return self._index().get((path, component_name))
        except TypeError:  # an unhashable argument names no component
            return None

    def add(self, entry: ComponentEntry) -> ComponentEntry:
        """Append ``entry``; a second (logical path, name) raises VssObjectAlreadyExists
        (docs/reference.md §3.2 step 7)."""
        components = self.components
        path = entry.logical_path
        name = entry.component_name
        if len(components) <= _SCAN_AT_MOST:
            for other in components:
                if other.component_name == name and other.logical_path == path:
                    raise self._already_there(entry)
        elif self.component_named(path, name) is not None:
            raise self._already_there(entry)
        components.append(entry)
        index = self._by_name
        if index is not None and len(index) == len(components) - 1:
            index[(path, name)] = entry
        return entry

    def _already_there(self, entry: ComponentEntry) -> VssObjectAlreadyExists:
        return VssObjectAlreadyExists(
            f"AddComponent: component {entry.component_name!r} (logical path"
            f" {entry.logical_path!r}) of writer instance {self.instance_id} is already in"
            " the Backup Components Document"
        )

    def _values(self) -> tuple[object, ...]:
        return (
            self.instance_id,
            self.writer_id,
            self.instance_name,
            self._backup_schema,
            self.components,
        )
