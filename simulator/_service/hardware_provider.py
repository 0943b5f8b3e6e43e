"""The hardware provider's contract: IVssHardwareSnapshotProvider and its Ex interface, with the LUN
descriptions VSS passes (docs/reference.md §9).

A hardware provider shadows whole LUNs. VSS describes each LUN of a volume with a
``VDS_LUN_INFORMATION`` and calls, in the documented order: ``AreLunsSupported`` when a volume is
added to the set (it decides whether the provider takes the volume), ``BeginPrepareSnapshot`` with
the LUNs for each volume, the set-wide creation calls every provider gets, ``GetTargetLuns`` after
``PostCommitSnapshots`` (the provider describes the shadow LUNs it made), ``LocateLuns`` and
``FillInLunInfo`` when a transportable set is imported, ``FillInLunInfo`` and ``OnLunEmpty`` when
a copy is deleted, ``OnLunStateChange`` when BreakSnapshotSetEx masks the LUNs or makes them
read-write, and ``ResyncLuns`` for RecoverSet. ``GetProviderCapabilities`` and ``OnReuseLuns`` are
reserved for future use: VSS never calls them.

Policies where the documentation is silent ([INF], docs/design.md):
* Each volume lies on one LUN of its own, ``\\\\.\\PHYSICALDRIVE<n>`` (n counts the machine's
  volumes from 0), described by a ``VDS_LUN_INFORMATION`` made from the volume; a shadow LUN is
  named by its copy's device.
* VSS neither calls ``SetContext`` nor ``IsVolumeSupported`` on a hardware provider:
  ``AreLunsSupported`` gets the context as its argument.
* A provider of type VSS_PROV_HARDWARE that subclasses ``VssProvider`` rather than
  ``VssHardwareProvider`` is driven through the software provider's calls.
"""

from __future__ import annotations

import enum
import re
import uuid

import attrs

from .._vocabulary.enums import GUID_NULL, VSS_PROVIDER_TYPE
from .._vocabulary.errors import VssNotImplemented
from .providers import VssProvider
from .records import Volume

__all__ = [
    "VDS_LUN_INFORMATION",
    "VSS_HARDWARE_OPTIONS",
    "VssHardwareProvider",
    "copy_lun",
    "volume_luns",
]

#: VER_VDS_LUN_INFORMATION, the version every description carries (vds.h).
VER_VDS_LUN_INFORMATION = 1
#: VDSBusTypeScsi (VDS_STORAGE_BUS_TYPE).
_BUS_SCSI = 1


class VSS_HARDWARE_OPTIONS(enum.IntFlag):
    """Shadow copy LUN flags, values as in vss.h: BreakSnapshotSetEx's and OnLunStateChange's."""

    VSS_BREAKEX_FLAG_MASK_LUNS = 0x1
    VSS_BREAKEX_FLAG_MAKE_READ_WRITE = 0x2
    VSS_BREAKEX_FLAG_REVERT_IDENTITY_ALL = 0x4
    VSS_BREAKEX_FLAG_REVERT_IDENTITY_NONE = 0x8
    VSS_ONLUNSTATECHANGE_NOTIFY_READ_WRITE = 0x100
    VSS_ONLUNSTATECHANGE_NOTIFY_LUN_PRE_RECOVERY = 0x200
    VSS_ONLUNSTATECHANGE_NOTIFY_LUN_POST_RECOVERY = 0x400
    VSS_ONLUNSTATECHANGE_DO_MASK_LUNS = 0x800


@attrs.define
class VDS_LUN_INFORMATION:
    """One LUN's description, field names as in vds.h (SCSI inquiry data and the serial number
    of vital product data page 80). A provider may correct omissions in the ones it is given
    (they are [in, out]); the interconnects and device id descriptor are not modelled."""

    m_version: int = VER_VDS_LUN_INFORMATION
    m_DeviceType: int = 0
    m_DeviceTypeModifier: int = 0
    m_bCommandQueueing: bool = False
    m_BusType: int = _BUS_SCSI
    m_szVendorId: str = ""
    m_szProductId: str = ""
    m_szProductRevision: str = ""
    m_szSerialNumber: str = ""
    m_diskSignature: uuid.UUID = GUID_NULL


def copy_lun(lun: VDS_LUN_INFORMATION) -> VDS_LUN_INFORMATION:
    """An independent copy of ``lun`` (what VSS keeps is never the provider's to change)."""
    return attrs.evolve(lun)


