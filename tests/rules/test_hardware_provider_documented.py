"""The hardware provider's LUN calls, with expected results written from the documentation
(docs/reference.md §9: IVssHardwareSnapshotProvider and Ex): AreLunsSupported decides whether the
provider takes a volume, BeginPrepareSnapshot gets the LUNs in the hardware argument order,
GetTargetLuns comes after PostCommitSnapshots, an import is LocateLuns then FillInLunInfo, a
deletion FillInLunInfo then OnLunEmpty, BreakSnapshotSetEx's flags reach OnLunStateChange,
RecoverSet is ResyncLuns, and the reserved methods are never called.
"""

from __future__ import annotations

import uuid

import pytest

from simulator import (
    E_NOTIMPL,
    GUID_NULL,
    SYSTEM_PROVIDER_ID,
    VDS_LUN_INFORMATION,
    VSS_CTX_BACKUP,
    VSS_CTX_NAS_ROLLBACK,
    VSS_E_NO_SNAPSHOTS_IMPORTED,
    VSS_E_SOME_SNAPSHOTS_NOT_IMPORTED,
    VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER,
    VSS_HARDWARE_OPTIONS,
    VSS_OBJECT_SNAPSHOT,
    VSS_PROV_HARDWARE,
    VSS_PROV_SOFTWARE,
    VSS_S_ASYNC_FINISHED,
    VSS_VOLSNAP_ATTR_IMPORTED,
    VSS_VOLSNAP_ATTR_TRANSPORTABLE,
    TraceKind,
    VssError,
    VssHardwareProvider,
    VssProvider,
    VssSystem,
)
from tests.helpers import backup_xml, begin_backup, make_writer, settle

HW_ID = uuid.UUID("55555555-5555-4555-8555-555555555555")
SW_ID = uuid.UUID("66666666-6666-4666-8666-666666666666")
OPT = VSS_HARDWARE_OPTIONS
#: [INF] each volume lies on a LUN of its own, numbered from 0 in the order volumes were added:
#: C:\ is PHYSICALDRIVE0, D:\ 1, E:\ 2, F:\ 3.
DRIVE = {"C:\\": "\\\\.\\PHYSICALDRIVE0", "E:\\": "\\\\.\\PHYSICALDRIVE2"}
TRANSPORTABLE = VSS_CTX_NAS_ROLLBACK | VSS_VOLSNAP_ATTR_TRANSPORTABLE


