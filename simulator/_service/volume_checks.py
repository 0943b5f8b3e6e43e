"""Which provider shadows a volume in a context: the rows of ``VOLUME_RULES`` applied, then the
provider asked (docs/reference.md §3.2 row 10, §7.6, §9).

For GUID_NULL providers are tried in ``PROVIDER_SELECTION_ORDER``; a provider that a rule rules
out, or that does not support the volume, is skipped. VSS calls the provider's ``SetContext``
before its ``IsVolumeSupported``; a hardware provider is asked ``AreLunsSupported`` instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
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


#: A condition's check: (machine, whether the provider is the system provider, volume, context).
_Check = Callable[[ProviderHost, bool, Volume, int], bool]


def _local(machine: ProviderHost, system: bool, volume: Volume, context: int) -> bool:
    return volume.local


def _not_nested_too_deep(machine: ProviderHost, system: bool, volume: Volume, context: int) -> bool:
    return volume.nesting <= MAX_VOLUME_NESTING


def _persistent_on_ntfs(machine: ProviderHost, system: bool, volume: Volume, context: int) -> bool:
    return not (system and context & _PERSISTENT) or _ntfs(volume)


def _ntfs_for_diff_area(machine: ProviderHost, system: bool, volume: Volume, context: int) -> bool:
    return not system or any(_ntfs(other) for other in machine.volumes)


def _client_accessible_by_system(
    machine: ProviderHost, system: bool, volume: Volume, context: int
) -> bool:
    return not context & _CLIENT_ACCESSIBLE or system


_CHECKS: dict[VolumeCondition, _Check] = {
    V.LOCAL: _local,
    V.NOT_NESTED_TOO_DEEP: _not_nested_too_deep,
    V.PERSISTENT_ON_NTFS: _persistent_on_ntfs,
    V.NTFS_FOR_DIFF_AREA: _ntfs_for_diff_area,
    V.CLIENT_ACCESSIBLE_BY_SYSTEM: _client_accessible_by_system,
}


def _rows(rules: Iterable[VolumeRule]) -> tuple[tuple[VolumeRule, _Check], ...]:
    """The rules with their checks, in table order."""
    rows = []
    for rule in rules:
        check = _CHECKS.get(rule.condition)
        if check is None:
            raise AssertionError(f"VOLUME_RULES has a condition with no check: {rule.condition}")
        rows.append((rule, check))
    return tuple(rows)


#: the rules that concern no provider, those that do, and every rule, with their checks
_GENERAL_ROWS = _rows(rule for rule in VOLUME_RULES if not rule.system_only)
_PROVIDER_ROWS = _rows(rule for rule in VOLUME_RULES if rule.system_only)
_ALL_ROWS = _rows(VOLUME_RULES)


def _ntfs(volume: Volume) -> bool:
    return volume.file_system.upper() == "NTFS"


def ruled_out_by(
    machine: ProviderHost, provider: VssProvider | None, volume: Volume, context: int
) -> VolumeRule | None:
    """The first rule ``volume`` breaks in ``context`` (with ``provider``, for the provider
    rules; None checks only the rules that concern no provider)."""
    if provider is None:
        rows = _GENERAL_ROWS
        system = False
    else:
        rows = _ALL_ROWS
        system = provider.provider_type is _SYSTEM
    for rule, check in rows:
        if not check(machine, system, volume, context):
            return rule
    return None


def provider_accepts(
    machine: ProviderHost, provider: VssProvider, volume: Volume, context: int
) -> bool:
    """Whether the rules let ``provider`` shadow ``volume`` and the provider says it can."""
    return _accepts(machine, provider, volume, context, _ALL_ROWS)


def _accepts(
    machine: ProviderHost,
    provider: VssProvider,
    volume: Volume,
    context: int,
    rows: tuple[tuple[VolumeRule, _Check], ...],
) -> bool:
    """``provider_accepts`` with the rules of ``rows`` (all of them, or only the provider rules
    once the others are known to hold)."""
    system = provider.provider_type is _SYSTEM
    for _rule, check in rows:
        if not check(machine, system, volume, context):
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
        # The rules that concern no provider hold: only the provider rules are left to check.
        if not _accepts(machine, provider, volume, context, _PROVIDER_ROWS):
            continue
        name = volume.name
        own_id = provider.provider_id
        existing = 0
        for snapshot in machine.snapshots.values():
            if snapshot.original_volume == name and snapshot.provider_id == own_id:
                existing += 1
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
