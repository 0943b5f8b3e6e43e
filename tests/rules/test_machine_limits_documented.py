"""The machine's limits, volume rules and caller rights, with expected results written from the
documentation: docs/reference.md §6 (diff areas, copies per volume, client-accessible copies,
restore sessions), §8 (session slots), §7.6 and §5 (volume and context rules), §3.1 (rights),
§10.5 (shadow storage text). Literal data, never read from the model's tables.
"""

from __future__ import annotations

import uuid

import pytest

from simulator import (
    E_ACCESSDENIED,
    GUID_NULL,
    SYSTEM_PROVIDER_ID,
    VSS_BT_FULL,
    VSS_CTX_BACKUP,
    VSS_CTX_CLIENT_ACCESSIBLE,
    VSS_CTX_FILE_SHARE_BACKUP,
    VSS_CTX_NAS_ROLLBACK,
    VSS_E_BAD_STATE,
    VSS_E_INSUFFICIENT_STORAGE,
    VSS_E_NESTED_VOLUME_LIMIT,
    VSS_E_VOLUME_NOT_LOCAL,
    VSS_E_VOLUME_NOT_SUPPORTED,
    VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER,
    VSS_E_WRITER_STATUS_NOT_AVAILABLE,
    VSS_PROV_HARDWARE,
    VSS_PROV_SOFTWARE,
    VSS_WS_UNKNOWN,
    IVssBackupComponents,
    MachineLimits,
    TraceKind,
    VssBadState,
    VssError,
    VssProvider,
    VssSystem,
)
from tests.helpers import (
    QuietWriter,
    backup_xml,
    begin_backup,
    complete_backup,
    make_writer,
    settle,
)

MB = 1024 * 1024
GB = 1024 * MB


def _copy(system: VssSystem, volume: str, context: int = VSS_CTX_NAS_ROLLBACK) -> uuid.UUID:
    """One writerless copy of ``volume``; raises what DoSnapshotSet reports."""
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(context)
        bc.StartSnapshotSet()
        snapshot_id = bc.AddToSnapshotSet(volume)
        op = bc.DoSnapshotSet()
        settle(op)
        if op.error is not None:
            bc.AbortBackup()
            raise op.error
    return snapshot_id


def _on(system: VssSystem, volume: str) -> list[uuid.UUID]:
    return [s.snapshot_id for s in system.shadow_copies() if s.original_volume == volume]


# ---------------------------------------------------------------------------------------------
# Diff areas (§6, §10.5)
# ---------------------------------------------------------------------------------------------

#: §6: the smallest diff area on the newest versions: 32 MB under 500 MB, 320 MB otherwise.
MIN_DIFF_AREA = {"small": 32 * MB, "large": 320 * MB}


def test_diff_area_fills_deletes_oldest_then_creation_fails(system: VssSystem) -> None:
    """§6: "out of diff-area space: shadow copies are deleted, oldest first"; when even the
    minimum diff area cannot be had, creation fails with VSS_E_INSUFFICIENT_STORAGE."""
    system.add_volume("D:\\", size_bytes=2 * GB)
    system.resize_shadow_storage("D:\\", 1 * GB)
    first = _copy(system, "D:\\")
    system.write_volume("D:\\", 400 * MB)
    second = _copy(system, "D:\\")
    system.write_volume("D:\\", 400 * MB)
    # 800 MB used + the 320 MB minimum exceed the 1 GB maximum: the oldest copy goes.
    third = _copy(system, "D:\\")
    assert _on(system, "D:\\") == [second, third]
    assert first not in _on(system, "D:\\")
    system.write_volume("D:\\", 700 * MB)  # 400 + 700 > 1 GB: the next oldest goes
    assert _on(system, "D:\\") == [third]
    system.write_volume("D:\\", 2 * GB)  # more than the diff area can hold: the last goes
    assert _on(system, "D:\\") == []
    system.add_volume_data("D:\\", 1800 * MB)  # 248 MB free: less than the minimum
    with pytest.raises(VssError) as failed:
        _copy(system, "D:\\")
    assert failed.value.hresult == VSS_E_INSUFFICIENT_STORAGE == 0x8004231F
    deleted = [r for r in system.trace if r.name == "shadow copy deleted"]
    assert len(deleted) == 3
    assert all(r.kind is TraceKind.FAULT for r in deleted)