class Array(VssHardwareProvider):
    """A storage array whose LUNs are E:\\ and F:\\ (PHYSICALDRIVE2, 3); it records VSS's calls."""

    provider_id = HW_ID
    provider_name = "Test storage array"

    def __init__(self, drives: tuple[str, ...] = ("2", "3")) -> None:
        self.log: list[tuple[str, tuple[object, ...]]] = []
        self.drives = drives
        self.not_arriving: set[str] = set()

    def _note(self, name: str, *args: object) -> None:
        self.log.append((name, args))

    def calls(self) -> list[str]:
        return [name for name, _ in self.log]

    def AreLunsSupported(
        self,
        lun_count: int,
        context: int,
        devices: list[str],
        lun_information: list[VDS_LUN_INFORMATION],
    ) -> bool:
        self._note("AreLunsSupported", lun_count, context, list(devices), list(lun_information))
        return all(device[-1] in self.drives for device in devices)

    def SetContext(self, context: int) -> None:
        self._note("SetContext", context)

    def IsVolumeSupported(self, volume: str) -> bool:
        self._note("IsVolumeSupported", volume)
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
        self._note(
            "BeginPrepareSnapshot",
            snapshot_set_id,
            snapshot_id,
            context,
            lun_count,
            list(device_names),
            list(lun_information),
        )

    def EndPrepareSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self._note("EndPrepareSnapshots")

    def PreCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self._note("PreCommitSnapshots")

    def CommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self._note("CommitSnapshots")

    def PostCommitSnapshots(self, snapshot_set_id: uuid.UUID, snapshots_count: int) -> None:
        self._note("PostCommitSnapshots")

    def GetTargetLuns(
        self,
        lun_count: int,
        device_names: list[str],
        source_luns: list[VDS_LUN_INFORMATION],
        destination_luns: list[VDS_LUN_INFORMATION],
    ) -> None:
        self._note("GetTargetLuns", lun_count, list(device_names), list(source_luns))
        for source, destination in zip(source_luns, destination_luns, strict=True):
            destination.m_szVendorId = "ARRAY"
            destination.m_szSerialNumber = f"CLONE-{source.m_szSerialNumber}"

    def PreFinalCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self._note("PreFinalCommitSnapshots")

    def PostFinalCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self._note("PostFinalCommitSnapshots")

    def LocateLuns(self, lun_count: int, source_luns: list[VDS_LUN_INFORMATION]) -> None:
        self._note("LocateLuns", lun_count, list(source_luns))

    def FillInLunInfo(self, device_name: str, lun_info: VDS_LUN_INFORMATION) -> bool:
        self._note("FillInLunInfo", device_name, lun_info.m_szSerialNumber)
        return lun_info.m_szSerialNumber not in self.not_arriving

    def OnLunEmpty(self, device_name: str, information: VDS_LUN_INFORMATION) -> None:
        self._note("OnLunEmpty", device_name, information.m_szSerialNumber)

    def DeleteSnapshot(self, snapshot_id: uuid.UUID) -> None:
        self._note("DeleteSnapshot", snapshot_id)

    def OnLunStateChange(
        self,
        snapshot_luns: list[VDS_LUN_INFORMATION],
        original_luns: list[VDS_LUN_INFORMATION],
        count: int,
        flags: int,
    ) -> None:
        self._note(
            "OnLunStateChange",
            [lun.m_szSerialNumber for lun in snapshot_luns],
            [lun.m_szSerialNumber for lun in original_luns],
            count,
            flags,
        )

    def ResyncLuns(
        self,
        source_luns: list[VDS_LUN_INFORMATION],
        target_luns: list[VDS_LUN_INFORMATION],
        count: int,
    ) -> None:
        self._note(
            "ResyncLuns",
            [lun.m_szSerialNumber for lun in source_luns],
            [lun.m_szSerialNumber for lun in target_luns],
            count,
        )


class Software(VssProvider):
    provider_id = SW_ID
    provider_name = "Test software provider"
    provider_type = VSS_PROV_SOFTWARE


@pytest.fixture
def array(system: VssSystem) -> Array:
    for name in ("D:\\", "E:\\", "F:\\"):
        system.add_volume(name)
    provider = Array()
    system.register_provider(provider)
    return provider


def _set(system: VssSystem, context: int, *volumes: str) -> tuple[uuid.UUID, str]:
    """A set of ``volumes`` in ``context`` made with a fresh object: (set id, the saved BCD)."""
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(context)
        set_id = bc.StartSnapshotSet()
        for volume in volumes:
            bc.AddToSnapshotSet(volume)
        bc.DoSnapshotSet().Wait()
        return set_id, bc.SaveAsXML()


def test_are_luns_supported_decides_whether_the_array_takes_a_volume(
    system: VssSystem, array: Array
) -> None:
    """§9 / AddToSnapshotSet: VSS asks AreLunsSupported with the volume's LUNs and the context;
    a hardware provider gets neither SetContext nor IsVolumeSupported [INF]."""
    with system.CreateVssBackupComponents() as bc:
        begin_backup(bc)
        bc.StartSnapshotSet()
        e_copy = bc.AddToSnapshotSet("E:\\")
        c_copy = bc.AddToSnapshotSet("C:\\")
        with pytest.raises(VssError) as refused:
            bc.AddToSnapshotSet("D:\\", HW_ID)
        assert refused.value.hresult == VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
        providers = {copy: bc.GetSnapshotProperties(copy).m_ProviderId for copy in (e_copy, c_copy)}
    assert providers == {e_copy: HW_ID, c_copy: SYSTEM_PROVIDER_ID}
    asked = [args for name, args in array.log if name == "AreLunsSupported"]
    lun_count, context, devices, [lun] = asked[0]
    assert (lun_count, context, devices) == (1, VSS_CTX_BACKUP, [DRIVE["E:\\"]])
    assert isinstance(lun, VDS_LUN_INFORMATION) and lun.m_version == 1 and lun.m_szSerialNumber
    assert [args[2] for args in asked] == [
        [DRIVE["E:\\"]],
        [DRIVE["C:\\"]],
        ["\\\\.\\PHYSICALDRIVE1"],
    ]
    assert "SetContext" not in array.calls() and "IsVolumeSupported" not in array.calls()


