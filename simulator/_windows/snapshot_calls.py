"""IVssBackupComponents(Ex2–Ex4) methods on shadow copies that already exist: Query, exposing,
breaking, importing, reverting, path normalization, fast recovery and LUN resynchronization
(docs/reference.md §3.6).

Policies where the documentation is silent ([INF], docs/design.md):
* ExposeSnapshot of a copy already exposed, or at a drive letter in use, is E_INVALIDARG; with a
  NULL name a remote exposure is shared as ``ShadowCopy{id}``, a local one is E_INVALIDARG.
* RevertToSnapshot ends at once in virtual time; the volume is never "in use".
* ImportSnapshots surfaces the hardware provider's transportable copies of the loaded BCD's set
  on this machine (attribute VSS_VOLSNAP_ATTR_IMPORTED); on Server 2003 a set imports once.
* PreFastRecovery and FastRecovery are "reserved for future use": E_NOTIMPL.
"""

from __future__ import annotations

import uuid
from typing import Any

from .._rules.calls import Call
from .._service.hardware_calls import break_copies, import_copies, resync_copy
from .._service.hardware_provider import VssHardwareProvider
from .._service.providers import VSS_PROVIDER_PROP, Snapshot
from .._service.records import Session
from .._vocabulary.enums import (
    GUID_NULL,
    VSS_OBJECT_TYPE,
    VSS_PROVIDER_TYPE,
    VSS_VOLUME_SNAPSHOT_ATTRIBUTES,
)
from .._vocabulary.errors import (
    VssBadState,
    VssInvalidArg,
    VssNoSnapshotsImported,
    VssNotImplemented,
    VssObjectNotFound,
    VssProviderNotRegistered,
    VssProviderVeto,
    VssRevertInProgress,
    VssUnsupportedContext,
)
from .arguments import (
    bool_argument,
    enum_argument,
    guid_argument,
    integer_argument,
    optional_text_argument,
    text_argument,
)
from .async_operation import IVssAsync
from .requester_object import RequesterObject, requester_call

__all__ = ["SnapshotCalls"]

_A = VSS_VOLUME_SNAPSHOT_ATTRIBUTES
_LOCALLY = int(_A.VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY)
_REMOTELY = int(_A.VSS_VOLSNAP_ATTR_EXPOSED_REMOTELY)
_PERSISTENT = int(_A.VSS_VOLSNAP_ATTR_PERSISTENT)
_TRANSPORTABLE = int(_A.VSS_VOLSNAP_ATTR_TRANSPORTABLE)
_IMPORTED = int(_A.VSS_VOLSNAP_ATTR_IMPORTED)
_CONTEXT_ALL = 0xFFFFFFFF
_CONTEXT_BITS = int(
    _A.VSS_VOLSNAP_ATTR_PERSISTENT
    | _A.VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE
    | _A.VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE
    | _A.VSS_VOLSNAP_ATTR_NO_WRITERS
)
_HARDWARE = VSS_PROVIDER_TYPE.VSS_PROV_HARDWARE