def test_diff_area_below_the_minimum(system: VssSystem) -> None:
    """§6: a maximum below the minimum diff area (320 MB on a large volume) cannot hold a copy."""
    system.add_volume("D:\\")
    system.resize_shadow_storage("D:\\", MIN_DIFF_AREA["large"] - 1)
    with pytest.raises(VssError) as failed:
        _copy(system, "D:\\")
    assert failed.value.hresult == VSS_E_INSUFFICIENT_STORAGE
    system.resize_shadow_storage("D:\\", MIN_DIFF_AREA["large"])
    _copy(system, "D:\\")
    system.add_volume("S:\\", size_bytes=400 * MB)  # a small volume: 32 MB minimum
    system.resize_shadow_storage("S:\\", MIN_DIFF_AREA["small"])
    _copy(system, "S:\\")


def test_shadow_storage_text(system: VssSystem) -> None:
    """§10.5: one association block per diff area, after the banner."""
    assert system.shadow_storage_text().endswith("No items found that satisfy the query.\n")
    d = system.add_volume("D:\\", size_bytes=10 * GB)
    system.resize_shadow_storage("D:\\", 1 * GB)
    _copy(system, "D:\\")
    system.write_volume("D:\\", 512 * MB)
    text = system.shadow_storage_text()
    assert text.startswith("vssadmin 1.1 - Volume Shadow Copy Service administrative")
    assert (
        "Shadow Copy Storage association\n"
        f"   For volume: (D:){d.guid_path}\n"
        f"   Shadow Copy Storage volume: (D:){d.guid_path}\n"
        "   Used Shadow Copy Storage space: 512 MB (5%)\n"
        "   Allocated Shadow Copy Storage space: 512 MB (5%)\n"
        "   Maximum Shadow Copy Storage space: 1 GB (10%)\n"
    ) in text
    assert system.shadow_storage_text("resize shadowstorage").endswith(
        "Successfully resized the shadow copy storage association\n"
    )


# ---------------------------------------------------------------------------------------------
# Writer session slots (§6 "up to 64 concurrent backup sessions", §8)
# ---------------------------------------------------------------------------------------------

#: §6 / §8: up to 64 concurrent backup sessions.
SESSIONS = 64


def _gathered(system: VssSystem) -> IVssBackupComponents:
    bc = system.CreateVssBackupComponents()
    bc.InitializeForBackup()
    bc.GatherWriterMetadata().Wait()
    return bc


def _probe(system: VssSystem) -> int:
    """How many writers a new session reaches (the probe is released at once)."""
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.GatherWriterMetadata().Wait()
        return bc.GetWriterMetadataCount()


def test_65_sessions_exhaust_a_writers_session_slots(system: VssSystem) -> None:
    """§8: running out of session slots gives VSS_E_WRITER_STATUS_NOT_AVAILABLE ([INF] where:
    the writer is left out of the 65th session and its status there carries the code)."""
    writer = make_writer(system)
    open_ = [_gathered(system) for _ in range(SESSIONS)]
    assert all(bc.GetWriterMetadataCount() == 1 for bc in open_)
    extra = _gathered(system)
    assert extra.GetWriterMetadataCount() == 0
    extra.GatherWriterStatus().Wait()
    status = extra.GetWriterStatusEx(0)
    assert (status.writer_name, status.state, status.hr_failure) == (
        "Quiet Writer",
        VSS_WS_UNKNOWN,
        VSS_E_WRITER_STATUS_NOT_AVAILABLE,
    )
    assert VSS_E_WRITER_STATUS_NOT_AVAILABLE == 0x80042409
    assert system.events(writer).count("OnIdentify") == SESSIONS
    open_.pop().Release()  # a slot is free again
    assert _gathered(system).GetWriterMetadataCount() == 1
    assert MachineLimits().writer_session_slots == SESSIONS