def volume_luns(volume: Volume) -> tuple[list[str], list[VDS_LUN_INFORMATION]]:
    """The devices and descriptions of the LUNs ``volume`` lies on: one LUN [INF]."""
    number = re.search(r"(\d+)$", volume.device)
    disk = int(number.group(1)) - 2 if number is not None else 0
    guid = re.search(r"\{([0-9a-fA-F-]{36})\}", volume.guid_path)
    signature = uuid.UUID(guid.group(1)) if guid is not None else GUID_NULL
    lun = VDS_LUN_INFORMATION(
        m_szVendorId="SIMVSS",
        m_szProductId="Simulated LUN",
        m_szProductRevision="1.0",
        m_szSerialNumber=f"SIM{signature.hex[:12].upper()}",
        m_diskSignature=signature,
    )
    return [f"\\\\.\\PHYSICALDRIVE{disk}"], [lun]


class VssHardwareProvider(VssProvider):
    """A hardware provider (IVssHardwareSnapshotProvider and Ex). Subclass it and override what
    your array does; the defaults take every volume, describe each shadow LUN as its original
    with a serial number of its own, and do nothing else. Methods raise ``VssError`` to fail."""

    provider_name = "Simulated hardware provider"
    provider_type = VSS_PROVIDER_TYPE.VSS_PROV_HARDWARE

    # -- IVssHardwareSnapshotProvider ------------------------------------------------------------

    def AreLunsSupported(
        self,
        lun_count: int,
        context: int,
        devices: list[str],
        lun_information: list[VDS_LUN_INFORMATION],
    ) -> bool:
        """Whether every LUN of a volume being added to the set can be shadowed in ``context``."""
        return True

    def FillInLunInfo(self, device_name: str, lun_info: VDS_LUN_INFORMATION) -> bool:
        """Whether the provider supports the disk ``device_name``; it may correct omissions in
        ``lun_info`` (after LocateLuns, and before OnLunEmpty)."""
        return True

    def BeginPrepareSnapshot(  # type: ignore[override]
        self,
        snapshot_set_id: uuid.UUID,
        snapshot_id: uuid.UUID,
        context: int,
        lun_count: int,
        device_names: list[str],
        lun_information: list[VDS_LUN_INFORMATION],
    ) -> None:
        """Start preparing one volume's copy (the hardware argument order, §9)."""

    def GetTargetLuns(
        self,
        lun_count: int,
        device_names: list[str],
        source_luns: list[VDS_LUN_INFORMATION],
        destination_luns: list[VDS_LUN_INFORMATION],
    ) -> None:
        """Describe the new shadow LUNs in ``destination_luns``, one for each source LUN
        (called after PostCommitSnapshots)."""
        for source, destination in zip(source_luns, destination_luns, strict=True):
            shadow = attrs.evolve(source, m_szSerialNumber=f"{source.m_szSerialNumber}-SHADOW")
            for field in attrs.fields(VDS_LUN_INFORMATION):
                setattr(destination, field.name, getattr(shadow, field.name))

    def LocateLuns(self, lun_count: int, source_luns: list[VDS_LUN_INFORMATION]) -> None:
        """Make the shadow LUNs of a set being imported visible to this machine (unmask them)."""

    def OnLunEmpty(self, device_name: str, information: VDS_LUN_INFORMATION) -> None:
        """A shadow LUN holds no copy any more: the provider may reclaim it."""

    # -- IVssHardwareSnapshotProviderEx ----------------------------------------------------------

    def GetProviderCapabilities(self) -> int:
        """Reserved for future use: VSS never calls it."""
        raise VssNotImplemented("GetProviderCapabilities is reserved for future use")

    def OnLunStateChange(
        self,
        snapshot_luns: list[VDS_LUN_INFORMATION],
        original_luns: list[VDS_LUN_INFORMATION],
        count: int,
        flags: int,
    ) -> None:
        """The shadow LUNs change state (``flags``: VSS_ONLUNSTATECHANGE_*)."""

    def ResyncLuns(
        self,
        source_luns: list[VDS_LUN_INFORMATION],
        target_luns: list[VDS_LUN_INFORMATION],
        count: int,
    ) -> None:
        """Copy the shadow LUNs ``source_luns`` back onto ``target_luns`` (RecoverSet)."""

    def OnReuseLuns(
        self,
        snapshot_luns: list[VDS_LUN_INFORMATION],
        original_luns: list[VDS_LUN_INFORMATION],
        count: int,
    ) -> None:
        """Reserved for future use: VSS never calls it."""
        raise VssNotImplemented("OnReuseLuns is reserved for future use")