def test_creation_calls_in_the_documented_order(system: VssSystem, array: Array) -> None:
    """§9: BeginPrepareSnapshot(SnapshotSetId, SnapshotId, lContext, lLunCount, rgDeviceNames,
    rgLunInformation) per volume, the set-wide calls, then GetTargetLuns "after
    PostCommitSnapshots" (once the writers are thawed [INF]), then the final commits."""
    writer = make_writer(system)
    with system.CreateVssBackupComponents() as bc:
        begin_backup(bc)
        set_id = bc.StartSnapshotSet()
        copy = bc.AddToSnapshotSet("E:\\")
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
        session = bc.GetSessionId()
        assert array.calls()[1:] == [
            "BeginPrepareSnapshot",
            "EndPrepareSnapshots",
            "PreCommitSnapshots",
            "CommitSnapshots",
            "PostCommitSnapshots",
            "GetTargetLuns",
            "PreFinalCommitSnapshots",
            "PostFinalCommitSnapshots",
        ]
        [begin] = [args for name, args in array.log if name == "BeginPrepareSnapshot"]
        assert begin[:5] == (set_id, copy, VSS_CTX_BACKUP, 1, [DRIVE["E:\\"]])
        [get_target] = [args for name, args in array.log if name == "GetTargetLuns"]
        assert get_target[:2] == (1, [DRIVE["E:\\"]])
        assert get_target[2] == begin[5]  # the same source LUN descriptions
        (shadow,) = system.shadow_copies()
        assert [lun.m_szSerialNumber for lun in shadow.target_luns] == [
            f"CLONE-{begin[5][0].m_szSerialNumber}"
        ]
    order = [
        r.name
        for r in system.trace
        if r.session_id == session and r.name in ("OnThaw", "GetTargetLuns", "PostCommitSnapshots")
    ]
    assert order == ["PostCommitSnapshots", "OnThaw", "GetTargetLuns"]
    assert system.events(writer)[-1] == "OnBackupShutdown"


def test_deleting_a_hardware_copy_is_fill_in_then_lun_empty(
    system: VssSystem, array: Array
) -> None:
    """§9 OnLunEmpty: VSS calls FillInLunInfo "before OnLunEmpty" for each shadow LUN of a copy
    that goes; no software DeleteSnapshot."""
    _set(system, VSS_CTX_NAS_ROLLBACK, "E:\\")
    (shadow,) = system.shadow_copies()
    array.log.clear()
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(VSS_CTX_NAS_ROLLBACK)
        assert bc.DeleteSnapshots(shadow.snapshot_id, VSS_OBJECT_SNAPSHOT, True) == (1, GUID_NULL)
    serial = shadow.target_luns[0].m_szSerialNumber
    assert array.log == [
        ("FillInLunInfo", (shadow.device, serial)),
        ("OnLunEmpty", (shadow.device, serial)),
    ]
    assert system.shadow_copies() == []


def test_auto_release_copies_empty_their_luns_at_release(system: VssSystem, array: Array) -> None:
    """OnLunEmpty: a non-persistent auto-release copy goes when the requester releases its object."""
    with system.CreateVssBackupComponents() as bc:
        begin_backup(bc)
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("E:\\")
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
        array.log.clear()
    assert array.calls() == ["FillInLunInfo", "OnLunEmpty"]