@pytest.mark.parametrize(("windows", "freed_by_backup_complete"), [("2008", False), ("2022", True)])
def test_backup_complete_frees_the_slot_from_2008_r2_on(
    windows: str, freed_by_backup_complete: bool
) -> None:
    """§8: GatherWriterStatus after BackupComplete frees the slot, required on 2008 SP2 and
    earlier; without it an old version keeps the slot even after Release."""
    with VssSystem(windows=windows, limits=MachineLimits(writer_session_slots=1)) as system:
        make_writer(system)
        with system.CreateVssBackupComponents() as bc:
            bc.InitializeForBackup()
            complete_backup(bc)
            assert (_probe(system) == 1) is freed_by_backup_complete
        assert (_probe(system) == 1) is freed_by_backup_complete
    with VssSystem(windows=windows, limits=MachineLimits(writer_session_slots=1)) as system:
        make_writer(system)
        with system.CreateVssBackupComponents() as bc:
            bc.InitializeForBackup()
            complete_backup(bc)
            bc.GatherWriterStatus().Wait()
            assert _probe(system) == 1


# ---------------------------------------------------------------------------------------------
# Restore sessions (§6, §8, §12)
# ---------------------------------------------------------------------------------------------

#: §6 / §12: restores beside backups: 1 on 2008, up to 8 from 2008 R2.
RESTORES = {"2008": 1, "2022": 8}


@pytest.mark.parametrize("windows", sorted(RESTORES))
def test_concurrent_restores_cap(windows: str) -> None:
    with VssSystem(windows=windows) as system:
        make_writer(system)
        xml = backup_xml(system)
        running = []
        for _ in range(RESTORES[windows]):
            bc = system.CreateVssBackupComponents()
            bc.InitializeForRestore(xml)
            running.append(bc)
        refused_one = system.CreateVssBackupComponents()
        with pytest.raises(VssBadState) as refused:
            refused_one.InitializeForRestore(xml)
        assert refused.value.hresult == VSS_E_BAD_STATE
        assert "fewer restore sessions in progress" in str(refused.value)
        running.pop().Release()
        system.CreateVssBackupComponents().InitializeForRestore(xml)


# ---------------------------------------------------------------------------------------------
# Copies per volume (§6)
# ---------------------------------------------------------------------------------------------

#: §6: client-accessible copies per volume: 64 by default (MaxShadowCopies, 1..512).
CLIENT_ACCESSIBLE_DEFAULT = 64


def test_client_accessible_copies_keep_the_newest() -> None:
    """§6: beyond MaxShadowCopies the oldest client-accessible copies are deleted ([INF])."""
    assert MachineLimits().max_client_accessible_copies == CLIENT_ACCESSIBLE_DEFAULT
    with VssSystem(limits=MachineLimits(max_client_accessible_copies=2)) as system:
        copies = [_copy(system, "C:\\", VSS_CTX_CLIENT_ACCESSIBLE) for _ in range(3)]
        assert _on(system, "C:\\") == copies[1:]
        persistent = _copy(system, "C:\\", VSS_CTX_NAS_ROLLBACK)  # not client-accessible
        assert _on(system, "C:\\") == [*copies[1:], persistent]
    with pytest.raises(ValueError):
        MachineLimits(max_client_accessible_copies=513)


# ---------------------------------------------------------------------------------------------
# Volume and context rules (§7.6, §5, §9)
# ---------------------------------------------------------------------------------------------


class Software(VssProvider):
    provider_id = uuid.UUID("55555555-5555-4555-8555-555555555555")
    provider_name = "Rule software provider"
    provider_type = VSS_PROV_SOFTWARE


class Hardware(VssProvider):
    provider_id = uuid.UUID("66666666-6666-4666-8666-666666666666")
    provider_name = "Rule hardware provider"
    provider_type = VSS_PROV_HARDWARE


def _add(system: VssSystem, volume: str, context: int, provider: uuid.UUID = GUID_NULL) -> int:
    """The HRESULT of AddToSnapshotSet (S_OK: the id's provider is returned as 0)."""
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(context)
        if not context & 0x10:  # writers: Gather first
            bc.SetBackupState(False, False, VSS_BT_FULL)
            bc.GatherWriterMetadata().Wait()
        bc.StartSnapshotSet()
        try:
            bc.AddToSnapshotSet(volume, provider)
        except VssError as exc:
            bc.AbortBackup()
            return exc.hresult
        bc.AbortBackup()
        return 0


