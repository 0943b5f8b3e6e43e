"""Providers: the contract the coordinator drives, the in-box system provider, and shadow copies.

docs/reference.md §9: a provider is called per set in a fixed order (BeginPrepareSnapshot per volume,
EndPrepareSnapshots, PreCommitSnapshots, CommitSnapshots, PostCommitSnapshots,
PreFinalCommitSnapshots, PostFinalCommitSnapshots; AbortSnapshots after DoSnapshotSet was called).
A provider signals failure by raising ``VssError``; a code outside ``PROVIDER_CODES`` becomes
VSS_E_UNEXPECTED_PROVIDER_ERROR, as does any other exception.

The methods and their arguments follow IVssSoftwareSnapshotProvider, IVssProviderCreateSnapshotSet
and IVssProviderNotifications in the documented order (§9): ``BeginPrepareSnapshot(SnapshotSetId,
SnapshotId, VolumeName, NewContext)``. VSS calls ``SetContext`` before it asks a provider about a
volume or prepares a copy, ``OnLoad`` when the provider is registered (and when a closed machine
is entered again), ``OnUnload`` when it is unregistered or the machine closes. The hardware
provider's contract is ``VssHardwareProvider`` (``hardware_provider.py``).
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar, Protocol

import attrs

from .._rules.limits import MAX_SNAPSHOTS_PER_VOLUME
from .._vocabulary.enums import (
    VSS_PROVIDER_TYPE,
    VSS_SNAPSHOT_STATE,
    VSS_VOLUME_SNAPSHOT_ATTRIBUTES,
)
from .._vocabulary.errors import VssNotImplemented

__all__ = [
    "SYSTEM_PROVIDER_ID",
    "VSS_PROVIDER_PROP",
    "VSS_SNAPSHOT_PROP",
    "DiffAreaReservations",
    "Snapshot",
    "SystemProvider",
    "VssProvider",
]

SYSTEM_PROVIDER_ID = uuid.UUID("b5946137-7b9f-4925-af80-51abd60b20d5")
_A = VSS_VOLUME_SNAPSHOT_ATTRIBUTES
#: The attribute bits that make up a base context (PERSISTENT, CLIENT_ACCESSIBLE, NO_AUTO_RELEASE,
#: NO_WRITERS): every VSS_CTX_* value is a distinct combination of them (§7.6).
_CONTEXT_BITS = int(
    _A.VSS_VOLSNAP_ATTR_PERSISTENT
    | _A.VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE
    | _A.VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE
    | _A.VSS_VOLSNAP_ATTR_NO_WRITERS
)
_NO_AUTO_RELEASE = int(_A.VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE)


class VssProvider:
    """A shadow copy provider. Subclass it and override what your provider does differently.

    Every method returns nothing on success and raises ``VssError`` on failure. The defaults accept
    every volume and do nothing, like a provider whose commits are instant.
    """

    provider_id: uuid.UUID = uuid.UUID(int=0)
    provider_name: str = "Simulated software provider"
    provider_type: VSS_PROVIDER_TYPE = VSS_PROVIDER_TYPE.VSS_PROV_SOFTWARE
    provider_version: str = "1.0"
    #: shadow copies one volume may hold before AddToSnapshotSet refuses (docs/reference.md §6)
    max_snapshots_per_volume: ClassVar[int] = MAX_SNAPSHOTS_PER_VOLUME
    #: attribute bits every copy of this provider carries
    extra_attributes: ClassVar[int] = 0

    #: the context VSS set last (SetContext)
    context: int = 0

    # -- IVssProviderNotifications ---------------------------------------------------------------

    def OnLoad(self, callback: object = None) -> None:
        """The provider is loaded (here: registered on the machine)."""

    def OnUnload(self, force_unload: bool) -> bool | None:
        """The provider is about to be unloaded: when the machine closes (``force_unload`` true)
        or it is unregistered (false). Returning False (S_FALSE) asks not to be unloaded, which
        only an unforced unload may; its codes are not converted (§9)."""
        return None

    # -- IVssSoftwareSnapshotProvider ------------------------------------------------------------

    def SetContext(self, context: int) -> None:
        """The context of the calls that follow (VSS calls it before IsVolumeSupported and
        BeginPrepareSnapshot)."""
        self.context = int(context)

    def IsVolumeSupported(self, volume: str) -> bool:
        """Whether this provider can shadow ``volume`` in the current context."""
        return True

    def IsVolumeSnapshotted(self, volume: str) -> tuple[bool, int]:
        """(whether ``volume`` has a shadow copy of this provider, VSS_SNAPSHOT_COMPATIBILITY
        bits); VSS answers from its own records unless a provider knows better."""
        return False, 0

    def GetSnapshotProperties(self, snapshot_id: uuid.UUID) -> VSS_SNAPSHOT_PROP | None:
        """The properties of one of this provider's copies; None: VSS's own record serves."""
        return None

    def Query(self) -> list[VSS_SNAPSHOT_PROP] | None:
        """This provider's copies; None: VSS's own records serve."""
        return None

    def RevertToSnapshot(self, snapshot_id: uuid.UUID) -> None:
        """Revert the original volume to a copy; E_NOTIMPL: this provider does not revert."""
        raise VssNotImplemented(f"{self.provider_name} does not support revert operations")

    def BeginPrepareSnapshot(
        self, snapshot_set_id: uuid.UUID, snapshot_id: uuid.UUID, volume: str, context: int
    ) -> None:
        """Start preparing one volume's copy (arguments in the documented order, §9)."""

    def EndPrepareSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        """Finish preparation (rendezvous before Freeze)."""

    def PreCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        """Last step before the flush-and-hold window."""

    def CommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        """Make the copies; inside the 10 s flush-and-hold window (docs/reference.md §6)."""

    def PostCommitSnapshots(self, snapshot_set_id: uuid.UUID, snapshots_count: int) -> None:
        """After the held writes were released, before Thaw."""

    def PreFinalCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        """Start of the auto-recovery window."""

    def PostFinalCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        """End of creation."""

    def AbortSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        """Abort every copy of the set not yet committed."""

    def DeleteSnapshot(self, snapshot_id: uuid.UUID) -> None:
        """Delete one copy (DeleteSnapshots, or Release of an auto-release copy)."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.provider_name!r}>"


class DiffAreaReservations(Protocol):
    """What the system provider needs of the machine's shadow storage."""

    def reserve_named(self, volume: str) -> None: ...


