"""Deleting a volume's shadow copy storage association (``VssSystem.delete_shadow_storage``,
simulator/_service/diff_area.py; docs/reference.md §10.5 and the [INF] policy in docs/design.md):
the association goes, the system provider's copies of its volume go with it, and the next copy
makes a new association on the volume itself."""

from __future__ import annotations

import uuid

import pytest

from simulator import (
    VSS_CTX_NAS_ROLLBACK,
    VSS_E_OBJECT_NOT_FOUND,
    TraceKind,
    VssObjectNotFound,
    VssSystem,
)
from tests.helpers import settle

GB = 1024**3
MB = 1024**2


def _copy(system: VssSystem, volume: str) -> uuid.UUID:
    """One writerless persistent copy of ``volume``."""
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(VSS_CTX_NAS_ROLLBACK)
        bc.StartSnapshotSet()
        snapshot_id = bc.AddToSnapshotSet(volume)
        op = bc.DoSnapshotSet()
        settle(op)
        assert op.error is None, op.error
    return snapshot_id


def _copies(system: VssSystem, volume: str) -> list[uuid.UUID]:
    return [s.snapshot_id for s in system.shadow_copies() if s.original_volume == volume]


def _associations(system: VssSystem) -> list[tuple[str, str, int | None]]:
    return [(v.name, s.name, m) for v, s, m in system.shadow_storage_associations()]


def test_deleting_the_association_deletes_the_copies_it_holds(system: VssSystem) -> None:
    system.add_volume("D:\\", size_bytes=10 * GB)
    system.add_volume("E:\\", size_bytes=10 * GB)
    system.resize_shadow_storage("D:\\", 2 * GB, "E:\\")
    first, second = _copy(system, "D:\\"), _copy(system, "D:\\")
    system.write_volume("D:\\", 512 * MB)
    kept = _copy(system, "C:\\")
    assert _associations(system) == [("D:\\", "E:\\", 2 * GB), ("C:\\", "C:\\", None)]

    assert system.delete_shadow_storage("D:\\", "E:\\") == [first, second]

    assert _copies(system, "D:\\") == []
    assert _copies(system, "C:\\") == [kept]
    assert _associations(system) == [("C:\\", "C:\\", None)]
    text = system.shadow_storage_text("list shadowstorage /on=E:")
    assert text.endswith("\nNo items found that satisfy the query.\n")
    deleted = [r for r in system.trace if r.name == "shadow copy deleted"]
    assert [r.kind for r in deleted] == [TraceKind.FAULT, TraceKind.FAULT]
    assert [r.detail for r in deleted] == [
        f"copy {copy} of D:\\: the shadow copy storage association of D:\\ was deleted"
        for copy in (first, second)
    ]


def test_without_on_the_association_of_for_is_deleted_wherever_it_is(system: VssSystem) -> None:
    system.add_volume("D:\\")
    system.resize_shadow_storage("C:\\", None, "D:\\")
    copy = _copy(system, "C:\\")
    assert system.delete_shadow_storage("C:\\") == [copy]
    assert _associations(system) == []


def test_the_next_copy_makes_a_new_association_on_the_volume_itself(system: VssSystem) -> None:
    """[INF] docs/design.md: as at the volume's first copy; the old maximum is not kept."""
    system.add_volume("D:\\")
    system.resize_shadow_storage("C:\\", 1 * GB, "D:\\")
    system.delete_shadow_storage("C:\\")
    again = _copy(system, "C:\\")
    assert _associations(system) == [("C:\\", "C:\\", None)]
    assert _copies(system, "C:\\") == [again]


def test_no_such_association_is_object_not_found_and_changes_nothing(system: VssSystem) -> None:
    system.add_volume("D:\\")
    with pytest.raises(VssObjectNotFound) as none:
        system.delete_shadow_storage("D:\\")
    assert none.value.hresult == VSS_E_OBJECT_NOT_FOUND == 0x80042308
    assert "D:\\ has no shadow copy storage association to delete" in str(none.value)
    copy = _copy(system, "C:\\")
    with pytest.raises(VssObjectNotFound) as elsewhere:
        system.delete_shadow_storage("C:\\", "D:\\")
    assert "its association is on C:\\" in str(elsewhere.value)
    assert _copies(system, "C:\\") == [copy]
    assert _associations(system) == [("C:\\", "C:\\", None)]
    with pytest.raises(ValueError, match="no volume 'Q:'"):
        system.delete_shadow_storage("Q:")


def test_system_vssadmin_leaves_the_deletion_to_the_command(system: VssSystem) -> None:
    """``system.vssadmin`` answers listings only; ``vss-sim vssadmin`` runs the deletion."""
    _copy(system, "C:\\")
    with pytest.raises(ValueError, match="run it with the vss-sim vssadmin command"):
        system.vssadmin("delete shadowstorage /for=C:")
    assert len(_copies(system, "C:\\")) == 1
