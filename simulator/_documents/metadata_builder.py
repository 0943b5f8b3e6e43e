"""IVssCreateWriterMetadata: the builder a writer fills in OnIdentify (docs/reference.md §7.1).

Every call validates its arguments (E_INVALIDARG) and records a draft; ``finish()`` returns the
frozen ``WriterMetadata``.

Identify once: the calls are recorded, and a builder handed the record of the writer's last
Identify (``previous``) rebuilds nothing while its calls repeat it (``metadata_recording``).
"""

from __future__ import annotations

import uuid
from typing import Any

from .._vocabulary.enums import (
    VSS_BACKUP_SCHEMA,
    VSS_COMPONENT_TYPE,
    VSS_RESTOREMETHOD_ENUM,
    VSS_WRITERRESTORE_ENUM,
)
from .._vocabulary.error_classes import (
    VssInvalidArg,
    VssNotImplemented,
    VssObjectAlreadyExists,
    VssObjectNotFound,
)
from . import xml_codec as _xml
from .arguments import logical_path as _logical_path
from .metadata_recording import Call, MetadataRecording, recorded
from .writer_metadata import (
    _NO_SCHEMA,
    DEFAULT_BACKUP_TYPE_MASK,
    ComponentDependency,
    ComponentMetadata,
    E,
    FileDescriptor,
    RestoreMethod,
    WriterIdentity,
    WriterMetadata,
)

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
    member: E | None
    if type(value) is enum_type:
        member = value
    else:
        try:
            member = enum_type(value)
        except (ValueError, TypeError):
            member = None
    if member is None or isinstance(value, bool) or (not allow_zero and member == 0):
        raise _invalid_arg(method, f"{name} {value!r} is not a valid {enum_type.__name__}")
    return member


#: ComponentMetadata's arguments up to ``component_flags``, validated.
_ComponentHead = tuple[
    VSS_COMPONENT_TYPE, str | None, str, str | None, bytes | None, bool, bool, bool, bool, int
]
#: RestoreMethod's arguments but the mapping count, validated.
_RestoreArguments = tuple[
    VSS_RESTOREMETHOD_ENUM, str | None, str | None, VSS_WRITERRESTORE_ENUM, bool
]


class _ComponentDraft:
    """A component being described: its properties, then the file sets and dependencies added."""

    __slots__ = ("database_files", "database_log_files", "dependencies", "files", "head", "type")

    def __init__(self, head: _ComponentHead) -> None:
        self.type = head[0]
        self.head = head
        self.files: list[FileDescriptor] = []
        self.database_files: list[FileDescriptor] = []
        self.database_log_files: list[FileDescriptor] = []
        self.dependencies: list[ComponentDependency] = []

    def freeze(self) -> ComponentMetadata:
        return ComponentMetadata(
            *self.head,
            files=self.files,
            database_files=self.database_files,
            database_log_files=self.database_log_files,
            dependencies=self.dependencies,
        )


