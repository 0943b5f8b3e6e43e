"""The system provider's shadow storage: one diff area per shadowed volume (docs/reference.md §6,
§9, §10.5).

A diff area lives on a storage volume (the shadowed volume itself unless ``resize`` names
another), may grow up to its maximum size (UNBOUNDED by default) and never beyond the storage
volume's free space. Copy-on-write puts the old contents of every block written to a volume into
the diff area of its newest shadow copy. When the diff area cannot hold what it must, shadow
copies of the volume are deleted, oldest first (§6); creating a copy needs room for a minimum
diff area (32 MB for a volume under 500 MB, 320 MB otherwise, by Windows version) beside what the
copies use, and with no copy left to delete creation fails with VSS_E_INSUFFICIENT_STORAGE.
``vssadmin delete shadowstorage`` removes a volume's association (§10.5); one that does not
exist, or is on another storage volume than the one named, is VSS_E_OBJECT_NOT_FOUND.

Policies where the documentation is silent ([INF], docs/design.md):
* The default maximum size is UNBOUNDED (the storage volume's free space).
* Every byte written to a shadowed volume lands in its newest copy's diff area once.
* A copy deleted to make room is deleted by the system provider itself: no DeleteSnapshot call,
  a FAULT record in the trace.
* Deleting an association deletes the system provider's copies of its volume, whose data lives
  in it, the same way (a FAULT record each, oldest first); the next copy of the volume makes a
  new association on the volume itself, as its first copy did.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from .._engine.recorder import TraceRecorder
from .._engine.trace import TraceKind
from .._rules.limits import SMALL_VOLUME_BYTES
from .._rules.versions import WindowsVersion
from .._vocabulary.enums import VSS_SNAPSHOT_STATE
from .._vocabulary.errors import VssInsufficientStorage, VssInvalidArg, VssObjectNotFound
from .providers import SYSTEM_PROVIDER_ID, Snapshot
from .records import Volume

__all__ = ["DiffArea", "ShadowStorage"]


class DiffArea:
    """The diff area of one volume: where it is stored, its maximum, and what each copy uses."""

    __slots__ = ("max_bytes", "storage", "used", "used_bytes", "volume")

    def __init__(self, volume: Volume, storage: Volume, max_bytes: int | None) -> None:
        self.volume = volume
        self.storage = storage
        #: None: UNBOUNDED
        self.max_bytes = max_bytes
        #: snapshot id -> bytes of its diff area
        self.used: dict[uuid.UUID, int] = {}
        #: what the copies use together (the sum of ``used``)
        self.used_bytes = 0

    def use(self, snapshot_id: uuid.UUID, size: int) -> None:
        """``size`` more bytes in the diff area of copy ``snapshot_id``."""
        self.used[snapshot_id] = self.used.get(snapshot_id, 0) + size
        self.used_bytes += size


class ShadowStorage:
    """Every diff area of one machine, over the machine's shadow copies."""

    def __init__(
        self,
        snapshots: dict[uuid.UUID, Snapshot],
        recorder: TraceRecorder,
        version: Callable[[], WindowsVersion],
        find_volume: Callable[[str], Volume | None],
    ) -> None:
        self._find_volume = find_volume
        self._snapshots = snapshots
        self._recorder = recorder
        self._version = version
        self._areas: dict[str, DiffArea] = {}
        #: volume name -> bytes of data on it
        self.data: dict[str, int] = {}

    # -- configuration (vssadmin add / resize shadowstorage) -----------------------------------

    def area(self, volume: Volume) -> DiffArea:
        """The diff area of ``volume``, created on first use (stored on the volume itself)."""
        area = self._areas.get(volume.name)
        if area is None:
            area = self._areas[volume.name] = DiffArea(volume, volume, None)
        return area

    def areas(self) -> list[DiffArea]:
        """The diff areas in use, in the order they were made."""
        return list(self._areas.values())

    def delete(self, volume: Volume, storage: Volume | None = None) -> list[Snapshot]:
        """Remove the association of ``volume`` (which must be on ``storage`` when given) and
        the copies whose diff area it holds, oldest first; the deleted copies are returned."""
        area = self._areas.get(volume.name)
        if area is None:
            raise VssObjectNotFound(
                f"{volume.name} has no shadow copy storage association to delete "
                "(docs/reference.md §10.5)"
            )
        if storage is not None and area.storage is not storage:
            raise VssObjectNotFound(
                f"{volume.name} has no shadow copy storage association on {storage.name}; its "
                f"association is on {area.storage.name} (docs/reference.md §10.5)"
            )
        reason = f"the shadow copy storage association of {volume.name} was deleted"
        deleted = [self._delete_copy(copy, reason) for copy in self.copies_of(volume)]
        del self._areas[volume.name]
        return deleted

    def resize(self, volume: Volume, max_bytes: int | None, storage: Volume | None = None) -> None:
        """Set the maximum size (None: UNBOUNDED) and optionally the storage volume; copies that
        no longer fit are deleted, oldest first."""
        if max_bytes is not None and max_bytes < 1:
            raise VssInvalidArg(f"the maximum diff area size must be positive, got {max_bytes}")
        area = self.area(volume)
        area.max_bytes = max_bytes
        if storage is not None:
            area.storage = storage
        self._make_room(area, 0, "the diff area was resized")

    def minimum(self, volume: Volume) -> int:
        """The smallest diff area of ``volume`` on this Windows version (§6)."""
        version = self._version()
        if volume.size_bytes < SMALL_VOLUME_BYTES:
            return version.min_diff_area_small
        return version.min_diff_area_large

    def free_bytes(self, volume: Volume) -> int:
        """Free space on ``volume``: its size less its data and the diff areas it stores."""
        stored = 0
        for area in self._areas.values():
            if area.storage is volume:
                stored += area.used_bytes
        free = volume.size_bytes - self.data.get(volume.name, 0) - stored
        return free if free > 0 else 0

    def limit(self, area: DiffArea) -> int:
        """How large ``area`` may grow now."""
        room = area.used_bytes + self.free_bytes(area.storage)
        return room if area.max_bytes is None else min(area.max_bytes, room)

    # -- what happens on the volume -----------------------------------------------------------

    def add_data(self, volume: Volume, size: int) -> None:
        """``size`` new bytes of data on ``volume`` (it has less room for diff areas)."""
        free = self.free_bytes(volume)
        if size > free:
            raise VssInsufficientStorage(
                f"{volume.name} has {free} bytes free; cannot add {size} bytes of data"
            )
        self.data[volume.name] = self.data.get(volume.name, 0) + size

    def write(self, volume: Volume, size: int) -> None:
        """``size`` bytes overwritten on ``volume``: copy-on-write into its newest copy's diff
        area; copies are deleted, oldest first, while the diff area does not fit (§6)."""
        copies = self.copies_of(volume)
        if not copies:
            return
        area = self.area(volume)
        newest = copies[-1].snapshot_id
        area.use(newest, size)
        self._make_room(area, 0, f"{size} bytes written to {volume.name}")

    def reserve(self, volume: Volume) -> None:
        """Room for one more copy of ``volume`` (BeginPrepareSnapshot of the system provider):
        a minimum diff area must fit beside what the copies use, after deleting the oldest
        copies if need be."""
        area = self._areas.get(volume.name) or self.area(volume)
        minimum = self.minimum(volume)
        # ``used_bytes + minimum <= limit(area)``, unfolded: the minimum fits in the free
        # space of the storage volume and under the maximum size.
        max_bytes = area.max_bytes
        if minimum <= self.free_bytes(area.storage) and (
            max_bytes is None or area.used_bytes + minimum <= max_bytes
        ):
            return  # room enough: no copy to delete
        self._make_room(area, minimum, f"a new shadow copy of {volume.name}")
        if area.used_bytes + minimum > self.limit(area):
            raise VssInsufficientStorage(
                f"the diff area of {volume.name} on {area.storage.name} cannot hold the minimum "
                f"of {minimum} bytes (maximum {_size(area.max_bytes)}, "
                f"{self.free_bytes(area.storage)} bytes free) (docs/reference.md §6)"
            )

    def reserve_named(self, volume: str) -> None:
        """``reserve`` for the volume named ``volume`` (the system provider's view)."""
        found = self._find_volume(volume)
        if found is not None:
            self.reserve(found)

    def forget(self, snapshot_id: uuid.UUID) -> None:
        """A copy was deleted: its diff area is free again."""
        for area in self._areas.values():
            if area.used:
                size = area.used.pop(snapshot_id, None)
                if size is not None:
                    area.used_bytes -= size

    def copies_of(self, volume: Volume) -> list[Snapshot]:
        """The system provider's copies of ``volume``, oldest first."""
        return [
            s
            for s in self._snapshots.values()
            if s.original_volume == volume.name and s.provider_id == SYSTEM_PROVIDER_ID
        ]

    def delete_oldest(self, volume: Volume, reason: str) -> Snapshot:
        """Delete the oldest system-provider copy of ``volume``; FAULT in the trace."""
        copies = self.copies_of(volume)
        if not copies:
            raise VssObjectNotFound(f"{volume.name} has no shadow copy to delete")
        return self._delete_copy(copies[0], reason, "oldest ")

    def _delete_copy(self, copy: Snapshot, reason: str, which: str = "") -> Snapshot:
        """The system provider deletes ``copy`` itself; FAULT in the trace."""
        copy.state = VSS_SNAPSHOT_STATE.VSS_SS_DELETED
        del self._snapshots[copy.snapshot_id]
        self.forget(copy.snapshot_id)
        self._recorder.record(
            TraceKind.FAULT,
            "shadow copy deleted",
            None,
            None,
            detail=f"{which}copy {copy.snapshot_id} of {copy.original_volume}: {reason}",
        )
        return copy

    def _make_room(self, area: DiffArea, extra: int, reason: str) -> None:
        while self.copies_of(area.volume) and area.used_bytes + extra > self.limit(area):
            self.delete_oldest(area.volume, f"its diff area is full ({reason})")


def _size(value: int | None) -> str:
    return "UNBOUNDED" if value is None else f"{value} bytes"