class SystemProvider(VssProvider):
    """The in-box copy-on-write provider (swprv); vssadmin manages only its copies (docs/reference.md §9).

    It keeps its copies' old blocks in the diff areas of the machine's shadow storage: preparing
    a copy reserves the minimum diff area, or fails with VSS_E_INSUFFICIENT_STORAGE (§6). It
    reverts a volume to a persistent copy (``vssadmin revert shadow``).
    """

    provider_id = SYSTEM_PROVIDER_ID
    provider_name = "Microsoft Software Shadow Copy provider 1.0"
    provider_type = VSS_PROVIDER_TYPE.VSS_PROV_SYSTEM
    provider_version = "1.0.0.7"
    extra_attributes = int(VSS_VOLUME_SNAPSHOT_ATTRIBUTES.VSS_VOLSNAP_ATTR_DIFFERENTIAL)

    def __init__(self, storage: DiffAreaReservations | None = None) -> None:
        self._storage = storage

    def BeginPrepareSnapshot(
        self, snapshot_set_id: uuid.UUID, snapshot_id: uuid.UUID, volume: str, context: int
    ) -> None:
        if self._storage is not None:
            self._storage.reserve_named(volume)

    def RevertToSnapshot(self, snapshot_id: uuid.UUID) -> None:
        """The system provider reverts persistent copies (VSS checks the context first)."""


@attrs.define(eq=False)
class Snapshot:
    """A shadow copy on the simulated machine."""

    snapshot_id: uuid.UUID
    snapshot_set_id: uuid.UUID
    snapshots_count: int
    device: str
    original_volume: str
    volume_guid_path: str
    machine: str
    provider_id: uuid.UUID
    attributes: int
    created_ticks: int
    created_timestamp: int
    state: VSS_SNAPSHOT_STATE = VSS_SNAPSHOT_STATE.VSS_SS_CREATED
    #: where ExposeSnapshot made it visible: a drive letter, mount folder or share name
    exposed_name: str | None = None
    #: the shared sub-path of a copy exposed remotely
    exposed_path: str | None = None
    #: a hardware provider's copy: the original LUNs and the shadow LUNs GetTargetLuns described
    #: (``VDS_LUN_INFORMATION``, docs/reference.md §9)
    source_luns: list[Any] = attrs.field(factory=list)
    target_luns: list[Any] = attrs.field(factory=list)

    @property
    def base_context(self) -> int:
        """The snapshot context the copy was made in: its context attribute bits (§7.6)."""
        return self.attributes & _CONTEXT_BITS

    @property
    def auto_release(self) -> bool:
        """Deleted when the requester's object is released (context without NO_AUTO_RELEASE)."""
        return not self.attributes & _NO_AUTO_RELEASE

    def properties(self) -> VSS_SNAPSHOT_PROP:
        """The VSS_SNAPSHOT_PROP of this copy (docs/reference.md §7.6)."""
        return VSS_SNAPSHOT_PROP(
            m_SnapshotId=self.snapshot_id,
            m_SnapshotSetId=self.snapshot_set_id,
            m_lSnapshotsCount=self.snapshots_count,
            m_pwszSnapshotDeviceObject=self.device,
            m_pwszOriginalVolumeName=self.volume_guid_path,
            m_pwszOriginatingMachine=self.machine,
            m_pwszServiceMachine=self.machine,
            m_pwszExposedName=self.exposed_name,
            m_pwszExposedPath=self.exposed_path,
            m_ProviderId=self.provider_id,
            m_lSnapshotAttributes=self.attributes,
            m_tsCreationTimestamp=self.created_timestamp,
            m_eStatus=self.state,
        )


@attrs.frozen
class VSS_PROVIDER_PROP:
    """A provider's properties, field names as in vss.h (what Query returns for
    VSS_OBJECT_PROVIDER, docs/reference.md §3.6)."""

    m_ProviderId: uuid.UUID
    m_pwszProviderName: str
    m_eProviderType: VSS_PROVIDER_TYPE
    m_pwszProviderVersion: str
    m_ProviderVersionId: uuid.UUID
    m_ClassId: uuid.UUID


@attrs.frozen
class VSS_SNAPSHOT_PROP:
    """A shadow copy's properties, field names as in vss.h (docs/reference.md §7.6)."""

    m_SnapshotId: uuid.UUID
    m_SnapshotSetId: uuid.UUID
    m_lSnapshotsCount: int
    m_pwszSnapshotDeviceObject: str
    m_pwszOriginalVolumeName: str
    m_pwszOriginatingMachine: str
    m_pwszServiceMachine: str
    m_pwszExposedName: str | None
    m_pwszExposedPath: str | None
    m_ProviderId: uuid.UUID
    m_lSnapshotAttributes: int
    m_tsCreationTimestamp: int
    m_eStatus: VSS_SNAPSHOT_STATE
