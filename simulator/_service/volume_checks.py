"""Which provider shadows a volume in a context: the rows of ``VOLUME_RULES`` applied, then the
provider asked (docs/reference.md §3.2 row 10, §7.6, §9).

For GUID_NULL providers are tried in ``PROVIDER_SELECTION_ORDER``; a provider that a rule rules
out, or that does not support the volume, is skipped. VSS calls the provider's ``SetContext``
before its ``IsVolumeSupported``; a hardware provider is asked ``AreLunsSupported`` instead.
"""

from __future__ import annotations

import uuid
from typing import Protocol

from .._rules.volumes import MAX_VOLUME_NESTING, VOLUME_RULES, VolumeCondition, VolumeRule
from .._vocabulary.enums import GUID_NULL, VSS_PROVIDER_TYPE, VSS_VOLUME_SNAPSHOT_ATTRIBUTES
from .._vocabulary.errors import (
    VssMaximumNumberOfSnapshotsReached,
    VssVolumeNotSupported,
    VssVolumeNotSupportedByProvider,
)
from .hardware_calls import luns_supported
from .hardware_provider import VssHardwareProvider
from .providers import Snapshot, VssProvider
from .records import Volume

__all__ = ["ProviderHost", "choose_provider", "provider_accepts", "ruled_out_by"]


class ProviderHost(Protocol):
    """What the choice needs of the machine."""

    snapshots: dict[uuid.UUID, Snapshot]

    @property
    def volumes(self) -> list[Volume]: ...

    def providers_for(self, provider_id: uuid.UUID) -> list[VssProvider]: ...


V = VolumeCondition
_A = VSS_VOLUME_SNAPSHOT_ATTRIBUTES
_PERSISTENT = int(_A.VSS_VOLSNAP_ATTR_PERSISTENT)
_CLIENT_ACCESSIBLE = int(_A.VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE)
_SYSTEM = VSS_PROVIDER_TYPE.VSS_PROV_SYSTEM


def _holds(
    machine: ProviderHost,
    rule: VolumeRule,
    provider: VssProvider | None,
    volume: Volume,
    context: int,
) -> bool:
    condition = rule.condition
    system = provider is not None and provider.provider_type is _SYSTEM
    if condition is V.LOCAL:
        return volume.local
    if condition is V.NOT_NESTED_TOO_DEEP:
        return volume.nesting <= MAX_VOLUME_NESTING
    if condition is V.PERSISTENT_ON_NTFS:
        return not (system and context & _PERSISTENT) or _ntfs(volume)
    if condition is V.NTFS_FOR_DIFF_AREA:
        return not system or any(_ntfs(v) for v in machine.volumes)
    if condition is V.CLIENT_ACCESSIBLE_BY_SYSTEM:
        return not context & _CLIENT_ACCESSIBLE or system
    raise AssertionError(f"VOLUME_RULES has a condition with no check: {condition}")


def _ntfs(volume: Volume) -> bool:
    return volume.file_system.upper() == "NTFS"


def ruled_out_by(
    machine: ProviderHost, provider: VssProvider | None, volume: Volume, context: int
) -> VolumeRule | None:
    """The first rule ``volume`` breaks in ``context`` (with ``provider``, for the provider
    rules; None checks only the rules that concern no provider)."""
    for rule in VOLUME_RULES:
        if rule.system_only and provider is None:
            continue
        if not _holds(machine, rule, provider, volume, context):
            return rule
    return None


def provider_accepts(
    machine: ProviderHost, provider: VssProvider, volume: Volume, context: int
) -> bool:
    """Whether the rules let ``provider`` shadow ``volume`` and the provider says it can."""
    if ruled_out_by(machine, provider, volume, context) is not None:
        return False
    if isinstance(provider, VssHardwareProvider):
        return luns_supported(provider, volume, context)
    try:
        provider.SetContext(context)
        return bool(provider.IsVolumeSupported(volume.name))
    except Exception:
        return False


def _why(rule: VolumeRule, volume: Volume) -> str:
    return (
        f"{volume.name} ({volume.file_system}) must be {rule.condition.value} "
        f"(docs/reference.md {rule.source})"
    )


def choose_provider(
    machine: ProviderHost, provider_id: uuid.UUID, volume: Volume, context: int
) -> VssProvider:
    """The provider for ``volume``; the rule's error when the volume itself is refused,
    VSS_E_VOLUME_NOT_SUPPORTED(_BY_PROVIDER) when no provider is left."""
    general = ruled_out_by(machine, None, volume, context)
    if general is not None:
        raise general.error(f"AddToSnapshotSet: {_why(general, volume)}")
    candidates = machine.providers_for(provider_id)
    for provider in candidates:
        if not provider_accepts(machine, provider, volume, context):
            continue
        existing = sum(
            1
            for s in machine.snapshots.values()
            if s.original_volume == volume.name and s.provider_id == provider.provider_id
        )
        if existing >= provider.max_snapshots_per_volume:
            raise VssMaximumNumberOfSnapshotsReached(
                f"{volume.name} holds {existing} shadow copies of "
                f"{provider.provider_name}, its limit (docs/reference.md §6)"
            )
        return provider
    reasons = []
    for provider in candidates:
        rule = ruled_out_by(machine, provider, volume, context)
        reason = _why(rule, volume) if rule is not None else "it does not support the volume"
        reasons.append(f"{provider.provider_name}: {reason}")
    detail = "; ".join(reasons)
    if provider_id == GUID_NULL:
        raise VssVolumeNotSupported(f"no provider supports {volume.name} here: {detail}")
    raise VssVolumeNotSupportedByProvider(
        f"{candidates[0].provider_name} does not support {volume.name} here: {detail}"
    )