class IVssCreateWriterMetadata:
    """The metadata builder a writer receives in OnIdentify (docs/reference.md §7.1).

    COM names and argument order; out-parameters are return values; a failing HRESULT raises its
    ``VssError`` subclass. Optional strings may be None.
    """

    def __init__(self, identity: WriterIdentity, previous: MetadataRecording | None = None) -> None:
        """``previous``: the record of the writer's last Identify (``recording()``), whose calls
        this one may repeat; ignored when it is another writer's or not repeatable."""
        self._identity = identity
        self._repeated = 0
        if (
            previous is not None
            and previous.calls is not None
            and (previous.identity is identity or previous.identity == identity)
        ):
            self._previous: MetadataRecording | None = previous
            self._expected: tuple[Call, ...] | None = previous.calls
        else:
            self._previous = None
            self._expected = None
            self._start()

    def _start(self) -> None:
        """Begin the draft the calls fill in."""
        self._repeatable = True
        self._calls: list[Call] = []
        self._restore_method: _RestoreArguments | None = None
        self._exclude_files: list[FileDescriptor] = []
        self._exclude_from_snapshot: list[FileDescriptor] = []
        self._mappings: list[FileDescriptor] = []
        self._components: dict[tuple[str | None, str], _ComponentDraft] = {}
        self._backup_schema = _NO_SCHEMA

    def _diverge(self) -> None:
        """A call differs from the previous Identify's: make the ones repeated so far for real."""
        expected = self._expected
        assert expected is not None
        self._expected = None
        self._start()
        repeated = expected[: self._repeated]
        self._calls.extend(repeated)
        for method, _, args, kwargs in repeated:
            method(self, *args, **(kwargs or {}))

    def _so_far(self) -> WriterMetadata:
        """The document the calls made so far describe, leaving the builder as it is."""
        expected = self._expected
        if expected is None:
            return self._build()
        if self._repeated == len(expected) and self._previous is not None:
            return self._previous.metadata
        draft = IVssCreateWriterMetadataEx(self._identity)
        for method, _, args, kwargs in expected[: self._repeated]:
            method(draft, *args, **(kwargs or {}))
        return draft._build()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} for {self._identity.writer_name!r}>"

    def AddIncludeFiles(
        self, path: str, filespec: str, recursive: bool, alternate_location: str | None
    ) -> None:
        """Not supported by VSS (reserved for system use): raises ``VssNotImplemented``."""
        raise VssNotImplemented("AddIncludeFiles: not supported (reserved for system use)")

    @recorded
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

    @recorded
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
            (
                ctype,
                path,
                name,
                _string(method, "caption", caption, required=False),
                icon,
                _flag(method, "restore_metadata", restore_metadata),
                _flag(method, "notify_on_backup_complete", notify_on_backup_complete),
                _flag(method, "selectable", selectable),
                _flag(method, "selectable_for_restore", selectable_for_restore),
                _mask(method, "component_flags", component_flags),
            ),
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
        if draft.type != wanted:
            raise _invalid_arg(
                method, f"component {key[1]!r} is {draft.type.name}, not {wanted.name}"
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

    @recorded
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

    @recorded
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

    @recorded
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

    @recorded
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
        self._restore_method = (
            _member(name, "method", method, VSS_RESTOREMETHOD_ENUM, allow_zero=True),
            _string(name, "service", service, required=False),
            _string(name, "user_procedure", user_procedure, required=False),
            _member(
                name, "writer_restore", writer_restore, VSS_WRITERRESTORE_ENUM, allow_zero=True
            ),
            _flag(name, "reboot_required", reboot_required),
        )

    @recorded
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

    @recorded
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

    @recorded
    def SetBackupSchema(self, schema_mask: int) -> None:
        """Declare the backup types and features the writer supports (VSS_BACKUP_SCHEMA bits)."""
        self._backup_schema = VSS_BACKUP_SCHEMA(
            _mask("SetBackupSchema", "schema_mask", schema_mask)
        )

    def SaveAsXML(self) -> str:
        """The document built so far, in the real WMD XML form."""
        return self._so_far().to_xml()

    def finish(self) -> WriterMetadata:
        """The document built so far as a frozen :class:`WriterMetadata`.

        Not a COM method: the simulator calls it when OnIdentify returns.
        """
        return self.recording().metadata

    def recording(self) -> MetadataRecording:
        """``finish()``, with the calls that made the document, for the writer's next Identify.

        Not a COM method. When every call repeated the previous Identify's, that record (and
        its document) is returned as it is.
        """
        expected = self._expected
        if expected is not None:
            if self._repeated == len(expected) and self._previous is not None:
                return self._previous
            self._diverge()
        calls = tuple(self._calls) if self._repeatable else None
        return MetadataRecording(self._identity, calls, self._build())

    def _build(self) -> WriterMetadata:
        restore = self._restore_method
        return WriterMetadata(
            self._identity,
            None if restore is None else RestoreMethod(*restore, len(self._mappings)),
            exclude_files=self._exclude_files,
            exclude_from_snapshot=self._exclude_from_snapshot,
            alternate_location_mappings=self._mappings,
            components=[draft.freeze() for draft in self._components.values()],
            backup_schema=self._backup_schema,
        )


class IVssCreateWriterMetadataEx(IVssCreateWriterMetadata):
    """The builder handed to OnIdentifyEx: adds AddExcludeFilesFromSnapshot (docs/reference.md §7.1)."""

    @recorded
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
