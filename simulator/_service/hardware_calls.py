"""What VSS calls on a hardware provider, and when (docs/reference.md §9): the LUN calls of adding a
volume, creating, deleting, importing, breaking and resynchronizing a set. Every call but
AreLunsSupported goes through ``call_provider`` (traced, codes converted); AreLunsSupported is
asked as IsVolumeSupported is, and an exception from it means the volume is not supported.

Policies where the documentation is silent ([INF], docs/design.md):
* GetTargetLuns is called for each of the provider's volumes once the writers are thawed, before
  PreFinalCommitSnapshots (the documentation: "after PostCommitSnapshots").
* A transportable copy is imported when FillInLunInfo supports each of its shadow LUNs and leaves
  the description as GetTargetLuns gave it; when only some copies are, ImportSnapshots fails with
  VSS_E_SOME_SNAPSHOTS_NOT_IMPORTED (the failing form of VSS_S_SOME_SNAPSHOTS_NOT_IMPORTED), when
  none with VSS_E_NO_SNAPSHOTS_IMPORTED.
* BreakSnapshotSetEx tells an Ex provider of the change with one OnLunStateChange per copy:
  VSS_BREAKEX_FLAG_MASK_LUNS as VSS_ONLUNSTATECHANGE_DO_MASK_LUNS, VSS_BREAKEX_FLAG_MAKE_READ_WRITE
  as VSS_ONLUNSTATECHANGE_NOTIFY_READ_WRITE; with neither flag no call.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from .._engine.recorder import TraceRecorder
from .._engine.scheduler import GreenletExit
from .._engine.trace import TraceKind, ViolationRule
from .._vocabulary.errors import VssNoSnapshotsImported, VssSomeSnapshotsNotImported
from .._vocabulary.printing import describe
from .hardware_provider import VSS_HARDWARE_OPTIONS, VssHardwareProvider, copy_lun, volume_luns
from .provider_calls import ProviderCalls, call_provider
from .providers import Snapshot, VssProvider
from .records import Session, Volume, record_violation

__all__ = [
    "break_copies",
    "delete_copy",
    "describe_targets",
    "import_copies",
    "is_hardware",
    "luns_supported",
    "prepare_arguments",
    "resync_copy",
]

_O = VSS_HARDWARE_OPTIONS
_BREAK_TO_STATE = (
    (_O.VSS_BREAKEX_FLAG_MASK_LUNS, _O.VSS_ONLUNSTATECHANGE_DO_MASK_LUNS),
    (_O.VSS_BREAKEX_FLAG_MAKE_READ_WRITE, _O.VSS_ONLUNSTATECHANGE_NOTIFY_READ_WRITE),
)


def is_hardware(provider: VssProvider | None) -> bool:
    """Whether ``provider`` is driven through the hardware provider's calls."""
    return isinstance(provider, VssHardwareProvider)


def luns_supported(provider: VssHardwareProvider, volume: Volume, context: int) -> bool:
    """AreLunsSupported for the LUNs ``volume`` lies on (AddToSnapshotSet, IsVolumeSupported)."""
    devices, luns = volume_luns(volume)
    try:
        return bool(provider.AreLunsSupported(len(luns), context, devices, luns))
    except Exception:
        return False


def prepare_arguments(
    provider: VssProvider,
    snapshot_set_id: uuid.UUID,
    snapshot_id: uuid.UUID,
    volume: Volume,
    context: int,
) -> tuple[Any, ...]:
    """BeginPrepareSnapshot's arguments in the provider's documented order: the hardware one
    (SnapshotSetId, SnapshotId, lContext, lLunCount, rgDeviceNames, rgLunInformation) or the
    software one (SnapshotSetId, SnapshotId, VolumeName, NewContext)."""
    if isinstance(provider, VssHardwareProvider):
        devices, luns = volume_luns(volume)
        return (snapshot_set_id, snapshot_id, context, len(luns), devices, luns)
    return (snapshot_set_id, snapshot_id, volume.name, context)


def describe_targets(recorder: TraceRecorder, session: Session) -> None:
    """GetTargetLuns for each copy of a hardware provider in the set just committed; the shadow
    LUNs it describes are kept with the copy."""
    for plan in session.planned.values():
        snapshot = plan.snapshot
        if snapshot is None or not is_hardware(plan.provider):
            continue
        devices, source = volume_luns(plan.volume)
        destination = [type(lun)() for lun in source]
        call_provider(
            recorder, session, plan.provider, "GetTargetLuns", len(source), devices, source,
            destination,
        )  # fmt: skip
        snapshot.source_luns = source
        snapshot.target_luns = [copy_lun(lun) for lun in destination]


