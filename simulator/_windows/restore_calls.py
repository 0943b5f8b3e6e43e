"""IVssBackupComponents(Ex, Ex2) methods that set the restore fields of the loaded Backup
Components Document, before PreRestore (docs/reference.md §3.3 row 6, §3.6, §7.3).

Each names a component explicitly included at backup (writer class, type, logical path, name);
one the BCD does not hold is VSS_E_OBJECT_NOT_FOUND. What they set is what the writer reads in
OnPreRestore and OnPostRestore through IVssComponent(Ex).

Every argument is checked before the document is searched: a GUID, a BOOL (a bool or an int), a
string (None where the method takes none) or an enum member of the wrong kind is E_INVALIDARG
naming the method and the argument ([INF], docs/design.md; ``arguments``).
"""

from __future__ import annotations

import uuid

from .._documents.backup_document import RestoreSubcomponent, RollForward
from .._documents.writer_metadata import ComponentMetadata, FileDescriptor
from .._rules.calls import Call
from .._vocabulary.enums import (
    GUID_NULL,
    VSS_BACKUP_SCHEMA,
    VSS_COMPONENT_TYPE,
    VSS_ROLLFORWARD_TYPE,
)
from .._vocabulary.errors import VssInvalidArg, VssObjectNotFound
from .arguments import (
    bool_argument,
    component_arguments,
    enum_argument,
    guid_argument,
    optional_text_argument,
    text_argument,
)
from .requester_object import requester_call
from .status_and_restore import StatusAndRestoreCalls

__all__ = ["RestoreCalls"]

_MOVE = VSS_BACKUP_SCHEMA.VSS_BS_WRITER_SUPPORTS_RESTORE_WITH_MOVE
_UUID = uuid.UUID


def _file_set_arguments(
    method: str, path: object, filespec: object, recursive: object, target: str, to: object
) -> bool:
    """``recursive`` as a BOOL, once a file set (path, filespec, recursive) and where it goes
    (the argument ``target``) are checked: strings and a BOOL, else E_INVALIDARG."""
    text_argument(path, method, "path")
    text_argument(filespec, method, "filespec")
    deep = bool_argument(recursive, method, "recursive")
    text_argument(to, method, target)
    return deep


