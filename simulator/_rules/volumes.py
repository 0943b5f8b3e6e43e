"""Which volume a snapshot context may shadow, and with which provider (docs/reference.md §7.6,
§3.2 row 10, §9).

``VOLUME_RULES`` are checked by AddToSnapshotSet in this order. A rule whose ``system_only`` is
set constrains the system provider (or says only it may serve the context): for GUID_NULL such a
provider is skipped, and when no provider is left the volume is VSS_E_VOLUME_NOT_SUPPORTED; an
explicitly named provider is VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER. The other rules refuse the
volume whatever the provider, with their own error.
"""

from __future__ import annotations

import enum
from typing import Final

import attrs

from .._vocabulary.errors import (
    VssError,
    VssNestedVolumeLimit,
    VssVolumeNotLocal,
    VssVolumeNotSupported,
)

__all__ = [
    "MAX_VOLUME_NESTING",
    "VOLUME_RULES",
    "VolumeCondition",
    "VolumeRule",
]

#: How deep a volume may sit in nested virtual disks: a VHD on a physical disk is depth 1
#: (§5 VSS_E_NESTED_VOLUME_LIMIT; the depth is [INF]).
MAX_VOLUME_NESTING: Final = 1


class VolumeCondition(enum.Enum):
    """A condition a volume must meet; the value completes "the volume must be ..."."""

    __hash__ = object.__hash__

    LOCAL = "mounted locally on this machine"
    NOT_NESTED_TOO_DEEP = f"at most {MAX_VOLUME_NESTING} virtual disk deep"
    PERSISTENT_ON_NTFS = "NTFS for a persistent shadow copy (system provider)"
    NTFS_FOR_DIFF_AREA = "on a machine with an NTFS volume to hold the diff area (system provider)"
    CLIENT_ACCESSIBLE_BY_SYSTEM = "shadowed by the system provider in a client-accessible context"


@attrs.frozen
class VolumeRule:
    """One row: the condition, whether it concerns the provider choice, the error, the source."""

    condition: VolumeCondition
    system_only: bool
    error: type[VssError]
    source: str


V = VolumeCondition

#: The rules AddToSnapshotSet applies, in order.
VOLUME_RULES: tuple[VolumeRule, ...] = (
    VolumeRule(V.LOCAL, False, VssVolumeNotLocal, "§5"),
    VolumeRule(V.NOT_NESTED_TOO_DEEP, False, VssNestedVolumeLimit, "§3.2 row 10, §5"),
    VolumeRule(V.PERSISTENT_ON_NTFS, True, VssVolumeNotSupported, "§7.6"),
    VolumeRule(V.NTFS_FOR_DIFF_AREA, True, VssVolumeNotSupported, "§7.6, §9"),
    VolumeRule(V.CLIENT_ACCESSIBLE_BY_SYSTEM, True, VssVolumeNotSupported, "§7.6"),
)