def test_import_is_locate_luns_then_fill_in_lun_info(system: VssSystem, array: Array) -> None:
    """§9 LocateLuns: "called by VSS when a hardware shadow copy set is imported", with the LUNs
    GetTargetLuns described; then FillInLunInfo for each arriving LUN."""
    _, xml = _set(system, TRANSPORTABLE, "E:\\")
    (shadow,) = system.shadow_copies()
    array.log.clear()
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup(xml)
        assert settle(bc.ImportSnapshots()) == VSS_S_ASYNC_FINISHED
    [(name, (count, luns)), fill_in] = array.log
    assert (name, count, luns) == ("LocateLuns", 1, shadow.target_luns)
    assert fill_in == ("FillInLunInfo", (shadow.device, shadow.target_luns[0].m_szSerialNumber))
    assert shadow.attributes & VSS_VOLSNAP_ATTR_IMPORTED
    fills = [r for r in system.trace if r.kind is TraceKind.PROVIDER and r.name == "FillInLunInfo"]
    assert [r.result for r in fills] == ["supported"]


def test_luns_that_do_not_arrive_are_not_imported(system: VssSystem, array: Array) -> None:
    """§9 FillInLunInfo: a LUN the provider does not support, or whose description differs from
    GetTargetLuns', is not imported: some copies → VSS_E_SOME_SNAPSHOTS_NOT_IMPORTED, none →
    VSS_E_NO_SNAPSHOTS_IMPORTED [INF]."""
    _, xml = _set(system, TRANSPORTABLE, "E:\\", "F:\\")
    e_copy, f_copy = system.shadow_copies()
    array.not_arriving = {f_copy.target_luns[0].m_szSerialNumber}
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup(xml)
        assert settle(bc.ImportSnapshots()) == VSS_E_SOME_SNAPSHOTS_NOT_IMPORTED == 0x80042321
    array.not_arriving.add(e_copy.target_luns[0].m_szSerialNumber)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup(xml)
        assert settle(bc.ImportSnapshots()) == VSS_E_NO_SNAPSHOTS_IMPORTED == 0x80042320


@pytest.mark.parametrize(
    ("flags", "state"),
    [
        (OPT.VSS_BREAKEX_FLAG_MASK_LUNS, OPT.VSS_ONLUNSTATECHANGE_DO_MASK_LUNS),
        (OPT.VSS_BREAKEX_FLAG_MAKE_READ_WRITE, OPT.VSS_ONLUNSTATECHANGE_NOTIFY_READ_WRITE),
        (0, None),
    ],
)
def test_break_ex_tells_the_provider_of_the_lun_state(
    system: VssSystem, array: Array, flags: int, state: int | None
) -> None:
    """§9 Ex: OnLunStateChange(pSnapshotLuns, pOriginalLuns, dwCount, dwFlags) when
    BreakSnapshotSetEx masks the shadow LUNs or makes them read-write [INF mapping]."""
    set_id, _ = _set(system, TRANSPORTABLE, "E:\\")
    (shadow,) = system.shadow_copies()
    array.log.clear()
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        assert settle(bc.BreakSnapshotSetEx(set_id, flags)) == VSS_S_ASYNC_FINISHED
    expected = (
        []
        if state is None
        else [
            (
                "OnLunStateChange",
                (
                    [shadow.target_luns[0].m_szSerialNumber],
                    [shadow.source_luns[0].m_szSerialNumber],
                    1,
                    int(state),
                ),
            )
        ]
    )
    assert array.log == expected
    assert system.shadow_copies() == []


def test_recover_set_is_resync_luns(system: VssSystem, array: Array) -> None:
    """§9 Ex: ResyncLuns(pSourceLuns, pTargetLuns, dwCount): the shadow LUNs back onto the
    original volume's."""
    _set(system, VSS_CTX_NAS_ROLLBACK, "E:\\")
    (shadow,) = system.shadow_copies()
    make_writer(system)
    array.log.clear()
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForRestore(backup_xml(system))
        bc.AddSnapshotToRecoverySet(shadow.snapshot_id)
        array.log.clear()
        assert settle(bc.RecoverSet(0)) == VSS_S_ASYNC_FINISHED
    assert array.log == [
        (
            "ResyncLuns",
            (
                [shadow.target_luns[0].m_szSerialNumber],
                [shadow.source_luns[0].m_szSerialNumber],
                1,
            ),
        )
    ]