class SnapshotCalls(RequesterObject):
    """Shadow copies on the machine, as one requester object manages them."""

    def _copy(self, method: str, snapshot_id: uuid.UUID) -> Snapshot:
        snapshot_id = guid_argument(snapshot_id, method, "snapshot_id")
        snapshot = self._machine.snapshots.get(snapshot_id)
        if snapshot is None:
            raise VssObjectNotFound(f"{method}: no shadow copy {snapshot_id} on this machine")
        return snapshot

    # -- Query (§3.6) -------------------------------------------------------------------------

    @requester_call(Call.QUERY)
    def Query(
        self,
        queried_object_id: uuid.UUID = GUID_NULL,
        queried_object_type: VSS_OBJECT_TYPE | int = VSS_OBJECT_TYPE.VSS_OBJECT_NONE,
        returned_objects_type: VSS_OBJECT_TYPE | int = VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT,
    ) -> list[Any]:
        """The providers, or the completed copies of the object's context (every copy for
        VSS_CTX_ALL), in creation order (§3.6)."""
        method = "Query"
        queried_object_id = guid_argument(queried_object_id, method, "queried_object_id")
        queried = enum_argument(VSS_OBJECT_TYPE, queried_object_type, method, "queried type")
        returned = enum_argument(VSS_OBJECT_TYPE, returned_objects_type, method, "returned type")
        if queried_object_id != GUID_NULL or queried is not VSS_OBJECT_TYPE.VSS_OBJECT_NONE:
            raise VssInvalidArg(
                f"{method}: QueriedObjectId must be GUID_NULL and eQueriedObjectType "
                "VSS_OBJECT_NONE (reserved, docs/reference.md §3.6)"
            )
        machine = self._machine
        if returned is VSS_OBJECT_TYPE.VSS_OBJECT_PROVIDER:
            return [
                VSS_PROVIDER_PROP(
                    p.provider_id,
                    p.provider_name,
                    p.provider_type,
                    p.provider_version,
                    p.provider_id,
                    p.provider_id,
                )
                for p in machine.providers
            ]
        if returned is not VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT:
            raise VssInvalidArg(
                f"{method}: eReturnedObjectsType must be VSS_OBJECT_SNAPSHOT or "
                f"VSS_OBJECT_PROVIDER, not {returned.name}"
            )
        context = self._session.context
        return [
            s.properties()
            for s in machine.snapshots.values()
            if context == _CONTEXT_ALL or s.base_context == context & _CONTEXT_BITS
        ]

    # -- exposing (§3.6) ----------------------------------------------------------------------

    @requester_call(Call.EXPOSE_SNAPSHOT)
    def ExposeSnapshot(
        self,
        snapshot_id: uuid.UUID,
        path_from_root: str | None,
        attributes: int,
        expose: str | None,
    ) -> str:
        """Expose a copy as a drive letter or mount folder (EXPOSED_LOCALLY, ``path_from_root``
        NULL) or as a file share (EXPOSED_REMOTELY); returns the exposed name."""
        method = "ExposeSnapshot"
        path_from_root = optional_text_argument(path_from_root, method, "path_from_root")
        attributes = integer_argument(attributes, method, "attributes")
        expose = optional_text_argument(expose, method, "expose")
        snapshot = self._copy(method, snapshot_id)
        if attributes not in (_LOCALLY, _REMOTELY):
            raise VssInvalidArg(
                f"{method}: lAttributes must be VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY or "
                f"VSS_VOLSNAP_ATTR_EXPOSED_REMOTELY, got {attributes:#x}"
            )
        if snapshot.exposed_name is not None:
            raise VssInvalidArg(
                f"{method}: {snapshot_id} is exposed already as {snapshot.exposed_name!r}"
            )
        if attributes == _LOCALLY:
            if path_from_root is not None:
                raise VssInvalidArg(f"{method}: wszPathFromRoot must be NULL for a local exposure")
            if not expose:
                raise VssInvalidArg(f"{method}: a local exposure needs a drive letter or folder")
            machine = self._machine
            taken = machine.find_volume(expose) is not None or any(
                s.exposed_name is not None and s.exposed_name.lower() == expose.lower()
                for s in machine.snapshots.values()
            )
            if taken:
                raise VssInvalidArg(f"{method}: {expose!r} is in use")
            name = expose
        else:
            name = expose or f"ShadowCopy{{{snapshot_id}}}"
            snapshot.exposed_path = path_from_root
        snapshot.exposed_name = name
        snapshot.attributes |= attributes
        return name

    @requester_call(Call.UNEXPOSE_SNAPSHOT)
    def UnexposeSnapshot(self, snapshot_id: uuid.UUID) -> None:
        """Remove the drive letter, folder or share ExposeSnapshot made (IVssBackupComponentsEx2)."""
        snapshot = self._copy("UnexposeSnapshot", snapshot_id)
        if snapshot.exposed_name is None:
            raise VssObjectNotFound(f"UnexposeSnapshot: {snapshot_id} is not exposed")
        snapshot.exposed_name = snapshot.exposed_path = None
        snapshot.attributes &= ~(_LOCALLY | _REMOTELY)

    # -- breaking and importing (hardware copies, §3.6) -------------------------------------

    def _break(self, method: str, snapshot_set_id: uuid.UUID, flags: int = 0) -> None:
        snapshot_set_id = guid_argument(snapshot_set_id, method, "snapshot_set_id")
        machine = self._machine
        copies = [s for s in machine.snapshots.values() if s.snapshot_set_id == snapshot_set_id]
        if not copies:
            raise VssObjectNotFound(f"{method}: no shadow copy set {snapshot_set_id}")
        for snapshot in copies:
            provider = machine.provider_of(snapshot)
            if provider is None or provider.provider_type is not _HARDWARE:
                raise VssProviderVeto(
                    f"{method}: copy {snapshot.snapshot_id} was made by a software provider; "
                    "only a hardware provider's copies can be broken (docs/reference.md §3.6)"
                )
        break_copies(machine.recorder, self._session, copies, flags, machine.provider_of)
        for snapshot in copies:
            del machine.snapshots[snapshot.snapshot_id]

    @requester_call(Call.BREAK_SNAPSHOT_SET)
    def BreakSnapshotSet(self, snapshot_set_id: uuid.UUID) -> None:
        """VSS forgets a hardware provider's set: its copies become ordinary volumes."""
        self._break("BreakSnapshotSet", snapshot_set_id)

    @requester_call(Call.BREAK_SNAPSHOT_SET_EX)
    def BreakSnapshotSetEx(self, snapshot_set_id: uuid.UUID, flags: int = 0) -> IVssAsync:
        """BreakSnapshotSet with VSS_HARDWARE_OPTIONS flags, as an IVssAsync (Ex2)."""
        guid_argument(snapshot_set_id, "BreakSnapshotSetEx", "snapshot_set_id")
        integer_argument(flags, "BreakSnapshotSetEx", "flags")
        return self._start(
            Call.BREAK_SNAPSHOT_SET_EX,
            lambda session: self._break("BreakSnapshotSetEx", snapshot_set_id, int(flags)),
        )

    @requester_call(Call.IMPORT_SNAPSHOTS)
    def ImportSnapshots(self) -> IVssAsync:
        """Import the transportable copies of the loaded BCD's set (hardware providers only)."""

        def body(session: Session) -> None:
            machine = self._machine
            self._machine.scheduler.checkpoint()
            set_id = session.bcd.snapshot_set_id
            found = [
                (p, s)
                for s in machine.snapshots.values()
                if s.snapshot_set_id == set_id
                and s.attributes & _TRANSPORTABLE
                and (p := machine.provider_of(s)) is not None
                and p.provider_type is _HARDWARE
                and (machine.windows.multiple_imports or not s.attributes & _IMPORTED)
            ]
            if not found:
                raise VssNoSnapshotsImported(
                    f"ImportSnapshots: no transportable hardware copy of set {set_id} to import"
                )
            for snapshot in import_copies(machine.recorder, session, found):
                snapshot.attributes |= _IMPORTED

        return self._start(Call.IMPORT_SNAPSHOTS, body)

    # -- reverting (§3.6) -------------------------------------------------------------------

    @requester_call(Call.REVERT_TO_SNAPSHOT)
    def RevertToSnapshot(self, snapshot_id: uuid.UUID, force_dismount: bool) -> None:
        """Revert a volume to a persistent copy; it cannot be cancelled or undone."""
        method = "RevertToSnapshot"
        bool_argument(force_dismount, method, "force_dismount")
        machine = self._machine
        snapshot = self._copy(method, snapshot_id)
        if not snapshot.attributes & _PERSISTENT:
            raise VssUnsupportedContext(
                f"{method}: only persistent shadow copies can be reverted to; {snapshot_id} is "
                "not persistent (docs/reference.md §3.6)"
            )
        volume = snapshot.original_volume
        if volume in machine.reverts:
            raise VssRevertInProgress(f"{method}: {volume} is being reverted already")
        provider = machine.provider_of(snapshot)
        if provider is None:
            raise VssProviderNotRegistered(f"{method}: the copy's provider is not registered")
        provider.RevertToSnapshot(snapshot_id)
        machine.reverts[volume] = snapshot_id

    @requester_call(Call.QUERY_REVERT_STATUS)
    def QueryRevertStatus(self, volume: str) -> IVssAsync:
        """An IVssAsync for the revert of ``volume`` (with its trailing backslash)."""
        volume = text_argument(volume, "QueryRevertStatus", "volume")
        machine = self._machine
        found = machine.find_volume(volume) if volume.endswith("\\") else None
        if found is None:
            raise VssObjectNotFound(
                f"QueryRevertStatus: {volume!r} is not a volume name with its trailing backslash"
            )
        if found.name not in machine.reverts:
            raise VssObjectNotFound(f"QueryRevertStatus: no revert of {found.name}")
        return self._start(Call.QUERY_REVERT_STATUS, lambda session: None)

    # -- paths (Ex4, §3.6) ------------------------------------------------------------------

    @requester_call(Call.GET_ROOT_AND_LOGICAL_PREFIX_PATHS)
    def GetRootAndLogicalPrefixPaths(
        self, file_path: str, normalize_fqdn_for_root_path: bool = False
    ) -> tuple[str, str]:
        """(root path for AddToSnapshotSet, logical prefix): a local path's volume and its GUID
        path, or a UNC path's share root and share path."""
        method = "GetRootAndLogicalPrefixPaths"
        file_path = text_argument(file_path, method, "file_path")
        bool_argument(normalize_fqdn_for_root_path, method, "normalize_fqdn_for_root_path")
        if file_path.startswith("\\\\") and not file_path.startswith("\\\\?\\"):
            parts = [p for p in file_path.split("\\") if p]
            if len(parts) < 2:
                raise VssInvalidArg(f"GetRootAndLogicalPrefixPaths: {file_path!r} names no share")
            root = f"\\\\{parts[0]}\\{parts[1]}\\"
            return root, root
        volume = self._machine.volume_of_path(file_path)
        if volume is None:
            raise VssObjectNotFound(f"GetRootAndLogicalPrefixPaths: no volume holds {file_path!r}")
        return volume.name, volume.guid_path

    # -- fast recovery and LUN resynchronization (§3.6) -------------------------------------

    @requester_call(Call.PRE_FAST_RECOVERY)
    def PreFastRecovery(self, snapshot_set_id: uuid.UUID, flags: int = 0) -> IVssAsync:
        """Reserved for future use (IVssBackupComponentsEx2): E_NOTIMPL."""
        guid_argument(snapshot_set_id, "PreFastRecovery", "snapshot_set_id")
        integer_argument(flags, "PreFastRecovery", "flags")
        raise VssNotImplemented("PreFastRecovery is reserved for future use")

    @requester_call(Call.FAST_RECOVERY)
    def FastRecovery(self, snapshot_set_id: uuid.UUID, flags: int = 0) -> IVssAsync:
        """Reserved for future use (IVssBackupComponentsEx2): E_NOTIMPL."""
        guid_argument(snapshot_set_id, "FastRecovery", "snapshot_set_id")
        integer_argument(flags, "FastRecovery", "flags")
        raise VssNotImplemented("FastRecovery is reserved for future use")

    @requester_call(Call.ADD_SNAPSHOT_TO_RECOVERY_SET)
    def AddSnapshotToRecoverySet(
        self, snapshot_id: uuid.UUID, flags: int = 0, destination_volume: str | None = None
    ) -> None:
        """Add a hardware provider's copy to the LUN resynchronization set (Ex3)."""
        method = "AddSnapshotToRecoverySet"
        integer_argument(flags, method, "flags")
        destination_volume = optional_text_argument(
            destination_volume, method, "destination_volume"
        )
        snapshot = self._copy(method, snapshot_id)
        provider = self._machine.provider_of(snapshot)
        if provider is None or provider.provider_type is not _HARDWARE:
            raise VssBadState(
                "AddSnapshotToRecoverySet: no hardware provider holds this copy; LUN "
                "resynchronization needs one (docs/reference.md §3.6)"
            )
        self._recovery_set.append((snapshot, destination_volume))

    @requester_call(Call.RECOVER_SET)
    def RecoverSet(self, flags: int = 0) -> IVssAsync:
        """Resynchronize the LUNs of the recovery set; its provider's ResyncLuns does it, and a
        provider without one is E_NOTIMPL (Ex3)."""
        integer_argument(flags, "RecoverSet", "flags")
        members = list(self._recovery_set)

        def body(session: Session) -> None:
            self._machine.scheduler.checkpoint()
            for snapshot, destination in members:
                provider = self._machine.provider_of(snapshot)
                if isinstance(provider, VssHardwareProvider):
                    target = self._machine.find_volume(destination) if destination else None
                    resync_copy(self._machine.recorder, session, provider, snapshot, target)
                    continue
                resync = getattr(provider, "ResyncLuns", None)
                if resync is None:
                    raise VssNotImplemented(
                        "RecoverSet: the provider for the volume does not support LUN "
                        "resynchronization"
                    )
                resync(snapshot.snapshot_id, destination or snapshot.original_volume)

        return self._start(Call.RECOVER_SET, body)