def test_persistent_copies_are_ntfs_only(system: VssSystem) -> None:
    """§7.6: persistent copies are NTFS-only; non-persistent ones any local file system."""
    system.add_volume("F:\\", file_system="FAT32")
    assert _add(system, "F:\\", VSS_CTX_NAS_ROLLBACK) == VSS_E_VOLUME_NOT_SUPPORTED
    assert (
        _add(system, "F:\\", VSS_CTX_NAS_ROLLBACK, SYSTEM_PROVIDER_ID)
        == VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER
    )
    assert _add(system, "F:\\", VSS_CTX_FILE_SHARE_BACKUP) == 0
    assert _add(system, "F:\\", VSS_CTX_BACKUP) == 0


def test_client_accessible_contexts_are_the_system_providers(system: VssSystem) -> None:
    """§7.6: client-accessible copies are made by the system provider only."""
    system.register_provider(Software())
    system.register_provider(Hardware())
    assert (
        _add(system, "C:\\", VSS_CTX_CLIENT_ACCESSIBLE, Software.provider_id)
        == VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER
    )
    copy = _copy(system, "C:\\", VSS_CTX_CLIENT_ACCESSIBLE)
    (made,) = [s for s in system.shadow_copies() if s.snapshot_id == copy]
    assert made.provider_id == SYSTEM_PROVIDER_ID
    backup = _copy(system, "C:\\", VSS_CTX_NAS_ROLLBACK)  # otherwise hardware first (§9)
    (made,) = [s for s in system.shadow_copies() if s.snapshot_id == backup]
    assert made.provider_id == Hardware.provider_id


def test_volume_not_local_and_nested_too_deep(system: VssSystem) -> None:
    """§5: VSS_E_VOLUME_NOT_LOCAL, VSS_E_NESTED_VOLUME_LIMIT ([INF] deeper than one VHD)."""
    system.add_volume("R:\\", local=False)
    system.add_volume("V:\\", nesting=1)
    system.add_volume("W:\\", nesting=2)
    assert _add(system, "R:\\", VSS_CTX_BACKUP) == VSS_E_VOLUME_NOT_LOCAL == 0x8004232D
    assert _add(system, "V:\\", VSS_CTX_BACKUP) == 0
    assert _add(system, "W:\\", VSS_CTX_BACKUP) == VSS_E_NESTED_VOLUME_LIMIT == 0x8004232C


# ---------------------------------------------------------------------------------------------
# Caller rights (§3.1)
# ---------------------------------------------------------------------------------------------

#: §3.1: "no backup privilege, or not an administrator" is E_ACCESSDENIED.
CALLERS = {"administrator": True, "backup-operator": True, "user": False}


@pytest.mark.parametrize("caller", sorted(CALLERS))
def test_caller_rights(caller: str) -> None:
    with VssSystem(caller=caller) as system:
        make_writer(system)
        bc = system.CreateVssBackupComponents()
        if CALLERS[caller]:
            begin_backup(bc)
            bc.Release()
            return
        for call, args in (("InitializeForBackup", ()), ("InitializeForRestore", ("<x/>",))):
            with pytest.raises(VssError) as refused:
                getattr(bc, call)(*args)
            assert refused.value.hresult == E_ACCESSDENIED == 0x80070005
            assert f"the requester runs as {caller!r}" in str(refused.value)


def test_unknown_caller() -> None:
    with pytest.raises(ValueError, match="caller="):
        VssSystem(caller="guest")


def test_snapshot_device_name_needs_the_trailing_backslash(system: VssSystem) -> None:
    """§1.5: GetSnapshotDeviceName takes the volume name with its trailing backslash."""
    seen: dict[str, object] = {}

    class Asker(QuietWriter):
        def OnPostSnapshot(self, components: object) -> bool:
            seen["with"] = self.GetSnapshotDeviceName("C:\\")
            try:
                self.GetSnapshotDeviceName("C:")
            except VssError as exc:
                seen["without"] = exc.hresult
            return True

    make_writer(system, "Asker", cls=Asker)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        complete_backup(bc)
    assert str(seen["with"]).startswith("\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy")
    assert seen["without"] == 0x80070057  # E_INVALIDARG