def test_reserved_methods_are_never_called(system: VssSystem, array: Array) -> None:
    """§9 Ex: GetProviderCapabilities and OnReuseLuns are "reserved for future use"."""
    _set(system, TRANSPORTABLE, "E:\\")
    assert not {"GetProviderCapabilities", "OnReuseLuns"} & {r.name for r in system.trace}
    for call in (array.GetProviderCapabilities, lambda: array.OnReuseLuns([], [], 0)):
        with pytest.raises(VssError) as reserved:
            call()
        assert reserved.value.hresult == E_NOTIMPL


def test_guid_null_prefers_the_array_then_software_then_system(system: VssSystem) -> None:
    """§9: with a hardware, a software and the system provider all taking a volume, GUID_NULL
    chooses hardware; where the array's LUNs are not, software; the system provider last."""
    system.add_volume("D:\\")
    system.add_volume("E:\\")

    class Picky(Software):
        def IsVolumeSupported(self, volume: str) -> bool:
            return volume.upper() != "E:\\"

    system.register_provider(Picky())
    system.register_provider(Array(drives=("0",)))  # the array holds C:\ only
    assert {p.provider_type for p in system.providers} >= {VSS_PROV_HARDWARE, VSS_PROV_SOFTWARE}
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(VSS_CTX_NAS_ROLLBACK)
        bc.StartSnapshotSet()
        copies = [bc.AddToSnapshotSet(volume) for volume in ("C:\\", "D:\\", "E:\\")]
        bc.DoSnapshotSet().Wait()
        chosen = [bc.GetSnapshotProperties(copy).m_ProviderId for copy in copies]
    assert chosen == [HW_ID, SW_ID, SYSTEM_PROVIDER_ID]


def test_the_default_array_describes_its_shadow_luns(system: VssSystem) -> None:
    """The defaults: every volume taken, each shadow LUN its original with a serial of its own."""
    system.add_volume("E:\\")
    system.register_provider(VssHardwareProvider())
    _set(system, TRANSPORTABLE, "E:\\")
    (shadow,) = system.shadow_copies()
    [source], [target] = shadow.source_luns, shadow.target_luns
    assert target.m_szSerialNumber == f"{source.m_szSerialNumber}-SHADOW"
    assert target.m_diskSignature == source.m_diskSignature != GUID_NULL


class InterruptedArray(Array):
    """The user's own KeyboardInterrupt from FillInLunInfo."""

    def FillInLunInfo(self, device: str, lun_information: VDS_LUN_INFORMATION) -> bool:
        self._note("FillInLunInfo", device, lun_information.m_szSerialNumber)
        raise KeyboardInterrupt


def test_a_base_exception_in_fill_in_lun_info_reaches_the_user_once_the_release_is_done(
    system: VssSystem,
) -> None:
    """[INF] FillInLunInfo's result is ignored (§9): a KeyboardInterrupt from it counts as "not
    supported", the copy still goes (OnLunEmpty), and the requester gets the exception when its
    release has finished, as from any other provider call."""
    for name in ("D:\\", "E:\\", "F:\\"):
        system.add_volume(name)
    array = InterruptedArray()
    system.register_provider(array)
    with pytest.raises(KeyboardInterrupt), system.CreateVssBackupComponents() as bc:
        begin_backup(bc)
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("E:\\")
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
        array.log.clear()
    assert array.calls() == ["FillInLunInfo", "OnLunEmpty"]
    assert system.shadow_copies() == []
    fills = [r for r in system.trace if r.name == "FillInLunInfo"]
    assert [(r.result, r.end_time is not None) for r in fills] == [
        ("raised KeyboardInterrupt", True)
    ]
    assert [v.rule.value for v in system.violations][-1:] == ["provider-misbehaved"]
    array.log.clear()
    with pytest.raises(KeyboardInterrupt), system.CreateVssBackupComponents() as bc:
        begin_backup(bc)  # the machine takes the next backup: nothing was left held
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("F:\\")
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
    assert array.calls()[-2:] == ["FillInLunInfo", "OnLunEmpty"]
    assert system.shadow_copies() == []