class RestoreCalls(StatusAndRestoreCalls):
    """The restore setters of the BCD."""

    def _live_component(
        self,
        method: str,
        writer_id: uuid.UUID,
        kind: VSS_COMPONENT_TYPE,
        path: str | None,
        name: str,
    ) -> ComponentMetadata:
        """A component as a running writer of the class reports it now."""
        session = self._session
        lookup = session.writer_lookup
        for ws in lookup.of_class(session.writers, writer_id):
            component = lookup.component(ws, kind, path, name)
            if component is not None:
                return component
        raise VssObjectNotFound(
            f"{method}: no running writer of class {writer_id} reports a {kind.name} component "
            f"{name!r} at logical path {path!r}"
        )

    @requester_call(Call.SET_SELECTED_FOR_RESTORE_EX)
    def SetSelectedForRestoreEx(
        self,
        writer_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE | int,
        logical_path: str | None,
        component_name: str,
        selected: bool,
        instance_id: uuid.UUID = GUID_NULL,
        /,
    ) -> None:
        """SetSelectedForRestore that may move the component to another running instance of its
        writer class; GUID_NULL is plain SetSelectedForRestore (§3.6)."""
        method = "SetSelectedForRestoreEx"
        kind = component_arguments(method, writer_id, component_type, logical_path, component_name)
        selected = bool_argument(selected, method, "selected")
        if instance_id is not GUID_NULL:
            guid_argument(instance_id, method, "instance_id")
        entry = self._session.bcd.find_component(writer_id, kind, logical_path, component_name)
        if instance_id != GUID_NULL and instance_id != entry.instance_id:
            target = self._session.writers[instance_id]
            schema = target.metadata.backup_schema if target.metadata else VSS_BACKUP_SCHEMA(0)
            if not schema & _MOVE:
                raise VssInvalidArg(
                    f"SetSelectedForRestoreEx: writer {target.core.name!r} does not report "
                    "VSS_BS_WRITER_SUPPORTS_RESTORE_WITH_MOVE in its backup schema, so a "
                    "component cannot be moved to another of its instances (docs/reference.md "
                    "§3.6)"
                )
            self._session.restore_instances[entry.instance_id] = instance_id
        entry.selected_for_restore = selected

    @requester_call(Call.ADD_RESTORE_SUBCOMPONENT)
    def AddRestoreSubcomponent(
        self,
        writer_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE | int,
        logical_path: str | None,
        component_name: str,
        subcomponent_logical_path: str,
        subcomponent_name: str,
        repair: bool = False,
    ) -> None:
        """Restore one subcomponent of a selected component set on its own; the subcomponent
        must be selectable for restore (§3.6, §7.4)."""
        method = "AddRestoreSubcomponent"
        kind = component_arguments(method, writer_id, component_type, logical_path, component_name)
        # None or "" is refused below, once the component is found (a subcomponent needs both).
        if subcomponent_logical_path is not None:
            text_argument(subcomponent_logical_path, method, "subcomponent_logical_path")
        if subcomponent_name is not None:
            text_argument(subcomponent_name, method, "subcomponent_name")
        repair = bool_argument(repair, method, "repair")
        entry = self._session.bcd.find_component(writer_id, kind, logical_path, component_name)
        if not subcomponent_logical_path or not subcomponent_name:
            raise VssInvalidArg(f"{method}: a subcomponent needs a logical path and a name")
        sub = self._live_component(
            method, writer_id, entry.component_type, subcomponent_logical_path, subcomponent_name
        )
        if not sub.selectable_for_restore:
            raise VssInvalidArg(
                f"{method}: {subcomponent_name!r} is not selectable for restore "
                "(bSelectableForRestore), so it is restored only with its component set "
                "(docs/reference.md §7.4)"
            )
        entry.restore_subcomponents.append(
            RestoreSubcomponent(subcomponent_logical_path, subcomponent_name, repair)
        )

    @requester_call(Call.SET_RESTORE_OPTIONS)
    def SetRestoreOptions(
        self,
        writer_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE | int,
        logical_path: str | None,
        component_name: str,
        options: str,
    ) -> None:
        """Writer-specific restore options (IVssComponent::GetRestoreOptions)."""
        method = "SetRestoreOptions"
        kind = component_arguments(method, writer_id, component_type, logical_path, component_name)
        options = text_argument(options, method, "options")
        entry = self._session.bcd.find_component(writer_id, kind, logical_path, component_name)
        entry.restore_options = options

    @requester_call(Call.SET_ADDITIONAL_RESTORES)
    def SetAdditionalRestores(
        self,
        writer_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE | int,
        logical_path: str | None,
        component_name: str,
        additional_restores: bool,
    ) -> None:
        """Whether more restores of the component follow (incremental or differential)."""
        method = "SetAdditionalRestores"
        kind = component_arguments(method, writer_id, component_type, logical_path, component_name)
        more = bool_argument(additional_restores, method, "additional_restores")
        entry = self._session.bcd.find_component(writer_id, kind, logical_path, component_name)
        entry.additional_restores = more

    @requester_call(Call.ADD_NEW_TARGET)
    def AddNewTarget(
        self,
        writer_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE | int,
        logical_path: str | None,
        component_name: str,
        path: str,
        filespec: str,
        recursive: bool,
        alternate_path: str,
    ) -> None:
        """Restore a file set of the component to ``alternate_path``; (path, filespec,
        recursive) must be one of the component's file sets (§3.6)."""
        method = "AddNewTarget"
        kind = component_arguments(method, writer_id, component_type, logical_path, component_name)
        recursive = _file_set_arguments(
            method, path, filespec, recursive, "alternate_path", alternate_path
        )
        entry = self._session.bcd.find_component(writer_id, kind, logical_path, component_name)
        live = self._live_component(
            method, writer_id, entry.component_type, entry.logical_path, entry.component_name
        )
        file_sets = [*live.files, *live.database_files, *live.database_log_files]
        if not any(
            (f.path.rstrip("\\").lower(), f.filespec.lower(), f.recursive)
            == (path.rstrip("\\").lower(), filespec.lower(), recursive)
            for f in file_sets
        ):
            raise VssObjectNotFound(
                f"{method}: ({path!r}, {filespec!r}, recursive={recursive}) is not a file "
                f"set of component {component_name!r}; its file sets are "
                + ", ".join(f"({f.path!r}, {f.filespec!r}, {f.recursive})" for f in file_sets)
            )
        entry.new_targets.append(FileDescriptor(path, filespec, recursive, alternate_path))

    @requester_call(Call.ADD_ALTERNATIVE_LOCATION_MAPPING)
    def AddAlternativeLocationMapping(
        self,
        writer_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE | int,
        logical_path: str | None,
        component_name: str,
        path: str,
        filespec: str,
        recursive: bool,
        destination: str,
    ) -> None:
        """Where the requester restored files it could not put back in place (§7.3)."""
        method = "AddAlternativeLocationMapping"
        kind = component_arguments(method, writer_id, component_type, logical_path, component_name)
        recursive = _file_set_arguments(
            method, path, filespec, recursive, "destination", destination
        )
        entry = self._session.bcd.find_component(writer_id, kind, logical_path, component_name)
        entry.alternate_location_mappings.append(
            FileDescriptor(path, filespec, recursive, destination)
        )

    @requester_call(Call.SET_AUTHORITATIVE_RESTORE)
    def SetAuthoritativeRestore(
        self,
        writer_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE | int,
        logical_path: str | None,
        component_name: str,
        authoritative: bool,
    ) -> None:
        """Mark the restore authoritative for a replicated store (IVssBackupComponentsEx2)."""
        method = "SetAuthoritativeRestore"
        kind = component_arguments(method, writer_id, component_type, logical_path, component_name)
        authoritative = bool_argument(authoritative, method, "authoritative")
        entry = self._session.bcd.find_component(writer_id, kind, logical_path, component_name)
        entry.authoritative_restore = authoritative

    @requester_call(Call.SET_ROLL_FORWARD)
    def SetRollForward(
        self,
        writer_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE | int,
        logical_path: str | None,
        component_name: str,
        roll_forward_type: VSS_ROLLFORWARD_TYPE | int,
        roll_forward_point: str | None = None,
    ) -> None:
        """How far the restore rolls forward; a partial roll-forward needs its point
        (IVssBackupComponentsEx2, [INF] E_INVALIDARG without one)."""
        method = "SetRollForward"
        component = component_arguments(
            method, writer_id, component_type, logical_path, component_name
        )
        kind = enum_argument(VSS_ROLLFORWARD_TYPE, roll_forward_type, method, "roll_forward_type")
        point = optional_text_argument(roll_forward_point, method, "roll_forward_point")
        if kind is VSS_ROLLFORWARD_TYPE.VSS_RF_PARTIAL and not point:
            raise VssInvalidArg(f"{method}: VSS_RF_PARTIAL needs a roll-forward point")
        entry = self._session.bcd.find_component(writer_id, component, logical_path, component_name)
        entry.roll_forward = RollForward(kind, point)

    @requester_call(Call.SET_RESTORE_NAME)
    def SetRestoreName(
        self,
        writer_id: uuid.UUID,
        component_type: VSS_COMPONENT_TYPE | int,
        logical_path: str | None,
        component_name: str,
        restore_name: str,
    ) -> None:
        """A new logical name for the component being restored (IVssBackupComponentsEx2)."""
        method = "SetRestoreName"
        kind = component_arguments(method, writer_id, component_type, logical_path, component_name)
        restore_name = text_argument(restore_name, method, "restore_name")
        entry = self._session.bcd.find_component(writer_id, kind, logical_path, component_name)
        entry.restore_name = restore_name