def delete_copy(
    calls: ProviderCalls, session: Session, provider: VssProvider, snapshot: Snapshot
) -> None:
    """Delete one copy: DeleteSnapshot to a software provider; FillInLunInfo, then OnLunEmpty,
    for each shadow LUN of a hardware provider's copy."""
    if not isinstance(provider, VssHardwareProvider):
        calls.call(session, provider, "DeleteSnapshot", (snapshot.snapshot_id,))
        return
    for lun in snapshot.target_luns:
        info = copy_lun(lun)
        _fill_in(calls.recorder, session, provider, snapshot.device, info)
        calls.call(session, provider, "OnLunEmpty", (snapshot.device, info))


def _fill_in(
    recorder: TraceRecorder,
    session: Session,
    provider: VssHardwareProvider,
    device: str,
    info: Any,
) -> bool:
    """FillInLunInfo, traced; VSS ignores its return code (§9), so a failure is "not
    supported". A BaseException is kept on the session, as any provider call's is
    (``ProviderCalls.call``), so the deletion or import around it still finishes first."""
    entry = recorder.record(
        TraceKind.PROVIDER, "FillInLunInfo", session.session_id, provider.provider_name
    )
    try:
        supported = bool(provider.FillInLunInfo(device, info))
    except GreenletExit:
        raise  # the machine is closing
    except BaseException as exc:
        supported = False
        entry.result = f"raised {type(exc).__name__}"
        if not isinstance(exc, Exception):
            record_violation(
                recorder,
                ViolationRule.PROVIDER_MISBEHAVED,
                f"{provider.provider_name}.FillInLunInfo raised {describe(exc)}",
                session=session,
            )
            if session.escaped is None:
                session.escaped = exc
    else:
        entry.result = "supported" if supported else "not supported"
    entry.end_ticks = recorder.now_ticks()
    return supported


def _surfaced(
    recorder: TraceRecorder, session: Session, provider: VssHardwareProvider, copy: Snapshot
) -> bool:
    for lun in copy.target_luns:
        arrived = copy_lun(lun)
        if not _fill_in(recorder, session, provider, copy.device, arrived) or arrived != lun:
            return False
    return True


def import_copies(
    recorder: TraceRecorder, session: Session, copies: Iterable[tuple[VssProvider, Snapshot]]
) -> list[Snapshot]:
    """The copies that arrive on this machine: a hardware provider's get LocateLuns (all its
    shadow LUNs at once), then FillInLunInfo per LUN; another provider's arrive as they are.
    Raises VSS_E_NO_SNAPSHOTS_IMPORTED or VSS_E_SOME_SNAPSHOTS_NOT_IMPORTED."""
    pending = list(copies)
    by_provider: dict[int, tuple[VssProvider, list[Snapshot]]] = {}
    for provider, copy in pending:
        by_provider.setdefault(id(provider), (provider, []))[1].append(copy)
    imported: list[Snapshot] = []
    for provider, group in by_provider.values():
        if not isinstance(provider, VssHardwareProvider):
            imported += group
            continue
        luns = [copy_lun(lun) for copy in group for lun in copy.target_luns]
        call_provider(recorder, session, provider, "LocateLuns", len(luns), luns)
        imported += [copy for copy in group if _surfaced(recorder, session, provider, copy)]
    if not imported:
        raise VssNoSnapshotsImported(
            "ImportSnapshots: no shadow LUN of the set arrived as GetTargetLuns described it "
            "(FillInLunInfo did not support it or changed its description)"
        )
    if len(imported) < len(pending):
        raise VssSomeSnapshotsNotImported(
            f"ImportSnapshots: {len(imported)} of {len(pending)} copies imported; the others' "
            "shadow LUNs did not arrive as GetTargetLuns described them"
        )
    return imported


def break_copies(
    recorder: TraceRecorder,
    session: Session,
    copies: Iterable[Snapshot],
    flags: int,
    find: Callable[[Snapshot], VssProvider | None],
) -> None:
    """OnLunStateChange for each copy whose LUNs BreakSnapshotSetEx masks or makes read-write."""
    state = 0
    for break_flag, state_flag in _BREAK_TO_STATE:
        if flags & break_flag:
            state |= state_flag
    if not state:
        return
    for copy in copies:
        provider = find(copy)
        if provider is None or not is_hardware(provider):
            continue
        call_provider(
            recorder, session, provider, "OnLunStateChange",
            [copy_lun(lun) for lun in copy.target_luns],
            [copy_lun(lun) for lun in copy.source_luns],
            len(copy.target_luns), int(state),
        )  # fmt: skip


def resync_copy(
    recorder: TraceRecorder,
    session: Session,
    provider: VssHardwareProvider,
    copy: Snapshot,
    destination: Volume | None,
) -> None:
    """ResyncLuns: the copy's shadow LUNs back onto the LUNs of ``destination`` (by default the
    original volume's)."""
    targets = volume_luns(destination)[1] if destination is not None else list(copy.source_luns)
    sources = [copy_lun(lun) for lun in copy.target_luns]
    call_provider(recorder, session, provider, "ResyncLuns", sources, targets, len(sources))
